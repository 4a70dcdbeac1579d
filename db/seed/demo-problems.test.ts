/**
 * The demo's monthly problems on the demo tickets: this year's three with
 * real volumes in their charts and a plan each, last year's closed and still
 * watched, seeded once.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { actorOf, openTestDatabase, type TestDatabase } from "../../tests/helpers/database";
import { getMonthlyProblem, yearlyProblems } from "../../server/insights";
import { planOf } from "../../server/plans";
import { seedDemoProblems } from "./demo-problems";
import { seedDemoTickets } from "./demo-tickets";

const NOW = new Date("2026-11-21T10:00:00+08:00");
let t: TestDatabase;

beforeAll(async () => {
  t = await openTestDatabase({ demo: true });
  await seedDemoTickets(t.database, NOW);
});
afterAll(() => t?.close());

describe("the demo's monthly problems", () => {
  it("are seeded once", async () => {
    expect(await seedDemoProblems(t.database, NOW)).toBe(4);
    expect(await seedDemoProblems(t.database, NOW)).toBe(0);
  });

  it("are this year's three, with calls in their charts and a plan each", async () => {
    const admin = await actorOf(t.database, "admin");
    const list = await yearlyProblems(t.database, admin, null, NOW);
    expect(list.years).toEqual([2026, 2025]);
    expect(list.problems.map((p) => [p.title, p.month])).toEqual([
      ["新安中里地下车库噪音治理", "2026-09"],
      ["西河沿街路边停车治理", "2026-08"],
      ["老旧小区物业服务提升", "2026-01"],
    ]);
    for (const p of list.problems) {
      const detail = await getMonthlyProblem(t.database, admin, p.id, NOW);
      const running = detail.watch.periods.filter((x) => x.phase === "running");
      expect(
        running.reduce((s, x) => s + x.count, 0),
        p.title,
      ).toBeGreaterThan(0);
      expect(await planOf(t.database.db, "monthly_problem", p.id), p.title).not.toBeNull();
    }
    const parking = list.problems.find((p) => p.title === "西河沿街路边停车治理")!;
    expect(parking.categories.map((c) => c.name)).toEqual(["停车管理"]);
    expect(parking.areas.map((a) => a.code)).toEqual(["110102013901"]);
  });

  it("keep watching last year's closed problem up to now", async () => {
    const admin = await actorOf(t.database, "admin");
    const [last] = (await yearlyProblems(t.database, admin, 2025, NOW)).problems;
    expect(last).toMatchObject({ title: "曙光花园垃圾分类桶站整治", month: "2025-10", status: "closed" });
    const detail = await getMonthlyProblem(t.database, admin, last!.id, NOW);
    expect(detail.pastYear).toBe(true);
    expect(detail.watch.periods.at(-1)!.period).toBe("2026-11-2");
    expect(detail.watch.running.periods).toBeGreaterThan(20);
  });
});
