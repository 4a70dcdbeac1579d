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

/**
 * What a hot spot's summary is kept from, so that a refresh which only adds
 * tickets to it costs in proportion to the new tickets, not to the hot spot
 * (docs/decisions/0014-hot-spots.md): sums for the centre, the bounding box
 * and the first and last call, the score as of the last summary (a later
 * score is that one decayed, plus the newcomers'), the calls recent enough
 * to fall in a later summary's trend windows, and the convex hull — the
 * farthest ticket from any centre is one of its corners.
 */
export interface SummaryState {
  count: number;
  sx: number;
  sy: number;
  minX: number;
  maxX: number;
  minY: number;
  maxY: number;
  firstAt: number;
  lastAt: number;
  /** When it was summarised, and the score then. */
  asOf: number;
  score: number;
  /** The times after asOf − 2 windows. */
  recentTimes: Float64Array;
  /**
   * The hull's corners as x, y pairs, counter-clockwise; null until
   * `completeHull` (a hot spot summarised whole measures its radius directly,
   * and its hull is worked out while the plan is written).
   */
  hull: Float64Array | null;
}

/** A call's weight in the score: 2^(−age / window), as e^(k · age) with k = −ln 2 / window (Math.exp costs a
 *  fraction of a general power); a call dated after `now` counts whole. */
const freshness = (age: number, windowMs: number) => Math.exp((-Math.LN2 / windowMs) * Math.max(0, age));

const cross = (ox: number, oy: number, ax: number, ay: number, bx: number, by: number) =>
  (ax - ox) * (by - oy) - (ay - oy) * (bx - ox);

/** Andrew's monotone chain over the given points (x, y pairs): the hull's corners, counter-clockwise. */
function monotoneChain(points: Float64Array): Float64Array {
  const n = points.length / 2;
  const order = Array.from({ length: n }, (_, i) => i).sort(
    (a, b) => points[2 * a]! - points[2 * b]! || points[2 * a + 1]! - points[2 * b + 1]!,
  );
  if (n < 3) return Float64Array.from(order.flatMap((i) => [points[2 * i]!, points[2 * i + 1]!]));
  const hull: number[] = [];
  const chain = (i: number, floor: number) => {
    const x = points[2 * i]!;
    const y = points[2 * i + 1]!;
    while (hull.length >= floor + 4) {
      const k = hull.length;
      if (cross(hull[k - 4]!, hull[k - 3]!, hull[k - 2]!, hull[k - 1]!, x, y) > 0) break;
      hull.length = k - 2;
    }
    hull.push(x, y);
  };
  for (const i of order) chain(i, 0);
  const lower = hull.length;
  for (let k = n - 2; k >= 0; k--) chain(order[k]!, lower - 2);
  hull.length -= 2; // the first point again
  return Float64Array.from(hull);
}

/**
 * The convex hull of n points. The corners extreme in eight directions (every
 * 45°) are on the hull; a point strictly inside their octagon cannot be, so
 * only the few near the edge of a blob of tickets are sorted
 * (Akl–Toussaint).
 */
export function convexHull(xs: ArrayLike<number>, ys: ArrayLike<number>, n: number): Float64Array {
  if (n === 0) return new Float64Array(0);
  // Extremes by direction, counter-clockwise from straight down: −y, x−y, x, x+y, y, y−x, −x, −x−y.
  const best = new Float64Array(8).fill(-Infinity);
  const at = new Int32Array(8);
  const extreme = (d: number, value: number, i: number) => {
    if (value > best[d]!) {
      best[d] = value;
      at[d] = i;
    }
  };
  for (let i = 0; i < n; i++) {
    const x = xs[i]!;
    const y = ys[i]!;
    extreme(0, -y, i);
    extreme(1, x - y, i);
    extreme(2, x, i);
    extreme(3, x + y, i);
    extreme(4, y, i);
    extreme(5, y - x, i);
    extreme(6, -x, i);
    extreme(7, -x - y, i);
  }
  // The octagon's edges as their two corners, counter-clockwise (corners repeated give no edge).
  const lines: number[] = [];
  for (let d = 0; d < 8; d++) {
    const ax = xs[at[d]!]!;
    const ay = ys[at[d]!]!;
    const bx = xs[at[(d + 1) % 8]!]!;
    const by = ys[at[(d + 1) % 8]!]!;
    if (ax !== bx || ay !== by) lines.push(ax, ay, bx, by);
  }
  const edges = Float64Array.from(lines);
  const kept: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = xs[i]!;
    const y = ys[i]!;
    // Strictly left of every edge is inside (a corner gives exactly 0); with no edge, every point is in one place.
    let inside = edges.length > 0;
    for (let e = 0; e < edges.length && inside; e += 4)
      if (cross(edges[e]!, edges[e + 1]!, edges[e + 2]!, edges[e + 3]!, x, y) <= 0) inside = false;
    if (!inside) kept.push(x, y);
  }
  return monotoneChain(Float64Array.from(kept));
}

/**
 * A state less some of its tickets, still as of its `asOf`; null when one of
 * them bounds it (a corner of the hull, an edge of the box, the first or last
 * call): what remains must then be summarised whole.
 */
export function withdraw(state: SummaryState, gone: SummaryColumns, windowMs: number): SummaryState | null {
  const { hull } = state;
  // Without its hull a state cannot tell whether a leaver was a corner.
  if (!hull) return null;
  let { count, sx, sy, score } = state;
  const recentTimes = Array.from(state.recentTimes);
  for (let i = 0; i < gone.xs.length; i++) {
    const x = gone.xs[i]!;
    const y = gone.ys[i]!;
    const t = gone.ts[i]!;
    if (x === state.minX || x === state.maxX || y === state.minY || y === state.maxY) return null;
    if (t === state.firstAt || t === state.lastAt) return null;
    for (let h = 0; h < hull.length; h += 2) if (hull[h] === x && hull[h + 1] === y) return null;
    count--;
    sx -= x;
    sy -= y;
    score -= freshness(state.asOf - t, windowMs);
    const at = recentTimes.lastIndexOf(t);
    if (at >= 0) {
      recentTimes[at] = recentTimes[recentTimes.length - 1]!;
      recentTimes.pop();
    }
  }
  return { ...state, count, sx, sy, score, recentTimes: Float64Array.from(recentTimes) };
}

/**
 * Adds tickets to a state (`from`: none, for a new hot spot) and summarises
 * at `now`, which must not be before the state's `asOf`.
 */
export function summarise(
  columns: SummaryColumns,
  now: number,
  windowMs: number,
  from?: SummaryState,
): { summary: HotSpotSummary; state: SummaryState } {
  const { xs, ys, ts } = columns;
  const n = xs.length;
  let sx = from?.sx ?? 0;
  let sy = from?.sy ?? 0;
  let minX = from?.minX ?? Infinity;
  let maxX = from?.maxX ?? -Infinity;
  let minY = from?.minY ?? Infinity;
  let maxY = from?.maxY ?? -Infinity;
  let firstAt = from?.firstAt ?? Infinity;
  let lastAt = from?.lastAt ?? -Infinity;
  // Every ticket of the state was at or before its asOf: its score decays as a whole.
  let score = from ? from.score * freshness(now - from.asOf, windowMs) : 0;
  const horizon = now - 2 * windowMs;
  const recentTimes: number[] = [];
  if (from) for (const t of from.recentTimes) if (t > horizon) recentTimes.push(t);
  for (let i = 0; i < n; i++) {
    const x = xs[i]!;
    const y = ys[i]!;
    const t = ts[i]!;
    sx += x;
    sy += y;
    if (x < minX) minX = x;
    if (x > maxX) maxX = x;
    if (y < minY) minY = y;
    if (y > maxY) maxY = y;
    if (t < firstAt) firstAt = t;
    if (t > lastAt) lastAt = t;
    if (t > horizon) recentTimes.push(t);
    score += freshness(now - t, windowMs);
  }
  const count = (from?.count ?? 0) + n;
  const cx = sx / count;
  const cy = sy / count;
  // The farthest ticket from the centre: a corner of the hull, or — summarised whole — any ticket.
  let hull: Float64Array | null = null;
  let r2 = 0;
  if (from) {
    // The old corners and the newcomers: a few hundred points at most, no octagon needed.
    const points = new Float64Array(from.hull!.length + 2 * n);
    points.set(from.hull!);
    for (let i = 0; i < n; i++) {
      points[from.hull!.length + 2 * i] = xs[i]!;
      points[from.hull!.length + 2 * i + 1] = ys[i]!;
    }
    hull = monotoneChain(points);
    for (let i = 0; i < hull.length; i += 2) r2 = Math.max(r2, (hull[i]! - cx) ** 2 + (hull[i + 1]! - cy) ** 2);
  } else {
    for (let i = 0; i < n; i++) r2 = Math.max(r2, (xs[i]! - cx) ** 2 + (ys[i]! - cy) ** 2);
  }
  let recent = 0;
  let previous = 0;
  for (const t of recentTimes) {
    const age = now - t;
    if (age >= 0 && age < windowMs) recent++;
    else if (age >= windowMs && age < 2 * windowMs) previous++;
  }
  const state: SummaryState = {
    count,
    sx,
    sy,
    minX,
    maxX,
    minY,
    maxY,
    firstAt,
    lastAt,
    asOf: now,
    score,
    recentTimes: Float64Array.from(recentTimes),
    hull,
  };
  const summary: HotSpotSummary = {
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
  return { summary, state };
}

/** Gives a state summarised whole its hull, from all its tickets. */
export function completeHull(state: SummaryState, columns: SummaryColumns) {
  state.hull ??= convexHull(columns.xs, columns.ys, columns.xs.length);
}
