/**
 * From a hot spot to proactive work on a real database: the street officer
 * takes the 西河沿 parking hot spot on as a monthly problem, blows the whistle
 * and convenes a council with its tickets linked; a second review is refused
 * (409), others' areas are not reachable, and the rule versions are the
 * administrator's, audited, and picked up by the next detection run.
 */
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog, categories, councilTickets, hotSpots, whistleTickets } from "../../db/schema";
import { seedDemoTickets } from "../../db/seed/demo-tickets";
import { actorOf, openTestDatabase, orgId, type TestDatabase } from "../../tests/helpers/database";
import { getCouncil, getWhistle } from "../councils";
import { createPlan, planDocumentAccess, planOf, readablePlan } from "../plans";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "../errors";
import type { Actor } from "../identity/permissions";
import {
  blowWhistleForProblem,
  conveneForProblem,
  createMonthlyProblem,
  detectHotSpots,
  dismissHotSpot,
  getMonthlyProblem,
  listHotSpots,
  listInsightRules,
  listMonthlyProblems,
  setInsightRules,
} from ".";

const NOW = new Date("2026-11-21T10:00:00+08:00");
let t: TestDatabase;
const a: Record<string, Actor> = {};
let parking = 0;
let noise = 0;

const family = async (leaf: string) =>
  (await t.database.db.query.categories.findFirst({ where: eq(categories.name, leaf) }))!.parentId!;

beforeAll(async () => {
  t = await openTestDatabase({ demo: true });
  await seedDemoTickets(t.database, NOW);
  await detectHotSpots(t.database, { full: true, now: NOW });
  for (const u of ["admin", "operator", "street", "secretary", "housing", "resident"])
    a[u] = await actorOf(t.database, u);
  parking = (await listHotSpots(t.database, a.operator!, { categoryId: await family("占道停车") }))[0]!.id;
  noise = (await listHotSpots(t.database, a.operator!, { categoryId: await family("车库噪音") }))[0]!.id;
});
afterAll(() => t?.close());

const problem = {
  title: "西河沿街占道停车治理",
  description: "早晚高峰路边长期占道停车，群众反复来电。",
  month: "2026-11",
  leadOrgId: "",
  targetReductionPct: "30",
};

describe("hot spot → monthly problem → whistle → council", () => {
  let problemId: number;

  it("is for the area's officers only: others are refused or do not find it", async () => {
    await expect(createMonthlyProblem(t.database, a.operator!, parking, problem, NOW)).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    await expect(createMonthlyProblem(t.database, a.housing!, parking, problem, NOW)).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    await expect(createMonthlyProblem(t.database, a.street!, noise, problem, NOW)).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });

  it("refuses bad input field by field and changes nothing", async () => {
    const error = await createMonthlyProblem(
      t.database,
      a.street!,
      parking,
      { ...problem, title: "", month: "2026-13", targetReductionPct: "0" },
      NOW,
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(Object.keys((error as ValidationError).fieldErrors).sort()).toEqual([
      "month",
      "targetReductionPct",
      "title",
    ]);
    const [spot] = await t.database.db.select().from(hotSpots).where(eq(hotSpots.id, parking));
    expect(spot!.review).toBe("open");
  });

  it("turns the hot spot into a monthly problem of its area, once", async () => {
    problemId = await createMonthlyProblem(t.database, a.street!, parking, problem, NOW);
    const [spot] = await t.database.db.select().from(hotSpots).where(eq(hotSpots.id, parking));
    expect(spot).toMatchObject({ review: "proactive", reviewedBy: a.street!.userId });
    await expect(createMonthlyProblem(t.database, a.street!, parking, problem, NOW)).rejects.toBeInstanceOf(
      ConflictError,
    );
    await expect(dismissHotSpot(t.database, a.street!, parking, { reason: "已在治理" }, NOW)).rejects.toBeInstanceOf(
      ConflictError,
    );
    expect((await listMonthlyProblems(t.database, a.secretary!)).map((p) => p.id)).toEqual([problemId]);
    expect(
      await t.database.db
        .select()
        .from(auditLog)
        .where(and(eq(auditLog.action, "monthly_problem.created"), eq(auditLog.entityId, String(problemId)))),
    ).toHaveLength(1);
  });

  it("watches the problem's calls every half month against the year before", async () => {
    const detail = await getMonthlyProblem(t.database, a.street!, problemId, NOW);
    expect(detail.problem).toMatchObject({ regionCode: "110102013901", sourceHotSpotId: parking });
    // Six half-months before November, then 2026-11-1 and 2026-11-2 (now).
    expect(detail.watch.periods.map((v) => v.period)).toEqual([
      "2026-08-1",
      "2026-08-2",
      "2026-09-1",
      "2026-09-2",
      "2026-10-1",
      "2026-10-2",
      "2026-11-1",
      "2026-11-2",
    ]);
    expect(detail.watch.periods.reduce((s, v) => s + v.count, 0)).toBeGreaterThan(0);
    expect(detail.tickets.length).toBeGreaterThanOrEqual(150);
    // The district's department reads it (its area holds the street); its tickets' details stay with their handlers.
    const seen = await getMonthlyProblem(t.database, a.housing!, problemId, NOW);
    expect(seen.mayAct).toBe(false);
  });

  it("blows the whistle with the hot spot's readable tickets linked, once", async () => {
    const traffic = await orgId(t.database, "北京市公安局公安交通管理局西城交通支队");
    const whistle = await blowWhistleForProblem(t.database, a.street!, problemId, { orgIds: [traffic] }, NOW);
    const linked = await t.database.db.select().from(whistleTickets).where(eq(whistleTickets.whistleId, whistle.id));
    const { tickets } = await getMonthlyProblem(t.database, a.street!, problemId, NOW);
    expect(linked.length).toBe(tickets.filter((x) => x.readable).length);
    expect(linked.length).toBeGreaterThan(100);
    const w = await getWhistle(t.database, a.street!, whistle.id);
    expect(w.whistle.ground).toBe("recurring_problem");
    await expect(
      blowWhistleForProblem(t.database, a.street!, problemId, { orgIds: [traffic] }, NOW),
    ).rejects.toBeInstanceOf(ConflictError);
  });

  it("convenes a council from the whistle, which brings the tickets and units", async () => {
    const councilId = await conveneForProblem(t.database, a.street!, problemId, NOW);
    const linked = await t.database.db.select().from(councilTickets).where(eq(councilTickets.councilId, councilId));
    expect(linked.length).toBeGreaterThan(100);
    const council = await getCouncil(t.database, a.street!, councilId);
    expect(council.council.stage).toBe("topic_intake");
    const detail = await getMonthlyProblem(t.database, a.street!, problemId, NOW);
    expect(detail.problem.councilId).toBe(councilId);
    expect(detail.problem.whistleId).not.toBeNull();
    await expect(conveneForProblem(t.database, a.street!, problemId, NOW)).rejects.toBeInstanceOf(ConflictError);
  });

  it("has its own plan (一方案三清单): the street chairs it, the whistled unit owns its rows, others stay out", async () => {
    const traffic = await orgId(t.database, "北京市公安局公安交通管理局西城交通支队");
    // Only who convenes in the problem's area creates it.
    await expect(
      createPlan(t.database, a.housing!, { kind: "monthly_problem", id: problemId }, {}),
    ).rejects.toBeInstanceOf(ForbiddenError);
    const planId = await createPlan(t.database, a.street!, { kind: "monthly_problem", id: problemId }, {});
    const plan = (await planOf(t.database.db, "monthly_problem", problemId))!;
    expect(plan.id).toBe(planId);
    const unit = { ...a.housing!, grants: [{ ...a.housing!.grants[0]!, orgId: traffic }] };
    expect(await planDocumentAccess(t.database, a.street!, `plan:${planId}`)).toBe("edit");
    expect(await planDocumentAccess(t.database, unit, `plan:${planId}:party:${traffic}`)).toBe("edit");
    expect(await planDocumentAccess(t.database, a.street!, `plan:${planId}:party:${traffic}`)).toBe("read");
    // The community's secretary, whose area it is, co-edits; a resident has no part in it.
    expect(await planDocumentAccess(t.database, a.secretary!, `plan:${planId}`)).toBe("edit");
    expect(await planDocumentAccess(t.database, a.resident!, `plan:${planId}`)).toBe("none");
    const { owner } = await readablePlan(t.database.db, a.street!, planId);
    expect(owner.parties).toEqual([{ orgId: traffic, role: "cooperating" }]);
  });
});

describe("dismissing a hot spot", () => {
  it("needs a reason, and is recorded", async () => {
    // The administrator reviews anywhere: a 黄寺大街 hot spot.
    const [other] = await listHotSpots(t.database, a.admin!, { review: "open", regionCode: "110102010" });
    await expect(dismissHotSpot(t.database, a.admin!, other!.id, { reason: "" }, NOW)).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(
      dismissHotSpot(t.database, a.street!, other!.id, { reason: "不在本街道" }, NOW),
    ).rejects.toBeInstanceOf(NotFoundError);
    await dismissHotSpot(t.database, a.admin!, other!.id, { reason: "系统误报，已核实为同一次施工" }, NOW);
    expect((await listHotSpots(t.database, a.admin!, { review: "dismissed" })).map((h) => h.id)).toEqual([other!.id]);
    // Detection keeps the hot spot up to date without undoing the review.
    await detectHotSpots(t.database, { full: true, now: NOW });
    const [spot] = await t.database.db.select().from(hotSpots).where(eq(hotSpots.id, other!.id));
    expect(spot).toMatchObject({ review: "dismissed", reviewNote: "系统误报，已核实为同一次施工" });
  });
});

describe("rule versions", () => {
  const rules = {
    familyLevel: "2",
    radiusM: "300",
    windowHours: "240",
    minTickets: "6",
    sameplaceM: "15",
    minRepeats: "2",
    baselinePeriods: "12",
    significance: "0.01",
    minRisingCount: "5",
    note: "扩大半径，适应老城区胡同",
  };

  it("are the administrator's: a new version is audited and the next run uses it", async () => {
    await expect(setInsightRules(t.database, a.street!, rules, { ip: "127.0.0.1" })).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    await expect(listInsightRules(t.database, a.operator!)).rejects.toBeInstanceOf(ForbiddenError);
    const id = await setInsightRules(t.database, a.admin!, rules, { ip: "127.0.0.1" });
    const [current] = await listInsightRules(t.database, a.admin!);
    expect(current!.rule).toMatchObject({ id, radiusM: 300, windowHours: 240, minTickets: 6 });
    expect(current!.createdBy).toBe("系统管理员");
    expect(
      await t.database.db.select().from(auditLog).where(eq(auditLog.action, "insight_rules.version_created")),
    ).toHaveLength(1);
    const result = await detectHotSpots(t.database, { now: NOW });
    expect(result.full).toBe(true);
    const spots = await listHotSpots(t.database, a.operator!);
    expect(spots.length).toBeGreaterThan(0);
    expect(spots.every((h) => h.ruleVersionId === id)).toBe(true);
  });

  it("refuse values out of bounds field by field", async () => {
    const error = await setInsightRules(
      t.database,
      a.admin!,
      { ...rules, familyLevel: "3", radiusM: "0", significance: "0.5", note: "" },
      { ip: "127.0.0.1" },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(Object.keys((error as ValidationError).fieldErrors).sort()).toEqual([
      "familyLevel",
      "note",
      "radiusM",
      "significance",
    ]);
  });
});
