/**
 * The year's monthly problems on a real database: who may draw them up,
 * change and close them (each role only in its own reach), what every field
 * error says, the parties of the plan made with a problem, and the watch over
 * constructed rollups — a parent category covering its subtree and
 * overlapping areas each counted once, across a year boundary.
 */
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog, categories, monthlyProblemAreas, monthlyProblems, ticketVolumeRollups } from "../../db/schema";
import { actorOf, openTestDatabase, orgId, type TestDatabase } from "../../tests/helpers/database";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "../errors";
import type { Actor } from "../identity/permissions";
import { createPlan, planOf, readablePlan } from "../plans";
import {
  closeYearlyProblem,
  createYearlyProblem,
  getMonthlyProblem,
  homeRegion,
  listMonthlyProblems,
  updateYearlyProblem,
  yearlyProblems,
} from ".";

/** Beijing 2026-03-05: the current half month is 2026-03-1. */
const NOW = new Date("2026-03-05T10:00:00+08:00");
let t: TestDatabase;
const a: Record<string, Actor> = {};
const cat: Record<string, number> = {};
const org: Record<string, number> = {};

beforeAll(async () => {
  t = await openTestDatabase({ demo: true });
  for (const u of ["admin", "operator", "street", "secretary", "housing", "property", "resident"])
    a[u] = await actorOf(t.database, u);
  for (const name of ["停车管理", "占道停车", "违章停车", "车库噪音", "生活噪音", "物业服务"]) {
    const row = await t.database.db.query.categories.findFirst({ where: eq(categories.name, name) });
    cat[name] = row!.id;
  }
  org.traffic = await orgId(t.database, "北京市公安局公安交通管理局西城交通支队");
  org.housing = await orgId(t.database, "西城区住房和城市建设委员会");
  org.dashilar = await orgId(t.database, "大栅栏街道办事处");
  org.property = await orgId(t.database, "北京宣房大德物业管理有限公司");
  const rollup = (period: string, place: string, name: string, n: number) => ({
    period,
    place,
    categoryId: cat[name]!,
    n,
  });
  await t.database.write((tx) =>
    tx.insert(ticketVolumeRollups).values([
      // Counted: the baseline 2025-12-1 = 4 + 2, 2025-12-2 = 6.
      rollup("2025-12-1", "110102013901", "占道停车", 4),
      rollup("2025-12-1", "110102013", "违章停车", 2),
      rollup("2025-12-2", "110102019901", "车库噪音", 6),
      // Not counted: another category in the area, the problem's category in another area.
      rollup("2025-12-2", "110102019901", "生活噪音", 50),
      rollup("2025-12-2", "110102010901", "占道停车", 50),
      // Running: 3 in 2026-01-1, 1 in 2026-02-2; and a year before 2026-01-1, 5.
      rollup("2026-01-1", "110102013901", "占道停车", 3),
      rollup("2026-02-2", "110102013901", "违章停车", 1),
      rollup("2025-01-1", "110102013901", "违章停车", 5),
    ]),
  );
});
afterAll(() => t?.close());

const form = (over: Record<string, unknown> = {}) => ({
  theme: "停车管理",
  title: "西河沿和新安中里停车与车库噪音",
  description: "占道停车和车库噪音反复来电，交通支队牵头，住建委、街道配合。",
  year: "2026",
  startMonth: "1",
  categoryIds: [String(cat["停车管理"]), String(cat["占道停车"]), String(cat["车库噪音"])],
  regionCodes: ["110102013", "110102013901", "110102019901"],
  leadOrgId: String(org.traffic),
  orgIds: [String(org.housing), String(org.dashilar), String(org.traffic)],
  targetReductionPct: "30",
  ceilingPerHalfMonth: "",
  baselinePeriods: "2",
  ...over,
});

describe("the home region of a problem's areas", () => {
  it("is the narrowest region holding them all", () => {
    expect(homeRegion(["110102013901"])).toBe("110102013901");
    expect(homeRegion(["110102013", "110102013901"])).toBe("110102013");
    expect(homeRegion(["110102013901", "110102019901"])).toBe("110102");
    expect(homeRegion(["110102013", "110108025901"])).toBe("110000");
  });
});

describe("drawing up the year's problems", () => {
  let id = 0;

  it("is refused to roles without the right, before anything is read", async () => {
    for (const role of ["operator", "secretary", "housing", "property", "resident"])
      await expect(createYearlyProblem(t.database, a[role]!, form(), NOW)).rejects.toBeInstanceOf(ForbiddenError);
  });

  it("names every missing or wrong field in Chinese and writes nothing", async () => {
    const error = await createYearlyProblem(
      t.database,
      a.admin!,
      {
        theme: "",
        title: "",
        description: "",
        year: "20x",
        startMonth: "13",
        categoryIds: [],
        regionCodes: ["11"],
        leadOrgId: "",
        targetReductionPct: "0",
        ceilingPerHalfMonth: "-1",
        baselinePeriods: "40",
      },
      NOW,
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    const fields = (error as ValidationError).fieldErrors;
    expect(Object.keys(fields).sort()).toEqual(
      [
        "baselinePeriods",
        "categoryIds",
        "ceilingPerHalfMonth",
        "description",
        "leadOrgId",
        "regionCodes",
        "startMonth",
        "targetReductionPct",
        "theme",
        "title",
        "year",
      ].sort(),
    );
    expect(fields.categoryIds).toEqual(["请至少选择一个分类"]);
    expect(fields.leadOrgId).toEqual(["请选择牵头单位"]);
    const unknown = await createYearlyProblem(
      t.database,
      a.admin!,
      form({ categoryIds: ["999999"], regionCodes: ["110102999"], orgIds: ["999999"] }),
      NOW,
    ).catch((e: unknown) => e);
    expect((unknown as ValidationError).fieldErrors).toEqual({
      categoryIds: ["所选分类不存在"],
      regionCodes: ["所选区域不存在"],
      orgIds: ["配合单位不存在"],
    });
    expect(await t.database.db.select().from(monthlyProblems)).toHaveLength(0);
  });

  it("links several categories and areas, the lead and the cooperating units, audited", async () => {
    id = await createYearlyProblem(t.database, a.admin!, form(), NOW);
    const detail = await getMonthlyProblem(t.database, a.admin!, id, NOW);
    expect(detail.problem).toMatchObject({
      month: "2026-01",
      theme: "停车管理",
      regionCode: "110102",
      leadOrgId: org.traffic,
      status: "active",
      baselinePeriods: 2,
      ceilingPerHalfMonth: null,
    });
    expect(detail.categories.map((c) => c.name)).toEqual(["停车管理", "占道停车", "车库噪音"]);
    expect(detail.areas.map((x) => x.code)).toEqual(["110102013", "110102013901", "110102019901"]);
    // The lead named again among the cooperating units is seated once, as lead.
    expect(detail.units.map((u) => u.id).sort()).toEqual([org.housing, org.dashilar].sort());
    const audits = await t.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "monthly_problem.created"), eq(auditLog.entityId, String(id))));
    expect(audits).toHaveLength(1);
  });

  it("gets its plan with the lead and cooperating units as parties", async () => {
    const planId = await createPlan(t.database, a.admin!, { kind: "monthly_problem", id }, {}, NOW);
    expect((await planOf(t.database.db, "monthly_problem", id))!.id).toBe(planId);
    const { owner } = await readablePlan(t.database.db, a.admin!, planId);
    expect(owner.parties).toEqual([
      { orgId: org.traffic, role: "lead" },
      ...[org.dashilar!, org.housing!].sort((x, y) => x - y).map((orgId) => ({ orgId, role: "cooperating" })),
    ]);
  });

  it("watches the calls of its categories (with their subtrees) in its areas, each counted once", async () => {
    const { watch } = await getMonthlyProblem(t.database, a.admin!, id, NOW);
    expect(watch.periods.map((p) => [p.period, p.count, p.yearBefore])).toEqual([
      ["2025-12-1", 6, 0],
      ["2025-12-2", 6, 0],
      ["2026-01-1", 3, 5],
      ["2026-01-2", 0, 0],
      ["2026-02-1", 0, 0],
      ["2026-02-2", 1, 0],
      ["2026-03-1", 0, 0],
    ]);
    expect(watch.baselineMean).toBe(6);
    expect(watch.target).toBe(4.2);
    expect(watch.running).toMatchObject({ periods: 4, mean: 1, changePct: -83.3, yearChangePct: -20, met: true });
  });

  it("lets a street draw up problems inside its own street only", async () => {
    const inside = await createYearlyProblem(
      t.database,
      a.street!,
      form({ title: "西河沿占道停车", regionCodes: ["110102013901"], leadOrgId: String(org.dashilar), orgIds: [] }),
      NOW,
    );
    expect((await getMonthlyProblem(t.database, a.street!, inside, NOW)).mayManage).toBe(true);
    const outside = await createYearlyProblem(
      t.database,
      a.street!,
      form({ regionCodes: ["110102013901", "110102019901"] }),
      NOW,
    ).catch((e: unknown) => e);
    expect((outside as ValidationError).fieldErrors).toEqual({ regionCodes: ["所选区域超出您的管辖范围"] });
  });

  it("shows each reader the problems touching their area; others do not exist for them", async () => {
    const haidian = await createYearlyProblem(
      t.database,
      a.admin!,
      form({ title: "曙光花园物业服务", categoryIds: [String(cat["物业服务"])], regionCodes: ["110108025901"] }),
      NOW,
    );
    // The street reads the district-wide problem (one of its areas is the street) and its own.
    const streetSees = (await listMonthlyProblems(t.database, a.street!)).map((p) => p.title);
    expect(streetSees).toContain("西河沿和新安中里停车与车库噪音");
    expect(streetSees).not.toContain("曙光花园物业服务");
    await expect(getMonthlyProblem(t.database, a.street!, haidian, NOW)).rejects.toBeInstanceOf(NotFoundError);
    // The community's secretary reads the problem whose area holds their community (the street).
    expect((await listMonthlyProblems(t.database, a.secretary!)).map((p) => p.title)).toEqual([
      "西河沿占道停车",
      "西河沿和新安中里停车与车库噪音",
    ]);
    // The district department reads what lies in its district; the centre reads everything; a resident nothing.
    expect((await listMonthlyProblems(t.database, a.housing!)).map((p) => p.title)).not.toContain("曙光花园物业服务");
    expect((await listMonthlyProblems(t.database, a.operator!)).length).toBe(3);
    await expect(listMonthlyProblems(t.database, a.resident!)).rejects.toBeInstanceOf(ForbiddenError);
  });

  it("lists by year, past years included, with the current year always offered", async () => {
    await createYearlyProblem(t.database, a.admin!, form({ title: "2025 年的题", year: "2025", startMonth: "6" }), NOW);
    const y2026 = await yearlyProblems(t.database, a.admin!, null, NOW);
    expect(y2026.year).toBe(2026);
    expect(y2026.years).toEqual([2026, 2025]);
    expect(y2026.problems.every((p) => p.month.startsWith("2026-"))).toBe(true);
    expect(y2026.mayCreate).toBe(true);
    const y2025 = await yearlyProblems(t.database, a.admin!, 2025, NOW);
    expect(y2025.problems.map((p) => p.title)).toEqual(["2025 年的题"]);
    expect((await yearlyProblems(t.database, a.operator!, null, NOW)).mayCreate).toBe(false);
  });

  it("is changed by those who manage every one of its areas; a street may not change the district's", async () => {
    await expect(updateYearlyProblem(t.database, a.street!, id, form())).rejects.toBeInstanceOf(ForbiddenError);
    await expect(updateYearlyProblem(t.database, a.operator!, id, form())).rejects.toBeInstanceOf(ForbiddenError);
    const bad = await updateYearlyProblem(t.database, a.admin!, id, form({ regionCodes: [] })).catch((e: unknown) => e);
    expect((bad as ValidationError).fieldErrors.regionCodes).toEqual(["请至少选择一个区域"]);
    await updateYearlyProblem(
      t.database,
      a.admin!,
      id,
      form({ regionCodes: ["110102013901"], targetReductionPct: "40", ceilingPerHalfMonth: "5" }),
    );
    const detail = await getMonthlyProblem(t.database, a.admin!, id, NOW);
    expect(detail.problem).toMatchObject({
      regionCode: "110102013901",
      targetReductionPct: 40,
      ceilingPerHalfMonth: 5,
    });
    expect(await t.database.db.select().from(monthlyProblemAreas).where(eq(monthlyProblemAreas.problemId, id))).toEqual(
      [{ problemId: id, regionCode: "110102013901" }],
    );
    // Now inside the street: the street may change it.
    await updateYearlyProblem(t.database, a.street!, id, form({ regionCodes: ["110102013901"], title: "西河沿停车" }));
  });

  it("is closed once; a closed problem is not changed (409) and is still watched", async () => {
    await expect(closeYearlyProblem(t.database, a.secretary!, id, NOW)).rejects.toBeInstanceOf(ForbiddenError);
    await closeYearlyProblem(t.database, a.admin!, id, NOW);
    await expect(closeYearlyProblem(t.database, a.admin!, id, NOW)).rejects.toBeInstanceOf(ConflictError);
    await expect(updateYearlyProblem(t.database, a.admin!, id, form())).rejects.toBeInstanceOf(ConflictError);
    await expect(updateYearlyProblem(t.database, a.admin!, id, { title: "" })).rejects.toBeInstanceOf(ConflictError);
    const later = new Date("2026-06-20T10:00:00+08:00");
    const detail = await getMonthlyProblem(t.database, a.admin!, id, later);
    expect(detail.problem.status).toBe("closed");
    expect(detail.watch.periods.at(-1)!.period).toBe("2026-06-2");
    const actions = await t.database.db
      .select({ action: auditLog.action })
      .from(auditLog)
      .where(eq(auditLog.entityId, String(id)));
    expect(actions.map((x) => x.action)).toEqual(
      expect.arrayContaining(["monthly_problem.updated", "monthly_problem.closed"]),
    );
  });
});
