/**
 * Hot-spot detection over the tickets, kept fresh from the ticket event feed
 * and persisted with stable ids (docs/decisions/0014-hot-spots.md).
 *
 * The clustering index lives in memory, one per database, loaded on the first
 * run. Every change to a ticket writes a `ticket_events` row (decision 0007),
 * so — as the map does (server/map/points.ts) — a refresh re-reads only the
 * tickets named by events after the last one seen, moves them in the index
 * and re-forms only the clusters near them. A full run rebuilds the index
 * from the tickets; it also happens when the rules get a new version.
 *
 * Stable ids: a new or changed cluster takes over the hot spot that most of
 * its tickets belonged to (the biggest cluster choosing first, so after a
 * split the larger part keeps the id and after a merge the larger
 * predecessor's id survives); a hot spot no cluster takes over is marked gone,
 * with its tickets kept as they were.
 *
 * Threads: clustering a million tickets is seconds of CPU, so the clusterer
 * runs in a worker thread with a database connection of its own for reading;
 * it hands the main thread a plan of what to write, which the main thread
 * writes through `Database.write` (one writer per process, decision 0004) and
 * answers with the new hot spots' ids. Without a worker source (or for an
 * in-memory database) the same clusterer runs in this thread.
 */
import { Worker } from "node:worker_threads";
import { and, desc, gt, inArray, max, ne, sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { categories, hotSpots, hotSpotTickets, insightRuleVersions, ticketEvents, tickets } from "../../db/schema";
import { Interner } from "../interner";
import { workerBundle } from "../worker-bundle";
import { StClusterIndex, type ClusterColumns, type SettleResult } from "./clustering";
import { completeHull, summarise, withdraw, type SummaryState } from "./summary";
import { TicketColumn } from "./ticket-column";
import { LOAD_PAGE, readPoints, readRange, type TicketPoints } from "./ticket-points";

const FEED_PAGE = 1_000;
const MEMBERSHIP_SLICE = 5_000;
const HOUR = 3_600_000;

type Rule = typeof insightRuleVersions.$inferSelect;

/** Category id → its family: the ancestor at the rule's level (or itself when it sits higher). */
async function familiesOf(database: Database, level: number): Promise<Map<number, number>> {
  const rows = await database.db
    .select({ id: categories.id, parentId: categories.parentId, level: categories.level })
    .from(categories);
  const byId = new Map(rows.map((r) => [r.id, r]));
  const out = new Map<number, number>();
  for (const r of rows) {
    let at = r;
    while (at.level > level && at.parentId != null) at = byId.get(at.parentId)!;
    out.set(r.id, at.id);
  }
  return out;
}

/**
 * Place codes interned to small numbers, which the clustering index keeps
 * with each ticket (a string per ticket would cost ~10× the memory). A hot
 * spot's area is the place most of its tickets share.
 */
class Places {
  private readonly codes = new Interner();

  intern(code: string | null): number {
    return this.codes.numberOf(code);
  }

  /** How many of the tickets carry each place (0, none, left out). */
  count(places: Int32Array, into = new Map<number, number>()): Map<number, number> {
    for (let i = 0; i < places.length; i++) {
      const place = places[i]!;
      if (place !== 0) into.set(place, (into.get(place) ?? 0) + 1);
    }
    return into;
  }

  /** The code most of the tickets carry (ties: the smaller code), or null when none has one. */
  majority(counts: ReadonlyMap<number, number>): string | null {
    const codes = this.codes.strings;
    let best: string | null = null;
    let bestCount = 0;
    for (const [id, n] of counts) {
      const code = codes[id]!;
      if (n > bestCount || (n === bestCount && code < best!)) {
        best = code;
        bestCount = n;
      }
    }
    return best;
  }
}

/** What a hot spot's next summary is kept from (server/insights/summary.ts), and its tickets by place. */
interface HotSpotState {
  summary: SummaryState;
  places: Map<number, number>;
}

export interface DetectionResult {
  full: boolean;
  /** Hot spots created or updated, and marked gone, by this run. */
  updated: number[];
  gone: number[];
}

type HotSpotValues = Omit<typeof hotSpots.$inferInsert, "id" | "familyId" | "foundAt">;

/** One changed cluster, as the main thread writes it. */
interface PlanItem {
  /** The hot spot it takes over, or null for a new one. */
  keep: number | null;
  familyId: number;
  values: HotSpotValues;
  /** Membership changes: tickets to add to and remove from the hot spot. */
  added: number[];
  removed: number[];
}

/** What a run writes: changed clusters in order, and the hot spots no cluster took over. */
export interface DetectionPlan {
  full: boolean;
  now: number;
  items: PlanItem[];
  gone: number[];
}

export interface ClustererOptions {
  /** A bundle of the reader thread (server/insights/ticket-reader.ts): full runs read with two threads. */
  reader?: string | null;
  /** The ticket count (by highest id) from which a full run reads with two threads. */
  parallelFrom?: number;
}

/**
 * Reads clusters' columns (or some of their slots') into one set of arrays,
 * grown to the largest read so far: clusters reach 200,000 tickets, and a
 * run reads thousands of them one after another. Each read is valid until
 * the next.
 */
function columnReader(index: StClusterIndex) {
  let scratch: ClusterColumns | undefined;
  return (cluster: number, slots?: readonly number[]): ClusterColumns => {
    const columns = slots ? index.columnsOfSlots(slots, scratch) : index.columnsOf(cluster, scratch);
    if (!scratch || columns.ids.length > scratch.ids.length) scratch = columns;
    return columns;
  };
}

/** Below this a second thread costs more to start than it saves. */
const PARALLEL_FROM = 100_000;

/** A reader thread's pages as they arrive; ends at its null, throws if it fails or stops before. */
async function* pagesOf(reader: Worker): AsyncGenerator<TicketPoints> {
  const queue: (TicketPoints | null | Error)[] = [];
  let wake: (() => void) | null = null;
  const push = (item: TicketPoints | null | Error) => {
    queue.push(item);
    wake?.();
    wake = null;
  };
  reader.on("message", push);
  reader.on("error", push);
  reader.on("exit", () => push(new Error("热点检测的读取线程意外退出")));
  for (;;) {
    while (queue.length === 0) await new Promise<void>((resolve) => (wake = resolve));
    const item = queue.shift()!;
    if (item === null) return;
    if (item instanceof Error) throw item;
    yield item;
  }
}

/**
 * The clustering side of detection: reads tickets, keeps the index, and
 * plans the writes. The plan's clusters and their tickets wait here until
 * the main thread confirms the write with the new hot spots' ids.
 */
export class Clusterer {
  rule: Rule | null = null;
  index: StClusterIndex | null = null;
  families = new Map<number, number>();
  places = new Places();
  lastEventId = 0;
  /**
   * The hot spot each ticket was last written into (0: none; after a full run, active ones only), and each
   * live cluster's hot spot.
   */
  hotSpotOfTicket = new TicketColumn();
  hotSpotOfCluster = new Map<number, number>();
  /** How many tickets each active hot spot has stored: when a cluster holds them all, none left it. */
  memberCount = new Map<number, number>();
  /** Each active hot spot's state as of its last write. */
  states = new Map<number, HotSpotState>();
  private pending: { clusters: number[]; sizes: number[]; states: HotSpotState[] } | null = null;
  /** States without their hull yet, with their cluster (`afterPlan`). */
  private unfinished: [number, SummaryState][] = [];

  constructor(
    private readonly database: Database,
    private readonly options: ClustererOptions = {},
  ) {}

  /** Forgets everything: the next run is a full one (after a failed write, say). */
  reset() {
    this.index = null;
    this.states = new Map();
    this.unfinished = [];
    this.rule = null;
    this.pending = null;
  }

  /** Files the tickets in the index (or moves them there). */
  private apply(points: TicketPoints) {
    const index = this.index!;
    const { ids, xs, ys, ts, categories, places } = points;
    for (let i = 0; i < ids.length; i++) {
      const category = categories[i]!;
      index.upsertOne(
        ids[i]!,
        xs[i]!,
        ys[i]!,
        ts[i]!,
        this.families.get(category) ?? category,
        this.places.intern(places[i] ?? null),
      );
    }
  }

  /**
   * Reads every ticket into the index. From `parallelFrom` tickets on, a
   * reader thread reads the upper half of the ids while this one reads the
   * lower; its pages are filed after this thread's, so slots follow ids
   * either way.
   */
  private async load() {
    const { database } = this;
    const [top] = await database.db.select({ id: max(tickets.id) }).from(tickets);
    const last = top?.id ?? 0;
    const split = this.options.reader && last >= (this.options.parallelFrom ?? PARALLEL_FROM) ? last >> 1 : last;
    const reader =
      split < last
        ? new Worker(this.options.reader!, {
            workerData: { url: database.url, authToken: database.authToken, from: split, to: last },
          })
        : null;
    try {
      const pages = reader ? pagesOf(reader) : null;
      for (let after = 0; after < split; after += LOAD_PAGE)
        this.apply(await readRange(database, after, Math.min(after + LOAD_PAGE, split)));
      if (pages) for await (const points of pages) this.apply(points);
    } finally {
      void reader?.terminate();
    }
  }

  /** A full run when asked, the first time, or when the rules changed; otherwise from the event feed. */
  async plan(full: boolean, now: number): Promise<DetectionPlan> {
    if (full || !this.index) return this.full(now);
    const [rule] = await this.database.db
      .select({ id: insightRuleVersions.id })
      .from(insightRuleVersions)
      .orderBy(desc(insightRuleVersions.id))
      .limit(1);
    return rule?.id === this.rule?.id ? this.refresh(now) : this.full(now);
  }

  private async full(now: number): Promise<DetectionPlan> {
    const { database } = this;
    const [rule] = await database.db.select().from(insightRuleVersions).orderBy(desc(insightRuleVersions.id)).limit(1);
    if (!rule) throw new Error("no insight rule version: seed the reference data");
    this.rule = rule;
    this.families = await familiesOf(database, rule.familyLevel);
    this.places = new Places();
    this.index = new StClusterIndex({
      radiusM: rule.radiusM,
      windowMs: rule.windowHours * HOUR,
      minTickets: rule.minTickets,
    });
    // The feed's position first: a change made while loading is replayed by the next refresh.
    const [top] = await database.db.select({ id: max(ticketEvents.id) }).from(ticketEvents);
    this.lastEventId = top?.id ?? 0;
    await this.load();
    // Each active hot spot's tickets as one JSON array, read along the primary key (hot spot, ticket).
    const memberships = await database.db.all<{ id: number; tickets: string }>(sql`select h.id,
        (select json_group_array(m.ticket_id) from ${hotSpotTickets} m where m.hot_spot_id = h.id) as tickets
      from ${hotSpots} h where h.status = 'active'`);
    this.hotSpotOfTicket = new TicketColumn();
    this.memberCount = new Map();
    for (const { id, tickets: members } of memberships) {
      const ticketIds = JSON.parse(members) as number[];
      for (const ticketId of ticketIds) {
        this.hotSpotOfTicket.set(ticketId, id);
        this.index.mark(ticketId, id);
      }
      this.memberCount.set(id, ticketIds.length);
    }
    this.hotSpotOfCluster = new Map();
    this.states = new Map();
    this.unfinished = [];
    const settled = this.index.settle();
    return this.planWrites(settled, new Set(this.memberCount.keys()), now, true);
  }

  private async refresh(now: number): Promise<DetectionPlan> {
    const { database } = this;
    this.afterPlan();
    for (;;) {
      const changed = await database.db
        .select({ ticketId: ticketEvents.ticketId, eventId: max(ticketEvents.id) })
        .from(ticketEvents)
        .where(gt(ticketEvents.id, this.lastEventId))
        .groupBy(ticketEvents.ticketId)
        .orderBy(sql`2`)
        .limit(FEED_PAGE);
      if (changed.length === 0) break;
      const ids = changed.map((c) => c.ticketId);
      const points = await readPoints(database, inArray(tickets.id, ids));
      this.apply(points);
      // Those without a position now (moved out of the map, say) leave the index.
      const present = new Set(points.ids);
      this.index!.remove(ids.filter((id) => !present.has(id)));
      // A ticket new to the index (or back in it) carries the hot spot it is stored in.
      for (const id of ids) this.index!.mark(id, this.hotSpotOfTicket.get(id));
      this.lastEventId = Math.max(this.lastEventId, ...changed.map((c) => c.eventId ?? 0));
      if (changed.length < FEED_PAGE) break;
    }
    const settled = this.index!.settle();
    const dropped = new Set<number>();
    const priors = new Map<number, number>();
    for (const cluster of [...settled.removed, ...settled.changed]) {
      const id = this.hotSpotOfCluster.get(cluster);
      this.hotSpotOfCluster.delete(cluster);
      if (id === undefined) continue;
      dropped.add(id);
      priors.set(cluster, id);
    }
    return this.planWrites(settled, dropped, now, false, priors);
  }

  /**
   * Plans the changed clusters' writes: each takes over the candidate hot
   * spot most of its tickets were in, or becomes a new one; candidates nobody
   * took over are gone. A cluster that only gained tickets since it was
   * written as a hot spot (`priors`: the hot spot each cluster was) is
   * planned from that hot spot's state and the newcomers alone.
   */
  private planWrites(
    settled: SettleResult,
    candidates: Set<number>,
    now: number,
    full: boolean,
    priors = new Map<number, number>(),
  ): DetectionPlan {
    const index = this.index!;
    const windowMs = this.rule!.windowHours * HOUR;
    const clusters = [...settled.changed]
      .map((cluster) => ({ cluster, size: index.sizeOf(cluster), first: index.firstTicketOf(cluster) }))
      .sort((a, b) => b.size - a.size || a.first - b.first);
    const claimed = new Set<number>();
    const items: PlanItem[] = [];
    const states: HotSpotState[] = [];
    const columnsOf = columnReader(index);
    for (const { cluster, size, first } of clusters) {
      const prior = priors.get(cluster);
      const state = prior === undefined ? undefined : this.states.get(prior);
      const changes = prior === undefined ? null : index.changesOf(cluster);
      // Grown (or a few border tickets traded with a neighbour): planned from the state of the hot spot it was,
      // less the tickets that left, plus the newcomers — only those are read.
      let from: HotSpotState | null = null;
      if (
        state &&
        changes &&
        state.summary.count + changes.joined.length - changes.left.length === size &&
        state.summary.lastAt <= state.summary.asOf &&
        now >= state.summary.asOf &&
        candidates.has(prior!) &&
        !claimed.has(prior!)
      ) {
        const left = index.columnsOfSlots(changes.left);
        const summary = withdraw(state.summary, left, windowMs);
        if (summary) {
          const places = new Map(state.places);
          for (const tag of left.tags) {
            const n = (places.get(tag) ?? 0) - 1;
            if (n > 0) places.set(tag, n);
            else places.delete(tag);
          }
          from = { summary, places };
        }
      }
      let columns = columnsOf(cluster, from ? changes!.joined : undefined);
      let keep = this.vote(columns.marks, candidates, claimed, from ? [prior!, size - changes!.joined.length] : null);
      if (from && keep !== prior) {
        // The newcomers outvote the hot spot it was (a big merge): planned from all its tickets.
        columns = columnsOf(cluster);
        keep = this.vote(columns.marks, candidates, claimed, null);
        from = null;
      }
      if (keep !== null) claimed.add(keep);
      const { summary: s, state: summary } = summarise(columns, now, windowMs, from?.summary);
      const places = this.places.count(columns.tags, from?.places);
      const values: HotSpotValues = {
        ruleVersionId: this.rule!.id,
        status: "active",
        ticketCount: s.count,
        centreLon: s.centreLon,
        centreLat: s.centreLat,
        radiusM: s.radiusM,
        west: s.west,
        south: s.south,
        east: s.east,
        north: s.north,
        firstAt: new Date(s.firstAt),
        lastAt: new Date(s.lastAt),
        recent: s.recent,
        previous: s.previous,
        trend: s.trend,
        score: s.score,
        // The area read rights follow: where most of its tickets are.
        regionCode: this.places.majority(places),
        updatedAt: new Date(now),
      };
      // Only the difference is written: a refresh usually adds a few calls to a hot spot of thousands.
      const { ids, marks } = columns;
      const adding: number[] = [];
      for (let i = 0; i < ids.length; i++) if (keep === null || marks[i] !== keep) adding.push(ids[i]!);
      // In ticket order, the indexes and the foreign-key lookups walk their pages in order, not at random.
      const added = Array.from(Int32Array.from(adding).sort());
      // Tickets the hot spot had that the cluster no longer has (they left it, or another cluster took them):
      // those that left it in this settle, or, when the counts say there are others, found by a scan.
      let removed: number[] = [];
      if (keep !== null) {
        if (changes) for (const slot of changes.left) removed.push(index.ticketOfSlot(slot));
        removed = removed.filter((id) => this.hotSpotOfTicket.get(id) === keep);
        if (size - added.length !== this.memberCount.get(keep)! - removed.length)
          removed = this.hotSpotOfTicket.others(keep, index.ticketsOf(cluster));
      }
      items.push({ keep, familyId: index.familyOf(first), values, added, removed });
      states.push({ summary, places });
    }
    const gone = [...candidates].filter((id) => !claimed.has(id));
    this.pending = { clusters: clusters.map((c) => c.cluster), sizes: clusters.map((c) => c.size), states };
    return { full, now, items, gone };
  }

  /**
   * The candidate hot spot most of these tickets were in (ties: the smaller
   * id), or null; `base` adds votes for one hot spot counted elsewhere.
   */
  private vote(
    marks: Int32Array,
    candidates: ReadonlySet<number>,
    claimed: ReadonlySet<number>,
    base: [number, number] | null,
  ): number | null {
    const votes = new Map<number, number>();
    const add = (prior: number, n: number) => {
      if (prior !== 0 && candidates.has(prior) && !claimed.has(prior)) votes.set(prior, (votes.get(prior) ?? 0) + n);
    };
    if (base) add(base[0], base[1]);
    // Neighbouring tickets mostly share their hot spot: votes are counted in runs.
    let run = 0;
    let runLength = 0;
    for (let i = 0; i < marks.length; i++) {
      const prior = marks[i]!;
      if (prior === run) {
        runLength++;
      } else {
        add(run, runLength);
        run = prior;
        runLength = 1;
      }
    }
    add(run, runLength);
    let keep: number | null = null;
    for (const [id, n] of votes)
      if (keep === null || n > votes.get(keep)! || (n === votes.get(keep) && id < keep)) keep = id;
    return keep;
  }

  /**
   * What the next refresh needs and the last plan did not: the full run's
   * cells, and the hulls of the hot spots summarised whole. The detection
   * worker does it once it has answered; a refresh makes sure first.
   */
  afterPlan() {
    this.index?.fileCells();
    if (this.unfinished.length === 0) return;
    const columnsOf = columnReader(this.index!);
    for (const [cluster, state] of this.unfinished) completeHull(state, columnsOf(cluster));
    this.unfinished = [];
  }

  /** A ticket's hot spot, as this clusterer and the index (for the next plan's votes) remember it. */
  private setHotSpot(ticketId: number, hotSpotId: number) {
    this.hotSpotOfTicket.set(ticketId, hotSpotId);
    this.index!.mark(ticketId, hotSpotId);
  }

  /** The plan is written: remember which hot spot each cluster and ticket is now in. */
  confirm(plan: DetectionPlan, inserted: readonly number[]): DetectionResult {
    const pending = this.pending!;
    this.pending = null;
    let next = 0;
    const updated: number[] = [];
    plan.items.forEach((item, i) => {
      const id = item.keep ?? inserted[next++]!;
      // The cluster's other tickets are in this hot spot already; a ticket another cluster took has its new one.
      for (const ticketId of item.removed) if (this.hotSpotOfTicket.get(ticketId) === id) this.setHotSpot(ticketId, 0);
      for (const ticketId of item.added) this.setHotSpot(ticketId, id);
      this.hotSpotOfCluster.set(pending.clusters[i]!, id);
      this.memberCount.set(id, pending.sizes[i]!);
      const state = pending.states[i]!;
      this.states.set(id, state);
      if (!state.summary.hull) this.unfinished.push([pending.clusters[i]!, state.summary]);
      updated.push(id);
    });
    if (plan.gone.length > 0) {
      const gone = new Set(plan.gone);
      // Their tickets keep the mark: a gone hot spot is never a candidate again, so it wins no vote, and
      // clearing it meant two scans of a million entries in most refreshes.
      for (const id of gone) {
        this.memberCount.delete(id);
        this.states.delete(id);
      }
    }
    return { full: plan.full, updated, gone: plan.gone };
  }
}

/** The columns a plan writes to a hot spot, and each one's value in a JSON row (timestamps in ms). */
const HOT_SPOT_COLUMNS: [string, (v: HotSpotValues) => unknown][] = [
  ["rule_version_id", (v) => v.ruleVersionId],
  ["status", (v) => v.status],
  ["ticket_count", (v) => v.ticketCount],
  ["centre_lon", (v) => v.centreLon],
  ["centre_lat", (v) => v.centreLat],
  ["radius_m", (v) => v.radiusM],
  ["west", (v) => v.west],
  ["south", (v) => v.south],
  ["east", (v) => v.east],
  ["north", (v) => v.north],
  ["first_at", (v) => v.firstAt.getTime()],
  ["last_at", (v) => v.lastAt.getTime()],
  ["recent", (v) => v.recent],
  ["previous", (v) => v.previous],
  ["trend", (v) => v.trend],
  ["score", (v) => v.score],
  ["region_code", (v) => v.regionCode ?? null],
  ["updated_at", (v) => v.updatedAt.getTime()],
];
const HOT_SPOT_SLICE = 1_000;

/** The written columns as SQL; a JSON row is [lead, ...values], lead being the family or the hot spot's id. */
const COLUMN_LIST = HOT_SPOT_COLUMNS.map(([name]) => name).join(", ");
const FIELD_LIST = HOT_SPOT_COLUMNS.map((_, k) => `j.value->>${k + 1}`).join(", ");
const ASSIGNMENTS = HOT_SPOT_COLUMNS.map(([name], k) => `${name} = j.value->>${k + 1}`).join(", ");

const jsonRows = (items: PlanItem[], lead: (item: PlanItem) => number | null) =>
  JSON.stringify(items.map((item) => [lead(item), ...HOT_SPOT_COLUMNS.map(([, value]) => value(item.values))]));

/**
 * Writes a plan in one transaction; returns the ids of the hot spots it created, in order.
 * A run can touch thousands of hot spots: their rows go as JSON arrays, a statement per
 * thousand, not a statement each.
 */
export function persistPlan(database: Database, plan: DetectionPlan): Promise<number[]> {
  return (plan.full ? database.bulkWrite : database.write)(async (tx) => {
    const created = plan.items.filter((item) => item.keep === null);
    const kept = plan.items.filter((item) => item.keep !== null);
    const inserted: number[] = [];
    for (let i = 0; i < created.length; i += HOT_SPOT_SLICE) {
      const rows = jsonRows(created.slice(i, i + HOT_SPOT_SLICE), (item) => item.familyId);
      const ids = await tx.all<{
        id: number;
      }>(sql`insert into ${hotSpots} (family_id, found_at, ${sql.raw(COLUMN_LIST)})
        select j.value->>0, ${plan.now}, ${sql.raw(FIELD_LIST)} from json_each(${rows}) j returning id`);
      // Rows are inserted in the array's order, so AUTOINCREMENT gives them ascending ids.
      inserted.push(...ids.map((r) => r.id).sort((a, b) => a - b));
    }
    for (let i = 0; i < kept.length; i += HOT_SPOT_SLICE) {
      const rows = jsonRows(kept.slice(i, i + HOT_SPOT_SLICE), (item) => item.keep);
      await tx.run(sql`update ${hotSpots} set ${sql.raw(ASSIGNMENTS)}
        from json_each(${rows}) j where ${hotSpots.id} = j.value->>0`);
    }
    let next = 0;
    for (const item of plan.items) {
      const id = item.keep ?? inserted[next++]!;
      // Id lists travel as JSON arrays (json_each), not as thousands of bound parameters, in slices:
      // each statement holds the event loop (the driver is synchronous), so none may take long.
      for (let i = 0; i < item.removed.length; i += MEMBERSHIP_SLICE)
        await tx.run(sql`delete from ${hotSpotTickets} where hot_spot_id = ${id}
          and ticket_id in (select value from json_each(${JSON.stringify(item.removed.slice(i, i + MEMBERSHIP_SLICE))}))`);
      for (let i = 0; i < item.added.length; i += MEMBERSHIP_SLICE)
        await tx.run(sql`insert into ${hotSpotTickets} (hot_spot_id, ticket_id)
          select ${id}, value from json_each(${JSON.stringify(item.added.slice(i, i + MEMBERSHIP_SLICE))})`);
    }
    if (plan.gone.length > 0) {
      await tx
        .update(hotSpots)
        .set({ status: "gone", updatedAt: new Date(plan.now) })
        .where(and(inArray(hotSpots.id, plan.gone), ne(hotSpots.status, "gone")));
    }
    return inserted;
  });
}

/** Messages between the main thread and the detection worker (server/insights/detection-worker.ts). */
export type ToWorker =
  { type: "run"; full: boolean; now: number } | { type: "persisted"; inserted: number[] } | { type: "failed" };
export type FromWorker =
  | { type: "plan"; plan: DetectionPlan }
  | { type: "done"; result: DetectionResult }
  | { type: "error"; message: string };

interface Runner {
  run(full: boolean, now: number): Promise<DetectionResult>;
  threaded: boolean;
}

function inThread(database: Database): Runner {
  const clusterer = new Clusterer(database);
  return {
    async run(full, now) {
      const plan = await clusterer.plan(full, now);
      try {
        return clusterer.confirm(plan, await persistPlan(database, plan));
      } catch (error) {
        clusterer.reset();
        throw error;
      }
    },
    threaded: false,
  };
}

function inWorker(database: Database, entry: string, onExit: () => void): Runner {
  const reader = workerBundle(import.meta.url, "server/insights", "ticket-reader.ts");
  const worker = new Worker(entry, { workerData: { url: database.url, authToken: database.authToken, reader } });
  // An idle detector must not keep a process (or a test run) alive.
  worker.unref();
  database.onClose(() => void worker.terminate());
  let waiting: { resolve(result: DetectionResult): void; reject(error: Error): void } | null = null;
  const fail = (error: Error) => {
    waiting?.reject(error);
    waiting = null;
  };
  const send = (message: ToWorker) => worker.postMessage(message);
  worker.on("message", (message: FromWorker) => {
    if (message.type === "plan") {
      persistPlan(database, message.plan).then(
        (inserted) => send({ type: "persisted", inserted }),
        (error: unknown) => {
          send({ type: "failed" });
          fail(error instanceof Error ? error : new Error(String(error)));
        },
      );
    } else if (message.type === "done") {
      waiting?.resolve(message.result);
      waiting = null;
    } else {
      fail(new Error(message.message));
    }
  });
  worker.on("error", fail);
  worker.on("exit", () => {
    onExit();
    fail(new Error("热点检测线程意外退出"));
  });
  return {
    run(full, now) {
      return new Promise<DetectionResult>((resolve, reject) => {
        waiting = { resolve, reject };
        send({ type: "run", full, now });
      });
    },
    threaded: true,
  };
}

const runners = new WeakMap<Database, { runner: Runner; running: Promise<unknown> }>();

function runnerFor(database: Database) {
  let entry = runners.get(database);
  if (!entry) {
    const source = database.url.includes(":memory:")
      ? null
      : workerBundle(import.meta.url, "server/insights", "detection-worker.ts");
    // A worker that died is replaced on the next run (which is then a full one).
    const runner = source ? inWorker(database, source, () => runners.delete(database)) : inThread(database);
    entry = { runner, running: Promise.resolve() };
    runners.set(database, entry);
  }
  return entry;
}

/** Does detection for this database run in a worker thread (it should, except in memory)? */
export function detectionThreaded(database: Database): boolean {
  return runnerFor(database).runner.threaded;
}

/**
 * Brings the hot spots up to date: a full run the first time in a process,
 * when the rules changed, or when asked; otherwise only what the tickets
 * changed since the last run. Runs one at a time per database.
 */
export function detectHotSpots(
  database: Database,
  options: { full?: boolean; now?: Date } = {},
): Promise<DetectionResult> {
  const entry = runnerFor(database);
  const now = (options.now ?? new Date()).getTime();
  const run = entry.running.then(() => entry.runner.run(options.full ?? false, now));
  entry.running = run.catch(() => undefined);
  return run;
}
