import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { t } from "~/i18n";
import { requirePermission } from "~/lib/auth.server";
import { loadOrThrow } from "~/lib/forms.server";
import ratesStyles from "~/styles/rates.css?url";
import styles from "~/styles/insights.css?url";
import { yearlyProblems } from "../../server/insights";

const L = t.problems.list;
const I = t.insights;

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: ratesStyles },
  { rel: "stylesheet", href: styles },
];

export const meta: MetaFunction = () => [{ title: `${L.title} · ${t.app.name}` }];

export async function loader({ context, request }: LoaderFunctionArgs) {
  const actor = requirePermission(context, request, "read:insight");
  const raw = new URL(request.url).searchParams.get("year") ?? "";
  // A year outside the list's range shows the newest year rather than an empty page.
  const year = /^\d{4}$/.test(raw) && Number(raw) >= 2019 && Number(raw) <= 2100 ? Number(raw) : null;
  return loadOrThrow(() => yearlyProblems(context.database, actor, year));
}

export default function MonthlyProblems() {
  const { year, years, problems, mayCreate } = useLoaderData<typeof loader>();
  return (
    <main id="main" className="page insights-page">
      <p>
        <Link to="/insights">← {t.insights.problem.back}</Link>
      </p>
      <h1>{L.heading(year)}</h1>
      <p className="muted">{L.intro}</p>
      <nav aria-label={L.years}>
        <ul className="year-switcher">
          {years.map((y) => (
            <li key={y}>
              <Link to={`?year=${y}`} aria-current={y === year ? "page" : undefined}>
                {L.yearLabel(y)}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      {mayCreate ? (
        <p>
          <Link to={`/insights/monthly-problems/new?year=${year}`} className="button primary">
            {L.create}
          </Link>
        </p>
      ) : null}
      {problems.length === 0 ? (
        <p className="muted">{L.none}</p>
      ) : (
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">{L.caption(year)}</caption>
            <thead>
              <tr>
                <th scope="col">{L.month}</th>
                <th scope="col">{L.theme}</th>
                <th scope="col">{L.problemTitle}</th>
                <th scope="col">{L.categories}</th>
                <th scope="col">{L.areas}</th>
                <th scope="col">{L.lead}</th>
                <th scope="col">{L.target}</th>
                <th scope="col">{L.status}</th>
              </tr>
            </thead>
            <tbody>
              {problems.map((p) => (
                <tr key={p.id}>
                  <td>{p.month}</td>
                  <td>{p.theme}</td>
                  <td>
                    <Link to={`/insights/monthly-problems/${p.id}`}>{p.title}</Link>
                    {p.sourceHotSpotId ? <small className="muted"> · {L.fromHotSpot}</small> : null}
                  </td>
                  <td>{p.categories.map((c) => c.name).join("、")}</td>
                  <td>{p.areas.map((a) => a.name).join("、")}</td>
                  <td>{p.leadName ?? "—"}</td>
                  <td>{I.problems.targetValue(p.targetReductionPct)}</td>
                  <td>{I.problems.statuses[p.status]}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </main>
  );
}
