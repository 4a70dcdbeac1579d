import { t } from "~/i18n";

export interface WhistleScoreRow {
  orgId: number;
  name: string;
  summoned: number;
  onTime: number;
  late: number;
  absent: number;
  evaluations: number;
  averageScore: number | null;
}

/** 双考核: each unit's reporting record and the scores it received (councils page, 三率 dashboard). */
export function WhistleScores({ rows, heading, id }: { rows: WhistleScoreRow[]; heading: string; id: string }) {
  if (rows.length === 0) return null;
  return (
    <section aria-labelledby={id} className="whistle-scores">
      <h3 id={id}>{heading}</h3>
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              {t.councils.list.scorecardColumns.map((c) => (
                <th scope="col" key={c}>
                  {c}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((s) => (
              <tr key={s.orgId}>
                <th scope="row">{s.name}</th>
                <td className="num">{s.summoned}</td>
                <td className="num">{s.onTime}</td>
                <td className="num">{s.late}</td>
                <td className="num">{s.absent}</td>
                <td className="num">{s.evaluations}</td>
                <td className="num">{s.averageScore == null ? "—" : s.averageScore.toFixed(1)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
