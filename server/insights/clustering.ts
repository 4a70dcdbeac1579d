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
 * Incremental: inserting, moving or removing tickets marks their cells; a
 * `settle` recomputes core status only around those cells and re-forms only
 * the components that touch them (a component it reaches without having
 * touched it is absorbed whole — its own links cannot have changed). The full
 * run is the same code with every cell marked.
 */

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
}

/** Cell keys: spatial index cx + cy·SIDE stays a small integer (V8 hashes those fastest). */
const SIDE = 1 << 15;
const OFFSET = 1 << 14;
/** A millimetre of slack, so a point placed on the radius stays inside after projection rounding. */
const SLACK_M = 0.001;

interface Cell {
  family: number;
  ct: number;
  sk: number;
  points: number[];
  coreCount: number;
  /** The component (cluster) its core points belong to; 0 when it has none. */
  component: number;
  neighbours: Cell[];
  neighboursStamp: number;
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
  private core = new Uint8Array(0);
  /** The cluster of each point: a core point's cell's component, a border point's nearest core's, else 0. */
  private labels = new Int32Array(0);
  private cellOf: (Cell | null)[] = [];
  private readonly free: number[] = [];
  private readonly slotOf = new Map<number, number>();
  private readonly grid = new Map<number, Map<number, Map<number, Cell>>>();
  private readonly dirty = new Set<Cell>();
  private readonly members = new Map<number, Set<number>>();
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
    return this.slotOf.size;
  }

  private ensure(capacity: number) {
    if (capacity <= this.ids.length) return;
    const next = Math.max(capacity, this.ids.length * 2, 1024);
    const grow = <T extends Int32Array | Float64Array | Uint8Array>(a: T): T => {
      const b = new (a.constructor as new (n: number) => T)(next);
      b.set(a);
      return b;
    };
    this.ids = grow(this.ids);
    this.xs = grow(this.xs);
    this.ys = grow(this.ys);
    this.ts = grow(this.ts);
    this.core = grow(this.core);
    this.labels = grow(this.labels);
  }

  private cellFor(family: number, x: number, y: number, t: number): Cell {
    const cx = Math.floor(x / this.side) + OFFSET;
    const cy = Math.floor(y / this.side) + OFFSET;
    // Beyond ±570 km of Tiananmen (at the smallest radius) keys would collide: not a Beijing position.
    if (cx < 2 || cx >= SIDE - 2 || cy < 2 || cy >= SIDE - 2) throw new RangeError(`position out of range: ${x}, ${y}`);
    const ct = Math.floor(t / this.rule.windowMs);
    const sk = cy * SIDE + cx;
    let byTime = this.grid.get(family);
    if (!byTime) this.grid.set(family, (byTime = new Map()));
    let row = byTime.get(ct);
    if (!row) byTime.set(ct, (row = new Map()));
    let cell = row.get(sk);
    if (!cell) {
      cell = { family, ct, sk, points: [], coreCount: 0, component: 0, neighbours: [], neighboursStamp: -1 };
      row.set(sk, cell);
    }
    return cell;
  }

  private detach(slot: number) {
    const cell = this.cellOf[slot]!;
    const at = cell.points.indexOf(slot);
    cell.points[at] = cell.points[cell.points.length - 1]!;
    cell.points.pop();
    this.dirty.add(cell);
    this.members.get(this.labels[slot]!)?.delete(slot);
    this.cellOf[slot] = null;
  }

  /** Adds tickets, or moves them when already present (a changed position, time or category). */
  upsert(points: Iterable<StPoint>) {
    for (const p of points) {
      let slot = this.slotOf.get(p.id);
      if (slot === undefined) {
        slot = this.free.pop() ?? this.size++;
        this.ensure(this.size);
        this.slotOf.set(p.id, slot);
      } else {
        this.detach(slot);
      }
      const cell = this.cellFor(p.family, p.x, p.y, p.t);
      this.ids[slot] = p.id;
      this.xs[slot] = p.x;
      this.ys[slot] = p.y;
      this.ts[slot] = p.t;
      this.core[slot] = 0;
      this.labels[slot] = 0;
      this.cellOf[slot] = cell;
      cell.points.push(slot);
      this.dirty.add(cell);
    }
  }

  /** Removes tickets (no longer on the map, or out of the detection's scope). */
  remove(ids: Iterable<number>) {
    for (const id of ids) {
      const slot = this.slotOf.get(id);
      if (slot === undefined) continue;
      this.detach(slot);
      this.slotOf.delete(id);
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
    if (byTime) {
      for (let dt = -1; dt <= 1; dt++) {
        const row = byTime.get(cell.ct + dt);
        if (!row) continue;
        for (let dy = -2; dy <= 2; dy++) {
          const base = cell.sk + dy * SIDE;
          for (let dx = -2; dx <= 2; dx++) {
            const n = row.get(base + dx);
            if (n && n.points.length > 0) out.push(n);
          }
        }
      }
    }
    cell.neighbours = out;
    cell.neighboursStamp = this.stamp;
    return out;
  }

  private updateCore(cell: Cell) {
    const { points } = cell;
    const min = this.rule.minTickets;
    let coreCount = 0;
    if (points.length >= min) {
      for (const p of points) this.core[p] = 1;
      coreCount = points.length;
    } else {
      const around = this.neighboursOf(cell);
      for (const p of points) {
        let n = 0;
        search: for (const other of around) {
          for (const q of other.points) {
            if (this.near(p, q) && ++n >= min) break search;
          }
        }
        this.core[p] = n >= min ? 1 : 0;
        coreCount += this.core[p]!;
      }
    }
    cell.coreCount = coreCount;
  }

  private linked(a: Cell, b: Cell): boolean {
    for (const p of a.points) {
      if (!this.core[p]) continue;
      for (const q of b.points) if (this.core[q] && this.near(p, q)) return true;
    }
    return false;
  }

  /** Recomputes what the changes since the last settle affect; returns the clusters that changed. */
  settle(): SettleResult {
    this.stamp++;
    const changed = new Set<number>();
    const removed = new Set<number>();
    const dirty = [...this.dirty];
    this.dirty.clear();

    // Core status can change only within reach of a changed cell.
    const affected = new Set<Cell>();
    for (const cell of dirty) {
      if (cell.component) removed.add(cell.component);
      // An emptied cell's neighbours are found by its key like any other's (empty cells are never listed).
      for (const n of this.neighboursOf(cell)) affected.add(n);
      if (cell.points.length === 0) this.grid.get(cell.family)?.get(cell.ct)?.delete(cell.sk);
    }
    for (const cell of affected) {
      if (cell.component) removed.add(cell.component);
      this.updateCore(cell);
    }

    // Every component touching the affected cells is re-formed from scratch.
    const seeds: Cell[] = [];
    for (const id of removed) {
      for (const slot of this.members.get(id) ?? []) {
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
      for (const slot of this.members.get(id) ?? []) relabel.add(this.cellOf[slot]!);
      this.members.delete(id);
    }
    for (const cell of relabel) {
      if (cell.points.length === 0) continue;
      const around = cell.coreCount < cell.points.length ? this.neighboursOf(cell) : [];
      for (const p of cell.points) {
        let label = 0;
        if (this.core[p]) label = cell.component;
        else {
          let best = Infinity;
          for (const other of around) {
            if (other.coreCount === 0) continue;
            for (const q of other.points) {
              if (!this.core[q] || !this.near(p, q)) continue;
              const d = (this.xs[p]! - this.xs[q]!) ** 2 + (this.ys[p]! - this.ys[q]!) ** 2;
              if (d < best) {
                best = d;
                label = other.component;
              }
            }
          }
        }
        const before = this.labels[p]!;
        if (before === label) continue;
        if (before && !removed.has(before)) {
          this.members.get(before)?.delete(p);
          changed.add(before);
        }
        this.labels[p] = label;
        if (label) {
          let set = this.members.get(label);
          if (!set) this.members.set(label, (set = new Set()));
          set.add(p);
          changed.add(label);
        }
      }
    }
    for (const id of changed) if (!this.members.has(id)) changed.delete(id);
    for (const id of changed) removed.delete(id);
    return { changed, removed };
  }

  /** The ids of a cluster's tickets. */
  ticketsOf(cluster: number): number[] {
    return [...(this.members.get(cluster) ?? [])].map((slot) => this.ids[slot]!);
  }

  /** A cluster's tickets with their positions and times (for its summary). */
  pointsOf(cluster: number): { id: number; x: number; y: number; t: number }[] {
    return [...(this.members.get(cluster) ?? [])].map((slot) => ({
      id: this.ids[slot]!,
      x: this.xs[slot]!,
      y: this.ys[slot]!,
      t: this.ts[slot]!,
    }));
  }

  /** Every cluster's ticket ids. */
  clusters(): Map<number, number[]> {
    const out = new Map<number, number[]>();
    for (const id of this.members.keys()) out.set(id, this.ticketsOf(id));
    return out;
  }

  familyOf(id: number): number {
    const slot = this.slotOf.get(id);
    return slot === undefined ? 0 : this.cellOf[slot]!.family;
  }

  clusterOfTicket(id: number): number {
    const slot = this.slotOf.get(id);
    return slot === undefined ? 0 : this.labels[slot]!;
  }
}
