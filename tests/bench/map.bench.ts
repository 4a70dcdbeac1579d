/**
 * The map bench (issue "The map", item 5): a million tickets spread like
 * Beijing's (dense in the centre, around every street office), and the
 * server time for one viewport at city, district and street zoom through
 * `viewportClusters` as the route calls it — against the baseline of
 * shipping the raw points: the same viewport's tickets selected from SQLite
 * and serialised as GeoJSON, in the same run. Target: p99 ≤ 10 ms.
 */
import { rmSync } from "node:fs";
import { sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { pointsOf, viewportClusters } from "../../server/map";
import { actorOf } from "../helpers/database";
import { generateMapTickets, openBenchDatabase } from "./fixtures";
import { defineBench, percentile, type BenchContext, type Measurement } from "./lib";

const SAMPLES = 200;
const BASELINE_SAMPLES = 5;

/** Viewports a person looks at: the whole city, a district, a few streets. */
const views = {
  city: { zoom: 8.5, halfWidth: 1.1, halfHeight: 0.6 },
  district: { zoom: 11.5, halfWidth: 0.12, halfHeight: 0.07 },
  street: { zoom: 15, halfWidth: 0.009, halfHeight: 0.005 },
} as const;

/** The baseline: every ticket in the viewport as a GeoJSON point, as a map without server clustering needs. */
async function rawPoints(database: Database, box: { west: number; south: number; east: number; north: number }) {
  const rows = await database.db.all<{ id: number; lon: number; lat: number; status: string }>(
    sql`select id, lon, lat, status from tickets
      where lon between ${box.west} and ${box.east} and lat between ${box.south} and ${box.north}`,
  );
  return JSON.stringify({
    type: "FeatureCollection",
    features: rows.map((r) => ({
      type: "Feature",
      geometry: { type: "Point", coordinates: [r.lon, r.lat] },
      properties: { id: r.id, status: r.status },
    })),
  }).length;
}

export default defineBench({
  name: "map",
  async run(ctx: BenchContext): Promise<Measurement[]> {
    const count = Math.round(1_000_000 * ctx.scale);
    const bench = await openBenchDatabase({ dir: ctx.tmpDir });
    const { database } = bench;
    let t0 = performance.now();
    await generateMapTickets(database, count);
    ctx.log(`generated ${count.toLocaleString()} tickets in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    t0 = performance.now();
    const points = await pointsOf(database);
    const loadMs = performance.now() - t0;
    ctx.log(`loaded ${points.size.toLocaleString()} points into memory in ${(loadMs / 1000).toFixed(1)} s`);
    const operator = await actorOf(database, "operator");
    const street = await actorOf(database, "street");

    // Viewport centres: districts and communities, so district and street views land where the tickets are.
    const centres = await database.db.all<{ lon: number; lat: number }>(
      sql`select lon, lat from regions where level in ('district', 'community') and lon is not null order by code`,
    );
    let seed = 42;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    const out: Measurement[] = [
      {
        metric: "map: loading the tickets into memory",
        value: loadMs,
        unit: "ms",
        noBaseline: "a one-off cost per process, information",
        note: `${points.size.toLocaleString()} tickets, once per process; later changes come from the event feed`,
      },
    ];
    for (const [name, v] of Object.entries(views)) {
      const boxes = Array.from({ length: SAMPLES }, () => {
        const c = name === "city" ? { lon: 116.4, lat: 40.1 } : centres[Math.floor(random() * centres.length)]!;
        return {
          west: c.lon - v.halfWidth,
          east: c.lon + v.halfWidth,
          south: c.lat - v.halfHeight,
          north: c.lat + v.halfHeight,
          zoom: v.zoom,
        };
      });
      for (const [who, actor, filters] of [
        ["centre", operator, {}],
        ["centre, six months", operator, { from: "2024-03-01", to: "2024-08-31" }],
        ["street office", street, {}],
      ] as const) {
        // The filtered view at city zoom (every point visited) and the street office's district.
        if (who === "centre, six months" && name !== "city") continue;
        if (who === "street office" && name !== "district") continue;
        const samples: number[] = [];
        let features = 0;
        let total = 0;
        for (let i = 0; i < boxes.length + 5; i++) {
          const box = boxes[i % boxes.length]!;
          const start = performance.now();
          const result = await viewportClusters(database, actor, { ...box, ...filters });
          const ms = performance.now() - start;
          if (i >= 5) samples.push(ms);
          features = Math.max(features, result.features.length);
          total = Math.max(total, result.total);
        }
        // The raw-points baseline depends on neither the actor nor the filters: measured once per
        // zoom. The whole city as raw points takes seconds a time, so one sample says enough there.
        const baseline: number[] = [];
        if (who === "centre") {
          for (const box of boxes.slice(0, name === "city" ? 1 : BASELINE_SAMPLES)) {
            const start = performance.now();
            await rawPoints(database, box);
            baseline.push(performance.now() - start);
          }
        }
        if (who !== "centre") {
          // The first view under new filters pays one pass over the tickets for the filter's pyramid
          // (decision 0013); each sample here is a filter not seen before (its last day moves).
          const cold: number[] = [];
          for (let k = 0; k < 10; k++) {
            const fresh = { ...filters, to: `${"to" in filters ? "2024-08" : "2030-01"}-${k + 10}` };
            const start = performance.now();
            await viewportClusters(database, actor, { ...boxes[k]!, ...fresh });
            cold.push(performance.now() - start);
          }
          out.push({
            metric: `map first view after a filter change, ${name} zoom, ${who}`,
            value: percentile(cold, 50),
            unit: "ms",
            noBaseline: "the raw-points baseline has no filter step; information",
            note: `median of 10 new filters; max ${Math.max(...cold).toFixed(1)} ms; the views after it are the row below`,
          });
        }
        out.push({
          metric: `map viewport p99, ${name} zoom (${v.zoom}), ${who}`,
          value: percentile(samples, 99),
          unit: "ms",
          ...(baseline.length
            ? { baseline: percentile(baseline, 50), baselineLabel: "raw points as GeoJSON, median" }
            : { noBaseline: "measured once, on the centre's rows of the same zoom" }),
          targets: [{ atMost: 10 }],
          note: `median ${percentile(samples, 50).toFixed(2)} ms; up to ${total.toLocaleString()} tickets in view drawn as ≤ ${features} features`,
        });
      }
    }
    bench.close();
    for (const suffix of ["", "-wal", "-shm"]) rmSync(`${bench.path}${suffix}`, { force: true });
    return out;
  },
});
