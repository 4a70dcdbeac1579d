/**
 * Where a point is: its district by point-in-polygon over the boundaries we
 * ship, and its community (hence street) when a known community lies close.
 * Streets have no geometry in our data, so without a nearby community the
 * street stays unknown and the person picks it.
 */
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { and, eq, isNotNull } from "drizzle-orm";
import type { Queryable } from "../../db/client";
import { regions } from "../../db/schema";
import { nearestCommunity } from "./nearest";

type Ring = [number, number][];
interface DistrictShape {
  code: string;
  polygons: Ring[][];
}

const geoFile = resolve(dirname(fileURLToPath(import.meta.url)), "../../public/geo/beijing-districts.geojson");
let shapes: DistrictShape[] | undefined;

/** The boundaries are a static file of the project: read once, never changed at run time. */
function districtShapes(): DistrictShape[] {
  shapes ??= (
    JSON.parse(readFileSync(geoFile, "utf8")) as {
      features: { properties: { gb: string }; geometry: { coordinates: Ring[][] } }[];
    }
  ).features.map((f) => ({ code: f.properties.gb.slice(3), polygons: f.geometry.coordinates }));
  return shapes;
}

function inRing([x, y]: [number, number], ring: Ring): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i]!;
    const [xj, yj] = ring[j]!;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

export function districtAt(lon: number, lat: number): string | null {
  for (const d of districtShapes()) {
    for (const [outer, ...holes] of d.polygons) {
      if (outer && inRing([lon, lat], outer) && !holes.some((h) => inRing([lon, lat], h))) return d.code;
    }
  }
  return null;
}

export interface Located {
  districtCode: string | null;
  streetCode: string | null;
  communityCode: string | null;
}

/** Codes nest (12-digit community ⊃ 9-digit street ⊃ 6-digit district): a finer code gives the coarser ones. */
export function codesFrom(code: string): Located {
  return {
    districtCode: code.length >= 6 ? code.slice(0, 6) : null,
    streetCode: code.length >= 9 ? code.slice(0, 9) : null,
    communityCode: code.length === 12 ? code : null,
  };
}

export async function locate(db: Queryable, lon: number, lat: number): Promise<Located> {
  const communities = await db
    .select({ code: regions.code, lon: regions.lon, lat: regions.lat })
    .from(regions)
    .where(and(eq(regions.level, "community"), isNotNull(regions.lon)));
  const nearest = nearestCommunity(communities, lon, lat);
  if (nearest) return codesFrom(nearest.code);
  return { districtCode: districtAt(lon, lat), streetCode: null, communityCode: null };
}
