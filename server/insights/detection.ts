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
 */
import { and, desc, eq, gt, inArray, max, ne, sql, type SQL } from "drizzle-orm";
import type { Database } from "../../db/client";
import { categories, hotSpots, hotSpotTickets, insightRuleVersions, ticketEvents, tickets } from "../../db/schema";
import { StClusterIndex, type SettleResult, type StPoint } from "./clustering";
import { projectX, projectY } from "./projection";
import { summarise } from "./summary";

const LOAD_PAGE = 20_000;
const FEED_PAGE = 1_000;
const HOUR = 3_600_000;

type Rule = typeof insightRuleVersions.$inferSelect;

/**
 * [id, lon, lat, received_at, category_id, place]; inquiries answered on the
 * call are not problems on the ground. `place` is the most specific region
 * code the ticket carries (community, else street, else district).
 */
type Row = [number, number | null, number | null, number, number, string | null];

async function selectRows(database: Database, where: SQL, limit: number): Promise<Row[]> {
  const [page] = await database.db.all<{ rows: string }>(sql`select json_group_array(json_array(
      id, case when type <> 'inquiry' then lon end, lat, received_at, category_id, place)) as rows
    from (select id, type, lon, lat, received_at, category_id,
        coalesce(community_code, street_code, district_code) as place
      from ${tickets} where ${where} order by id limit ${limit})`);
  return JSON.parse(page?.rows ?? "[]") as Row[];
}

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
 * Each ticket's place code, compactly: codes interned to small numbers in an
 * array indexed by ticket id (a Map of a million strings would cost ~10× the
 * memory). A hot spot's area is the place most of its tickets share.
 */
class Places {
  private codes: string[] = [""];
  private ids = new Map<string, number>();
  private byTicket = new Int32Array(1024);

  set(ticketId: number, code: string | null) {
    if (ticketId >= this.byTicket.length) {
      const grown = new Int32Array(Math.max(ticketId + 1, this.byTicket.length * 2));
      grown.set(this.byTicket);
      this.byTicket = grown;
    }
    let id = 0;
    if (code) {
      id = this.ids.get(code) ?? this.codes.length;
      if (id === this.codes.length) {
        this.codes.push(code);
        this.ids.set(code, id);
      }
    }
    this.byTicket[ticketId] = id;
  }

  /** The code most of the tickets carry (ties: the smaller code), or null when none has one. */
  majority(ticketIds: Iterable<number>): string | null {
    const counts = new Map<number, number>();
    for (const t of ticketIds) {
      const id = this.byTicket[t] ?? 0;
      if (id !== 0) counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    let best: string | null = null;
    let bestCount = 0;
    for (const [id, n] of counts) {
      const code = this.codes[id]!;
      if (n > bestCount || (n === bestCount && best !== null && code < best)) {
        best = code;
        bestCount = n;
      }
    }
    return best;
  }
}

export interface DetectionResult {
  full: boolean;
  /** Hot spots created or updated, and marked gone, by this run. */
  updated: number[];
  gone: number[];
}

class Detector {
  rule: Rule | null = null;
  index: StClusterIndex | null = null;
  families = new Map<number, number>();
  places = new Places();
  lastEventId = 0;
  /** The persisted hot spot of each ticket in an active one, and each live cluster's hot spot. */
  hotSpotOfTicket = new Map<number, number>();
  hotSpotOfCluster = new Map<number, number>();

  constructor(private readonly database: Database) {}

  private pointOf(row: Row): StPoint | null {
    const [id, lon, lat, receivedAt, categoryId] = row;
    if (lon == null || lat == null) return null;
    return {
      id,
      x: projectX(lon),
      y: projectY(lat),
      t: receivedAt,
      family: this.families.get(categoryId) ?? categoryId,
    };
  }

  private apply(rows: Row[], ids: readonly number[]) {
    const present = new Set<number>();
    const points: StPoint[] = [];
    for (const row of rows) {
      this.places.set(row[0], row[5]);
      const point = this.pointOf(row);
      if (point) {
        points.push(point);
        present.add(point.id);
      }
    }
    this.index!.upsert(points);
    this.index!.remove(ids.filter((id) => !present.has(id)));
  }

  async full(now: number): Promise<DetectionResult> {
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
    let after = 0;
    for (;;) {
      const rows = await selectRows(database, gt(tickets.id, after), LOAD_PAGE);
      this.apply(rows, []);
      if (rows.length < LOAD_PAGE) break;
      after = rows.at(-1)![0];
    }
    const memberships = await database.db
      .select({ ticketId: hotSpotTickets.ticketId, hotSpotId: hotSpotTickets.hotSpotId })
      .from(hotSpotTickets)
      .innerJoin(hotSpots, eq(hotSpots.id, hotSpotTickets.hotSpotId))
      .where(eq(hotSpots.status, "active"));
    this.hotSpotOfTicket = new Map(memberships.map((m) => [m.ticketId, m.hotSpotId]));
    this.hotSpotOfCluster = new Map();
    const settled = this.index.settle();
    const active = await database.db.select({ id: hotSpots.id }).from(hotSpots).where(eq(hotSpots.status, "active"));
    return this.persist(settled, new Set(active.map((a) => a.id)), now, true);
  }

  async refresh(now: number): Promise<DetectionResult> {
    const { database } = this;
    const [rule] = await database.db
      .select({ id: insightRuleVersions.id })
      .from(insightRuleVersions)
      .orderBy(desc(insightRuleVersions.id))
      .limit(1);
    if (!this.index || rule?.id !== this.rule?.id) return this.full(now);
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
      this.apply(await selectRows(database, inArray(tickets.id, ids), ids.length), ids);
      this.lastEventId = Math.max(this.lastEventId, ...changed.map((c) => c.eventId ?? 0));
      if (changed.length < FEED_PAGE) break;
    }
    const settled = this.index.settle();
    const dropped = new Set<number>();
    for (const cluster of settled.removed) {
      const id = this.hotSpotOfCluster.get(cluster);
      this.hotSpotOfCluster.delete(cluster);
      if (id !== undefined) dropped.add(id);
    }
    for (const cluster of settled.changed) {
      const id = this.hotSpotOfCluster.get(cluster);
      this.hotSpotOfCluster.delete(cluster);
      if (id !== undefined) dropped.add(id);
    }
    return this.persist(settled, dropped, now, false);
  }

  /**
   * Writes the changed clusters as hot spots: each takes over the candidate
   * hot spot most of its tickets were in, or becomes a new one; candidates
   * nobody took over are gone.
   */
  private async persist(
    settled: SettleResult,
    candidates: Set<number>,
    now: number,
    full: boolean,
  ): Promise<DetectionResult> {
    const index = this.index!;
    const rule = this.rule!;
    const windowMs = rule.windowHours * HOUR;
    const clusters = [...settled.changed]
      .map((cluster) => ({ cluster, points: index.pointsOf(cluster) }))
      .sort((a, b) => b.points.length - a.points.length || a.points[0]!.id - b.points[0]!.id);
    const claimed = new Set<number>();
    const plans = clusters.map(({ cluster, points }) => {
      const votes = new Map<number, number>();
      for (const p of points) {
        const prior = this.hotSpotOfTicket.get(p.id);
        if (prior !== undefined && candidates.has(prior) && !claimed.has(prior))
          votes.set(prior, (votes.get(prior) ?? 0) + 1);
      }
      let keep: number | undefined;
      for (const [id, n] of votes)
        if (keep === undefined || n > votes.get(keep)! || (n === votes.get(keep) && id < keep)) keep = id;
      if (keep !== undefined) claimed.add(keep);
      return { cluster, points, keep };
    });
    const gone = [...candidates].filter((id) => !claimed.has(id));
    const updated: number[] = [];
    await this.database.write(async (tx) => {
      for (const plan of plans) {
        const s = summarise(plan.points, now, windowMs);
        const values = {
          ruleVersionId: rule.id,
          status: "active" as const,
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
          regionCode: this.places.majority(plan.points.map((p) => p.id)),
          updatedAt: new Date(now),
        };
        let id = plan.keep;
        let added: number[] = plan.points.map((p) => p.id);
        if (id === undefined) {
          const [row] = await tx
            .insert(hotSpots)
            .values({ ...values, familyId: index.familyOf(plan.points[0]!.id), foundAt: new Date(now) })
            .returning({ id: hotSpots.id });
          id = row!.id;
        } else {
          await tx.update(hotSpots).set(values).where(eq(hotSpots.id, id));
          // Only the difference is written: a refresh usually adds a few calls to a hot spot of thousands.
          // Id lists travel as one JSON array each (json_each), not as thousands of bound parameters.
          const [members] = await tx.all<{ ids: string }>(
            sql`select json_group_array(ticket_id) as ids from ${hotSpotTickets} where hot_spot_id = ${id}`,
          );
          const before = new Set(JSON.parse(members?.ids ?? "[]") as number[]);
          added = added.filter((ticketId) => !before.delete(ticketId));
          if (before.size > 0)
            await tx.run(sql`delete from ${hotSpotTickets} where hot_spot_id = ${id}
              and ticket_id in (select value from json_each(${JSON.stringify([...before])}))`);
        }
        if (added.length > 0)
          await tx.run(sql`insert into ${hotSpotTickets} (hot_spot_id, ticket_id)
            select ${id}, value from json_each(${JSON.stringify(added)})`);
        for (const p of plan.points) this.hotSpotOfTicket.set(p.id, id);
        this.hotSpotOfCluster.set(plan.cluster, id);
        updated.push(id);
      }
      if (gone.length > 0) {
        await tx
          .update(hotSpots)
          .set({ status: "gone", updatedAt: new Date(now) })
          .where(and(inArray(hotSpots.id, gone), ne(hotSpots.status, "gone")));
      }
    });
    const goneSet = new Set(gone);
    for (const [ticket, id] of this.hotSpotOfTicket) if (goneSet.has(id)) this.hotSpotOfTicket.delete(ticket);
    return { full, updated, gone };
  }
}

const detectors = new WeakMap<Database, { detector: Detector; running: Promise<unknown> }>();

/**
 * Brings the hot spots up to date: a full run the first time in a process,
 * when the rules changed, or when asked; otherwise only what the tickets
 * changed since the last run. Runs one at a time per database.
 */
export function detectHotSpots(
  database: Database,
  options: { full?: boolean; now?: Date } = {},
): Promise<DetectionResult> {
  let entry = detectors.get(database);
  if (!entry) {
    entry = { detector: new Detector(database), running: Promise.resolve() };
    detectors.set(database, entry);
  }
  const { detector } = entry;
  const now = (options.now ?? new Date()).getTime();
  const run = entry.running.then(() => (options.full ? detector.full(now) : detector.refresh(now)));
  entry.running = run.catch(() => undefined);
  return run;
}
