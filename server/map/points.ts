/**
 * The map's tickets in memory, as columns (docs/decisions/0011-map.md).
 *
 * A viewport query at city zoom touches every ticket with a position; at a
 * million tickets that is a million rows, which no SQL GROUP BY answers in
 * 10 ms. Held here as typed arrays (~40 bytes a ticket), the same question is
 * one tight loop. Positions are kept in Web Mercator units (0–1), so a
 * cluster cell at any zoom is a multiplication away, and each ticket sits in
 * a bucket of a fixed grid so a street-level viewport visits only its part
 * of the city.
 *
 * Freshness: every change to a ticket writes a `ticket_events` row (decision
 * 0007), so the events' ids are the change feed. `refresh` loads the tickets
 * named by events after the last one seen; it runs before a query when the
 * last refresh is older than a second.
 */
import { and, asc, eq, gt, inArray, isNotNull, isNull, max, sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { requestTypes, ticketEvents, tickets, ticketStatuses, ticketUnits } from "../../db/schema";

/** Buckets are the tiles of zoom 13 (~4.9 km at Beijing's latitude). */
export const BUCKET_ZOOM = 13;
const BUCKETS_PER_SIDE = 2 ** BUCKET_ZOOM;
const LOAD_PAGE = 20_000;
const REFRESH_AFTER_MS = 1_000;
const DAY_MS = 86_400_000;
const BEIJING_OFFSET_MS = 8 * 3_600_000;

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

interface PointRow {
  id: number;
  lon: number | null;
  lat: number | null;
  receivedAt: Date;
  categoryId: number;
  type: string;
  status: string;
  districtCode: string | null;
  streetCode: string | null;
  communityCode: string | null;
  leadOrgId: number | null;
  firstReceiverOrgId: number | null;
  reporterUserId: number | null;
}

const pointColumns = {
  id: tickets.id,
  lon: tickets.lon,
  lat: tickets.lat,
  receivedAt: tickets.receivedAt,
  categoryId: tickets.categoryId,
  type: tickets.type,
  status: tickets.status,
  districtCode: tickets.districtCode,
  streetCode: tickets.streetCode,
  communityCode: tickets.communityCode,
  leadOrgId: tickets.leadOrgId,
  firstReceiverOrgId: tickets.firstReceiverOrgId,
  reporterUserId: tickets.reporterUserId,
};

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
  /** Index into `regionCodes`: the finest place known (community, else street, else district). */
  region = new Uint16Array(0);
  lead = new Int32Array(0);
  first = new Int32Array(0);
  reporter = new Int32Array(0);
  readonly regionCodes: string[] = [""];
  private readonly regionIndex = new Map<string, number>([["", 0]]);
  private readonly byId = new Map<number, number>();
  /** Bucket key → indices of the points in it. */
  readonly buckets = new Map<number, number[]>();
  private readonly bucketOf: number[] = [];
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

  private regionOf(code: string | null): number {
    if (!code) return 0;
    let at = this.regionIndex.get(code);
    if (at === undefined) {
      at = this.regionCodes.length;
      this.regionCodes.push(code);
      this.regionIndex.set(code, at);
    }
    return at;
  }

  private place(i: number, bucket: number) {
    const previous = this.bucketOf[i];
    if (previous === bucket) return;
    if (previous !== undefined) {
      const list = this.buckets.get(previous)!;
      list.splice(list.indexOf(i), 1);
    }
    this.bucketOf[i] = bucket;
    const list = this.buckets.get(bucket);
    if (list) list.push(i);
    else this.buckets.set(bucket, [i]);
  }

  /** Adds or updates one ticket. Tickets without a position are not on the map. */
  upsert(row: PointRow) {
    if (row.lon == null || row.lat == null) return;
    let i = this.byId.get(row.id);
    if (i === undefined) {
      i = this.size++;
      this.ensure(this.size);
      this.byId.set(row.id, i);
    }
    const x = mercatorX(row.lon);
    const y = mercatorY(row.lat);
    this.x[i] = x;
    this.y[i] = y;
    this.ids[i] = row.id;
    this.day[i] = beijingDay(row.receivedAt.getTime());
    this.category[i] = row.categoryId;
    this.type[i] = typeIndex.get(row.type) ?? 0;
    this.status[i] = statusIndex.get(row.status) ?? 0;
    this.region[i] = this.regionOf(row.communityCode ?? row.streetCode ?? row.districtCode);
    this.lead[i] = row.leadOrgId ?? 0;
    this.first[i] = row.firstReceiverOrgId ?? 0;
    this.reporter[i] = row.reporterUserId ?? 0;
    this.place(i, Math.floor(x * BUCKETS_PER_SIDE) * BUCKETS_PER_SIDE + Math.floor(y * BUCKETS_PER_SIDE));
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
      const rows = await database.db
        .select(pointColumns)
        .from(tickets)
        .where(and(gt(tickets.id, after), isNotNull(tickets.lon)))
        .orderBy(asc(tickets.id))
        .limit(LOAD_PAGE);
      for (const row of rows) this.upsert(row);
      if (rows.length < LOAD_PAGE) break;
      after = rows.at(-1)!.id;
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
      const rows = await database.db.select(pointColumns).from(tickets).where(inArray(tickets.id, ids));
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
