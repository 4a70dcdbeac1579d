import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { t } from "~/i18n";
import { requirePermission } from "~/lib/auth.server";
import { loadOrThrow } from "~/lib/forms.server";
import { monthLabel } from "~/lib/rates-format";
import ratesStyles from "~/styles/rates.css?url";
import styles from "~/styles/insights.css?url";
import { volumeRanking } from "../../server/insights";
import { beijingMonth, shiftMonth } from "../../server/tickets";
import { MonthSelect } from "~/components/MonthSelect";

const R = t.governance.ranking;
/** The month picker reaches two years back. */
const PICKABLE_MONTHS = 24;

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: ratesStyles },
  { rel: "stylesheet", href: styles },
];

export const meta: MetaFunction = () => [{ title: `${R.title} · ${t.app.name}` }];

export async function loader({ context, request }: LoaderFunctionArgs) {
  const actor = requirePermission(context, request, "read:insight");
  const current = beijingMonth(new Date());
  const month = new URL(request.url).searchParams.get("month") || current;
  const ranking = await loadOrThrow(() => volumeRanking(context.database, actor, { month }));
  const months = Array.from({ length: PICKABLE_MONTHS }, (_, i) => shiftMonth(current, -i));
  if (!months.includes(month)) months.push(month);
  return { ...ranking, months };
}

const signed = (n: number) => (n > 0 ? `+${n}` : String(n));

export default function StreetRanking() {
  const { month, months, topN, streets } = useLoaderData<typeof loader>();
  const warned = streets.filter((s) => s.warned);
  const anyCalls = streets.some((s) => s.rank != null);
  return (
    <main id="main" className="page insights-page">
      <p>
        <Link to="/insights">{t.insights.problem.back}</Link> ·{" "}
        <Link to="/insights/governance-streets">{R.listLink}</Link> · <Link to="/insights/tags">{R.tagsLink}</Link>
      </p>
      <h1>{R.title}</h1>
      <p className="muted">{R.intro}</p>
      <Form method="get" className="rates-filter">
        <MonthSelect id="ranking-month" label={R.month} months={months} value={month} />
        <button type="submit" className="button primary">
          {R.show}
        </button>
      </Form>

      <section className="card" aria-labelledby="warnings-heading" data-testid="governance-warnings">
        <h2 id="warnings-heading">{R.warningsHeading(topN)}</h2>
        {!anyCalls ? (
          <p className="muted">{R.noData}</p>
        ) : warned.length === 0 ? (
          <p className="muted">{R.warningsNone(topN)}</p>
        ) : (
          <ul>
            {warned.map((s) => (
              <li key={s.code} data-warned={s.code}>
                <span className="badge warning-badge">{R.warning}</span> {R.warningItem(s.name, s.rank!, s.volume)}
                {s.notifiedAt ? <small className="muted"> · {R.notified}</small> : null}
              </li>
            ))}
          </ul>
        )}
      </section>

      <div className="table-wrap">
        <table className="street-volume-ranking">
          <caption>{R.caption(monthLabel(month))}</caption>
          <thead>
            <tr>
              <th scope="col">{R.rank}</th>
              <th scope="col">{R.street}</th>
              <th scope="col">{R.district}</th>
              <th scope="col">{R.volume}</th>
              <th scope="col">{R.previous}</th>
              <th scope="col">{R.change}</th>
              <th scope="col">{R.previousRank}</th>
              <th scope="col">{R.listed}</th>
            </tr>
          </thead>
          <tbody>
            {streets.map((s) => (
              <tr key={s.code} data-street={s.code} className={s.warned ? "warned" : undefined}>
                <td className="num">{s.rank ?? R.noRank}</td>
                <td>
                  {s.name}
                  {s.warned ? <span className="badge warning-badge"> {R.warning}</span> : null}
                </td>
                <td>{s.districtName ?? ""}</td>
                <td className="num">{s.volume}</td>
                <td className="num">{s.previous}</td>
                <td className="num">{signed(s.change)}</td>
                <td className="num">{s.previousRank ?? "—"}</td>
                <td>{s.listed ? R.onList : R.notListed}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </main>
  );
}
