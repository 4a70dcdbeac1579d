/**
 * The watch over a monthly problem (每月一题, docs/decisions/0021): its calls
 * every half month from its baseline up to now, against two baselines — the
 * same half month a year earlier, and the mean of the half months before it
 * started — and its quantified target. Pure: the counts come from
 * `ticket_volume_rollups` (problems.ts); this file only does the arithmetic,
 * so it is tested with constructed counts and known answers.
 */
import { shiftHalfMonth } from "./periods";

/** A year of half months: the "same half month a year earlier" is this many back. */
export const HALF_MONTHS_PER_YEAR = 24;

export interface WatchInput {
  /** YYYY-MM the problem starts in. */
  month: string;
  /** The half month now is in ("YYYY-MM-1|2"); it is still filling, so summaries leave it out. */
  current: string;
  /** How many half months before the start form the baseline mean. */
  baselinePeriods: number;
  targetReductionPct: number;
  ceilingPerHalfMonth: number | null;
  /** Calls per half month over the problem's categories and areas; a missing period is 0. */
  counts: ReadonlyMap<string, number>;
}

export interface WatchPeriod {
  period: string;
  /** Before the start (part of the baseline) or since. */
  phase: "baseline" | "running";
  /** The current half month, still filling. */
  partial: boolean;
  count: number;
  yearBefore: number;
  /** What the target allows in a running half month (baseline mean less the reduction); null before the start. */
  target: number | null;
}

export interface Watch {
  /** The problem's first half month. */
  start: string;
  periods: WatchPeriod[];
  /** Mean calls per half month over the baseline half months that are over (null when none is). */
  baselineMean: number | null;
  /** How many half months the mean is over (fewer than asked when the start is not far enough behind). */
  baselineCount: number;
  /** The target per half month: the baseline mean less the reduction aimed at. */
  target: number | null;
  ceiling: number | null;
  /** Over the running half months that are over. */
  running: {
    periods: number;
    mean: number | null;
    /** Change of the mean against the baseline mean, in percent (negative: fewer calls). */
    changePct: number | null;
    /** Change of the total against the same half months a year earlier, in percent. */
    yearChangePct: number | null;
    /** Half months above the ceiling. */
    overCeiling: number;
    /** Target met so far: the reduction reached and no half month above the ceiling; null before any is over. */
    met: boolean | null;
  };
}

/** The first half month of a YYYY-MM. */
export const startOf = (month: string) => `${month}-1`;

/** The periods the watch needs counts for: from a year before the first baseline half month up to now. */
export function watchRange(month: string, baselinePeriods: number, current: string) {
  const first = shiftHalfMonth(startOf(month), -baselinePeriods);
  return { first, from: shiftHalfMonth(first, -HALF_MONTHS_PER_YEAR), to: current };
}

const round1 = (x: number) => Math.round(x * 10) / 10;
const changePct = (now: number, before: number) => (before > 0 ? round1(((now - before) / before) * 100) : null);

export function problemWatch(input: WatchInput): Watch {
  const start = startOf(input.month);
  const { first } = watchRange(input.month, input.baselinePeriods, input.current);
  const at = (p: string) => input.counts.get(p) ?? 0;
  const baselineDone: number[] = [];
  for (let p = first; p < start && p < input.current; p = shiftHalfMonth(p, 1)) baselineDone.push(at(p));
  const baselineMean = baselineDone.length
    ? round1(baselineDone.reduce((a, b) => a + b, 0) / baselineDone.length)
    : null;
  const target = baselineMean == null ? null : round1(baselineMean * (1 - input.targetReductionPct / 100));

  const periods: WatchPeriod[] = [];
  for (let p = first; p <= input.current; p = shiftHalfMonth(p, 1)) {
    const running = p >= start;
    periods.push({
      period: p,
      phase: running ? "running" : "baseline",
      partial: p === input.current,
      count: at(p),
      yearBefore: at(shiftHalfMonth(p, -HALF_MONTHS_PER_YEAR)),
      target: running ? target : null,
    });
  }

  const over = periods.filter((p) => p.phase === "running" && !p.partial);
  const total = over.reduce((a, p) => a + p.count, 0);
  const yearTotal = over.reduce((a, p) => a + p.yearBefore, 0);
  const mean = over.length ? round1(total / over.length) : null;
  const change = mean == null || baselineMean == null ? null : changePct(total / over.length, baselineMean);
  const overCeiling =
    input.ceilingPerHalfMonth == null ? 0 : over.filter((p) => p.count > input.ceilingPerHalfMonth!).length;
  const reductionMet = change == null ? null : change <= -input.targetReductionPct;
  return {
    start,
    periods,
    baselineMean,
    baselineCount: baselineDone.length,
    target,
    ceiling: input.ceilingPerHalfMonth,
    running: {
      periods: over.length,
      mean,
      changePct: change,
      yearChangePct: over.length ? changePct(total, yearTotal) : null,
      overCeiling,
      // Nothing to judge before a half month is over, or with neither a baseline to reduce nor a ceiling.
      met:
        over.length === 0 || (reductionMet == null && input.ceilingPerHalfMonth == null)
          ? null
          : (reductionMet ?? true) && overCeiling === 0,
    },
  };
}
