import type { EChartsCoreOption, EChartsType } from "echarts/core";
import { useEffect, useRef, useState } from "react";

interface EChartProps {
  /** The chart's ECharts option; a new object redraws the chart. */
  option: EChartsCoreOption;
  /** What the chart shows, for screen readers (the same data is in a table nearby). */
  label: string;
  height?: number;
  loadingText: string;
  failedText: string;
  testId?: string;
}

/**
 * One ECharts chart. The library is loaded only in the browser (dynamic import
 * in an effect, so server rendering never touches it), drawn with the SVG
 * renderer, resized with its container and disposed on unmount.
 */
export function EChart({ option, label, height = 320, loadingText, failedText, testId }: EChartProps) {
  const container = useRef<HTMLDivElement>(null);
  const chart = useRef<EChartsType | null>(null);
  const [state, setState] = useState<"loading" | "ready" | "failed">("loading");

  useEffect(() => {
    let disposed = false;
    let observer: ResizeObserver | undefined;
    import("./echarts.client")
      .then(({ echarts }) => {
        const element = container.current;
        if (disposed || !element) return;
        chart.current = echarts.init(element, undefined, { renderer: "svg", locale: "ZH" });
        observer = new ResizeObserver(() => chart.current?.resize());
        observer.observe(element);
        setState("ready");
      })
      .catch(() => {
        if (!disposed) setState("failed");
      });
    return () => {
      disposed = true;
      observer?.disconnect();
      chart.current?.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    if (state === "ready") chart.current?.setOption(option, { notMerge: true });
  }, [option, state]);

  return (
    <div className="chart-frame">
      <div
        ref={container}
        className="chart"
        role="img"
        aria-label={label}
        data-testid={testId}
        data-state={state}
        style={{ height }}
      />
      {state !== "ready" ? (
        <p className="chart-status muted" role={state === "failed" ? "alert" : undefined}>
          {state === "failed" ? failedText : loadingText}
        </p>
      ) : null}
    </div>
  );
}
