/**
 * The replica bench (issue 8, item 3): a libsql server (sqld) as the primary,
 * holding a realistic ticket table (100,000 tickets at scale 1, loaded through
 * the bulk import into a local file and moved with `db:push-to-server`), and
 * an embedded replica of it (a local file that pulls the server's changes).
 *
 * - Reads: the ticket queues people open all day (`listTickets`, as the queue
 *   bench) from the replica, against the same reads from the local embedded
 *   file in the same run — target ≥ 0.8× the local rate.
 * - Replication lag: a ticket filed on the primary through the intake
 *   service, timed from its commit until the replica returns it — target
 *   p95 < 1 s (the replica pulls every 250 ms).
 */
import { rmSync } from "node:fs";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { openDatabase } from "../../db/client";
import { categories, tickets } from "../../db/schema";
import type { Actor } from "../../server/identity/permissions";
import { pushToServer } from "../../server/ops/push";
import { createTicket, listTickets, type ListInput } from "../../server/tickets";
import { runImport, suggestMapping } from "../../server/tickets/import";
import { actorOf } from "../helpers/database";
import { startSqld } from "../helpers/sqld";
import { fileInputs, openBenchDatabase } from "./fixtures";
import { defineBench, percentile, type BenchContext, type Measurement } from "./lib";
import { FILE_HEADERS, writeTicketFile } from "./ticket-file";

const ROUNDS = 30;
const LAG_SAMPLES = 30;
const SYNC_INTERVAL_SECONDS = 0.25;

export default defineBench({
  name: "replica",
  async run(ctx: BenchContext): Promise<Measurement[]> {
    const rows = Math.round(100_000 * ctx.scale);
    const local = await openBenchDatabase({ dir: ctx.tmpDir });
    const file = join(ctx.tmpDir, "replica-tickets.csv");
    await writeTicketFile(file, {
      rows,
      seed: 4242,
      badEvery: Number.MAX_SAFE_INTEGER,
      duplicateEvery: Number.MAX_SAFE_INTEGER,
      ...(await fileInputs(local.database)),
      busyStreets: ["110102013", "110105001"],
    });
    await runImport(local.database, {
      path: file,
      fileName: "replica-tickets.csv",
      format: "csv",
      mapping: suggestMapping(FILE_HEADERS),
    });
    rmSync(file, { force: true });

    const primary = await startSqld({ dir: join(ctx.tmpDir, "primary") });
    const pushStart = performance.now();
    const pushed = await pushToServer(`file:${local.path}`, primary.url);
    const pushSeconds = (performance.now() - pushStart) / 1000;
    ctx.log(`pushed ${pushed.rows.toLocaleString()} rows to the primary in ${pushSeconds.toFixed(1)} s`);

    const syncStart = performance.now();
    const replica = await openDatabase(`file:${join(ctx.tmpDir, "replica.db")}`, undefined, {
      replica: { syncUrl: primary.url, syncInterval: SYNC_INTERVAL_SECONDS },
    });
    const initialSyncSeconds = (performance.now() - syncStart) / 1000;
    const writer = await openDatabase(primary.url);

    try {
      const [operator, street] = [await actorOf(local.database, "operator"), await actorOf(local.database, "street")];
      const queries: { actor: Actor; input: ListInput }[] = [
        { actor: street, input: { queue: "to_accept", sort: "deadline_asc" } },
        { actor: street, input: { queue: "in_hand", sort: "deadline_asc" } },
        { actor: operator, input: { queue: "all", type: "complaint", regionCode: "110102" } },
        { actor: operator, input: { queue: "all" } },
        { actor: street, input: { queue: "all" } },
        { actor: operator, input: { queue: "all", q: "物业" } },
      ];
      const now = new Date("2024-12-31T12:00:00+08:00");
      // Interleaved rounds, so both sides see the same machine load; the first round warms caches.
      let localMs = 0;
      let replicaMs = 0;
      for (let round = 0; round <= ROUNDS; round++) {
        for (const [side, database] of [
          ["local", local.database],
          ["replica", replica],
        ] as const) {
          const start = performance.now();
          for (const q of queries) await listTickets(database, q.actor, q.input, now);
          const ms = performance.now() - start;
          if (round === 0) continue;
          if (side === "local") localMs += ms;
          else replicaMs += ms;
        }
      }
      const reads = ROUNDS * queries.length;

      const writerOperator = await actorOf(writer, "operator");
      const categoryId = (await writer.db.query.categories.findFirst({ where: eq(categories.name, "占道停车") }))!.id;
      const lags: number[] = [];
      for (let i = 0; i < LAG_SAMPLES; i++) {
        const { id } = await createTicket(writer, writerOperator, {
          type: "complaint",
          channel: "phone",
          urgency: "normal",
          categoryId,
          description: `复制延迟测试 ${i}：楼下车辆占道停放`,
          address: "西城区西河沿街",
        });
        const committed = performance.now();
        // Bounded: a replica that never catches up ends the bench after 10 s with that as its lag.
        while (performance.now() - committed < 10_000) {
          const seen = await replica.db.select({ id: tickets.id }).from(tickets).where(eq(tickets.id, id));
          if (seen.length > 0) break;
          await new Promise((r) => setTimeout(r, 2));
        }
        lags.push(performance.now() - committed);
        // Writes arrive at random moments relative to the replica's pulls.
        await new Promise((r) => setTimeout(r, Math.random() * SYNC_INTERVAL_SECONDS * 1000));
      }

      return [
        {
          metric: "queue reads from an embedded replica of a libsql server",
          value: reads / (replicaMs / 1000),
          unit: "reads/s",
          baseline: reads / (localMs / 1000),
          baselineLabel: "the same reads from a local embedded file",
          targets: [{ ratioAtLeast: 0.8 }],
          note: `${rows.toLocaleString()} tickets; ${queries.length} queues × ${ROUNDS} rounds, interleaved`,
        },
        {
          metric: "replication lag p95 (commit on the primary → visible on the replica)",
          value: percentile(lags, 95),
          unit: "ms",
          noBaseline: "an absolute target (issue 8); a local file has no lag to compare with",
          targets: [{ atMost: 1000 }],
          note: `median ${percentile(lags, 50).toFixed(0)} ms, max ${Math.max(...lags).toFixed(0)} ms; pull every ${SYNC_INTERVAL_SECONDS * 1000} ms`,
        },
        {
          metric: "initial sync of a fresh replica",
          value: initialSyncSeconds,
          unit: "s",
          noBaseline: "once in a replica's life, for information; the reads above are compared",
          note: `db:push-to-server of ${pushed.rows.toLocaleString()} rows took ${pushSeconds.toFixed(1)} s`,
        },
      ];
    } finally {
      writer.close();
      replica.close();
      local.close();
      await primary.close();
    }
  },
});
