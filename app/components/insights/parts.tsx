/** Pieces the insights pages share: the trend badge and the bar chart of counts by name. */
import type { EChartsCoreOption } from "echarts/core";
import type { ReactNode } from "react";
import { t } from "~/i18n";

const I = t.insights;

/** A horizontal bar chart of counts by name (shared with the hot spot page). */
export function barOption(rows: { name: string; count: number }[], seriesName: string): EChartsCoreOption {
  const shown = [...rows].reverse();
  return {
    aria: { enabled: true },
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
    grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
    xAxis: { type: "value", minInterval: 1 },
    yAxis: { type: "category", data: shown.map((r) => r.name) },
    series: [{ name: seriesName, type: "bar", data: shown.map((r) => r.count), itemStyle: { color: "#b3261e" } }],
  };
}

export function TrendBadge({ trend }: { trend: "rising" | "steady" | "falling" }) {
  return (
    <span className={`trend trend-${trend}`} title={I.trends[trend]}>
      <span aria-hidden="true">{I.trendArrows[trend]}</span> {I.trends[trend]}
    </span>
  );
}

/** Label–value pairs (the `.facts` list of app.css). */
export function Facts({ rows }: { rows: [string, ReactNode][] }) {
  return (
    <dl className="facts">
      {rows.map(([label, value]) => (
        <div key={label}>
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}
