/**
 * Spatio-temporal DBSCAN (ST-DBSCAN) over projected points, kept up to date
 * point by point (docs/decisions/0014-hot-spots.md).
 *
 * Two tickets are neighbours when they are of the same category family, at
 * most `radiusM` apart (a point exactly on the radius is inside) and at most
 * `windowMs` apart in time (|Δt| ≤ window, so a window spans midnight like any
 * other moment). A ticket with at least `minTickets` neighbours, itself
 * included, is a core ticket; clusters are the core tickets linked through
 * neighbourhoods plus the border tickets next to them — standard DBSCAN with a
 * cylinder for a neighbourhood. Every cluster therefore has at least
 * `minTickets` tickets.
 *
 * The spatial index is a grid of cells r/√2 wide and one window long, per
 * family (Gunawan's grid DBSCAN lifted to three dimensions): every pair of
 * points within a cell are neighbours, so a cell holding `minTickets` points
 * is all core without a distance computed, two cells' core points are linked
 * as soon as one pair is, and a point's neighbours lie in the 5 × 5 × 3 cells
 * around it. Clusters are components of linked core cells.
 *
 * Incremental: inserting, moving or removing tickets marks their cells, and
 * `settle` works only around them. When tickets only arrived (the usual case:
 * new calls), core status can only be gained — and only by an arrival or a
 * point within reach of one, the only points counted again — and links only
 * added, so clusters only grow and merge: new core points join their cell's cluster,
 * new links merge two clusters (the smaller relabelled into the larger), and
 * border points near new core points take their nearest core's cluster — work
 * in proportion to the change, not to the clusters it touches. The first
 * settle (a full run) clusters everything at once by sort and sweep
 * (server/insights/sweep.ts); the cells the incremental settles need are
 * filed after (`fileCells`). When a ticket moved or left, a cluster may
 * split: settle then re-forms every component touching the marked cells from
 * scratch (a component it reaches without having touched it is absorbed
 * whole — its own links cannot have changed).
 */

import { sweepClusters, type SweepResult } from "./sweep";
import { TicketColumn } from "./ticket-column";

export interface ClusterRule {
  radiusM: number;
  windowMs: number;
  minTickets: number;
}

export interface StPoint {
  id: number;
  /** Metres east and north (server/insights/projection.ts). */
  x: number;
  y: number;
  /** Milliseconds since the epoch. */
  t: number;
  /** The category family (level-1 or level-2 ancestor) id. */
  family: number;
  /** A number the caller keeps with the ticket and reads back with its cluster (detection: its place). */
  tag?: number;
}

/** Cell keys: spatial index cx + cy·SIDE stays a small integer (V8 hashes those fastest). */
const SIDE = 1 << 15;
const OFFSET = 1 << 14;
/** A millimetre of slack, so a point placed on the radius stays inside after projection rounding. */
const SLACK_M = 0.001;
/** A new cell's neighbours, until first asked for (one shared empty list: a full run files ~400,000 cells). */
const NONE: Cell[] = [];

interface Cell {
  family: number;
  ct: number;
  cx: number;
  cy: number;
  sk: number;
  /** The cell's lower corner (metres) and start (ms): bounds for skipping cells out of a point's reach. */
  x0: number;
  y0: number;
  t0: number;
  points: number[];
  coreCount: number;
  /** The component (cluster) its core points belong to; 0 when it has none. */
  component: number;
  neighbours: Cell[];
  neighboursStamp: number;
  /** Set while the cell waits for the next settle. */
  dirty: boolean;
  /** The settle (its stamp) in which its core grew: a mark instead of a set of cells. */
  grewAt: number;
  /** The cell's position among the cells whose core grew in this settle. */
  order: number;
}

/** A cluster's tickets as columns (no object per ticket: clusters reach hundreds of thousands). */
export interface ClusterColumns {
  ids: Int32Array;
  xs: Float64Array;
  ys: Float64Array;
  ts: Float64Array;
  tags: Int32Array;
  marks: Int32Array;
}

type Column = Int32Array | Float64Array | Uint8Array;

/** One family's cells in one time slice, by key. */
type Row = Map<number, Cell>;

/**
 * Each cluster's slots as a list that grows, with each slot's place in its
 * list: reading a cluster of 200,000 tickets for its summary is a walk over
 * an Int32Array, not over a Set, and adding or removing one is O(1).
 */
class Members {
  private readonly lists = new Map<number, { slots: Int32Array; size: number }>();
  private at = new Int32Array(1024);
  /** Since the last checkpoint: the slots each cluster gained and lost, and the clusters made whole. */
  private readonly joined = new Map<number, number[]>();
  private readonly left = new Map<number, number[]>();
  private readonly made = new Set<number>();

  checkpoint() {
    this.joined.clear();
    this.left.clear();
    this.made.clear();
  }

  /** What a cluster gained and lost since the last checkpoint (a slot that came and went, neither); null when new. */
  changes(cluster: number): { joined: readonly number[]; left: readonly number[] } | null {
    if (this.made.has(cluster)) return null;
    return { joined: this.joined.get(cluster) ?? [], left: this.left.get(cluster) ?? [] };
  }

  /** Notes a slot coming to (or leaving) a cluster: undoes its leaving (or coming) in this round first. */
  private note(into: Map<number, number[]>, undo: Map<number, number[]>, cluster: number, slot: number) {
    const undone = undo.get(cluster);
    const at = undone ? undone.lastIndexOf(slot) : -1;
    if (at >= 0) {
      undone![at] = undone![undone!.length - 1]!;
      undone!.pop();
      return;
    }
    let list = into.get(cluster);
    if (!list) into.set(cluster, (list = []));
    list.push(slot);
  }

  has(cluster: number) {
    return this.lists.has(cluster);
  }

  clusters() {
    return this.lists.keys();
  }

  size(cluster: number) {
    return this.lists.get(cluster)?.size ?? 0;
  }

  /** The cluster's slots (a view: valid until the cluster next changes). */
  slots(cluster: number): Int32Array {
    const list = this.lists.get(cluster);
    return list ? list.slots.subarray(0, list.size) : new Int32Array(0);
  }

  /** Makes a cluster of these slots. */
  set(cluster: number, slots: Int32Array) {
    const list = { slots: new Int32Array(Math.max(slots.length, 8)), size: slots.length };
    list.slots.set(slots);
    this.lists.set(cluster, list);
    this.made.add(cluster);
    for (let i = 0; i < slots.length; i++) this.place(slots[i]!, i);
  }

  add(cluster: number, slot: number) {
    let list = this.lists.get(cluster);
    if (!list) this.lists.set(cluster, (list = { slots: new Int32Array(8), size: 0 }));
    if (list.size === list.slots.length) {
      const grown = new Int32Array(list.slots.length * 2);
      grown.set(list.slots);
      list.slots = grown;
    }
    list.slots[list.size] = slot;
    this.place(slot, list.size++);
    this.note(this.joined, this.left, cluster, slot);
  }

  /** Takes a slot out of its cluster (which it must be in). */
  delete(cluster: number, slot: number) {
    const list = this.lists.get(cluster);
    if (!list) return;
    this.note(this.left, this.joined, cluster, slot);
    const last = list.slots[--list.size]!;
    const i = this.at[slot]!;
    list.slots[i] = last;
    this.at[last] = i;
  }

  /** Forgets a cluster (its slots are relabelled or moved by the caller). */
  drop(cluster: number) {
    this.lists.delete(cluster);
  }

  private place(slot: number, i: number) {
    if (slot >= this.at.length) {
      const grown = new Int32Array(Math.max(slot + 1, this.at.length * 2));
      grown.set(this.at);
      this.at = grown;
    }
    this.at[slot] = i;
  }
}

export interface SettleResult {
  /** Clusters created or whose tickets changed. */
  changed: Set<number>;
  /** Clusters that no longer exist (merged, split, shrunk away). */
  removed: Set<number>;
}

export class StClusterIndex {
  readonly rule: ClusterRule;
  private readonly side: number;
  private readonly r2: number;
  private size = 0;
  private ids = new Int32Array(0);
  private xs = new Float64Array(0);
  private ys = new Float64Array(0);
  private ts = new Float64Array(0);
  private families = new Int32Array(0);
  private tags = new Int32Array(0);
  /** A number the caller sets on a ticket (`mark`) and reads back with its cluster; kept when the ticket moves. */
  private marks = new Int32Array(0);
  private core = new Uint8Array(0);
  /** The cluster of each point: a core point's cell's component, a border point's nearest core's, else 0. */
  private labels = new Int32Array(0);
  /** A non-core point's squared distance to its nearest core neighbour (Infinity: none), so a refresh can
   *  tell whether a new core point is nearer without searching the point's whole neighbourhood again. */
  private nearest = new Float64Array(0);
  private cellOf: (Cell | null)[] = [];
  private readonly free: number[] = [];
  /** Each ticket's slot + 1 (0: not in the index). */
  private readonly slotOf = new TicketColumn();
  private live = 0;
  private readonly grid = new Map<number, Map<number, Row>>();
  private dirty: Cell[] = [];
  /** The slots filed since the last settle (new tickets, and moved ones). */
  private arrived: number[] = [];
  /** A ticket moved or left since the last settle: clusters may split, so the next settle re-forms. */
  private shrunk = false;
  private settled = false;
  /** The full run's sweep, until its cells are filed (`fileCells`). */
  private unfiled: SweepResult | null = null;
  /** The component number before the sweep's first cluster. */
  private firstOfSweep = 0;
  private readonly members = new Members();
  private nextComponent = 1;
  private stamp = 0;

  constructor(rule: ClusterRule) {
    if (!(rule.radiusM >= 50 && rule.radiusM <= 5_000)) throw new RangeError("radiusM must be within 50–5000 m");
    if (!(rule.windowMs > 0)) throw new RangeError("windowMs must be positive");
    if (!(Number.isInteger(rule.minTickets) && rule.minTickets >= 2)) throw new RangeError("minTickets must be ≥ 2");
    this.rule = rule;
    this.side = rule.radiusM / Math.SQRT2;
    this.r2 = (rule.radiusM + SLACK_M) ** 2;
  }

  get count() {
    return this.live;
  }

  private ensure(capacity: number) {
    if (capacity <= this.ids.length) return;
    const next = Math.max(capacity, this.ids.length * 2, 1024);
    this.eachColumn((column) => {
      const grown = new (column.constructor as new (length: number) => typeof column)(next);
      grown.set(column);
      return grown;
    });
  }

  /** Replaces every per-slot column by what `f` makes of it (grown, or reordered by a full run). */
  private eachColumn(f: <T extends Column>(column: T) => T) {
    this.ids = f(this.ids);
    this.xs = f(this.xs);
    this.ys = f(this.ys);
    this.ts = f(this.ts);
    this.families = f(this.families);
    this.tags = f(this.tags);
    this.marks = f(this.marks);
    this.core = f(this.core);
    this.labels = f(this.labels);
    this.nearest = f(this.nearest);
  }

  /** The cell column or row of a coordinate, offset so keys stay positive. */
  private gridOf(metres: number, other: number): number {
    const c = Math.floor(metres / this.side) + OFFSET;
    // Beyond ±570 km of Tiananmen (at the smallest radius) keys would collide: not a Beijing position.
    if (c < 2 || c >= SIDE - 2) throw new RangeError(`position out of range: ${metres}, ${other}`);
    return c;
  }

  private rowOf(family: number, ct: number): Row {
    let byTime = this.grid.get(family);
    if (!byTime) this.grid.set(family, (byTime = new Map()));
    let row = byTime.get(ct);
    if (!row) byTime.set(ct, (row = new Map()));
    return row;
  }

  private cellFor(family: number, x: number, y: number, t: number): Cell {
    const cx = this.gridOf(x, y);
    const cy = this.gridOf(y, x);
    const ct = Math.floor(t / this.rule.windowMs);
    const row = this.rowOf(family, ct);
    return row.get(cy * SIDE + cx) ?? this.file(row, family, ct, cx, cy, []);
  }

  /** Files a new cell in its row. */
  private file(row: Row, family: number, ct: number, cx: number, cy: number, points: number[]): Cell {
    const sk = cy * SIDE + cx;
    const cell: Cell = {
      family,
      ct,
      cx,
      cy,
      sk,
      x0: (cx - OFFSET) * this.side,
      y0: (cy - OFFSET) * this.side,
      t0: ct * this.rule.windowMs,
      points,
      coreCount: 0,
      component: 0,
      neighbours: NONE,
      neighboursStamp: -1,
      dirty: false,
      grewAt: -1,
      order: 0,
    };
    row.set(sk, cell);
    return cell;
  }

  /** Forgets a cell that lost its last ticket (empty cells are never listed). */
  private drop(cell: Cell) {
    const row = this.grid.get(cell.family)?.get(cell.ct);
    if (row?.get(cell.sk) === cell) row.delete(cell.sk);
  }

  private detach(slot: number) {
    const cell = this.cellOf[slot]!;
    const at = cell.points.indexOf(slot);
    cell.points[at] = cell.points[cell.points.length - 1]!;
    cell.points.pop();
    this.markDirty(cell);
    this.shrunk = true;
    if (this.labels[slot]) this.members.delete(this.labels[slot]!, slot);
    this.cellOf[slot] = null;
  }

  private markDirty(cell: Cell) {
    if (cell.dirty) return;
    cell.dirty = true;
    this.dirty.push(cell);
  }

  /** Adds tickets, or moves them when already present (a changed position, time or category). */
  upsert(points: Iterable<StPoint>) {
    for (const p of points) this.upsertOne(p.id, p.x, p.y, p.t, p.family, p.tag ?? 0);
  }

  /** `upsert` of one ticket, without an object for it (a full run files a million). */
  upsertOne(id: number, x: number, y: number, t: number, family: number, tag: number) {
    if (!(Number.isInteger(id) && id >= 1)) throw new RangeError(`ticket id must be a positive integer: ${id}`);
    if (this.settled) this.fileCells();
    let slot = this.slotOf.get(id) - 1;
    if (slot < 0) {
      slot = this.free.pop() ?? this.size++;
      this.ensure(this.size);
      this.slotOf.set(id, slot + 1);
      this.marks[slot] = 0;
      this.live++;
    } else if (this.settled) {
      // Most ticket events (accepted, replied, closed) leave the position, time and category as they were.
      const unchanged =
        this.xs[slot] === x && this.ys[slot] === y && this.ts[slot] === t && this.families[slot] === family;
      if (unchanged) {
        this.tags[slot] = tag;
        return;
      }
      this.detach(slot);
    }
    this.ids[slot] = id;
    this.xs[slot] = x;
    this.ys[slot] = y;
    this.ts[slot] = t;
    this.families[slot] = family;
    this.tags[slot] = tag;
    // Before the first settle points are only listed: it files them all at once.
    if (!this.settled) {
      this.gridOf(x, y);
      this.gridOf(y, x);
      return;
    }
    const cell = this.cellFor(family, x, y, t);
    this.core[slot] = 0;
    this.labels[slot] = 0;
    this.nearest[slot] = Infinity;
    this.cellOf[slot] = cell;
    cell.points.push(slot);
    this.markDirty(cell);
    this.arrived.push(slot);
  }

  /** Removes tickets (no longer on the map, or out of the detection's scope). */
  remove(ids: Iterable<number>) {
    for (const id of ids) {
      const slot = this.slotOf.get(id) - 1;
      if (slot < 0) continue;
      if (this.settled) {
        this.fileCells();
        this.detach(slot);
      }
      this.slotOf.set(id, 0);
      this.ids[slot] = 0;
      this.live--;
      this.free.push(slot);
    }
  }

  private near(a: number, b: number): boolean {
    const dx = this.xs[a]! - this.xs[b]!;
    const dy = this.ys[a]! - this.ys[b]!;
    return dx * dx + dy * dy <= this.r2 && Math.abs(this.ts[a]! - this.ts[b]!) <= this.rule.windowMs;
  }

  /** The cells whose points can be neighbours of this cell's, itself included (cached per settle). */
  private neighboursOf(cell: Cell): Cell[] {
    if (cell.neighboursStamp === this.stamp) return cell.neighbours;
    const out: Cell[] = [];
    const byTime = this.grid.get(cell.family);
    const { cx, cy } = cell;
    if (byTime) {
      for (let dt = -1; dt <= 1; dt++) {
        const row = byTime.get(cell.ct + dt);
        if (!row) continue;
        for (let y = cy - 2; y <= cy + 2; y++) {
          for (let x = cx - 2; x <= cx + 2; x++) {
            const n = row.get(y * SIDE + x);
            if (n && n.points.length > 0) out.push(n);
          }
        }
      }
    }
    cell.neighbours = out;
    cell.neighboursStamp = this.stamp;
    return out;
  }

  /** Can any point of the cell be a neighbour of point p? (The distance from p to the cell's box.) */
  private reaches(p: number, cell: Cell): boolean {
    const x = this.xs[p]!;
    const y = this.ys[p]!;
    const t = this.ts[p]!;
    const dx = Math.max(0, cell.x0 - x, x - cell.x0 - this.side);
    const dy = Math.max(0, cell.y0 - y, y - cell.y0 - this.side);
    const dt = Math.max(0, cell.t0 - t, t - cell.t0 - this.rule.windowMs);
    return dx * dx + dy * dy <= this.r2 && dt <= this.rule.windowMs;
  }

  /** Does point p, in `cell`, have minTickets neighbours (itself included)? */
  private reachesMin(p: number, cell: Cell): boolean {
    const min = this.rule.minTickets;
    let n = 0;
    for (const other of this.neighboursOf(cell)) {
      if (other !== cell && !this.reaches(p, other)) continue;
      for (const q of other.points) if (this.near(p, q) && ++n >= min) return true;
    }
    return false;
  }

  /** Decides every point's core status in the cell again. */
  private updateCore(cell: Cell) {
    const { points } = cell;
    let coreCount = 0;
    if (points.length >= this.rule.minTickets) {
      for (const p of points) this.core[p] = 1;
      coreCount = points.length;
    } else {
      for (const p of points) {
        this.core[p] = this.reachesMin(p, cell) ? 1 : 0;
        coreCount += this.core[p]!;
      }
    }
    cell.coreCount = coreCount;
  }

  private linked(a: Cell, b: Cell): boolean {
    for (const p of a.points) {
      if (!this.core[p] || !this.reaches(p, b)) continue;
      for (const q of b.points) if (this.core[q] && this.near(p, q)) return true;
    }
    return false;
  }

  /** Moves a point to a cluster (0: none), noting both clusters as changed. */
  private label(p: number, cluster: number, changed: Set<number>) {
    const before = this.labels[p]!;
    if (before === cluster) return;
    if (before) {
      this.members.delete(before, p);
      changed.add(before);
    }
    this.labels[p] = cluster;
    if (cluster) {
      this.members.add(cluster, p);
      changed.add(cluster);
    }
  }

  /** The cluster of a non-core point: its nearest core neighbour's, or 0 (noting the distance). */
  private borderLabel(p: number, around: readonly Cell[]): number {
    let label = 0;
    let best = Infinity;
    for (const other of around) {
      if (other.coreCount === 0 || !this.reaches(p, other)) continue;
      for (const q of other.points) {
        if (!this.core[q] || !this.near(p, q)) continue;
        const d = (this.xs[p]! - this.xs[q]!) ** 2 + (this.ys[p]! - this.ys[q]!) ** 2;
        if (d < best) {
          best = d;
          label = other.component;
        }
      }
    }
    this.nearest[p] = best;
    return label;
  }

  /** Recomputes what the changes since the last settle affect; returns the clusters that changed. */
  settle(): SettleResult {
    this.stamp++;
    this.members.checkpoint();
    if (!this.settled) {
      this.settled = true;
      return this.bulk();
    }
    this.fileCells();
    const dirty = this.dirty;
    this.dirty = [];
    for (const cell of dirty) cell.dirty = false;
    const arrived = this.arrived;
    this.arrived = [];
    const result = this.shrunk ? this.reform(dirty) : this.grow(arrived);
    this.shrunk = false;
    for (const id of result.changed) if (!this.members.has(id)) result.changed.delete(id);
    for (const id of result.changed) result.removed.delete(id);
    return result;
  }

  /**
   * The first settle: every point clustered by sort and sweep. The cells the
   * incremental settles need are filed later (`fileCells`): what the full
   * run's results are read from is ready before.
   */
  private bulk(): SettleResult {
    const slots = new Int32Array(this.live);
    for (let slot = 0, k = 0; slot < this.size; slot++) if (this.ids[slot] !== 0) slots[k++] = slot;
    const n = slots.length;
    // Room for the calls of the coming weeks, so the first new ticket does not copy every column.
    const capacity = Math.max(n + (n >> 3), 1024);
    const swept = sweepClusters({
      xs: this.xs,
      ys: this.ys,
      ts: this.ts,
      families: this.families,
      slots,
      capacity,
      side: this.side,
      windowMs: this.rule.windowMs,
      r2: this.r2,
      minTickets: this.rule.minTickets,
    });
    const { order, core, label } = swept;
    // Slots are renumbered in cell order, so a cluster's tickets lie together in memory: reading a cluster of
    // 200,000 for its summary then streams through the columns instead of missing the cache at every ticket.
    // The sweep sorted the positions and times already.
    const { xs, ys, ts, nearest } = swept;
    this.eachColumn((column) => {
      if (column === this.xs) return xs as typeof column;
      if (column === this.ys) return ys as typeof column;
      if (column === this.ts) return ts as typeof column;
      if (column === this.nearest) return nearest as typeof column;
      const out = new (column.constructor as new (length: number) => typeof column)(capacity);
      for (let i = 0; i < n; i++) out[i] = column[order[i]!]!;
      return out;
    });
    // Core and labels are the sweep's, by position (labels numbered after the last cluster).
    this.core.set(core);
    this.size = n;
    this.free.length = 0;
    for (let i = 0; i < n; i++) this.slotOf.set(this.ids[i]!, i + 1);
    const first = this.nextComponent - 1;
    this.nextComponent += swept.clusters;
    const sizes = new Int32Array(swept.clusters + 1);
    for (let i = 0; i < n; i++) {
      this.labels[i] = label[i] ? first + label[i]! : 0;
      sizes[label[i]!]!++;
    }
    // Members by cluster, each list built from its slots at once.
    const byCluster = new Int32Array(n);
    const at = new Int32Array(swept.clusters + 2);
    for (let k = 1; k <= swept.clusters; k++) at[k + 1] = at[k]! + sizes[k]!;
    const end = at.slice();
    for (let i = 0; i < n; i++) if (label[i]) byCluster[end[label[i]!]!++] = i;
    const changed = new Set<number>();
    for (let k = 1; k <= swept.clusters; k++) {
      this.members.set(first + k, byCluster.subarray(at[k]!, at[k + 1]!));
      changed.add(first + k);
    }
    this.unfiled = swept;
    this.firstOfSweep = first;
    return { changed, removed: new Set() };
  }

  /**
   * Files the cells of the full run's sweep, for the incremental settles
   * that follow: ~400,000 cells, half a second at a million tickets. The
   * detection worker calls it while the main thread writes the full run's
   * results; anything that needs the cells calls it first.
   */
  fileCells() {
    const swept = this.unfiled;
    if (!swept) return;
    this.unfiled = null;
    const { cellStart } = swept;
    this.cellOf = new Array<Cell | null>(this.size);
    for (let c = 0; c + 1 < cellStart.length; c++) {
      const family = swept.cellFamily[c]!;
      const ct = swept.cellT[c]!;
      const points: number[] = [];
      for (let i = cellStart[c]!; i < cellStart[c + 1]!; i++) points.push(i);
      const cell = this.file(
        this.rowOf(family, ct),
        family,
        ct,
        swept.cellX[c]! + OFFSET,
        swept.cellY[c]! + OFFSET,
        points,
      );
      cell.coreCount = swept.cellCore[c]!;
      if (swept.cellCluster[c]) cell.component = this.firstOfSweep + swept.cellCluster[c]!;
      for (let i = cellStart[c]!; i < cellStart[c + 1]!; i++) this.cellOf[i] = cell;
    }
  }

  /** Only arrivals since the last settle: clusters grow and merge, never split. */
  private grow(arrived: readonly number[]): SettleResult {
    const stamp = this.stamp;
    const changed = new Set<number>();
    const removed = new Set<number>();
    const grew: Cell[] = [];
    const promoted: number[] = [];
    const promote = (p: number) => {
      this.core[p] = 1;
      promoted.push(p);
      const cell = this.cellOf[p]!;
      cell.coreCount++;
      if (cell.grewAt !== stamp) {
        cell.grewAt = stamp;
        cell.order = grew.length;
        grew.push(cell);
      }
    };
    // Core status can be gained only by an arrival or a point within reach of one: those are counted again,
    // not every point of every cell around (in the dense centre that was most of a refresh).
    const candidates = new Set<number>();
    for (const p of arrived) {
      const cell = this.cellOf[p];
      // Filed and not removed again before this settle.
      if (!cell) continue;
      if (cell.points.length >= this.rule.minTickets) for (const q of cell.points) if (!this.core[q]) promote(q);
      for (const other of this.neighboursOf(cell)) {
        if (other.coreCount === other.points.length || (other !== cell && !this.reaches(p, other))) continue;
        for (const q of other.points) if (!this.core[q] && this.near(p, q)) candidates.add(q);
      }
    }
    for (const q of candidates) if (!this.core[q] && this.reachesMin(q, this.cellOf[q]!)) promote(q);
    // New core points join their cell's cluster (a new one when the cell had no core point).
    for (const cell of grew) {
      if (!cell.component) cell.component = this.nextComponent++;
      for (const p of cell.points) if (this.core[p]) this.label(p, cell.component, changed);
    }
    // New links merge clusters; a pair of cells that both grew is checked once.
    for (const cell of grew) {
      for (const n of this.neighboursOf(cell)) {
        if (n.coreCount === 0 || n.component === cell.component) continue;
        if (n.grewAt === stamp && n.order < cell.order) continue;
        if (this.linked(cell, n)) this.merge(cell.component, n.component, changed, removed);
      }
    }
    // New tickets take their nearest core's cluster; a non-core ticket within reach of a new core point takes
    // its cluster when that point is nearer than the core it had (only new core points can be nearer).
    for (const p of arrived) {
      const cell = this.cellOf[p];
      if (cell && !this.core[p]) this.label(p, this.borderLabel(p, this.neighboursOf(cell)), changed);
    }
    for (const q of promoted) {
      const cell = this.cellOf[q]!;
      for (const other of this.neighboursOf(cell)) {
        if (other.coreCount === other.points.length || !this.reaches(q, other)) continue;
        for (const p of other.points) {
          if (this.core[p] || !this.near(p, q)) continue;
          const d = (this.xs[p]! - this.xs[q]!) ** 2 + (this.ys[p]! - this.ys[q]!) ** 2;
          if (d < this.nearest[p]!) {
            this.nearest[p] = d;
            this.label(p, cell.component, changed);
          }
        }
      }
    }
    return { changed, removed };
  }

  /** Joins two clusters: the smaller one's tickets and cells move into the larger. */
  private merge(a: number, b: number, changed: Set<number>, removed: Set<number>) {
    const [big, small] = this.members.size(a) >= this.members.size(b) ? [a, b] : [b, a];
    for (const slot of this.members.slots(small)) {
      this.labels[slot] = big;
      this.members.add(big, slot);
      const cell = this.cellOf[slot]!;
      if (cell.component === small) cell.component = big;
    }
    this.members.drop(small);
    removed.add(small);
    changed.add(big);
  }

  /** A ticket moved or left: every component touching the changed cells is re-formed from scratch. */
  private reform(dirty: Cell[]): SettleResult {
    const changed = new Set<number>();
    const removed = new Set<number>();

    // Core status can change only within reach of a changed cell.
    const affected = new Set<Cell>();
    for (const cell of dirty) {
      if (cell.component) removed.add(cell.component);
      // An emptied cell's neighbours are found by its key like any other's (empty cells are never listed).
      for (const n of this.neighboursOf(cell)) affected.add(n);
      if (cell.points.length === 0) this.drop(cell);
    }
    for (const cell of affected) {
      if (cell.component) removed.add(cell.component);
      this.updateCore(cell);
    }

    // Every component touching the affected cells is re-formed from scratch.
    const seeds: Cell[] = [];
    for (const id of removed) {
      for (const slot of this.members.slots(id)) {
        const cell = this.cellOf[slot];
        if (cell && cell.component === id) {
          cell.component = 0;
          seeds.push(cell);
        }
      }
    }
    for (const cell of affected) {
      cell.component = 0;
      seeds.push(cell);
    }

    const visited = new Set<Cell>();
    for (const seed of seeds) {
      if (seed.coreCount === 0 || visited.has(seed)) continue;
      const id = this.nextComponent++;
      changed.add(id);
      visited.add(seed);
      const queue = [seed];
      while (queue.length > 0) {
        const cell = queue.pop()!;
        cell.component = id;
        for (const n of this.neighboursOf(cell)) {
          if (n.coreCount === 0 || visited.has(n) || !this.linked(cell, n)) continue;
          // A component reached without being touched joins whole (its own links are unchanged).
          if (n.component && n.component !== id) removed.add(n.component);
          visited.add(n);
          queue.push(n);
        }
      }
    }
    // Labels: core points take their cell's component; the rest the nearest core point's within reach.
    // Relabelled: the touched cells, everything next to a re-formed component, and every former member.
    const relabel = new Set<Cell>(seeds);
    for (const cell of visited) for (const n of this.neighboursOf(cell)) relabel.add(n);
    for (const id of removed) {
      for (const slot of this.members.slots(id)) relabel.add(this.cellOf[slot]!);
      this.members.drop(id);
    }
    for (const cell of relabel) {
      if (cell.points.length === 0) continue;
      const around = cell.coreCount < cell.points.length ? this.neighboursOf(cell) : [];
      for (const p of cell.points) {
        const label = this.core[p] ? cell.component : this.borderLabel(p, around);
        const before = this.labels[p]!;
        // Former clusters' sets are gone already: only a surviving one loses the point.
        if (before && removed.has(before)) this.labels[p] = 0;
        this.label(p, label, changed);
      }
    }
    return { changed, removed };
  }

  /** The ids of a cluster's tickets. */
  ticketsOf(cluster: number): number[] {
    return Array.from(this.members.slots(cluster), (slot) => this.ids[slot]!);
  }

  /**
   * A cluster's tickets with their positions, times, tags and marks, as columns (for its summary).
   * Given columns with room enough (`reuse`), fills and returns views of them instead of allocating:
   * a refresh reads clusters of 200,000 tickets one after another.
   */
  columnsOf(cluster: number, reuse?: ClusterColumns): ClusterColumns {
    return this.columnsOfSlots(this.members.slots(cluster), reuse);
  }

  /** `columnsOf` for some of the slots: those a cluster gained, say. */
  columnsOfSlots(slots: ArrayLike<number>, reuse?: ClusterColumns): ClusterColumns {
    const n = slots.length;
    const room = reuse && reuse.ids.length >= n ? reuse : undefined;
    const out: ClusterColumns = {
      ids: room ? room.ids.subarray(0, n) : new Int32Array(n),
      xs: room ? room.xs.subarray(0, n) : new Float64Array(n),
      ys: room ? room.ys.subarray(0, n) : new Float64Array(n),
      ts: room ? room.ts.subarray(0, n) : new Float64Array(n),
      tags: room ? room.tags.subarray(0, n) : new Int32Array(n),
      marks: room ? room.marks.subarray(0, n) : new Int32Array(n),
    };
    for (let i = 0; i < n; i++) {
      const slot = slots[i]!;
      out.ids[i] = this.ids[slot]!;
      out.xs[i] = this.xs[slot]!;
      out.ys[i] = this.ys[slot]!;
      out.ts[i] = this.ts[slot]!;
      out.tags[i] = this.tags[slot]!;
      out.marks[i] = this.marks[slot]!;
    }
    return out;
  }

  /**
   * The slots a cluster gained and lost in the last settle (null for a new
   * cluster): its tickets are those it had before, less the lost, plus the
   * gained. A lost slot still holds the ticket's position and time: in a
   * settle where clusters only grow, a ticket leaves one cluster only for
   * another.
   */
  changesOf(cluster: number): { joined: readonly number[]; left: readonly number[] } | null {
    return this.members.changes(cluster);
  }

  /** The ticket in a slot (also one a cluster lost in the last settle). */
  ticketOfSlot(slot: number): number {
    return this.ids[slot]!;
  }

  /** The ticket in a cluster's first slot (a stable tie-break between clusters of one size). */
  firstTicketOf(cluster: number): number {
    const slots = this.members.slots(cluster);
    return slots.length > 0 ? this.ids[slots[0]!]! : 0;
  }

  /** How many tickets a cluster has. */
  sizeOf(cluster: number): number {
    return this.members.size(cluster);
  }

  /** Every cluster's ticket ids. */
  clusters(): Map<number, number[]> {
    const out = new Map<number, number[]>();
    for (const id of this.members.clusters()) out.set(id, this.ticketsOf(id));
    return out;
  }

  /** Sets a ticket's mark (nothing when the ticket is not in the index). */
  mark(id: number, value: number) {
    const slot = this.slotOf.get(id) - 1;
    if (slot >= 0) this.marks[slot] = value;
  }

  familyOf(id: number): number {
    const slot = this.slotOf.get(id) - 1;
    return slot < 0 ? 0 : this.families[slot]!;
  }

  clusterOfTicket(id: number): number {
    const slot = this.slotOf.get(id) - 1;
    return slot < 0 ? 0 : this.labels[slot]!;
  }
}
