import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useLocation, useNavigation } from "@remix-run/react";
import type { EChartsCoreOption } from "echarts/core";
import { useMemo } from "react";
import { WhistleScores } from "~/components/councils/WhistleScores";
import { EChart } from "~/components/EChart";
import { FormError } from "~/components/Field";
import { formatDateTime, t } from "~/i18n";
import { requireActor, requirePermission } from "~/lib/auth.server";
import { formObject, handleForm, loadOrThrow, parseId } from "~/lib/forms.server";
import { credited, monthLabel, percent, points } from "~/lib/rates-format";
import { ownScorecardOrg, resolveMonth } from "~/lib/rates.server";
import styles from "~/styles/rates.css?url";
import { NotFoundError, ValidationError } from "../../server/errors";
import { can } from "../../server/identity";
import {
  DEFAULT_BOTTOM,
  listAppeals,
  monthlyScorecards,
  overdueByUnit,
  reviewAppeal,
  scoredOrgKinds,
  shiftMonth,
  streetRanking,
  trend,
  unitTable,
} from "../../server/tickets";
import { keysOf } from "~/lib/keys";
import { whistleScorecards } from "../../server/councils";
import { MonthSelect } from "~/components/MonthSelect";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: styles }];

export const meta: MetaFunction = () => [{ title: `${t.rates.title} · ${t.app.name}` }];

/** Unit rows per page of the centre's table; the workbook has them all. */
const UNIT_ROWS = 50;
/** Units shown in the overdue table until all are asked for (`overdue=all`): the worst first. */
const OVERDUE_ROWS = 20;

/**
 * What the page shows of the street ranking: every street, with only the figures its table and chart
 * draw. The full counters of 349 streets were most of the page's data (~150 KB, serialised on every
 * view); the workbook export still has them all.
 */
function rankingView(ranking: Awaited<ReturnType<typeof streetRanking>>) {
  const { month, bottomCount, rankedCount, noDataCount } = ranking;
  return {
    month,
    bottomCount,
    rankedCount,
    noDataCount,
    streets: ranking.streets.map(({ code, name, districtName, rank, bottom, counts, rates }) => ({
      code,
      name,
      districtName,
      rank,
      bottom,
      dispatched: counts.dispatched,
      rates: {
        response: rates.response,
        resolution: rates.resolution,
        satisfaction: rates.satisfaction,
        composite: rates.composite,
        partial: rates.partial,
      },
    })),
  };
}

/** The overdue table: the worst units first, all of them only when asked; totals over all. */
function overdueView(rows: Awaited<ReturnType<typeof overdueByUnit>>, all: boolean) {
  return {
    units: rows.length,
    tickets: rows.reduce((sum, r) => sum + r.overdue, 0),
    all,
    rows: all ? rows : rows.slice(0, OVERDUE_ROWS),
  };
}

export async function loader({ context, request }: LoaderFunctionArgs) {
  const actor = requirePermission(context, request, "read:scorecard");
  const url = new URL(request.url);
  const database = context.database;
  const { month, range } = await resolveMonth(database, actor, url.searchParams.get("month"));
  const centre = can(actor, "read:scorecard", {});
  const supervisor = can(actor, "supervise:ticket", {});
  const kind = url.searchParams.get("kind") ?? "";
  const bottom = url.searchParams.get("bottom") || undefined;
  const orgId = ownScorecardOrg(actor);
  const [scorecards, ranking, history, appeals, overdue, whistleScores] = await loadOrThrow(() =>
    Promise.all([
      monthlyScorecards(database, actor, { month, orgKind: centre ? kind : "" }),
      streetRanking(database, actor, month, { bottom }),
      trend(database, actor, { months: 12, to: month, ...(orgId != null ? { orgId } : {}) }),
      supervisor ? listAppeals(database, actor, { status: "pending" }) : Promise.resolve(null),
      supervisor ? overdueByUnit(database, actor) : Promise.resolve(null),
      // 双考核 from whistles counts in a unit's record too: the centre sees every unit, a unit its own.
      whistleScorecards(database, centre ? null : orgId != null ? [orgId] : [], new Date(), month),
    ]),
  );
  // The picker: every month from the first with data (at least a year back) to now, newest first.
  const oldest = [range.first ?? range.current, shiftMonth(range.current, -11)].sort()[0]!;
  const months: string[] = [];
  for (let m = range.current; m >= oldest && months.length < 60; m = shiftMonth(m, -1)) months.push(m);
  if (!months.includes(month)) months.push(month);
  return {
    month,
    months,
    centre,
    kind: centre ? kind : "",
    bottom: Number(bottom ?? DEFAULT_BOTTOM),
    kinds: centre ? scoredOrgKinds : [],
    currentMonth: range.current,
    // The centre pages through every unit; a unit sees its own few.
    scorecards: { ...scorecards, units: centre ? [] : scorecards.units },
    units: centre
      ? unitTable(
          scorecards.units,
          {
            order: url.searchParams.get("order"),
            query: url.searchParams.get("unit"),
            page: url.searchParams.get("page"),
          },
          UNIT_ROWS,
        )
      : null,
    ranking: rankingView(ranking),
    history,
    appeals,
    overdue: overdue ? overdueView(overdue, url.searchParams.get("overdue") === "all") : null,
    whistleScores,
  };
}

/** The appeals queue's review form: approve or reject, with the reviewer's note. */
export async function action({ context, request }: ActionFunctionArgs) {
  const actor = requireActor(context, request);
  const form = formObject(await request.formData());
  const intent = form.intent ?? "";
  const appealId = form.appealId ?? "";
  return handleForm(
    async () => {
      if (intent !== "review-appeal") throw new ValidationError(t.errors.unknownIntent);
      const id = parseId(appealId);
      if (!id) throw new NotFoundError("核减申请不存在");
      await reviewAppeal(
        context.database,
        actor,
        id,
        { approve: form.approve, note: form.note },
        {
          ip: context.clientIp,
        },
      );
      return {
        ok: true as const,
        intent,
        appealId,
        message: form.approve === "true" ? t.rates.appeals.approved : t.rates.appeals.rejected,
      };
    },
    { intent, appealId },
  );
}

type Data = ReturnType<typeof useLoaderData<typeof loader>>;

const colours = { response: "#0b5cad", resolution: "#1b6e3c", satisfaction: "#b86e00", composite: "#b3261e" };

function trendOption(history: Data["history"]): EChartsCoreOption {
  const R = t.rates.cards;
  const asPercent = (v: number | null) => (v == null ? null : Math.round(v * 1000) / 10);
  const line = (name: string, data: (number | null)[], color: string, dashed = false) => ({
    name,
    type: "line",
    data,
    connectNulls: false,
    symbolSize: 6,
    itemStyle: { color },
    lineStyle: { color, width: 2, type: dashed ? "dashed" : "solid" },
  });
  return {
    aria: { enabled: true },
    tooltip: { trigger: "axis", valueFormatter: (v: unknown) => (v == null ? t.rates.noData : String(v)) },
    legend: { top: 0 },
    grid: { left: 8, right: 16, top: 40, bottom: 8, containLabel: true },
    xAxis: { type: "category", data: history.months.map(monthLabel), boundaryGap: false },
    yAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}" } },
    series: [
      line(
        R.response,
        history.series.map((s) => asPercent(s.rates.response)),
        colours.response,
      ),
      line(
        R.resolution,
        history.series.map((s) => asPercent(s.rates.resolution)),
        colours.resolution,
      ),
      line(
        R.satisfaction,
        history.series.map((s) => asPercent(s.rates.satisfaction)),
        colours.satisfaction,
      ),
      line(
        R.composite,
        history.series.map((s) => (s.rates.composite == null ? null : Math.round(s.rates.composite * 100) / 100)),
        colours.composite,
        true,
      ),
    ],
  };
}

function volumeOption(history: Data["history"]): EChartsCoreOption {
  return {
    aria: { enabled: true },
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
    legend: { type: "scroll", bottom: 0 },
    grid: { left: 8, right: 16, top: 16, bottom: 36, containLabel: true },
    xAxis: { type: "category", data: history.months.map(monthLabel) },
    yAxis: { type: "value", minInterval: 1 },
    series: history.volumes.map((v) => ({ name: v.name, type: "bar", stack: "volume", data: v.counts })),
  };
}

function rankingOption(ranking: Data["ranking"]): EChartsCoreOption {
  const ranked = ranking.streets.filter((s) => s.rank != null);
  const many = ranked.length > 40;
  return {
    aria: { enabled: true },
    tooltip: {
      trigger: "axis",
      axisPointer: { type: "shadow" },
      formatter: (params: unknown) => {
        const p = (params as { dataIndex: number }[])[0];
        const s = p ? ranked[p.dataIndex] : undefined;
        if (!s) return "";
        const bottom = s.bottom ? ` · ${t.rates.ranking.bottomLabel}` : "";
        return `${t.rates.ranking.rank} ${s.rank}${bottom}<br/>${s.districtName ?? ""} ${s.name}<br/>${t.rates.charts.composite} ${points(s.rates.composite)}`;
      },
    },
    grid: { left: 8, right: 16, top: 32, bottom: many ? 40 : 8, containLabel: true },
    xAxis: {
      type: "category",
      data: ranked.map((s) => s.name),
      // Hundreds of streets: the bars show the distribution, the tooltip and the table name them.
      axisLabel: many ? { show: false } : { interval: 0, rotate: ranked.length > 8 ? 45 : 0 },
      axisTick: { show: !many },
    },
    yAxis: { type: "value", min: 0, max: 100, name: t.rates.charts.composite },
    dataZoom: many ? [{ type: "inside" }, { type: "slider", height: 18, bottom: 8 }] : [],
    series: [
      {
        name: t.rates.charts.composite,
        type: "bar",
        // A composite of 0 still shows as a sliver, so the named bottom is visible.
        barMinHeight: 2,
        data: ranked.map((s) => ({
          value: s.rates.composite == null ? null : Math.round(s.rates.composite * 100) / 100,
          itemStyle: { color: s.bottom ? colours.composite : colours.response },
        })),
      },
    ],
  };
}

function RateCards({ total }: { total: Data["scorecards"]["total"] }) {
  const C = t.rates.cards;
  const { counts, rates } = total;
  const cards = [
    {
      key: "response",
      label: C.response,
      value: percent(rates.response),
      detail: C.responseDetail(counts.responded, rates.scored),
    },
    {
      key: "resolution",
      label: C.resolution,
      value: percent(rates.resolution),
      detail: C.resolutionDetail(credited(rates.resolvedCredited), counts.callbacks),
    },
    {
      key: "satisfaction",
      label: C.satisfaction,
      value: percent(rates.satisfaction),
      detail: C.satisfactionDetail(credited(rates.satisfiedCredited), counts.callbacks),
    },
    {
      key: "composite",
      label: C.composite,
      value: points(rates.composite),
      detail: C.compositeDetail(counts.dispatched, counts.excluded),
    },
  ];
  return (
    <ul className="rate-cards">
      {cards.map((c) => (
        <li key={c.key} className={`card rate-card rate-${c.key}`} data-rate={c.key}>
          <span className="rate-label">{c.label}</span>
          <strong className="rate-value">{c.value}</strong>
          <span className="rate-detail muted">{c.detail}</span>
        </li>
      ))}
    </ul>
  );
}

function UnitTable(props: { table: NonNullable<Data["units"]>; month: string; pageHref: (page: number) => string }) {
  const { table, month } = props;
  const U = t.rates.units;
  return (
    <section aria-labelledby="units-heading">
      <h2 id="units-heading">{U.heading}</h2>
      {table.total === 0 ? (
        <p className="muted">{table.query ? U.noMatch(table.query) : U.empty}</p>
      ) : (
        <>
          <div className="table-wrap scroll-wrap">
            <table className="rates-table" id="units-table">
              <caption className="visually-hidden">{U.caption(monthLabel(month), U.orders[table.order])}</caption>
              <thead>
                <tr>
                  <th scope="col" className="num">
                    {U.rank}
                  </th>
                  <th scope="col">{U.unit}</th>
                  <th scope="col">{U.kind}</th>
                  {[U.dispatched, U.excluded, U.callbacks, U.response, U.resolution, U.satisfaction, U.composite].map(
                    (label) => (
                      <th key={label} scope="col" className="num">
                        {label}
                      </th>
                    ),
                  )}
                </tr>
              </thead>
              <tbody>
                {table.rows.map((u) => (
                  <tr key={u.orgId}>
                    <td className="num">{u.rank}</td>
                    <th scope="row">{u.name}</th>
                    <td className="nowrap">{t.orgKinds[u.kind]}</td>
                    <td className="num">{u.counts.dispatched}</td>
                    <td className="num">{u.counts.excluded}</td>
                    <td className="num">{u.counts.callbacks}</td>
                    <td className="num">{percent(u.rates.response)}</td>
                    <td className="num">{percent(u.rates.resolution)}</td>
                    <td className="num">{percent(u.rates.satisfaction)}</td>
                    <td className="num strong">
                      {points(u.rates.composite)}
                      {u.rates.partial ? (
                        <span className="partial-mark" title={U.partialMark}>
                          *<span className="visually-hidden">{U.partialMark}</span>
                        </span>
                      ) : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <nav className="pagination" aria-label={U.pages}>
            {table.page > 1 ? (
              <Link to={props.pageHref(table.page - 1)} rel="prev">
                {U.prev}
              </Link>
            ) : (
              <span />
            )}
            <span className="muted">{U.pageOf(table.page, table.pages, table.total)}</span>
            {table.page < table.pages ? (
              <Link to={props.pageHref(table.page + 1)} rel="next">
                {U.next}
              </Link>
            ) : (
              <span />
            )}
          </nav>
        </>
      )}
    </section>
  );
}

export default function Rates() {
  const data = useLoaderData<typeof loader>();
  const { month, months, centre, scorecards, ranking, history, appeals, overdue } = data;
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const { search } = useLocation();
  const R = t.rates;
  const w = scorecards.weights;
  const trendChart = useMemo(() => trendOption(history), [history]);
  const volumeChart = useMemo(() => volumeOption(history), [history]);
  const rankingChart = useMemo(() => rankingOption(ranking), [ranking]);
  const bottomStreets = ranking.streets.filter((s) => s.bottom);
  const failureFor = (appealId: number) =>
    result && !result.ok && result.appealId === String(appealId) ? result.message : undefined;
  const pageHref = (page: number) => {
    const params = new URLSearchParams(search);
    params.set("page", String(page));
    return `?${params}#units-heading`;
  };
  const overdueHref = (all: boolean) => {
    const params = new URLSearchParams(search);
    if (all) params.set("overdue", "all");
    else params.delete("overdue");
    return `?${params}#overdue-heading`;
  };
  const exportHref = `/rates/export.xlsx?${new URLSearchParams({ month, ...(data.kind ? { kind: data.kind } : {}), bottom: String(data.bottom) })}`;

  return (
    <main id="main" className="page rates-page">
      <h1>{R.title}</h1>
      <p className="muted">{R.intro}</p>
      <Form method="get" className="rates-filter">
        <MonthSelect id="rates-month" label={R.month} months={months} value={month} />
        {centre ? (
          <div className="field">
            <label htmlFor="rates-kind">{R.units.kind}</label>
            <select id="rates-kind" name="kind" defaultValue={data.kind}>
              <option value="">{R.units.allKinds}</option>
              {data.kinds.map((k) => (
                <option key={k} value={k}>
                  {t.orgKinds[k]}
                </option>
              ))}
            </select>
          </div>
        ) : null}
        {data.units ? (
          <>
            <div className="field">
              <label htmlFor="rates-order">{R.units.order}</label>
              <select id="rates-order" name="order" defaultValue={data.units.order}>
                {keysOf(R.units.orders).map((o) => (
                  <option key={o} value={o}>
                    {R.units.orders[o]}
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label htmlFor="rates-unit">{R.units.search}</label>
              <input id="rates-unit" name="unit" type="search" maxLength={50} defaultValue={data.units.query} />
            </div>
          </>
        ) : null}
        <div className="field">
          <label htmlFor="rates-bottom">{R.ranking.bottomCount}</label>
          <input id="rates-bottom" name="bottom" type="number" min={0} max={100} defaultValue={data.bottom} />
        </div>
        <button type="submit" className="button primary">
          {R.show}
        </button>
        <a className="button" href={exportHref} download>
          {R.export}
        </a>
      </Form>

      <section aria-labelledby="rates-scope">
        <h2 id="rates-scope">
          {monthLabel(month)} ·{" "}
          {centre ? R.scopeAll : R.scopeOwn(scorecards.units.map((u) => u.name).join("、") || "—")}
        </h2>
        <RateCards total={scorecards.total} />
        <p className="muted small">
          {R.weightsNote(w.response, w.resolution, w.satisfaction, w.partialCredit, w.basicCredit)}
        </p>
        {month === data.currentMonth ? <p className="month-open">{R.monthOpen}</p> : null}
      </section>

      <div className="chart-grid">
        <section className="card" aria-labelledby="trend-heading">
          <h2 id="trend-heading">{R.charts.trendTitle}</h2>
          <EChart
            option={trendChart}
            label={R.charts.trendLabel}
            loadingText={R.charts.loading}
            failedText={R.charts.failed}
            testId="chart-trend"
          />
        </section>
        <section className="card" aria-labelledby="volume-heading">
          <h2 id="volume-heading">{R.charts.volumeTitle}</h2>
          <EChart
            option={volumeChart}
            label={R.charts.volumeLabel}
            loadingText={R.charts.loading}
            failedText={R.charts.failed}
            testId="chart-volume"
          />
        </section>
      </div>

      {data.units ? <UnitTable table={data.units} month={month} pageHref={pageHref} /> : null}

      <WhistleScores
        rows={data.whistleScores}
        heading={R.whistleScores(monthLabel(month))}
        id="whistle-scores-heading"
      />

      <section aria-labelledby="ranking-heading">
        <h2 id="ranking-heading">{R.ranking.heading}</h2>
        <p className="muted">{R.ranking.intro(ranking.rankedCount, ranking.noDataCount, ranking.bottomCount)}</p>
        {bottomStreets.length ? (
          <p className="bottom-named">{R.ranking.bottomNamed(bottomStreets.map((s) => s.name).join("、"))}</p>
        ) : null}
        <div className="card">
          <h3 className="chart-title">{R.charts.rankingTitle}</h3>
          <EChart
            option={rankingChart}
            label={R.charts.rankingLabel}
            height={360}
            loadingText={R.charts.loading}
            failedText={R.charts.failed}
            testId="chart-ranking"
          />
        </div>
        <div className="table-wrap scroll-wrap ranking-wrap">
          <table className="rates-table" id="ranking-table">
            <caption className="visually-hidden">{R.ranking.caption(monthLabel(month))}</caption>
            <thead>
              <tr>
                <th scope="col" className="num">
                  {R.ranking.rank}
                </th>
                <th scope="col">{R.ranking.street}</th>
                <th scope="col">{R.ranking.district}</th>
                <th scope="col" className="num">
                  {R.ranking.dispatched}
                </th>
                <th scope="col" className="num">
                  {R.ranking.response}
                </th>
                <th scope="col" className="num">
                  {R.ranking.resolution}
                </th>
                <th scope="col" className="num">
                  {R.ranking.satisfaction}
                </th>
                <th scope="col" className="num">
                  {R.ranking.composite}
                </th>
                <th scope="col">{R.ranking.note}</th>
              </tr>
            </thead>
            <tbody>
              {ranking.streets.map((s) => (
                <tr
                  key={s.code}
                  className={s.bottom ? "bottom" : s.rank == null ? "no-data" : undefined}
                  data-code={s.code}
                >
                  <td className="num">{s.rank ?? "—"}</td>
                  <th scope="row">{s.name}</th>
                  <td className="nowrap">{s.districtName}</td>
                  <td className="num">{s.dispatched}</td>
                  <td className="num">{percent(s.rates.response)}</td>
                  <td className="num">{percent(s.rates.resolution)}</td>
                  <td className="num">{percent(s.rates.satisfaction)}</td>
                  <td className="num strong">{points(s.rates.composite)}</td>
                  <td>
                    {s.bottom ? <span className="badge bottom-badge">{R.ranking.bottomLabel}</span> : null}
                    {s.rank == null ? <span className="muted">{R.noData}</span> : null}
                    {s.rates.partial ? <span className="muted small">{R.ranking.partial}</span> : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      {appeals ? (
        <section aria-labelledby="appeals-heading">
          <h2 id="appeals-heading">{R.appeals.heading}</h2>
          {result?.ok ? (
            <p className="form-ok" role="status">
              {result.message}
            </p>
          ) : null}
          {appeals.length === 0 ? (
            <p className="muted">{R.appeals.empty}</p>
          ) : (
            <ul className="appeal-list" aria-label={R.appeals.caption}>
              {appeals.map((a) => (
                <li key={a.id} className="card appeal">
                  <dl className="appeal-facts">
                    <dt>{R.appeals.ticket}</dt>
                    <dd>
                      <Link to={`/tickets/${a.ticketId}`}>{a.number}</Link>
                      {a.dispatchMonth ? <span className="muted small"> · {monthLabel(a.dispatchMonth)}</span> : null}
                    </dd>
                    <dt>{R.appeals.unit}</dt>
                    <dd>{a.orgName}</dd>
                    <dt>{R.appeals.requestedAt}</dt>
                    <dd>
                      {formatDateTime(a.requestedAt)}
                      {a.requestedBy ? <span className="muted small"> · {a.requestedBy}</span> : null}
                    </dd>
                    <dt>{R.appeals.reason}</dt>
                    <dd className="reason">{a.reason}</dd>
                  </dl>
                  <Form method="post" className="appeal-form" preventScrollReset>
                    <input type="hidden" name="intent" value="review-appeal" />
                    <input type="hidden" name="appealId" value={a.id} />
                    <label htmlFor={`appeal-note-${a.id}`}>{R.appeals.note}</label>
                    <input id={`appeal-note-${a.id}`} name="note" required minLength={2} maxLength={1000} />
                    <div className="row-actions">
                      <button type="submit" name="approve" value="true" className="button primary" disabled={busy}>
                        {R.appeals.approve}
                      </button>
                      <button type="submit" name="approve" value="false" className="button" disabled={busy}>
                        {R.appeals.reject}
                      </button>
                    </div>
                    <FormError message={failureFor(a.id)} />
                  </Form>
                </li>
              ))}
            </ul>
          )}
        </section>
      ) : null}

      {overdue ? (
        <section aria-labelledby="overdue-heading">
          <h2 id="overdue-heading">{R.overdue.heading}</h2>
          {overdue.units === 0 ? (
            <p className="muted">{R.overdue.empty}</p>
          ) : (
            <>
              <p className="muted">{R.overdue.intro(overdue.units, overdue.tickets)}</p>
              <div className="table-wrap scroll-wrap">
                <table className="rates-table" id="overdue-table">
                  <caption className="visually-hidden">{R.overdue.caption}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{R.overdue.unit}</th>
                      <th scope="col" className="num">
                        {R.overdue.count}
                      </th>
                      <th scope="col" className="num">
                        {R.overdue.supervised}
                      </th>
                      <th scope="col">{R.overdue.oldest}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {overdue.rows.map((o) => (
                      <tr key={o.orgId ?? "none"}>
                        <th scope="row">
                          <Link to={o.href} aria-label={R.overdue.viewLabel(o.name ?? R.overdue.noUnit)}>
                            {o.name ?? R.overdue.noUnit}
                          </Link>
                        </th>
                        <td className="num strong">{o.overdue}</td>
                        <td className="num">{o.supervised}</td>
                        <td className="nowrap">{o.oldestDeadline ? formatDateTime(o.oldestDeadline) : ""}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              {overdue.rows.length < overdue.units ? (
                <p>
                  <Link to={overdueHref(true)}>{R.overdue.showAll(overdue.units)}</Link>
                </p>
              ) : overdue.all && overdue.units > OVERDUE_ROWS ? (
                <p>
                  <Link to={overdueHref(false)}>{R.overdue.showWorst(OVERDUE_ROWS)}</Link>
                </p>
              ) : null}
            </>
          )}
        </section>
      ) : null}
    </main>
  );
}
