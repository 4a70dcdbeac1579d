import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { useMemo } from "react";
import { EChart } from "~/components/EChart";
import { barOption, TrendBadge } from "~/components/insights/parts";
import { formatDateTime, t } from "~/i18n";
import { requirePermission } from "~/lib/auth.server";
import { loadOrThrow } from "~/lib/forms.server";
import { keysOf } from "~/lib/keys";
import ratesStyles from "~/styles/rates.css?url";
import styles from "~/styles/insights.css?url";
import {
  currentWarnings,
  familyChoices,
  listHotSpots,
  listMonthlyProblems,
  recurringPlacesFor,
  risingCategories,
} from "../../server/insights";
import { regionNames } from "../../server/regions";

const I = t.insights;
/** The longest lists shown on the overview; the filters narrow them. */
const SHOWN = 50;

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: ratesStyles },
  { rel: "stylesheet", href: styles },
];

export const meta: MetaFunction = () => [{ title: `${I.title} · ${t.app.name}` }];

export async function loader({ context, request }: LoaderFunctionArgs) {
  const actor = requirePermission(context, request, "read:insight");
  const { database } = context;
  const filters = Object.fromEntries(new URL(request.url).searchParams);
  // The hot spots as last detected (the per-minute run, decision 0014): a run inside the request
  // would hold the page, and the portal, for seconds in a city of a million tickets.
  const [hotSpots, rising, recurring, problems, families, warnings] = await loadOrThrow(() =>
    Promise.all([
      listHotSpots(database, actor, filters),
      risingCategories(database, actor),
      recurringPlacesFor(database, actor),
      listMonthlyProblems(database, actor),
      familyChoices(database),
      currentWarnings(database, actor),
    ]),
  );
  const names = await regionNames(database, [
    ...hotSpots.map((h) => h.regionCode ?? ""),
    ...rising.map((r) => r.streetCode),
    ...recurring.map((r) => r.regionCode ?? ""),
    ...problems.map((p) => p.regionCode),
  ]);
  return {
    filters,
    hotSpots: hotSpots.slice(0, SHOWN),
    total: hotSpots.length,
    breakdown: breakdownOf(hotSpots),
    rising: rising.slice(0, SHOWN),
    recurring: recurring.slice(0, SHOWN).map((p) => ({ ...p, ticketCount: p.ticketIds.length, ticketIds: undefined })),
    problems,
    families,
    names,
    warnings,
  };
}

/** Tickets in hot spots per category family: the overview's bar chart. */
function breakdownOf(hotSpots: { familyName: string; ticketCount: number }[]) {
  const byFamily = new Map<string, number>();
  for (const h of hotSpots) byFamily.set(h.familyName, (byFamily.get(h.familyName) ?? 0) + h.ticketCount);
  return [...byFamily].map(([name, count]) => ({ name, count })).sort((a, b) => b.count - a.count);
}

/** This month's 预警约谈 so far, with the ways to the ranking, the list and the 七有五性 breakdown (decision 0018). */
function GovernanceWarnings({ month, topN, streets }: { month: string; topN: number; streets: WarnedStreet[] }) {
  const R = t.governance.ranking;
  return (
    <section className="card" aria-labelledby="warnings-heading" data-testid="governance-warnings">
      <h2 id="warnings-heading">{R.warningsHeading(topN)}</h2>
      {streets.length === 0 ? (
        <p className="muted">{R.warningsNone(topN)}</p>
      ) : (
        <ul>
          {streets.map((s) => (
            <li key={s.code} data-warned={s.code}>
              <span className="badge warning-badge">{R.warning}</span> {R.warningItem(s.name, s.rank!, s.volume)}
            </li>
          ))}
        </ul>
      )}
      <p>
        <Link to={`/insights/streets?month=${month}`}>{t.governance.list.rankingLink}</Link> ·{" "}
        <Link to="/insights/governance-streets">{R.listLink}</Link> · <Link to="/insights/tags">{R.tagsLink}</Link>
      </p>
    </section>
  );
}

type WarnedStreet = { code: string; name: string; rank: number | null; volume: number };

export default function Insights() {
  const { filters, hotSpots, total, breakdown, rising, recurring, problems, families, names, warnings } =
    useLoaderData<typeof loader>();
  const F = I.filters;
  const H = I.hotSpots;
  const breakdownChart = useMemo(() => barOption(breakdown, I.charts.count), [breakdown]);
  const regionLabel = (code: string | null) => (code ? (names[code] ?? code) : "—");
  return (
    <main id="main" className="page insights-page">
      <h1>{I.title}</h1>
      <p className="muted">{I.intro}</p>
      <GovernanceWarnings {...warnings} />

      <Form method="get" className="rates-filter" aria-label={F.legend}>
        <div className="field">
          <label htmlFor="f-region">{F.region}</label>
          <input id="f-region" name="regionCode" defaultValue={filters.regionCode ?? ""} placeholder={F.regionHint} />
        </div>
        <div className="field">
          <label htmlFor="f-category">{F.category}</label>
          <select id="f-category" name="categoryId" defaultValue={filters.categoryId ?? ""}>
            <option value="">{F.allCategories}</option>
            {families.map((c) => (
              <option key={c.id} value={c.id}>
                {c.level === 2 ? `\u3000${c.name}` : c.name}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="f-from">{F.from}</label>
          <input id="f-from" name="from" type="date" defaultValue={filters.from ?? ""} />
        </div>
        <div className="field">
          <label htmlFor="f-to">{F.to}</label>
          <input id="f-to" name="to" type="date" defaultValue={filters.to ?? ""} />
        </div>
        <div className="field">
          <label htmlFor="f-status">{F.status}</label>
          <select id="f-status" name="status" defaultValue={filters.status ?? "active"}>
            {keysOf(I.statuses).map((s) => (
              <option key={s} value={s}>
                {I.statuses[s]}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="f-review">{F.review}</label>
          <select id="f-review" name="review" defaultValue={filters.review ?? ""}>
            <option value="">{F.allReviews}</option>
            {keysOf(I.reviews).map((r) => (
              <option key={r} value={r}>
                {I.reviews[r]}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className="button primary">
          {F.show}
        </button>
        <Link className="button" to="/insights">
          {F.reset}
        </Link>
      </Form>

      <section aria-labelledby="hot-spots-heading">
        <h2 id="hot-spots-heading">
          {H.heading} <small className="muted">（{total}）</small>
        </h2>
        {hotSpots.length === 0 ? (
          <p className="muted">{H.none}</p>
        ) : (
          <div className="table-wrap">
            <table className="hot-spots">
              <caption className="visually-hidden">{H.caption}</caption>
              <thead>
                <tr>
                  <th scope="col">{H.score}</th>
                  <th scope="col">{H.trend}</th>
                  <th scope="col">{H.category}</th>
                  <th scope="col">{H.place}</th>
                  <th scope="col">{H.tickets}</th>
                  <th scope="col">{H.firstAt}</th>
                  <th scope="col">{H.lastAt}</th>
                  <th scope="col">{H.review}</th>
                </tr>
              </thead>
              <tbody>
                {hotSpots.map((h) => (
                  <tr key={h.id} data-hot-spot={h.id}>
                    <td className="num">{h.score.toFixed(1)}</td>
                    <td>
                      <TrendBadge trend={h.trend} />
                    </td>
                    <td>{h.familyName}</td>
                    <td>
                      <Link to={`/insights/hot-spots/${h.id}`}>{h.place ?? regionLabel(h.regionCode)}</Link>
                      <br />
                      <small className="muted">{regionLabel(h.regionCode)}</small>
                    </td>
                    <td className="num">{h.ticketCount}</td>
                    <td>{formatDateTime(h.firstAt)}</td>
                    <td>{formatDateTime(h.lastAt)}</td>
                    <td>{I.reviews[h.review]}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      {breakdown.length > 0 ? (
        <section className="card" aria-labelledby="breakdown-heading">
          <h2 id="breakdown-heading">{I.charts.breakdownTitle}</h2>
          <EChart
            option={breakdownChart}
            label={I.charts.breakdownLabel}
            loadingText={I.charts.loading}
            failedText={I.charts.failed}
            height={Math.max(160, breakdown.length * 36)}
            testId="chart-breakdown"
          />
        </section>
      ) : null}

      <div className="chart-grid">
        <section className="card" aria-labelledby="rising-heading">
          <h2 id="rising-heading">{I.rising.heading}</h2>
          <p className="muted small">{I.rising.intro}</p>
          {rising.length === 0 ? (
            <p className="muted">{I.rising.none}</p>
          ) : (
            <div className="table-wrap">
              <table>
                <caption className="visually-hidden">{I.rising.caption}</caption>
                <thead>
                  <tr>
                    <th scope="col">{I.rising.street}</th>
                    <th scope="col">{I.rising.category}</th>
                    <th scope="col">{I.rising.observed}</th>
                    <th scope="col">{I.rising.baseline}</th>
                    <th scope="col">{I.rising.pValue}</th>
                  </tr>
                </thead>
                <tbody>
                  {rising.map((r) => (
                    <tr key={`${r.streetCode}-${r.familyId}`}>
                      <td>{regionLabel(r.streetCode)}</td>
                      <td>{r.familyName}</td>
                      <td className="num">{r.observed}</td>
                      <td className="num">{r.baseline.toFixed(1)}</td>
                      <td className="num">{r.pValue < 0.0001 ? "<0.0001" : r.pValue.toFixed(4)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
        <section className="card" aria-labelledby="recurring-heading">
          <h2 id="recurring-heading">{I.recurring.heading}</h2>
          <p className="muted small">{I.recurring.intro}</p>
          {recurring.length === 0 ? (
            <p className="muted">{I.recurring.none}</p>
          ) : (
            <div className="table-wrap">
              <table>
                <caption className="visually-hidden">{I.recurring.caption}</caption>
                <thead>
                  <tr>
                    <th scope="col">{I.recurring.place}</th>
                    <th scope="col">{I.recurring.category}</th>
                    <th scope="col">{I.recurring.tickets}</th>
                    <th scope="col">{I.recurring.repeats}</th>
                  </tr>
                </thead>
                <tbody>
                  {recurring.map((p) => (
                    <tr key={`${p.family}-${p.address}`}>
                      <td>
                        {p.address}
                        <br />
                        <small className="muted">{regionLabel(p.regionCode)}</small>
                      </td>
                      <td>{p.familyName}</td>
                      <td className="num">{p.ticketCount}</td>
                      <td className="num">{p.repeats}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
      </div>

      <section aria-labelledby="problems-heading">
        <h2 id="problems-heading">{I.problems.heading}</h2>
        <p>
          <Link to="/insights/monthly-problems">{t.problems.list.allLink}</Link>
        </p>
        {problems.length === 0 ? (
          <p className="muted">{I.problems.none}</p>
        ) : (
          <div className="table-wrap">
            <table>
              <caption className="visually-hidden">{I.problems.caption}</caption>
              <thead>
                <tr>
                  <th scope="col">{I.problems.month}</th>
                  <th scope="col">{I.problems.title}</th>
                  <th scope="col">{I.problems.category}</th>
                  <th scope="col">{I.problems.region}</th>
                  <th scope="col">{I.problems.target}</th>
                  <th scope="col">{I.problems.status}</th>
                </tr>
              </thead>
              <tbody>
                {problems.map((p) => (
                  <tr key={p.id}>
                    <td>{p.month}</td>
                    <td>
                      <Link to={`/insights/monthly-problems/${p.id}`}>{p.title}</Link>
                    </td>
                    <td>{p.categories.map((c) => c.name).join("、")}</td>
                    <td>{regionLabel(p.regionCode)}</td>
                    <td>{I.problems.targetValue(p.targetReductionPct)}</td>
                    <td>{I.problems.statuses[p.status]}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </main>
  );
}
