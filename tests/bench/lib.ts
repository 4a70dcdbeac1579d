/**
 * The benchmark interface. A bench module (tests/bench/*.bench.ts) exports a
 * default `Bench`; `npm run bench` runs them all (tests/bench/run.ts) and
 * prints one table. Each measurement states its baseline — measured in the
 * same run, on the same machine — and its targets, so a result reads on its
 * own: metric, value, baseline, ratio, target, pass/fail. A row without a
 * baseline says why (`noBaseline`). How to read the table: docs/benchmarks.md.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export type Target =
  | { atLeast: number }
  | { atMost: number }
  /** value / baseline, for throughputs. */
  | { ratioAtLeast: number }
  /** baseline / value, for times (lower is better). */
  | { speedupAtLeast: number };

export interface Measurement {
  metric: string;
  value: number;
  unit: string;
  baseline?: number;
  /** What the baseline is, e.g. "raw batched insert". */
  baselineLabel?: string;
  /** Why no baseline was measured in the same run, when none was (shown in its place). */
  noBaseline?: string;
  targets?: Target[];
  note?: string;
}

export interface BenchContext {
  /** A folder for this run's files, removed at the end. */
  tmpDir: string;
  /** Shrinks row counts for a quick look (BENCH_SCALE=0.1); 1 is the issue's size. */
  scale: number;
  log(line: string): void;
  /** Shared between modules of one run (a generated file, for instance). */
  cache: Map<string, unknown>;
  /** Runs `fn` when the whole run ends (closing what `cache` holds). */
  atEnd(fn: () => void | Promise<void>): void;
}

export interface Bench {
  name: string;
  run(ctx: BenchContext): Promise<Measurement[]>;
}

export function defineBench(bench: Bench): Bench {
  return bench;
}

export function ratioOf(m: Measurement): number | null {
  if (m.baseline === undefined || m.baseline === 0) return null;
  return m.value / m.baseline;
}

export function describeTarget(target: Target, unit: string): string {
  if ("atLeast" in target) return `≥ ${format(target.atLeast)} ${unit}`;
  if ("atMost" in target) return `≤ ${format(target.atMost)} ${unit}`;
  if ("ratioAtLeast" in target) return `≥ ${target.ratioAtLeast}× baseline`;
  return `≥ ${target.speedupAtLeast}× faster than baseline`;
}

export function meets(target: Target, m: Measurement): boolean {
  if ("atLeast" in target) return m.value >= target.atLeast;
  if ("atMost" in target) return m.value <= target.atMost;
  const ratio = ratioOf(m);
  if (ratio === null) return false;
  if ("ratioAtLeast" in target) return ratio >= target.ratioAtLeast;
  return 1 / ratio >= target.speedupAtLeast;
}

/** Pass, fail, or null when the measurement has no target (information only). */
export function verdict(m: Measurement): boolean | null {
  if (!m.targets || m.targets.length === 0) return null;
  return m.targets.every((t) => meets(t, m));
}

export function format(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (Math.abs(n) >= 100) return Math.round(n).toLocaleString("en-US");
  if (Math.abs(n) >= 10) return n.toFixed(1);
  return n.toFixed(2);
}

/** The p-th percentile (0–100) of samples, nearest-rank. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
}

/** Samples the process's resident memory while `run` runs: the peak and the start. */
export async function withRssPeak<T>(run: () => Promise<T>, everyMs = 100) {
  const start = process.memoryUsage.rss();
  let peak = start;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, everyMs);
  try {
    const result = await run();
    peak = Math.max(peak, process.memoryUsage.rss());
    return { result, startRss: start, peakRss: peak };
  } finally {
    clearInterval(timer);
  }
}

export function temporaryFolder(prefix: string) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
