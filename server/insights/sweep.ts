/**
 * The full run of the hot-spot clustering (server/insights/clustering.ts):
 * the same grid ST-DBSCAN, computed over every ticket at once by sorting
 * and sweeping instead of hashing (docs/decisions/0014-hot-spots.md).
 *
 * The points are sorted by cell — family, time slice, row, column — with
 * four counting sorts, so each cell is a run of points and each time slice a
 * run of cells. A cell's neighbourhood is, in each of the three slices around
 * it, five rows of five columns: fifteen runs of cells whose keys lie in a
 * window that moves forward as the cells do, so fifteen pointers that only
 * ever advance find every neighbourhood in one pass — no hash lookups, no
 * objects. Three passes over the cells then count neighbours (core points),
 * link core cells (union–find) and give border points their nearest core's
 * cluster: the rules of the incremental index, over flat arrays.
 */

export interface SweepInput {
  /** Each point's metres east and north, time (ms) and category family. */
  xs: Float64Array;
  ys: Float64Array;
  ts: Float64Array;
  families: Int32Array;
  /** Which entries of the columns are points (the rest are free slots). */
  slots: Int32Array;
  /** The length of the sorted columns returned (at least the number of points: room to grow). */
  capacity: number;
  /** Cell width (metres) and time slice (ms): the grid of the incremental index. */
  side: number;
  windowMs: number;
  /** The squared radius, slack included. */
  r2: number;
  minTickets: number;
}

export interface SweepResult {
  /** The slots in cell order; cell c holds order[cellStart[c]] … order[cellStart[c + 1] − 1]. */
  order: Int32Array;
  /** The positions and times in that order (then zeros up to `capacity`). */
  xs: Float64Array;
  ys: Float64Array;
  ts: Float64Array;
  cellStart: Int32Array;
  /** Each cell's column, row (floor of metres / side) and time slice (floor of ms / window), and family. */
  cellX: Int32Array;
  cellY: Int32Array;
  cellT: Int32Array;
  cellFamily: Int32Array;
  /** How many of the cell's points are core points. */
  cellCore: Int32Array;
  /** The cluster (1 … clusters) of the cell's core points; 0 when it has none. */
  cellCluster: Int32Array;
  /** By position in `order`: core or not, the cluster (0: noise), and a non-core point's squared distance to its
   *  nearest core neighbour (Infinity: none; 0 for core points), with room up to `capacity`. */
  core: Uint8Array;
  label: Int32Array;
  nearest: Float64Array;
  clusters: number;
}

/** Sorts `order` stably by key(slot) − min, a small non-negative integer, with one counting pass. */
function countingSort(order: Int32Array, scratch: Int32Array, keys: Int32Array, min: number, range: number) {
  const counts = new Int32Array(range + 1);
  for (let i = 0; i < order.length; i++) counts[keys[order[i]!]! - min + 1]!++;
  for (let k = 1; k <= range; k++) counts[k]! += counts[k - 1]!;
  for (let i = 0; i < order.length; i++) scratch[counts[keys[order[i]!]! - min]!++] = order[i]!;
  order.set(scratch);
}

function extent(values: Int32Array, slots: Int32Array): [number, number] {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < slots.length; i++) {
    const v = values[slots[i]!]!;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return [min, max];
}

/** The fifteen runs in the order they are visited, nearest first: by slice (before, same, after) and row offset. */
const NEAREST_FIRST = [7, 6, 8, 5, 9, 2, 1, 3, 0, 4, 12, 11, 13, 10, 14];
const RUN_SLICE = Int32Array.from(NEAREST_FIRST, (r) => Math.floor(r / 5));
const RUN_ROW = Int32Array.from(NEAREST_FIRST, (r) => (r % 5) - 2);

export function sweepClusters(input: SweepInput): SweepResult {
  const { slots, side, windowMs, r2, minTickets } = input;
  const n = slots.length;
  const size = input.xs.length;
  const gx = new Int32Array(size);
  const gy = new Int32Array(size);
  const gt = new Int32Array(size);
  for (let i = 0; i < n; i++) {
    const s = slots[i]!;
    gx[s] = Math.floor(input.xs[s]! / side);
    gy[s] = Math.floor(input.ys[s]! / side);
    gt[s] = Math.floor(input.ts[s]! / windowMs);
  }

  // Least significant first: column, row, slice, family.
  const order = Int32Array.from(slots);
  const scratch = new Int32Array(n);
  const [minX, maxX] = extent(gx, slots);
  const [minY, maxY] = extent(gy, slots);
  for (const [keys, [min, max]] of [
    [gx, [minX, maxX]],
    [gy, [minY, maxY]],
    [gt, extent(gt, slots)],
    [input.families, extent(input.families, slots)],
  ] as const) {
    if (n > 0) countingSort(order, scratch, keys, min, max - min + 1);
  }

  // Sorted copies, for locality; a cell key within a slice (row · width + column) that never wraps.
  const width = maxX - minX + 5;
  const xs = new Float64Array(Math.max(input.capacity, n));
  const ys = new Float64Array(xs.length);
  const ts = new Float64Array(xs.length);
  const starts: number[] = [];
  const sliceStarts: number[] = [];
  for (let i = 0; i < n; i++) {
    const s = order[i]!;
    xs[i] = input.xs[s]!;
    ys[i] = input.ys[s]!;
    ts[i] = input.ts[s]!;
    const p = i > 0 ? order[i - 1]! : -1;
    const newSlice = p < 0 || input.families[s] !== input.families[p] || gt[s] !== gt[p];
    if (newSlice) sliceStarts.push(starts.length);
    if (newSlice || gx[s] !== gx[p] || gy[s] !== gy[p]) starts.push(i);
  }
  const cells = starts.length;
  starts.push(n);
  sliceStarts.push(cells);
  const cellStart = Int32Array.from(starts);
  const cellX = new Int32Array(cells);
  const cellY = new Int32Array(cells);
  const cellT = new Int32Array(cells);
  const cellFamily = new Int32Array(cells);
  const cellKey = new Int32Array(cells);
  const cellSlice = new Int32Array(cells);
  for (let c = 0; c < cells; c++) {
    const s = order[cellStart[c]!]!;
    cellX[c] = gx[s]!;
    cellY[c] = gy[s]!;
    cellT[c] = gt[s]!;
    cellFamily[c] = input.families[s]!;
    cellKey[c] = (gy[s]! - minY + 2) * width + (gx[s]! - minX + 2);
  }
  for (let sl = 0; sl + 1 < sliceStarts.length; sl++) cellSlice.fill(sl, sliceStarts[sl]!, sliceStarts[sl + 1]!);

  // The fifteen runs around cell c: lo/hi cell ranges, filled by `around(c)` for c in increasing order,
  // nearest first (its own slice and row), so a count of neighbours can stop early.
  const lo = new Int32Array(15);
  const hi = new Int32Array(15);
  // Per run, the first cell not before its window and the first past it: both only move forward.
  const from = new Int32Array(15);
  const to = new Int32Array(15);
  let runs = 0;
  let slice = -1;
  /** Slices of the three around the current one that exist ([start, end) of cells; start = end when absent). */
  const sliceFrom = new Int32Array(3);
  const sliceTo = new Int32Array(3);
  const around = (c: number) => {
    if (cellSlice[c] !== slice) {
      slice = cellSlice[c]!;
      for (let d = -1; d <= 1; d++) {
        const other = slice + d;
        const exists =
          other >= 0 &&
          other + 1 < sliceStarts.length &&
          cellFamily[sliceStarts[other]!] === cellFamily[c] &&
          cellT[sliceStarts[other]!] === cellT[c]! + d;
        sliceFrom[d + 1] = exists ? sliceStarts[other]! : 0;
        sliceTo[d + 1] = exists ? sliceStarts[other + 1]! : 0;
      }
      for (let q = 0; q < 15; q++) from[q] = to[q] = sliceFrom[RUN_SLICE[q]!]!;
    }
    runs = 0;
    const key = cellKey[c]!;
    for (let q = 0; q < 15; q++) {
      const end = sliceTo[RUN_SLICE[q]!]!;
      const row = key + RUN_ROW[q]! * width;
      let a = from[q]!;
      while (a < end && cellKey[a]! < row - 2) a++;
      from[q] = a;
      let b = Math.max(a, to[q]!);
      while (b < end && cellKey[b]! <= row + 2) b++;
      to[q] = b;
      if (b > a) {
        lo[runs] = a;
        hi[runs] = b;
        runs++;
      }
    }
  };

  const near = (i: number, j: number) => {
    const dx = xs[i]! - xs[j]!;
    const dy = ys[i]! - ys[j]!;
    return dx * dx + dy * dy <= r2 && Math.abs(ts[i]! - ts[j]!) <= windowMs;
  };
  // Each cell's lower corner (metres) and start (ms).
  const boxX = new Float64Array(cells);
  const boxY = new Float64Array(cells);
  const boxT = new Float64Array(cells);
  for (let c = 0; c < cells; c++) {
    boxX[c] = cellX[c]! * side;
    boxY[c] = cellY[c]! * side;
    boxT[c] = cellT[c]! * windowMs;
  }
  /** Can any point of cell m be a neighbour of point i? (The distance from i to the cell's box.) */
  const reaches = (i: number, m: number) => {
    const x0 = boxX[m]!;
    const y0 = boxY[m]!;
    const t0 = boxT[m]!;
    const dx = Math.max(0, x0 - xs[i]!, xs[i]! - x0 - side);
    const dy = Math.max(0, y0 - ys[i]!, ys[i]! - y0 - side);
    const dt = Math.max(0, t0 - ts[i]!, ts[i]! - t0 - windowMs);
    return dx * dx + dy * dy <= r2 && dt <= windowMs;
  };

  // Core points: a cell with minTickets points is all core (any two of its points are neighbours).
  const core = new Uint8Array(n);
  const cellCore = new Int32Array(cells);
  slice = -1;
  for (let c = 0; c < cells; c++) {
    const from = cellStart[c]!;
    const to = cellStart[c + 1]!;
    if (to - from >= minTickets) {
      core.fill(1, from, to);
      cellCore[c] = to - from;
      continue;
    }
    around(c);
    // Too few points around for anyone to be core (most cells away from the centres).
    let within = 0;
    for (let r = 0; r < runs; r++) within += cellStart[hi[r]!]! - cellStart[lo[r]!]!;
    if (within < minTickets) continue;
    for (let i = from; i < to; i++) {
      // Its own cell's points are all its neighbours.
      let count = to - from;
      search: for (let r = 0; r < runs; r++) {
        for (let m = lo[r]!; m < hi[r]!; m++) {
          if (m === c || !reaches(i, m)) continue;
          for (let j = cellStart[m]!; j < cellStart[m + 1]!; j++) if (near(i, j) && ++count >= minTickets) break search;
        }
      }
      if (count >= minTickets) {
        core[i] = 1;
        cellCore[c]!++;
      }
    }
  }

  // Links: two core cells join when a core point of one is a neighbour of a core point of the other.
  const parent = Int32Array.from({ length: cells }, (_, c) => c);
  const find = (c: number) => {
    while (parent[c] !== c) c = parent[c] = parent[parent[c]!]!;
    return c;
  };
  const linked = (c: number, m: number) => {
    for (let i = cellStart[c]!; i < cellStart[c + 1]!; i++) {
      if (!core[i] || !reaches(i, m)) continue;
      for (let j = cellStart[m]!; j < cellStart[m + 1]!; j++) if (core[j] && near(i, j)) return true;
    }
    return false;
  };
  slice = -1;
  for (let c = 0; c < cells; c++) {
    if (cellCore[c] === 0) continue;
    around(c);
    for (let r = 0; r < runs; r++) {
      // Each pair once: only the cells after this one.
      for (let m = Math.max(lo[r]!, c + 1); m < hi[r]!; m++) {
        if (cellCore[m] === 0) continue;
        const a = find(c);
        const b = find(m);
        if (a !== b && linked(c, m)) parent[Math.max(a, b)] = Math.min(a, b);
      }
    }
  }
  const cellCluster = new Int32Array(cells);
  let clusters = 0;
  for (let c = 0; c < cells; c++) {
    if (cellCore[c] === 0) continue;
    const root = find(c);
    // Roots come first (the smaller index wins a union), so each cluster is numbered when its root is met.
    cellCluster[c] = root === c ? ++clusters : cellCluster[root]!;
  }

  // Labels: core points their cell's cluster, border points their nearest core point's, the rest none.
  const label = new Int32Array(n);
  const nearest = new Float64Array(xs.length);
  slice = -1;
  for (let c = 0; c < cells; c++) {
    const from = cellStart[c]!;
    const to = cellStart[c + 1]!;
    if (cellCore[c] === to - from) {
      label.fill(cellCluster[c]!, from, to);
      continue;
    }
    around(c);
    for (let i = from; i < to; i++) {
      if (core[i]) {
        label[i] = cellCluster[c]!;
        continue;
      }
      let best = Infinity;
      for (let r = 0; r < runs; r++) {
        for (let m = lo[r]!; m < hi[r]!; m++) {
          if (cellCore[m] === 0 || !reaches(i, m)) continue;
          for (let j = cellStart[m]!; j < cellStart[m + 1]!; j++) {
            if (!core[j] || !near(i, j)) continue;
            const d = (xs[i]! - xs[j]!) ** 2 + (ys[i]! - ys[j]!) ** 2;
            if (d < best) {
              best = d;
              label[i] = cellCluster[m]!;
            }
          }
        }
      }
      nearest[i] = best;
    }
  }
  return {
    order,
    xs,
    ys,
    ts,
    cellStart,
    cellX,
    cellY,
    cellT,
    cellFamily,
    cellCore,
    cellCluster,
    core,
    label,
    nearest,
    clusters,
  };
}
