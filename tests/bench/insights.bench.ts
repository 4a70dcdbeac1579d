/**
 * The insights bench (issue 7, item 2): hot-spot detection over a million
 * tickets spread like Beijing's (tests/bench/fixtures.ts generateMapTickets,
 * a year of calls), through `detectHotSpots` as production runs it — read
 * from SQLite, clustered, persisted:
 * - a full run (target ≤ 5 s), against the textbook all-pairs ST-DBSCAN
 *   (tests/helpers/naive-dbscan.ts) on a sample, with the grid index timed on
 *   the same sample — the all-pairs method is O(n²) and cannot take the million;
 * - an incremental run after 1,000 new tickets arrive with their events
 *   (target ≤ 200 ms);
 * - the summary behind rising categories — volume by street, category and
 *   half-month over the baseline window — as the centre and a street office
 *   ask it (target p95 ≤ 50 ms).
 */
import { rmSync } from "node:fs";
import { sql } from "drizzle-orm";
import { StClusterIndex, type StPoint } from "../../server/insights/clustering";
import { projectX, projectY } from "../../server/insights/projection";
import { detectHotSpots, risingCategories } from "../../server/insights";
import { actorOf } from "../helpers/database";
import { naiveClusters } from "../helpers/naive-dbscan";
import { generateMapTickets, openBenchDatabase } from "./fixtures";
import { defineBench, percentile, type BenchContext, type Measurement } from "./lib";

/** The generated tickets are received in 2024 (Beijing time); "now" is the year's last evening. */
const NOW = new Date("2024-12-31T20:00:00+08:00");
const SAMPLE = 4_000;
const ROUNDS = 5;
const NEW_TICKETS = 1_000;
const SUMMARY_SAMPLES = 40;
const DAY = 86_400_000;

export default defineBench({
  name: "insights",
  async run(ctx: BenchContext): Promise<Measurement[]> {
    const count = Math.round(1_000_000 * ctx.scale);
    const bench = await openBenchDatabase({ dir: ctx.tmpDir });
    const { database } = bench;
    let t0 = performance.now();
    await generateMapTickets(database, count);
    ctx.log(`generated ${count.toLocaleString()} tickets in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const [rule] = await database.db.all<{ radius_m: number; window_hours: number; min_tickets: number }>(
      sql`select radius_m, window_hours, min_tickets from insight_rule_versions order by id desc limit 1`,
    );
    const clusterRule = { radiusM: rule!.radius_m, windowMs: rule!.window_hours * 3_600_000, minTickets: rule!.min_tickets };

    // Full run, as at a process's start.
    t0 = performance.now();
    const full = await detectHotSpots(database, { full: true, now: NOW });
    const fullMs = performance.now() - t0;
    ctx.log(`full run: ${full.updated.length} hot spots in ${fullMs.toFixed(0)} ms`);

    // The baseline: all pairs on a sample of the same tickets (the densest place, so clusters exist), and the grid on it.
    const sampleRows = await database.db.all<{ id: number; lon: number; lat: number; t: number }>(
      sql`select id, lon, lat, received_at as t from tickets order by id limit ${SAMPLE}`,
    );
    const sample: StPoint[] = sampleRows.map((r) => ({
      id: r.id,
      x: projectX(r.lon),
      y: projectY(r.lat),
      t: r.t,
      family: 1,
    }));
    t0 = performance.now();
    const naive = naiveClusters(sample, clusterRule);
    const naiveMs = performance.now() - t0;
    t0 = performance.now();
    const grid = new StClusterIndex(clusterRule);
    grid.upsert(sample);
    const settled = grid.settle();
    const gridMs = performance.now() - t0;
    if (settled.changed.size !== naive.length)
      throw new Error(`grid found ${settled.changed.size} clusters, all pairs ${naive.length}`);

    // Incremental: 1,000 new calls with their intake events, then a refresh from the feed.
    const incremental: number[] = [];
    let lastUpdated = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const [top] = await database.db.all<{ id: number }>(sql`select max(id) as id from tickets`);
      await generateMapTickets(database, NEW_TICKETS, count + round * NEW_TICKETS);
      await database.write(async (tx) => {
        // Recent calls (the last week), as a live feed brings them.
        await tx.run(sql`update tickets set received_at = ${NOW.getTime()} - abs(random()) % ${7 * DAY}
          where id > ${top!.id}`);
        await tx.run(sql`insert into ticket_events (ticket_id, at, kind, to_status)
          select id, received_at, 'received', status from tickets where id > ${top!.id}`);
      });
      t0 = performance.now();
      const result = await detectHotSpots(database, { now: NOW });
      incremental.push(performance.now() - t0);
      if (result.full) throw new Error("the refresh ran in full");
      lastUpdated = result.updated.length;
    }

    // Summaries: rising categories (street × category × half-month over the baseline window).
    const operator = await actorOf(database, "operator");
    const street = await actorOf(database, "street");
    const summary = async (actor: typeof operator) => {
      const samples: number[] = [];
      for (let i = 0; i < SUMMARY_SAMPLES + 3; i++) {
        const start = performance.now();
        await risingCategories(database, actor, { now: new Date(NOW.getTime() - (i % 20) * 15 * DAY) });
        if (i >= 3) samples.push(performance.now() - start);
      }
      return samples;
    };
    const centre = await summary(operator);
    const streetOffice = await summary(street);

    bench.close();
    for (const suffix of ["", "-wal", "-shm"]) rmSync(`${bench.path}${suffix}`, { force: true });
    return [
      {
        metric: `insights: full detection over ${count.toLocaleString()} tickets`,
        value: fullMs,
        unit: "ms",
        targets: [{ atMost: 5_000 }],
        noBaseline: "the all-pairs method cannot take a million tickets; the row below compares on a sample",
        note: `${full.updated.length.toLocaleString()} hot spots found and stored; read, clustered and persisted`,
      },
      {
        metric: `insights: clustering ${SAMPLE.toLocaleString()} tickets (grid index)`,
        value: gridMs,
        unit: "ms",
        baseline: naiveMs,
        baselineLabel: "all-pairs ST-DBSCAN, same sample",
        targets: [{ speedupAtLeast: 10 }],
        note: `${naive.length} clusters, the same from both`,
      },
      {
        metric: `insights: incremental run after ${NEW_TICKETS.toLocaleString()} new tickets`,
        value: Math.max(...incremental),
        unit: "ms",
        baseline: fullMs,
        baselineLabel: "full run",
        targets: [{ atMost: 200 }],
        note: `worst of ${ROUNDS} rounds (median ${percentile(incremental, 50).toFixed(1)} ms); last round updated ${lastUpdated} hot spots`,
      },
      {
        metric: "insights: rising-category summary p95, centre (whole city)",
        value: percentile(centre, 95),
        unit: "ms",
        targets: [{ atMost: 50 }],
        noBaseline: "an absolute target (issue 7)",
        note: `median ${percentile(centre, 50).toFixed(1)} ms over ${SUMMARY_SAMPLES} half-months`,
      },
      {
        metric: "insights: rising-category summary p95, street office",
        value: percentile(streetOffice, 95),
        unit: "ms",
        targets: [{ atMost: 50 }],
        noBaseline: "an absolute target (issue 7)",
        note: `median ${percentile(streetOffice, 50).toFixed(1)} ms`,
      },
    ];
  },
});
