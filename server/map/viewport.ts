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
import { actorOrgIds, can, scopesFor, type Actor } from "../identity/permissions";
import { ForbiddenError, ValidationError } from "../errors";
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
import { filterIndex } from "./filter-index";
import { PYRAMID_ZOOMS, type Pyramid, type Sums } from "./pyramid";

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
  const mask = new Uint8Array(points.regions.strings.length);
  points.regions.strings.forEach((code, i) => {
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
function visibleTo(actor: Actor, points: TicketPoints): { test: (i: number) => boolean; key: string } | null {
  const scopes = scopesFor(actor, "read:ticket");
  if (scopes.includes("any")) return null;
  const orgs = new Set(scopes.includes("own-org") ? actorOrgIds(actor) : []);
  const areas = scopes.includes("own-area")
    ? actor.grants.map((g) => g.regionCode).filter((c): c is string => !!c)
    : [];
  const inArea = regionMask(points, areas);
  const own = scopes.includes("own") ? actor.userId : -1;
  return {
    test: (i) =>
      inArea[points.region[i]!] === 1 ||
      orgs.has(points.lead[i]!) ||
      orgs.has(points.first[i]!) ||
      points.reporter[i] === own ||
      (orgs.size > 0 && (points.coHandlers.get(points.ids[i]!)?.some((o) => orgs.has(o)) ?? false)),
    // Two actors with the same areas, units and (own) user see the same tickets.
    key: JSON.stringify([[...orgs].sort(), [...areas].sort(), own]),
  };
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

/**
 * The tickets a view counts: every one, those of a filter's index, or (a
 * flow stage's tickets, which follow the councils rather than the ticket
 * feed) a test per point.
 */
export type Source =
  | { kind: "pyramid"; pyramid: Pyramid; accept: ((i: number) => boolean) | null }
  | { kind: "points"; accept: (i: number) => boolean };

/** The store, refreshed, and where the actor's view under these filters is counted from. */
async function viewSource(
  database: Database,
  actor: Actor,
  filters: MapFilters,
): Promise<{ points: TicketPoints; source: Source }> {
  if (!can(actor, "read:map")) throw new ForbiddenError();
  const points = await pointsOf(database);
  const visible = visibleTo(actor, points);
  const compiled: Compiled = {
    from: filters.from ? beijingDay(Date.parse(`${filters.from}T00:00:00+08:00`)) : -Infinity,
    to: filters.to ? beijingDay(Date.parse(`${filters.to}T00:00:00+08:00`)) : Infinity,
    category: filters.categoryId ? await categoryMask(database, filters.categoryId) : null,
    type: filters.type ? requestTypes.indexOf(filters.type) : -1,
    status: filters.status ? ticketStatuses.indexOf(filters.status) : -1,
    region: filters.regionCode ? regionMask(points, [filters.regionCode]) : null,
    tickets: filters.stage
      ? new Set(
          (await filteredCases(database, actor, filters)).cases
            .filter((c) => c.stage === filters.stage)
            .flatMap((c) => c.ticketIds),
        )
      : null,
    visible: visible?.test ?? null,
  };
  const accept = (i: number) => accepts(compiled, points, i);
  if (compiled.tickets !== null) return { points, source: { kind: "points", accept } };
  const { from, to, categoryId, type, status, regionCode } = filters;
  const filtering = [from, to, categoryId, type, status, regionCode].some((f) => f !== undefined);
  if (visible === null && !filtering) {
    return { points, source: { kind: "pyramid", pyramid: points.pyramid, accept: null } };
  }
  const key = JSON.stringify([from, to, categoryId, type, status, regionCode, visible?.key]);
  const index = filterIndex(points, key, accept);
  return {
    points,
    source: { kind: "pyramid", pyramid: index.pyramid, accept: (i) => index.accepted[i] === 1 },
  };
}

interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** Calls `visit` with the points of every bucket that meets the box. */
function forEachBucket(points: TicketPoints, box: Box, visit: (list: number[]) => void) {
  const side = 2 ** BUCKET_ZOOM;
  const bx0 = Math.floor(box.x0 * side);
  const bx1 = Math.floor(box.x1 * side);
  const by0 = Math.floor(box.y0 * side);
  const by1 = Math.floor(box.y1 * side);
  if ((bx1 - bx0 + 1) * (by1 - by0 + 1) < points.buckets.size) {
    for (let bx = bx0; bx <= bx1; bx++) {
      for (let by = by0; by <= by1; by++) {
        const list = points.buckets.get(bx * side + by);
        if (list) visit(list);
      }
    }
  } else {
    for (const [key, list] of points.buckets) {
      const bx = Math.floor(key / side);
      const by = key - bx * side;
      if (bx >= bx0 && bx <= bx1 && by >= by0 && by <= by1) visit(list);
    }
  }
}

/** Calls `visit` for every tile of a level with tickets in the column and row ranges given. */
function forEachTile(
  level: Map<number, Sums>,
  side: number,
  range: { bx0: number; bx1: number; by0: number; by1: number },
  visit: (bx: number, by: number, sums: Sums) => void,
) {
  const { bx0, bx1, by0, by1 } = range;
  if ((bx1 - bx0 + 1) * (by1 - by0 + 1) < level.size) {
    for (let bx = bx0; bx <= bx1; bx++) {
      for (let by = by0; by <= by1; by++) {
        const sums = level.get(bx * side + by);
        if (sums) visit(bx, by, sums);
      }
    }
  } else {
    for (const [key, sums] of level) {
      const bx = Math.floor(key / side);
      const by = key - bx * side;
      if (bx >= bx0 && bx <= bx1 && by >= by0 && by <= by1) visit(bx, by, sums);
    }
  }
}

/**
 * Counts the view's points into the grid from a pyramid: from the coarsest
 * level whose tiles fit in a cell, a tile wholly inside the view joins its
 * cell by its sums; one on the edge is opened at the next level, and at the
 * finest, point by point.
 */
function gatherFromPyramid(
  grid: Grid,
  points: TicketPoints,
  pyramid: Pyramid,
  accept: ((i: number) => boolean) | null,
  box: Box,
) {
  const inBox = (i: number) => {
    const x = points.x[i]!;
    const y = points.y[i]!;
    return x >= box.x0 && x <= box.x1 && y >= box.y0 && y <= box.y1;
  };
  const walk = (l: number, range: { bx0: number; bx1: number; by0: number; by1: number }) => {
    const zoom = PYRAMID_ZOOMS[l]!;
    const side = 2 ** zoom;
    const finest = l === PYRAMID_ZOOMS.length - 1;
    forEachTile(pyramid.levels[l]!, side, range, (bx, by, sums) => {
      const x0 = bx / side;
      const x1 = (bx + 1) / side;
      const y0 = by / side;
      const y1 = (by + 1) / side;
      // A lone ticket is looked up, so the map can draw it as itself.
      if (sums.count > 1 && x0 >= box.x0 && x1 <= box.x1 && y0 >= box.y0 && y1 <= box.y1) {
        addSums(grid, Math.floor(x0 * grid.cells), Math.floor(y0 * grid.cells), sums);
      } else if (!finest) {
        const r = 2 ** (PYRAMID_ZOOMS[l + 1]! - zoom);
        const next = side * r;
        walk(l + 1, {
          bx0: Math.max(bx * r, Math.floor(box.x0 * next)),
          bx1: Math.min(bx * r + r - 1, Math.floor(box.x1 * next)),
          by0: Math.max(by * r, Math.floor(box.y0 * next)),
          by1: Math.min(by * r + r - 1, Math.floor(box.y1 * next)),
        });
      } else {
        for (const i of points.buckets.get(bx * side + by) ?? []) {
          if (inBox(i) && (accept === null || accept(i))) addPoint(grid, points, i);
        }
      }
    });
  };
  const start = PYRAMID_ZOOMS.findIndex((z) => 2 ** z >= grid.cells);
  if (start < 0) {
    // Cells finer than the finest tiles (street zoom): the view's few buckets, point by point.
    forEachBucket(points, box, (list) => {
      for (const i of list) if (inBox(i) && (accept === null || accept(i))) addPoint(grid, points, i);
    });
    return;
  }
  const side = 2 ** PYRAMID_ZOOMS[start]!;
  walk(start, {
    bx0: Math.floor(box.x0 * side),
    bx1: Math.floor(box.x1 * side),
    by0: Math.floor(box.y0 * side),
    by1: Math.floor(box.y1 * side),
  });
}

/** Counts the view's points into the grid by testing each (a flow stage's tickets). */
function gatherByTest(grid: Grid, points: TicketPoints, accept: (i: number) => boolean, box: Box) {
  const { x: xs, y: ys } = points;
  let met = 0;
  forEachBucket(points, box, (list) => (met += list.length));
  const take = (i: number) => {
    const x = xs[i]!;
    const y = ys[i]!;
    if (x >= box.x0 && x <= box.x1 && y >= box.y0 && y <= box.y1 && accept(i)) addPoint(grid, points, i);
  };
  if (met > points.size / 4) {
    // Most of the city to look at: one pass in storage order reads the columns sequentially,
    // several times faster than hopping through the buckets' lists.
    for (let i = 0; i < points.size; i++) take(i);
  } else {
    forEachBucket(points, box, (list) => {
      for (const i of list) take(i);
    });
  }
}

/** A viewport is a screenful of cells; more than this is not a map anyone is looking at. */
const MAX_CELLS = 40_000;

export async function viewportClusters(database: Database, actor: Actor, input: unknown): Promise<ViewportResult> {
  const v = parseOrThrow(viewportSchema, input);
  const { points, source } = await viewSource(database, actor, v);
  return clustersOf(points, source, v);
}

/** A screen this large (CSS pixels) or smaller is covered by the clusters a map page starts with. */
export const FIRST_SCREEN = { width: 2560, height: 1600 };

export interface Bounds {
  west: number;
  south: number;
  east: number;
  north: number;
}

/** What a screen of `width` × `height` CSS pixels shows around a view: mapbox-gl's 512-pixel world at zoom 0. */
export function boundsAround(view: { lon: number; lat: number; zoom: number }, screen: typeof FIRST_SCREEN): Bounds {
  const half = { x: screen.width / 2 / (512 * 2 ** view.zoom), y: screen.height / 2 / (512 * 2 ** view.zoom) };
  const x = mercatorX(view.lon);
  const y = mercatorY(view.lat);
  const clamp = (n: number, limit: number) => Math.max(-limit, Math.min(limit, n));
  return {
    west: clamp(longitudeOf(x - half.x), 180),
    east: clamp(longitudeOf(x + half.x), 180),
    north: clamp(latitudeOf(y - half.y), 85),
    south: clamp(latitudeOf(y + half.y), 85),
  };
}

/**
 * The clusters a map page starts with: those of a FIRST_SCREEN around the page's view, sent with the
 * page so that its first map needs no request of its own (decision 0013, "First render"). The browser
 * keeps what falls inside its own view; the screen's total would count tickets it cannot see, so it is
 * left out.
 */
export async function firstClusters(
  database: Database,
  actor: Actor,
  filters: Record<string, string>,
  view: { lon: number; lat: number; zoom: number },
): Promise<Bounds & { zoom: number; features: ClusterFeature[] }> {
  const bounds = boundsAround(view, FIRST_SCREEN);
  const { features } = await viewportClusters(database, actor, { ...filters, ...bounds, zoom: view.zoom });
  return { ...bounds, zoom: view.zoom, features };
}

/** The clusters and single tickets of one viewport, counted from `source`. */
export function clustersOf(
  points: TicketPoints,
  source: Source,
  v: { west: number; south: number; east: number; north: number; zoom: number },
): ViewportResult {
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
  if (source.kind === "pyramid") gatherFromPyramid(grid, points, source.pyramid, source.accept, box);
  else gatherByTest(grid, points, source.accept, box);
  const accept = source.accept ?? (() => true);
  const { count, sumX, sumY, spread, firstPoint } = grid;
  const { x: xs, y: ys } = points;

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
      forEachBucket(points, cell, (list) => {
        for (const i of list) {
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

/** A whole tile's points join cell (column, row); there are several, so the cell is no stack. */
function addSums(g: Grid, column: number, row: number, sums: Sums) {
  const c = (column - g.cx0) * g.height + (row - g.cy0);
  g.total += sums.count;
  g.count[c]! += sums.count;
  g.sumX[c]! += sums.sumX;
  g.sumY[c]! += sums.sumY;
  g.spread[c] = Infinity;
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
