/**
 * What a hot spot shows besides its tickets: centre, extent, trend and score
 * (docs/decisions/0014-hot-spots.md).
 */
import { unprojectLat, unprojectLon } from "./projection";

/** A hot spot's tickets as columns: metres east and north, and the time of each call. */
export interface SummaryColumns {
  xs: ArrayLike<number>;
  ys: ArrayLike<number>;
  ts: ArrayLike<number>;
}

export interface HotSpotSummary {
  count: number;
  centreLon: number;
  centreLat: number;
  /** The farthest ticket from the centre, metres. */
  radiusM: number;
  west: number;
  south: number;
  east: number;
  north: number;
  firstAt: number;
  lastAt: number;
  /** Tickets in the last trend window up to `now`, and in the window before it. */
  recent: number;
  previous: number;
  trend: "rising" | "steady" | "falling";
  /** Tickets weighted by freshness: each counts 2^(−age / window), so a hot spot from last spring fades. */
  score: number;
}

/**
 * Rising or falling needs a difference larger than chance: more than
 * 2·√(recent + previous) apart (two standard deviations of the difference of
 * two Poisson counts), otherwise steady.
 */
export function trendOf(recent: number, previous: number): HotSpotSummary["trend"] {
  const noise = 2 * Math.sqrt(recent + previous);
  if (recent - previous > noise) return "rising";
  if (previous - recent > noise) return "falling";
  return "steady";
}

export function summarise({ xs, ys, ts }: SummaryColumns, now: number, windowMs: number): HotSpotSummary {
  const count = xs.length;
  let sx = 0;
  let sy = 0;
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  let firstAt = Infinity;
  let lastAt = -Infinity;
  let recent = 0;
  let previous = 0;
  let score = 0;
  // 2^(−age / window) as e^(k · age): Math.exp costs a fraction of a general power.
  const k = -Math.LN2 / windowMs;
  for (let i = 0; i < count; i++) {
    const x = xs[i]!;
    const y = ys[i]!;
    const t = ts[i]!;
    sx += x;
    sy += y;
    minX = Math.min(minX, x);
    maxX = Math.max(maxX, x);
    minY = Math.min(minY, y);
    maxY = Math.max(maxY, y);
    firstAt = Math.min(firstAt, t);
    lastAt = Math.max(lastAt, t);
    const age = now - t;
    if (age >= 0 && age < windowMs) recent++;
    else if (age >= windowMs && age < 2 * windowMs) previous++;
    score += Math.exp(k * Math.max(0, age));
  }
  const cx = sx / count;
  const cy = sy / count;
  let r2 = 0;
  for (let i = 0; i < count; i++) r2 = Math.max(r2, (xs[i]! - cx) ** 2 + (ys[i]! - cy) ** 2);
  return {
    count,
    centreLon: unprojectLon(cx),
    centreLat: unprojectLat(cy),
    radiusM: Math.sqrt(r2),
    west: unprojectLon(minX),
    east: unprojectLon(maxX),
    south: unprojectLat(minY),
    north: unprojectLat(maxY),
    firstAt,
    lastAt,
    recent,
    previous,
    trend: trendOf(recent, previous),
    score,
  };
}
