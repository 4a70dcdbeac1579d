import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { categories, ticketEvents, tickets, users } from "../schema";
import { openTestDatabase, type TestDatabase } from "../../tests/helpers/database";
import { seedDemoTickets } from "./demo-tickets";

const NOW = new Date("2026-11-21T10:00:00+08:00");
let a: TestDatabase;
let b: TestDatabase;

beforeAll(async () => {
  [a, b] = await Promise.all([openTestDatabase({ demo: true }), openTestDatabase({ demo: true })]);
  await seedDemoTickets(a.database, NOW);
  await seedDemoTickets(b.database, NOW);
});
afterAll(() => {
  a?.close();
  b?.close();
});

describe("the demo tickets", () => {
  it("are a few thousand, over the past year, and the same on every fresh start", async () => {
    const summary = (t: TestDatabase) =>
      t.database.client.execute(
        "select count(*) n, min(received_at) first, max(received_at) last, group_concat(number || status, ',') fingerprint from tickets",
      );
    const [ra, rb] = await Promise.all([summary(a), summary(b)]);
    const row = ra.rows[0]!;
    expect(Number(row.n)).toBeGreaterThan(2500);
    expect(Number(row.last)).toBeLessThanOrEqual(NOW.getTime());
    expect(NOW.getTime() - Number(row.first)).toBeGreaterThan(300 * 24 * 3_600_000);
    expect(rb.rows[0]!.fingerprint).toBe(row.fingerprint);
    expect(await seedDemoTickets(a.database, NOW)).toBe(0); // never twice
  });

  it("hold only histories the state machine allows: each ticket's status is its last event's", async () => {
    const mismatched = await a.database.client.execute(`
      select t.id from tickets t
      join ticket_events e on e.id = (select max(id) from ticket_events where ticket_id = t.id)
      where e.to_status <> t.status`);
    expect(mismatched.rows).toEqual([]);
    const noCallback = await a.database.db
      .select({ n: sql<number>`count(*)` })
      .from(tickets)
      .where(sql`${tickets.status} = 'closed' and ${tickets.resolution} is null and ${tickets.type} <> 'inquiry'`);
    expect(noCallback[0]!.n).toBe(0);
  });

  it("leave work open in every queue a person looks at", async () => {
    const rows = await a.database.client.execute("select status, count(*) n from tickets group by status");
    const by = Object.fromEntries(rows.rows.map((r) => [r.status, Number(r.n)]));
    for (const status of ["received", "dispatched", "accepted", "in_progress", "replied", "closed"]) {
      expect(by[status] ?? 0, status).toBeGreaterThan(0);
    }
    const overdue = await a.database.client.execute({
      sql: "select count(*) n from tickets where status in ('accepted','in_progress') and deadline_at < ?",
      args: [NOW.getTime()],
    });
    expect(Number(overdue.rows[0]!.n)).toBeGreaterThan(0);
  });

  it("contain the recurring problems behind the councils, where they happen", async () => {
    const near = async (community: string, leaf: string) => {
      const [row] = await a.database.db
        .select({ n: sql<number>`count(*)` })
        .from(tickets)
        .innerJoin(categories, eq(tickets.categoryId, categories.id))
        .where(sql`${tickets.communityCode} = ${community} and ${categories.name} = ${leaf}`);
      return row!.n;
    };
    expect(await near("110102013901", "占道停车")).toBeGreaterThan(80); // 西河沿 parking
    expect(await near("110102019901", "车库噪音")).toBeGreaterThan(50); // 新安中里 garage noise
    expect(await near("110102010901", "道路破损")).toBeGreaterThan(20); // 黄寺大街24号院 road
    expect(await near("110108025901", "分类投放")).toBeGreaterThan(15); // 曙光花园 waste sorting
  });

  it("give the demo resident a history of their own", async () => {
    const resident = await a.database.db.query.users.findFirst({ where: eq(users.username, "resident") });
    const mine = await a.database.db.select().from(tickets).where(eq(tickets.reporterUserId, resident!.id));
    expect(mine).toHaveLength(3);
    expect(mine.every((t) => t.reporterPhone === resident!.phone)).toBe(true);
    const events = await a.database.db.select().from(ticketEvents).where(eq(ticketEvents.ticketId, mine[0]!.id));
    expect(events[0]!.kind).toBe("received");
  });
});
