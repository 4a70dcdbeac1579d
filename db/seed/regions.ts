import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { count } from "drizzle-orm";
import type { Database } from "../client";
import { regions } from "../schema";
import { demoCommunities } from "./communities";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "../..");

export const CITY = { code: "110000", name: "北京市" } as const;

function readCsv(path: string): Record<string, string>[] {
  const [header, ...lines] = readFileSync(path, "utf8").trim().split(/\r?\n/);
  const cols = header!.split(",");
  return lines.map((line) => {
    const cells = line.split(",");
    return Object.fromEntries(cols.map((c, i) => [c, cells[i]!.trim()]));
  });
}

type Ring = [number, number][];
interface DistrictFeature {
  properties: { gb: string; name: string };
  geometry: { type: "MultiPolygon"; coordinates: Ring[][] };
}

/** Area-weighted centroid of the outer rings (shoelace formula): a label point for the district. */
export function centroid(polygons: Ring[][]): [number, number] {
  let a = 0;
  let cx = 0;
  let cy = 0;
  for (const [outer] of polygons) {
    if (!outer) continue;
    for (let i = 0; i < outer.length - 1; i++) {
      const [x0, y0] = outer[i]!;
      const [x1, y1] = outer[i + 1]!;
      const cross = x0 * y1 - x1 * y0;
      a += cross;
      cx += (x0 + x1) * cross;
      cy += (y0 + y1) * cross;
    }
  }
  return [cx / (3 * a), cy / (3 * a)];
}

export function loadDistrictGeometry(): Map<string, DistrictFeature> {
  const geo = JSON.parse(readFileSync(resolve(root, "public/geo/beijing-districts.geojson"), "utf8")) as {
    features: DistrictFeature[];
  };
  return new Map(geo.features.map((f) => [f.properties.gb.slice(3), f]));
}

/** Seeds the region tree once; reference data, seeded even when the demo is off. */
export async function seedRegions(database: Database): Promise<number> {
  const [existing] = await database.db.select({ n: count() }).from(regions);
  if (existing!.n > 0) return 0;
  const geometry = loadDistrictGeometry();
  const districts = readCsv(resolve(here, "data/beijing-districts.csv"));
  const streets = readCsv(resolve(here, "data/beijing-streets.csv"));
  const rows: (typeof regions.$inferInsert)[] = [
    { code: CITY.code, name: CITY.name, level: "city", lon: 116.4074, lat: 39.9042 },
  ];
  for (const d of districts) {
    const feature = geometry.get(d.code!);
    const [lon, lat] = feature ? centroid(feature.geometry.coordinates) : [null, null];
    rows.push({ code: d.code!, name: d.name!, level: "district", parentCode: CITY.code, lon, lat });
  }
  for (const s of streets) {
    rows.push({ code: s.code!, name: s.name!, level: "street", parentCode: s.district_code! });
  }
  for (const c of demoCommunities) {
    rows.push({
      code: c.code,
      name: c.name,
      level: "community",
      parentCode: c.streetCode,
      lon: c.lon,
      lat: c.lat,
      approximate: true,
    });
  }
  await database.write(async (tx) => {
    // Parents before children: the list is ordered city, districts, streets, communities.
    for (let i = 0; i < rows.length; i += 500) await tx.insert(regions).values(rows.slice(i, i + 500));
  });
  return rows.length;
}
