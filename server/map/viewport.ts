/**
 * What the map draws for one viewport: the tickets the actor may see that
 * pass the filters, gathered into grid clusters sized for the zoom (decision
 * 0013). The browser receives at most a few hundred features whatever the
 * number of tickets.
 */
import { z } from "zod";
import type { Database } from "../../db/client";
import { categories, requestTypes, ticketStatuses } from "../../db/schema";
import { filteredCases } from "./cases";
import { mapFilterSchema, type MapFilters } from "./filters";
import { parseOrThrow } from "../identity/accounts";
import { can, scopesFor, type Actor } from "../identity/permissions";
import { ForbiddenError, ValidationError } from "../errors";
import {
  BUCKET_ZOOM,
  beijingDay,
  latitudeOf,
  longitudeOf,
  mercatorX,
  mercatorY,
  pointsOf,
  type Bucket,
  type TicketPoints,
} from "./points";

/** A cluster cell is this many screen pixels wide (256-pixel tiles). */
const CELL_PX = 64;
export const MAX_ZOOM = 18;
/** Above this zoom single tickets are drawn even where they share a cell. */
const SINGLES_FROM_ZOOM = 17;

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

/** The filters and visibility, resolved to numbers and masks over the store's columns. */
interface Compiled {
  from: number;
  to: number;
  category: Uint8Array | null;
  type: number;
  status: number;
  region: Uint8Array | null;
  /** The tickets settled by the cases at the chosen flow stage. */
  tickets: Set<number> | null;
  visible: ((i: number) => boolean) | null;
}

/**
 * Whether point i passes. A module-level function over a plain object, not a
 * closure per request: the scan loops' call site stays monomorphic, so V8
 * inlines it (a million calls per city-wide view).
 */
function accepts(f: Compiled, p: TicketPoints, i: number): boolean {
  const day = p.day[i]!;
  return (
    day >= f.from &&
    day <= f.to &&
    (f.category === null || f.category[p.category[i]!] === 1) &&
    (f.type < 0 || p.type[i] === f.type) &&
    (f.status < 0 || p.status[i] === f.status) &&
    (f.region === null || f.region[p.region[i]!] === 1) &&
    (f.tickets === null || f.tickets.has(p.ids[i]!)) &&
    (f.visible === null || f.visible(i))
  );
}

export interface PointFilter {
  points: TicketPoints;
  accept: (i: number) => boolean;
  compiled: Compiled;
  /** No filter and no visibility limit: every point is accepted. */
  everything: boolean;
}

/** The store, refreshed, and one predicate for the actor's visibility and the filters. */
export async function pointFilter(database: Database, actor: Actor, filters: MapFilters): Promise<PointFilter> {
  if (!can(actor, "read:map")) throw new ForbiddenError();
  const points = await pointsOf(database);
  const compiled: Compiled = {
    from: filters.from ? beijingDay(Date.parse(`${filters.from}T00:00:00+08:00`)) : -Infinity,
    to: filters.to ? beijingDay(Date.parse(`${filters.to}T00:00:00+08:00`)) : Infinity,
    category: filters.categoryId ? await categoryMask(database, filters.categoryId) : null,
    type: filters.type ? requestTypes.indexOf(filters.type) : -1,
    status: filters.status ? ticketStatuses.indexOf(filters.status) : -1,
    region: filters.regionCode ? regionMask(points, [filters.regionCode]) : null,
    tickets: filters.stage
      ? new Set(
          (await filteredCases(database, actor, filters))
            .filter((c) => c.stage === filters.stage)
            .flatMap((c) => c.ticketIds),
        )
      : null,
    visible: visibleTo(actor, points),
  };
  const c = compiled;
  return {
    points,
    compiled,
    everything:
      c.visible === null &&
      !filters.from &&
      !filters.to &&
      c.category === null &&
      c.type < 0 &&
      c.status < 0 &&
      c.region === null &&
      c.tickets === null,
    accept: (i) => accepts(compiled, points, i),
  };
}

/** Calls `visit` for every bucket that meets the box, saying whether it lies wholly inside. */
function forEachBucket(
  points: TicketPoints,
  box: { x0: number; y0: number; x1: number; y1: number },
  visit: (bucket: Bucket, inside: boolean) => void,
) {
  const side = 2 ** BUCKET_ZOOM;
  const bx0 = Math.floor(box.x0 * side);
  const bx1 = Math.floor(box.x1 * side);
  const by0 = Math.floor(box.y0 * side);
  const by1 = Math.floor(box.y1 * side);
  const inside = (bx: number, by: number) => bx > bx0 && bx < bx1 && by > by0 && by < by1;
  if ((bx1 - bx0 + 1) * (by1 - by0 + 1) < points.buckets.size) {
    for (let bx = bx0; bx <= bx1; bx++) {
      for (let by = by0; by <= by1; by++) {
        const bucket = points.buckets.get(bx * side + by);
        if (bucket) visit(bucket, inside(bx, by));
      }
    }
  } else {
    for (const [key, bucket] of points.buckets) {
      const bx = Math.floor(key / side);
      const by = key % side;
      if (bx >= bx0 && bx <= bx1 && by >= by0 && by <= by1) visit(bucket, inside(bx, by));
    }
  }
}

/** A viewport is a screenful of cells; more than this is not a map anyone is looking at. */
const MAX_CELLS = 40_000;

export async function viewportClusters(database: Database, actor: Actor, input: unknown): Promise<ViewportResult> {
  const v = parseOrThrow(viewportSchema, input);
  const { points, accept, compiled, everything } = await pointFilter(database, actor, v);
  const zoom = Math.floor(v.zoom);
  const cells = (2 ** zoom * 256) / CELL_PX;
  const box = { x0: mercatorX(v.west), x1: mercatorX(v.east), y0: mercatorY(v.north), y1: mercatorY(v.south) };
  const cx0 = Math.floor(box.x0 * cells);
  const cy0 = Math.floor(box.y0 * cells);
  const width = Math.floor(box.x1 * cells) - cx0 + 1;
  const height = Math.floor(box.y1 * cells) - cy0 + 1;
  if (width <= 0 || height <= 0 || width * height > MAX_CELLS) {
    throw new ValidationError("视野过大或无效，请放大地图", { zoom: ["视野过大或无效，请放大地图"] });
  }

  // Per cell, in dense arrays over the cells in view (Grid): count, sums for the centroid, the
  // extent and the first point for singletons.
  const n = width * height;
  const grid: Grid = {
    cells,
    cx0,
    cy0,
    height,
    total: 0,
    count: new Int32Array(n),
    sumX: new Float64Array(n),
    sumY: new Float64Array(n),
    spread: new Float64Array(n),
    firstPoint: new Int32Array(n).fill(-1),
  };
  const { count, sumX, sumY, spread, firstPoint } = grid;
  const { x: xs, y: ys } = points;
  // A cell at zoom ≤ 11 holds whole buckets (both grids are powers of two): with nothing to filter,
  // a bucket inside the view joins its cell by its sums, without visiting its points.
  const wholeBuckets = everything && cells <= 2 ** BUCKET_ZOOM;
  const met: [Bucket, boolean][] = [];
  let pointsMet = 0;
  forEachBucket(points, box, (bucket, inside) => {
    met.push([bucket, inside]);
    if (!(inside && wholeBuckets)) pointsMet += bucket.points.length;
  });
  const inBox = (i: number) => {
    const x = xs[i]!;
    const y = ys[i]!;
    return x >= box.x0 && x <= box.x1 && y >= box.y0 && y <= box.y1;
  };
  if (pointsMet > points.size / 4) {
    // Most of the city to look at point by point: one pass in storage order reads the columns
    // sequentially, several times faster than hopping through the buckets' lists.
    for (let i = 0; i < points.size; i++) {
      const x = xs[i]!;
      const y = ys[i]!;
      if (x >= box.x0 && x <= box.x1 && y >= box.y0 && y <= box.y1 && (everything || accepts(compiled, points, i))) {
        addPoint(grid, points, i);
      }
    }
  } else {
    for (const [bucket, inside] of met) {
      const list = bucket.points;
      if (list.length === 0) continue;
      if (inside && wholeBuckets) {
        // The whole bucket joins its cell by its sums.
        const i = list[0]!;
        const c = (Math.floor(xs[i]! * cells) - cx0) * height + (Math.floor(ys[i]! * cells) - cy0);
        grid.total += list.length;
        count[c]! += list.length;
        sumX[c]! += bucket.sumX;
        sumY[c]! += bucket.sumY;
        if (firstPoint[c]! < 0) firstPoint[c] = i;
        if (list.length > 1 || count[c]! > 1) spread[c] = Infinity;
        continue;
      }
      for (const i of list) {
        if ((inside || inBox(i)) && (everything || accepts(compiled, points, i))) addPoint(grid, points, i);
      }
    }
  }

  const features: ClusterFeature[] = [];
  const singles: number[] = [];
  for (let c = 0; c < n; c++) {
    const k = count[c]!;
    if (k === 0) continue;
    if (k === 1) {
      singles.push(firstPoint[c]!);
      continue;
    }
    const stacked = spread[c] === 0;
    if (zoom >= SINGLES_FROM_ZOOM && !stacked && k <= 50) {
      // Close enough to tell apart: the points themselves.
      const cx = cx0 + Math.floor(c / height);
      const cy = cy0 + (c % height);
      const cell = { x0: cx / cells, x1: (cx + 1) / cells, y0: cy / cells, y1: (cy + 1) / cells };
      forEachBucket(points, cell, (bucket) => {
        for (const i of bucket.points) {
          const x = xs[i]!;
          const y = ys[i]!;
          if (x >= cell.x0 && x < cell.x1 && y >= cell.y0 && y < cell.y1 && accept(i)) singles.push(i);
        }
      });
      continue;
    }
    features.push({
      type: "Feature",
      geometry: { type: "Point", coordinates: lonLat(sumX[c]! / k, sumY[c]! / k) },
      properties: { cluster: true, count: k, expansionZoom: Math.min(MAX_ZOOM, zoom + 2), stacked },
    });
  }
  for (const i of singles) {
    features.push({
      type: "Feature",
      geometry: { type: "Point", coordinates: lonLat(xs[i]!, ys[i]!) },
      properties: { cluster: false, count: 1, ticketId: points.ids[i]!, status: ticketStatuses[points.status[i]!]! },
    });
  }
  return { type: "FeatureCollection", features, total: grid.total };
}

/** Per cluster cell, in dense arrays over the cells in view. */
interface Grid {
  cells: number;
  cx0: number;
  cy0: number;
  height: number;
  total: number;
  count: Int32Array;
  sumX: Float64Array;
  sumY: Float64Array;
  /** How far the cell's points lie from its first: 0 means they share one position (a stack). */
  spread: Float64Array;
  firstPoint: Int32Array;
}

function addPoint(g: Grid, p: TicketPoints, i: number) {
  const x = p.x[i]!;
  const y = p.y[i]!;
  const c = (Math.floor(x * g.cells) - g.cx0) * g.height + (Math.floor(y * g.cells) - g.cy0);
  g.total++;
  g.count[c]!++;
  g.sumX[c]! += x;
  g.sumY[c]! += y;
  const f = g.firstPoint[c]!;
  if (f < 0) g.firstPoint[c] = i;
  else g.spread[c] = Math.max(g.spread[c]!, Math.abs(x - p.x[f]!), Math.abs(y - p.y[f]!));
}

const round6 = (n: number) => Math.round(n * 1e6) / 1e6;
const lonLat = (x: number, y: number): [number, number] => [round6(longitudeOf(x)), round6(latitudeOf(y))];
