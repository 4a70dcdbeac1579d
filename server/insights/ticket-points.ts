/**
 * Tickets as the hot-spot clustering reads them (server/insights/detection.ts):
 * those with a position, projected, as typed columns — which a reader thread
 * can hand over without copying.
 *
 * A million tickets are read at every full run, so the form is chosen for
 * speed: each column comes from SQLite as one comma-separated list, a flat
 * array of numbers that parses without an array per ticket; positions come
 * as integer nano-degrees (SQLite writes an integer as text several times
 * faster than a real; ±0.05 mm, far inside the clustering's millimetre of
 * slack). Inquiries answered on the call are not problems on the ground:
 * they are read without a position, and left out.
 */
import { sql, type SQL } from "drizzle-orm";
import type { Database } from "../../db/client";
import { tickets } from "../../db/schema";
import { projectX, projectY } from "./projection";

export interface TicketPoints {
  ids: Int32Array;
  /** Metres east and north (server/insights/projection.ts) and the time of the call (ms). */
  xs: Float64Array;
  ys: Float64Array;
  ts: Float64Array;
  categories: Int32Array;
  /** The most specific region code the ticket carries: community, else street, else district. */
  places: (string | null)[];
}

/** How many tickets a page of a full read spans (by id). */
export const LOAD_PAGE = 20_000;

const NANO = 1e9;

/** The tickets `where` selects, those with a position. */
export async function readPoints(database: Database, where: SQL): Promise<TicketPoints> {
  // group_concat skips nulls, so every column names them: the columns stay aligned.
  const [page] = await database.db.all<Record<string, string | null>>(sql`select
      group_concat(id) as ids,
      group_concat(case when type <> 'inquiry' and lon is not null and lat is not null
        then cast(round(lon * ${NANO}) as integer) else 'null' end) as lons,
      group_concat(coalesce(cast(round(lat * ${NANO}) as integer), 0)) as lats,
      group_concat(received_at) as receivedAt,
      group_concat(category_id) as categories,
      json_group_array(coalesce(community_code, street_code, district_code)) as places
    from ${tickets} where ${where}`);
  const numbers = (list: string | null | undefined) => JSON.parse(`[${list ?? ""}]`) as (number | null)[];
  const ids = numbers(page?.ids);
  const lons = numbers(page?.lons);
  const lats = numbers(page?.lats);
  const receivedAt = numbers(page?.receivedAt);
  const categories = numbers(page?.categories);
  const places = JSON.parse(page?.places ?? "[]") as (string | null)[];
  let n = 0;
  for (const lon of lons) if (lon !== null) n++;
  const out: TicketPoints = {
    ids: new Int32Array(n),
    xs: new Float64Array(n),
    ys: new Float64Array(n),
    ts: new Float64Array(n),
    categories: new Int32Array(n),
    places: new Array<string | null>(n),
  };
  for (let i = 0, k = 0; i < ids.length; i++) {
    const lon = lons[i];
    if (lon === null) continue;
    out.ids[k] = ids[i]!;
    out.xs[k] = projectX(lon! / NANO);
    out.ys[k] = projectY(lats[i]! / NANO);
    out.ts[k] = receivedAt[i]!;
    out.categories[k] = categories[i]!;
    out.places[k] = places[i] ?? null;
    k++;
  }
  return out;
}

/** The tickets with ids in (after, until]: a range scan of the table, no sort, no limit. */
export function readRange(database: Database, after: number, until: number): Promise<TicketPoints> {
  return readPoints(database, sql`${tickets.id} > ${after} and ${tickets.id} <= ${until}`);
}

/** The buffers of a page, to transfer to another thread instead of copying them. */
export const buffersOf = (points: TicketPoints): ArrayBuffer[] =>
  [points.ids, points.xs, points.ys, points.ts, points.categories].map((column) => column.buffer as ArrayBuffer);
