/**
 * The flow on the map over the demo's councils (DOMAIN.md's examples): each
 * case at its stage with its parties and where they stand, the band's counts,
 * a stage chosen filtering cases and tickets alike, and each role seeing only
 * the cases it may read.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedDemoCouncils } from "../../db/seed/demo-councils";
import { seedDemoTickets } from "../../db/seed/demo-tickets";
import { actorOf, openTestDatabase, type TestDatabase } from "../../tests/helpers/database";
import { eq } from "drizzle-orm";
import { categories } from "../../db/schema";
import type { Actor } from "../identity/permissions";
import { blowWhistleForProblem, createMonthlyProblem, detectHotSpots, listHotSpots } from "../insights";
import { mapCases, pointsOf, viewportClusters } from ".";

const NOW = new Date("2026-11-21T10:00:00+08:00");
const CITY = { west: 115.4, south: 39.4, east: 117.6, north: 41.1, zoom: 8 };
let t: TestDatabase;
const a: Record<string, Actor> = {};

beforeAll(async () => {
  t = await openTestDatabase({ demo: true });
  await seedDemoTickets(t.database, NOW);
  await seedDemoCouncils(t.database, NOW);
  for (const u of ["operator", "housing", "secretary", "street", "worker"]) a[u] = await actorOf(t.database, u);
  await pointsOf(t.database, { force: true });
});
afterAll(() => t?.close());

const titles = (r: Awaited<ReturnType<typeof mapCases>>) => r.cases.map((c) => c.title.slice(0, 4)).sort();

describe("cases on the map", () => {
  it("places each open case at its stage of the flow and counts them for the band", async () => {
    const r = await mapCases(t.database, a.operator!, {});
    expect(r.stages).toEqual({ proactive: 0, whistle: 1, council: 1, plan: 0, implementation: 1, review: 1 });
    const byStage = Object.fromEntries(r.cases.map((c) => [c.stage, c]));
    expect(byStage.review!.title).toMatch(/^西河沿/);
    expect(byStage.council!.title).toMatch(/^黄寺大街/);
    expect(byStage.implementation!.title).toMatch(/^曙光花园/);
    expect(byStage.whistle!.kind).toBe("whistle");
    for (const c of r.cases) {
      expect(c.lon).toBeGreaterThan(115.4);
      expect(c.lat).toBeGreaterThan(39.4);
    }
  });

  it("shows every party with its role and where it stands, placed at its area", async () => {
    const r = await mapCases(t.database, a.operator!, {});
    const whistle = r.cases.find((c) => c.stage === "whistle")!;
    // 新安中里: three departments summoned, two reported.
    expect(whistle.parties.map((p) => p.role)).toEqual(["summoned", "summoned", "summoned"]);
    expect(whistle.parties.filter((p) => p.status === "on_time" || p.status === "late")).toHaveLength(2);
    const shuguang = r.cases.find((c) => c.stage === "implementation")!;
    expect(shuguang.parties).toHaveLength(6);
    // Its decision is signed by those present: some parties signed, none without a decision.
    expect(shuguang.parties.some((p) => p.status === "signed")).toBe(true);
    expect(shuguang.parties.every((p) => p.status === "signed" || p.status === "unsigned")).toBe(true);
    expect(shuguang.parties.filter((p) => p.orgId != null).every((p) => p.lon != null && p.lat != null)).toBe(true);
  });

  it("filters by the chosen stage and area; the tickets follow the stage", async () => {
    expect(titles(await mapCases(t.database, a.operator!, { stage: "review" }))).toEqual(["西河沿街"]);
    expect(titles(await mapCases(t.database, a.operator!, { regionCode: "110108" }))).toEqual(["曙光花园"]);
    const all = await viewportClusters(t.database, a.operator!, CITY);
    const settled = await viewportClusters(t.database, a.operator!, { ...CITY, stage: "review" });
    expect(settled.total).toBeGreaterThan(0);
    expect(settled.total).toBeLessThan(all.total);
    expect((await viewportClusters(t.database, a.operator!, { ...CITY, stage: "proactive" })).total).toBe(0);
  });

  it("shows each role only the cases it may read", async () => {
    const housing = await mapCases(t.database, a.housing!, {});
    expect(housing.cases.length).toBeGreaterThan(0);
    expect(housing.cases.length).toBeLessThan((await mapCases(t.database, a.operator!, {})).cases.length);
    for (const c of housing.cases) expect(c.parties.some((p) => p.name === "西城区住房和城市建设委员会")).toBe(true);
    expect(titles(await mapCases(t.database, a.secretary!, {}))).toEqual(["西河沿街"]);
  });

  it("counts a monthly problem as 未诉先办 with its hot spot's tickets until a whistle takes it on", async () => {
    await detectHotSpots(t.database, { full: true, now: NOW });
    const parkingFamily = (await t.database.db.query.categories.findFirst({ where: eq(categories.name, "占道停车") }))!
      .parentId!;
    const [spot] = await listHotSpots(t.database, a.street!, { categoryId: parkingFamily });
    const problemId = await createMonthlyProblem(
      t.database,
      a.street!,
      spot!.id,
      {
        title: "西河沿街占道停车治理",
        description: "早晚高峰路边长期占道停车。",
        month: "2026-11",
        targetReductionPct: "30",
      },
      NOW,
    );
    const before = await mapCases(t.database, a.operator!, {});
    expect(before.stages.proactive).toBe(1);
    const proactive = before.cases.find((c) => c.stage === "proactive")!;
    expect(proactive).toMatchObject({ kind: "problem", link: `/insights/monthly-problems/${problemId}` });
    expect(proactive.ticketCount).toBe(spot!.ticketCount);
    // The stage filter shows the problem's tickets on the map.
    const settled = await viewportClusters(t.database, a.operator!, { ...CITY, stage: "proactive" });
    expect(settled.total).toBeGreaterThan(0);
    // A role without insight rights (a community worker) sees no monthly problems.
    expect((await mapCases(t.database, a.worker!, {})).stages.proactive).toBe(0);

    const traffic = before.cases.find((c) => c.kind === "whistle")!.parties[0]!.orgId!;
    await blowWhistleForProblem(t.database, a.street!, problemId, { orgIds: [traffic] }, NOW);
    const after = await mapCases(t.database, a.operator!, {});
    expect(after.stages.proactive).toBe(0);
    expect(after.stages.whistle).toBe(before.stages.whistle + 1);
  });
});
