/**
 * The queue bench (issue "Hotline tickets", item 12): a million tickets,
 * loaded through the bulk import, and the p95 of `listTickets` (used as is)
 * for the queues people open all day — a unit's 待签收 and 办理中, newest first
 * (the page's default) and by deadline,
 * the centre's 全部 with filters, a street's area, a community's few tickets,
 * the large queues by deadline, the sparse ones (首接跟踪, 协办, 待审核) — and
 * of full-text search for a common and a rare term. Target: p95 ≤ 50 ms.
 */
import { listTickets, type ListInput } from "../../server/tickets";
import type { Actor } from "../../server/identity/permissions";
import { actorOf } from "../helpers/database";
import { queueDatabase } from "./fixtures";
import { defineBench, percentile, type BenchContext, type Measurement } from "./lib";

const WARMUP = 3;
const SAMPLES = 40;

export default defineBench({
  name: "queues",
  async run(ctx: BenchContext): Promise<Measurement[]> {
    const { database, streets, imported, loadSeconds } = await queueDatabase(ctx);
    const operator = await actorOf(database, "operator");
    const street = await actorOf(database, "street");
    // A community committee the generated tickets never reach: the sparsest queue there is.
    const secretary = await actorOf(database, "secretary");
    // Rare: one street's name appears in few tickets; common: a word in a large share of them.
    const rare = streets.find((s) => s.code === "110101001")!.name.replace(/街道$/, "");
    const queries: { metric: string; actor: Actor; input: ListInput }[] = [
      { metric: "unit 待签收, newest first", actor: street, input: { queue: "to_accept" } },
      { metric: "unit 办理中, newest first", actor: street, input: { queue: "in_hand" } },
      { metric: "unit 待签收 by deadline", actor: street, input: { queue: "to_accept", sort: "deadline_asc" } },
      { metric: "unit 办理中 by deadline", actor: street, input: { queue: "in_hand", sort: "deadline_asc" } },
      {
        metric: "centre 全部, filtered (type, district, month)",
        actor: operator,
        input: { queue: "all", type: "complaint", regionCode: "110102", from: "2024-06-01", to: "2024-06-30" },
      },
      { metric: "centre 全部, newest first", actor: operator, input: { queue: "all" } },
      { metric: "street's area (all it may see), newest first", actor: street, input: { queue: "all" } },
      { metric: "a community with few tickets, 全部 newest first", actor: secretary, input: { queue: "all" } },
      { metric: "unit 已办结 by deadline", actor: street, input: { queue: "closed", sort: "deadline_asc" } },
      { metric: "unit 首接跟踪 (handed down)", actor: street, input: { queue: "first_received" } },
      { metric: "unit 协办", actor: street, input: { queue: "co_handling" } },
      { metric: "centre 超期 by deadline", actor: operator, input: { queue: "overdue", sort: "deadline_asc" } },
      { metric: "centre 待审核", actor: operator, input: { queue: "decisions" } },
      { metric: "centre 待派单 by deadline", actor: operator, input: { queue: "to_dispatch", sort: "deadline_asc" } },
      {
        metric: "full-text search, common term (物业), by deadline",
        actor: operator,
        input: { queue: "all", q: "物业", sort: "deadline_asc" },
      },
      { metric: "full-text search, common term (物业)", actor: operator, input: { queue: "all", q: "物业" } },
      { metric: `full-text search, rare term (${rare})`, actor: operator, input: { queue: "all", q: rare } },
    ];
    const now = new Date("2024-12-31T12:00:00+08:00");
    const out: Measurement[] = [
      {
        metric: "bulk load of the queue database",
        value: imported / loadSeconds,
        unit: "rows/s",
        noBaseline: "the import bench compares the import with a raw insert",
        note: `${imported.toLocaleString()} tickets`,
      },
    ];
    for (const q of queries) {
      const samples: number[] = [];
      let found = 0;
      for (let i = 0; i < WARMUP + SAMPLES; i++) {
        const start = performance.now();
        const result = await listTickets(database, q.actor, q.input, now);
        const ms = performance.now() - start;
        if (i >= WARMUP) samples.push(ms);
        found = result.rows.length;
      }
      out.push({
        metric: `listTickets p95: ${q.metric}`,
        value: percentile(samples, 95),
        unit: "ms",
        targets: [{ atMost: 50 }],
        noBaseline: "an absolute target (issue 3, item 12); the load bench serves these queues beside a bare render",
        note: `median ${percentile(samples, 50).toFixed(1)} ms, ${found} rows on the first page`,
      });
    }
    return out;
  },
});
