/**
 * The map's tickets in memory, as columns (docs/decisions/0013-map.md).
 *
 * A viewport query at city zoom touches every ticket with a position; at a
 * million tickets that is a million rows, which no SQL GROUP BY answers in
 * 10 ms. Held here as typed arrays (~40 bytes a ticket), the same question is
 * one tight loop. Positions are kept in Web Mercator units (0–1), so a
 * cluster cell at any zoom is a multiplication away, each ticket sits in a
 * bucket of a fixed grid so a street-level viewport visits only its part of
 * the city, and a pyramid of tile sums (pyramid.ts) answers wider views
 * without visiting their tickets.
 *
 * Freshness: every change to a ticket writes a `ticket_events` row (decision
 * 0007), so the events' ids are the change feed. `refresh` loads the tickets
 * named by events after the last one seen; it runs before a query when the
 * last refresh is older than a second. Each change to a point is logged with
 * its old position, so a filter's own pyramid (filter-index.ts) catches up by
 * replaying the changes since it was built.
 */
import { and, eq, gt, inArray, isNotNull, isNull, max, sql, type SQL } from "drizzle-orm";
import type { Database } from "../../db/client";
import { requestTypes, ticketEvents, tickets, ticketStatuses, ticketUnits } from "../../db/schema";
import { FINEST_ZOOM, Pyramid, tileKey } from "./pyramid";
import { Interner } from "../interner";
import { BEIJING_OFFSET_MS } from "../../app/i18n/dates";

/** Buckets are the tiles of the pyramid's finest zoom (16: ~470 m at Beijing's latitude). */
export const BUCKET_ZOOM = FINEST_ZOOM;
const BUCKETS_PER_SIDE = 2 ** BUCKET_ZOOM;
/** Changes kept for filters' pyramids to catch up with; one further behind rebuilds. */
const CHANGE_LOG_MAX = 100_000;
const LOAD_PAGE = 20_000;
const REFRESH_AFTER_MS = 1_000;
const DAY_MS = 86_400_000;

export const mercatorX = (lon: number) => (lon + 180) / 360;
export function mercatorY(lat: number): number {
  const s = Math.sin((lat * Math.PI) / 180);
  return 0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI);
}
export const longitudeOf = (x: number) => x * 360 - 180;
export const latitudeOf = (y: number) => (Math.atan(Math.sinh(Math.PI * (1 - 2 * y))) * 180) / Math.PI;

/** A Beijing calendar day as a number: what the time filter compares. */
export const beijingDay = (ms: number) => Math.floor((ms + BEIJING_OFFSET_MS) / DAY_MS);

const typeIndex = new Map<string, number>(requestTypes.map((t, i) => [t, i]));
const statusIndex = new Map<string, number>(ticketStatuses.map((s, i) => [s, i]));

/**
 * One ticket as the store reads it: [id, lon, lat, received_at (ms), category_id, type, status,
 * finest region code, lead org, first receiver org, reporter user].
 */
type PointRow = [
  number,
  number | null,
  number | null,
  number,
  number,
  string,
  string,
  string | null,
  number | null,
  number | null,
  number | null,
];

/**
 * The tickets matching `where`, in id order. Read as one JSON array per page,
 * which SQLite builds and V8 parses far faster than the driver makes row
 * objects (a million tickets load in seconds, not a minute).
 */
async function selectPoints(database: Database, where: SQL, limit: number): Promise<PointRow[]> {
  const [page] = await database.db.all<{ rows: string }>(sql`select json_group_array(json_array(
      id, lon, lat, received_at, category_id, type, status, coalesce(community_code, street_code, district_code),
      lead_org_id, first_receiver_org_id, reporter_user_id)) as rows
    from (select * from ${tickets} where ${where} order by id limit ${limit})`);
  return JSON.parse(page?.rows ?? "[]") as PointRow[];
}

function grow<T extends Float32Array | Int32Array | Uint16Array | Uint8Array>(array: T, capacity: number): T {
  const next = new (array.constructor as new (n: number) => T)(capacity);
  next.set(array);
  return next;
}

export class TicketPoints {
  size = 0;
  x = new Float32Array(0);
  y = new Float32Array(0);
  ids = new Int32Array(0);
  day = new Int32Array(0);
  category = new Uint16Array(0);
  type = new Uint8Array(0);
  status = new Uint8Array(0);
  /** Number of the place in `regions`: the finest place known (community, else street, else district). */
  region = new Uint16Array(0);
  lead = new Int32Array(0);
  first = new Int32Array(0);
  reporter = new Int32Array(0);
  readonly regions = new Interner();
  private readonly byId = new Map<number, number>();
  /** Bucket key → the points in it. */
  readonly buckets = new Map<number, number[]>();
  private readonly bucketOf: number[] = [];
  /** Sums of every point per tile. */
  readonly pyramid = new Pyramid();
  /** Changes so far; the log holds those from `logStart` on: the point and its old position (NaN: new). */
  version = 0;
  private logStart = 0;
  private logPoint: number[] = [];
  private logX: number[] = [];
  private logY: number[] = [];
  /** Ticket id → its co-handling units (协办), for the own-org visibility rule. */
  readonly coHandlers = new Map<number, number[]>();
  private lastEventId = 0;
  private refreshedAt = 0;
  private running: Promise<void> | null = null;

  private ensure(capacity: number) {
    if (capacity <= this.x.length) return;
    const next = Math.max(capacity, this.x.length * 2, 1024);
    this.x = grow(this.x, next);
    this.y = grow(this.y, next);
    this.ids = grow(this.ids, next);
    this.day = grow(this.day, next);
    this.category = grow(this.category, next);
    this.type = grow(this.type, next);
    this.status = grow(this.status, next);
    this.region = grow(this.region, next);
    this.lead = grow(this.lead, next);
    this.first = grow(this.first, next);
    this.reporter = grow(this.reporter, next);
  }

  /** Moves point i (already in the store at its old position, if it had one) to its new position. */
  private place(i: number, x64: number, y64: number) {
    // Everything (bucket, tiles, sums) from the stored 32-bit position, so they agree with each other.
    const x = Math.fround(x64);
    const y = Math.fround(y64);
    const key = tileKey(x, y, BUCKETS_PER_SIDE);
    const previous = this.bucketOf[i];
    this.logChange(i, previous === undefined ? NaN : this.x[i]!, previous === undefined ? NaN : this.y[i]!);
    if (previous !== undefined) {
      this.pyramid.add(this.x[i]!, this.y[i]!, -1);
      if (previous !== key) {
        const from = this.buckets.get(previous)!;
        from.splice(from.indexOf(i), 1);
        if (from.length === 0) this.buckets.delete(previous);
      }
    }
    if (previous !== key) {
      const to = this.buckets.get(key);
      if (to) to.push(i);
      else this.buckets.set(key, [i]);
    }
    this.bucketOf[i] = key;
    this.x[i] = x;
    this.y[i] = y;
    this.pyramid.add(x, y, 1);
  }

  private logChange(i: number, oldX: number, oldY: number) {
    if (this.logPoint.length >= CHANGE_LOG_MAX) {
      const drop = CHANGE_LOG_MAX / 2;
      this.logPoint = this.logPoint.slice(drop);
      this.logX = this.logX.slice(drop);
      this.logY = this.logY.slice(drop);
      this.logStart += drop;
    }
    this.logPoint.push(i);
    this.logX.push(oldX);
    this.logY.push(oldY);
    this.version++;
  }

  /**
   * Calls `visit` once for each point changed since `version`, with its
   * position at that version (NaN if it is new since). False when the log no
   * longer reaches back that far.
   */
  changesSince(version: number, visit: (i: number, oldX: number, oldY: number) => void): boolean {
    if (version < this.logStart) return false;
    const seen = new Set<number>();
    for (let k = version - this.logStart; k < this.logPoint.length; k++) {
      const i = this.logPoint[k]!;
      // The first entry of a point holds where it was at `version`; later ones are steps since.
      if (seen.has(i)) continue;
      seen.add(i);
      visit(i, this.logX[k]!, this.logY[k]!);
    }
    return true;
  }

  /** Adds or updates one ticket. Tickets without a position are not on the map. */
  upsert(row: PointRow) {
    const [id, lon, lat, receivedAt, categoryId, type, status, region, lead, first, reporter] = row;
    if (lon == null || lat == null) return;
    let i = this.byId.get(id);
    if (i === undefined) {
      i = this.size++;
      this.ensure(this.size);
      this.byId.set(id, i);
    }
    this.place(i, mercatorX(lon), mercatorY(lat));
    this.ids[i] = id;
    this.day[i] = beijingDay(receivedAt);
    this.category[i] = categoryId;
    this.type[i] = typeIndex.get(type) ?? 0;
    this.status[i] = statusIndex.get(status) ?? 0;
    this.region[i] = this.regions.numberOf(region);
    this.lead[i] = lead ?? 0;
    this.first[i] = first ?? 0;
    this.reporter[i] = reporter ?? 0;
  }

  private async loadCoHandlers(database: Database, ticketIds: number[] | null) {
    const rows = await database.db
      .select({ ticketId: ticketUnits.ticketId, orgId: ticketUnits.orgId })
      .from(ticketUnits)
      .where(
        ticketIds
          ? and(eq(ticketUnits.role, "co"), isNull(ticketUnits.endedAt), inArray(ticketUnits.ticketId, ticketIds))
          : and(eq(ticketUnits.role, "co"), isNull(ticketUnits.endedAt)),
      );
    if (ticketIds) for (const id of ticketIds) this.coHandlers.delete(id);
    for (const r of rows) {
      const list = this.coHandlers.get(r.ticketId);
      if (list) list.push(r.orgId);
      else this.coHandlers.set(r.ticketId, [r.orgId]);
    }
  }

  /** Loads every ticket with a position, a page at a time (the first query waits for it). */
  private async loadAll(database: Database) {
    // The feed's position first: a change made while the pages load is replayed by the next refresh.
    const [top] = await database.db.select({ id: max(ticketEvents.id) }).from(ticketEvents);
    this.lastEventId = top?.id ?? 0;
    let after = 0;
    for (;;) {
      const rows = await selectPoints(database, and(gt(tickets.id, after), isNotNull(tickets.lon))!, LOAD_PAGE);
      for (const row of rows) this.upsert(row);
      if (rows.length < LOAD_PAGE) break;
      after = rows.at(-1)![0];
    }
    await this.loadCoHandlers(database, null);
  }

  private async loadChanges(database: Database) {
    for (;;) {
      const changed = await database.db
        .select({ ticketId: ticketEvents.ticketId, eventId: max(ticketEvents.id) })
        .from(ticketEvents)
        .where(gt(ticketEvents.id, this.lastEventId))
        .groupBy(ticketEvents.ticketId)
        .orderBy(sql`2`)
        .limit(1_000);
      if (changed.length === 0) return;
      const ids = changed.map((c) => c.ticketId);
      const rows = await selectPoints(database, inArray(tickets.id, ids), ids.length);
      for (const row of rows) this.upsert(row);
      await this.loadCoHandlers(database, ids);
      this.lastEventId = Math.max(this.lastEventId, ...changed.map((c) => c.eventId ?? 0));
      if (changed.length < 1_000) return;
    }
  }

  /** Brings the points up to date with the database (at most once a second unless forced). */
  refresh(database: Database, options: { force?: boolean } = {}): Promise<void> {
    if (this.running) return this.running;
    const now = Date.now();
    if (this.refreshedAt !== 0 && !options.force && now - this.refreshedAt < REFRESH_AFTER_MS) {
      return Promise.resolve();
    }
    const first = this.refreshedAt === 0;
    this.running = (first ? this.loadAll(database) : this.loadChanges(database))
      .then(() => {
        this.refreshedAt = Date.now();
      })
      .finally(() => {
        this.running = null;
      });
    return this.running;
  }
}

const stores = new WeakMap<Database, TicketPoints>();

/** The one store per database, loaded on first use. */
export async function pointsOf(database: Database, options: { force?: boolean } = {}): Promise<TicketPoints> {
  let store = stores.get(database);
  if (!store) {
    store = new TicketPoints();
    stores.set(database, store);
  }
  await store.refresh(database, options);
  return store;
}
