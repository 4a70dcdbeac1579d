import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import type { EChartsCoreOption } from "echarts/core";
import { useMemo } from "react";
import { EChart } from "~/components/EChart";
import { t } from "~/i18n";
import { requirePermission } from "~/lib/auth.server";
import { loadOrThrow } from "~/lib/forms.server";
import { percent } from "~/lib/rates-format";
import ratesStyles from "~/styles/rates.css?url";
import styles from "~/styles/insights.css?url";
import { sevenHaves } from "../../db/schema/tickets";
import { tagBreakdown } from "../../server/insights";

const G = t.governance;
const P = G.tagsPage;

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: ratesStyles },
  { rel: "stylesheet", href: styles },
];

export const meta: MetaFunction = () => [{ title: `${P.title} · ${t.app.name}` }];

export async function loader({ context, request }: LoaderFunctionArgs) {
  const actor = requirePermission(context, request, "read:insight");
  const filters = Object.fromEntries(new URL(request.url).searchParams);
  const breakdown = await loadOrThrow(() => tagBreakdown(context.database, actor, filters));
  return { ...breakdown, regionCode: filters.regionCode ?? "" };
}

type Row = ReturnType<typeof useLoaderData<typeof loader>>["tags"][number];

/** Volume as bars on the left axis, the two rates as lines in percent on the right. */
function chartOption(rows: Row[]): EChartsCoreOption {
  const pct = (v: number | null) => (v == null ? null : Math.round(v * 1000) / 10);
  return {
    aria: { enabled: true },
    tooltip: { trigger: "axis" },
    legend: { top: 0 },
    grid: { left: 8, right: 8, top: 36, bottom: 8, containLabel: true },
    xAxis: { type: "category", data: rows.map((r) => G.tags[r.tag]), axisLabel: { interval: 0, rotate: 30 } },
    yAxis: [
      { type: "value", minInterval: 1, name: P.chartVolume },
      { type: "value", min: 0, max: 100, name: "%" },
    ],
    series: [
      { name: P.chartVolume, type: "bar", data: rows.map((r) => r.volume), itemStyle: { color: "#b3261e" } },
      { name: P.chartResolution, type: "line", yAxisIndex: 1, data: rows.map((r) => pct(r.resolution)) },
      { name: P.chartSatisfaction, type: "line", yAxisIndex: 1, data: rows.map((r) => pct(r.satisfaction)) },
    ],
  };
}

export default function TagBreakdown() {
  const { from, to, tags, untagged, regionCode, areas } = useLoaderData<typeof loader>();
  const option = useMemo(() => chartOption(tags), [tags]);
  const groupOf = (tag: string) =>
    (sevenHaves as readonly string[]).includes(tag) ? G.tagGroups.seven : G.tagGroups.five;
  const communityLevel = areas?.some((a) => a.length > 9) ?? false;
  return (
    <main id="main" className="page insights-page">
      <p>
        <Link to="/insights">{t.insights.problem.back}</Link> · <Link to="/insights/streets">{G.list.rankingLink}</Link>
      </p>
      <h1>{P.title}</h1>
      <p className="muted">{P.intro}</p>
      <Form method="get" className="rates-filter">
        <div className="field">
          <label htmlFor="tags-from">{P.from}</label>
          <input id="tags-from" name="from" type="month" defaultValue={from} />
        </div>
        <div className="field">
          <label htmlFor="tags-to">{P.to}</label>
          <input id="tags-to" name="to" type="month" defaultValue={to} />
        </div>
        <div className="field">
          <label htmlFor="tags-region">{P.region}</label>
          <input
            id="tags-region"
            name="regionCode"
            defaultValue={regionCode}
            placeholder={t.insights.filters.regionHint}
          />
        </div>
        <button type="submit" className="button primary">
          {P.show}
        </button>
      </Form>
      {communityLevel ? <p className="muted small">{P.communityNote}</p> : null}

      <section className="card" aria-labelledby="tags-chart-heading">
        <h2 id="tags-chart-heading">{P.caption(from, to)}</h2>
        <EChart
          option={option}
          label={P.chartLabel}
          loadingText={t.insights.charts.loading}
          failedText={t.insights.charts.failed}
          height={360}
          testId="chart-tags"
        />
      </section>

      <div className="table-wrap">
        <table className="tag-breakdown">
          <caption>{P.caption(from, to)}</caption>
          <thead>
            <tr>
              <th scope="col">{P.group}</th>
              <th scope="col">{P.tag}</th>
              <th scope="col">{P.volume}</th>
              <th scope="col">{P.callbacks}</th>
              <th scope="col">{P.resolution}</th>
              <th scope="col">{P.satisfaction}</th>
            </tr>
          </thead>
          <tbody>
            {tags.map((r) => (
              <tr key={r.tag} data-tag={r.tag}>
                <td className="nowrap">{groupOf(r.tag)}</td>
                <td className="nowrap">{G.tags[r.tag]}</td>
                <td className="num">{r.volume}</td>
                <td className="num">{r.callbacks}</td>
                <td className="num">{percent(r.resolution)}</td>
                <td className="num">{percent(r.satisfaction)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {untagged > 0 ? <p className="muted small">{P.untagged(untagged)}</p> : null}
    </main>
  );
}
