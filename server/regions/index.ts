import { and, asc, eq, inArray } from "drizzle-orm";
import type { Database } from "../../db/client";
import { regions, type RegionLevel } from "../../db/schema";

export { regionContains, significantPrefix } from "./codes";

export interface RegionRow {
  code: string;
  name: string;
  level: RegionLevel;
  parentCode: string | null;
  lon: number | null;
  lat: number | null;
  approximate: boolean;
}

export function listRegions(database: Database, filter: { level?: RegionLevel; parentCode?: string } = {}) {
  const conditions = [
    filter.level ? eq(regions.level, filter.level) : undefined,
    filter.parentCode ? eq(regions.parentCode, filter.parentCode) : undefined,
  ].filter((c) => c !== undefined);
  return database.db
    .select()
    .from(regions)
    .where(conditions.length ? and(...conditions) : undefined)
    .orderBy(asc(regions.code));
}

/** Code → name for the given codes (labels for lists that carry codes). */
export async function regionNames(database: Database, codes: readonly string[]): Promise<Record<string, string>> {
  const wanted = [...new Set(codes)];
  if (wanted.length === 0) return {};
  const rows = await database.db
    .select({ code: regions.code, name: regions.name })
    .from(regions)
    .where(inArray(regions.code, wanted));
  return Object.fromEntries(rows.map((r) => [r.code, r.name]));
}

/** The region and its ancestors, city first: 北京市 › 西城区 › 大栅栏街道 › 西河沿社区. */
export async function regionPath(database: Database, code: string): Promise<RegionRow[]> {
  // Ancestors by code prefix: a district is 6 digits, a street 9, a community 12.
  const candidates = [code.slice(0, 2) + "0000", code.slice(0, 6), code.slice(0, 9), code].filter(
    (c, i, all) => all.indexOf(c) === i,
  );
  const rows = await database.db.select().from(regions).where(inArray(regions.code, candidates));
  return rows.sort((a, b) => candidates.indexOf(a.code) - candidates.indexOf(b.code));
}

export { codesFrom, districtAt, locate, type Located } from "./locate";
export { nearestCommunity } from "./nearest";
