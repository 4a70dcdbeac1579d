import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { councils, plans, ticketEvents, whistleUnits } from "../schema";
import { eq } from "drizzle-orm";
import { openTestDatabase, type TestDatabase } from "../../tests/helpers/database";
import { seedDemoCouncils } from "./demo-councils";
import { seedDemoTickets } from "./demo-tickets";

const NOW = new Date("2026-11-21T10:00:00+08:00");
let t: TestDatabase;

beforeAll(async () => {
  t = await openTestDatabase({ demo: true });
  await seedDemoTickets(t.database, NOW);
  expect(await seedDemoCouncils(t.database, NOW)).toBe(4);
});
afterAll(() => t?.close());

describe("the demo councils (DOMAIN.md's examples)", () => {
  it("stand at the stages the demo promises, through the real services", async () => {
    const rows = await t.database.db.select({ title: councils.title, stage: councils.stage }).from(councils);
    expect(rows.map((r) => [r.title.slice(0, 4), r.stage])).toEqual([
      ["西河沿街", "residents_review"],
      ["黄寺大街", "deliberation"],
      ["曙光花园", "implementation"],
    ]);
    expect(await seedDemoCouncils(t.database, NOW)).toBe(0); // never twice
  });

  it("the councils that reached deliberation have their plan; 曙光花园's has the project list", async () => {
    const rows = await t.database.db
      .select({ title: councils.title, template: plans.template })
      .from(plans)
      .innerJoin(councils, eq(councils.id, plans.ownerId));
    expect(rows.map((r) => [r.title.slice(0, 4), r.template])).toEqual([
      ["西河沿街", "three_lists"],
      ["黄寺大街", "three_lists"],
      ["曙光花园", "four_lists"],
    ]);
  });

  it("新安中里 is whistled: two departments reported, one has not", async () => {
    const units = await t.database.db.select().from(whistleUnits);
    expect(units.filter((u) => u.reportedAt != null)).toHaveLength(2);
    expect(units).toHaveLength(3);
  });

  it("published decisions are on their tickets' histories", async () => {
    const notes = await t.database.db.select().from(ticketEvents).where(eq(ticketEvents.kind, "council_noted"));
    expect(notes.length).toBeGreaterThanOrEqual(2);
  });
});
