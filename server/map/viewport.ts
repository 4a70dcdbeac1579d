/**
 * What the map draws for one viewport: the tickets the actor may see that
 * pass the filters, gathered into grid clusters sized for the zoom (decision
 * 0011). The browser receives at most a few hundred features whatever the
 * number of tickets.
 */
import { z } from "zod";
import type { Database } from "../../db/client";
import { categories, requestTypes, ticketStatuses } from "../../db/schema";
import { parseOrThrow } from "../identity/accounts";
import { can, scopesFor, type Actor } from "../identity/permissions";
import { ForbiddenError } from "../errors";
import {
  BUCKET_ZOOM,
  beijingDay,
  latitudeOf,
  longitudeOf,
  mercatorX,
  mercatorY,
  pointsOf,
  type TicketPoints,
} from "./points";

/** A cluster cell is this many screen pixels wide (256-pixel tiles). */
const CELL_PX = 64;
export const MAX_ZOOM = 18;
/** Above this zoom single tickets are drawn even where they share a cell. */
const SINGLES_FROM_ZOOM = 17;

const dateText = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const optional = <T extends z.ZodTypeAny>(schema: T) => schema.optional().or(z.literal("").transform(() => undefined));

/** The filters the map and its shared URLs carry: the ticket list's names (TicketFilterFields), plus status. */
export const mapFilterSchema = z.object({
  from: optional(dateText),
  to: optional(dateText),
  categoryId: optional(z.coerce.number().int().positive()),
  type: optional(z.enum(requestTypes)),
  status: optional(z.enum(ticketStatuses)),
  regionCode: optional(z.string().regex(/^\d{6,12}$/)),
});
export type MapFilters = z.infer<typeof mapFilterSchema>;

export const viewportSchema = mapFilterSchema.extend({
  west: z.coerce.number().min(-180).max(180),
  south: z.coerce.number().min(-85).max(85),
  east: z.coerce.number().min(-180).max(180),
  north: z.coerce.number().min(-85).max(85),
  zoom: z.coerce.number().min(0).max(MAX_ZOOM),
});

export interface ClusterFeature {
  type: "Feature";
  geometry: { type: "Point"; coordinates: [number, number] };
  properties:
    | { cluster: true; count: number; expansionZoom: number; stacked: boolean }
    | { cluster: false; count: 1; ticketId: number; status: string };
}

export interface ViewportResult {
  type: "FeatureCollection";
  features: ClusterFeature[];
  /** Tickets in the viewport that pass the filters. */
  total: number;
}

/** Category id → whether it or one of its ancestors is the filter's category. */
async function categoryMask(database: Database, categoryId: number): Promise<Uint8Array> {
  const rows = await database.db.select({ id: categories.id, parentId: categories.parentId }).from(categories);
  const parent = new Map(rows.map((r) => [r.id, r.parentId]));
  const mask = new Uint8Array(Math.max(0, ...rows.map((r) => r.id)) + 1);
  for (const r of rows) {
    for (let at: number | null | undefined = r.id; at != null; at = parent.get(at)) {
      if (at === categoryId) {
        mask[r.id] = 1;
        break;
      }
    }
  }
  return mask;
}

/** A region code as a prefix of the codes inside it (the city's 110000 holds every district). */
const areaPrefix = (code: string) => (code.length === 6 && code.endsWith("0000") ? code.slice(0, 2) : code);

function regionMask(points: TicketPoints, codes: string[]): Uint8Array {
  const prefixes = codes.map(areaPrefix);
  const mask = new Uint8Array(points.regionCodes.length);
  points.regionCodes.forEach((code, i) => {
    if (code && prefixes.some((p) => code.startsWith(p))) mask[i] = 1;
  });
  return mask;
}

/**
 * Which tickets the actor may see, as the tickets' own visibility rule
 * (server/tickets/queries.ts `visibility`) reads: everything for scope any;
 * else their area, the tickets their units lead, first received or co-handle,
 * and their own.
 */
function visibleTo(actor: Actor, points: TicketPoints): ((i: number) => boolean) | null {
  const scopes = scopesFor(actor, "read:ticket");
  if (scopes.includes("any")) return null;
  const orgs = new Set(
    scopes.includes("own-org") ? actor.grants.flatMap((g) => (g.orgId == null ? [] : [g.orgId])) : [],
  );
  const areas = scopes.includes("own-area")
    ? actor.grants.map((g) => g.regionCode).filter((c): c is string => !!c)
    : [];
  const inArea = regionMask(points, areas);
  const own = scopes.includes("own") ? actor.userId : -1;
  return (i) =>
    inArea[points.region[i]!] === 1 ||
    orgs.has(points.lead[i]!) ||
    orgs.has(points.first[i]!) ||
    points.reporter[i] === own ||
    (orgs.size > 0 && (points.coHandlers.get(points.ids[i]!)?.some((o) => orgs.has(o)) ?? false));
}

export interface PointFilter {
  points: TicketPoints;
  accept: (i: number) => boolean;
}

/** The store, refreshed, and one predicate for the actor's visibility and the filters. */
export async function pointFilter(database: Database, actor: Actor, filters: MapFilters): Promise<PointFilter> {
  if (!can(actor, "read:map")) throw new ForbiddenError();
  const points = await pointsOf(database);
  const visible = visibleTo(actor, points);
  const from = filters.from ? beijingDay(Date.parse(`${filters.from}T00:00:00+08:00`)) : -Infinity;
  const to = filters.to ? beijingDay(Date.parse(`${filters.to}T00:00:00+08:00`)) : Infinity;
  const category = filters.categoryId ? await categoryMask(database, filters.categoryId) : null;
  const type = filters.type ? requestTypes.indexOf(filters.type) : -1;
  const status = filters.status ? ticketStatuses.indexOf(filters.status) : -1;
  const region = filters.regionCode ? regionMask(points, [filters.regionCode]) : null;
  const { day, category: cat, type: types, status: statuses, region: regions } = points;
  return {
    points,
    accept: (i) =>
      day[i]! >= from &&
      day[i]! <= to &&
      (category === null || category[cat[i]!] === 1) &&
      (type < 0 || types[i] === type) &&
      (status < 0 || statuses[i] === status) &&
      (region === null || region[regions[i]!] === 1) &&
      (visible === null || visible(i)),
  };
}

/** Calls `visit` for every point in the box, touching only the buckets that meet it. */
export function forEachInBox(
  points: TicketPoints,
  box: { x0: number; y0: number; x1: number; y1: number },
  visit: (i: number) => void,
) {
  const side = 2 ** BUCKET_ZOOM;
  const bx0 = Math.floor(box.x0 * side);
  const bx1 = Math.floor(box.x1 * side);
  const by0 = Math.floor(box.y0 * side);
  const by1 = Math.floor(box.y1 * side);
  const inBox = (i: number) => {
    const x = points.x[i]!;
    const y = points.y[i]!;
    if (x >= box.x0 && x <= box.x1 && y >= box.y0 && y <= box.y1) visit(i);
  };
  if ((bx1 - bx0 + 1) * (by1 - by0 + 1) < points.buckets.size) {
    for (let bx = bx0; bx <= bx1; bx++) {
      for (let by = by0; by <= by1; by++) points.buckets.get(bx * side + by)?.forEach(inBox);
    }
  } else {
    for (const [key, list] of points.buckets) {
      const bx = Math.floor(key / side);
      const by = key % side;
      if (bx < bx0 || bx > bx1 || by < by0 || by > by1) continue;
      // A bucket wholly inside the box needs no per-point position test.
      if (bx > bx0 && bx < bx1 && by > by0 && by < by1) list.forEach(visit);
      else list.forEach(inBox);
    }
  }
}

export async function viewportClusters(database: Database, actor: Actor, input: unknown): Promise<ViewportResult> {
  const v = parseOrThrow(viewportSchema, input);
  const { points, accept } = await pointFilter(database, actor, v);
  const zoom = Math.floor(v.zoom);
  const cells = (2 ** zoom * 256) / CELL_PX;
  const box = { x0: mercatorX(v.west), x1: mercatorX(v.east), y0: mercatorY(v.north), y1: mercatorY(v.south) };

  // Per cell: count, sums for the centroid, the extent (a cell whose points all share one
  // position cannot split however far one zooms), and the first point for singletons.
  const cellIndex = new Map<number, number>();
  const count: number[] = [];
  const sumX: number[] = [];
  const sumY: number[] = [];
  const spread: number[] = [];
  const firstPoint: number[] = [];
  let total = 0;
  forEachInBox(points, box, (i) => {
    if (!accept(i)) return;
    total++;
    const x = points.x[i]!;
    const y = points.y[i]!;
    const key = Math.floor(x * cells) * 1e7 + Math.floor(y * cells);
    const c = cellIndex.get(key);
    if (c === undefined) {
      cellIndex.set(key, count.length);
      count.push(1);
      sumX.push(x);
      sumY.push(y);
      spread.push(0);
      firstPoint.push(i);
    } else {
      count[c]!++;
      sumX[c]! += x;
      sumY[c]! += y;
      const f = firstPoint[c]!;
      spread[c] = Math.max(spread[c]!, Math.abs(x - points.x[f]!), Math.abs(y - points.y[f]!));
    }
  });

  const features: ClusterFeature[] = [];
  const singles: number[] = [];
  for (let c = 0; c < count.length; c++) {
    const n = count[c]!;
    if (n === 1) {
      singles.push(firstPoint[c]!);
      continue;
    }
    const stacked = spread[c] === 0;
    if (zoom >= SINGLES_FROM_ZOOM && !stacked && n <= 50) {
      // Close enough to tell apart: the points themselves.
      forEachInBox(points, cellBox(firstPoint[c]!, points, cells), (i) => {
        if (accept(i)) singles.push(i);
      });
      continue;
    }
    features.push({
      type: "Feature",
      geometry: { type: "Point", coordinates: lonLat(sumX[c]! / n, sumY[c]! / n) },
      properties: { cluster: true, count: n, expansionZoom: Math.min(MAX_ZOOM, zoom + 2), stacked },
    });
  }
  for (const i of singles) {
    features.push({
      type: "Feature",
      geometry: { type: "Point", coordinates: lonLat(points.x[i]!, points.y[i]!) },
      properties: { cluster: false, count: 1, ticketId: points.ids[i]!, status: ticketStatuses[points.status[i]!]! },
    });
  }
  return { type: "FeatureCollection", features, total };
}

function cellBox(i: number, points: TicketPoints, cells: number) {
  const cx = Math.floor(points.x[i]! * cells);
  const cy = Math.floor(points.y[i]! * cells);
  return { x0: cx / cells, x1: (cx + 1) / cells - 1e-12, y0: cy / cells, y1: (cy + 1) / cells - 1e-12 };
}

const round6 = (n: number) => Math.round(n * 1e6) / 1e6;
const lonLat = (x: number, y: number): [number, number] => [round6(longitudeOf(x)), round6(latitudeOf(y))];
