import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import chineseDays from "chinese-days";
import { count, eq, isNotNull } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestDatabase, type TestDatabase } from "../../tests/helpers/database";
import {
  calendarDays,
  categories,
  categoryTags,
  handlerKinds,
  limitClasses,
  organisations,
  regions,
  scoreWeightVersions,
  timeLimits,
  timeLimitVersions,
} from "../schema";
import { provisionalHolidayRows } from "./calendar";
import { seedDemo } from "./demo";
import { seedReference } from "./reference";
import { zhCN } from "../../app/i18n/zh-CN";
import { handlerFunctions, isHandlerFunction } from "./taxonomy";

let t: TestDatabase;
let firstRun: Awaited<ReturnType<typeof seedReference>>;
type Category = typeof categories.$inferSelect;
let all: Category[];
const byCode = new Map<string, Category>();
const days = new Map<string, typeof calendarDays.$inferSelect>();

beforeAll(async () => {
  t = await openTestDatabase();
  firstRun = await seedReference(t.database);
  await seedDemo(t.database);
  all = await t.database.db.select().from(categories);
  for (const c of all) byCode.set(c.code, c);
  for (const d of await t.database.db.select().from(calendarDays)) days.set(d.date, d);
});
afterAll(() => t.close());

/** The path of names from the top, e.g. "城乡建设 > 物业管理 > 物业服务". */
function path(c: Category): string {
  const parent = c.parentId ? all.find((p) => p.id === c.parentId) : undefined;
  return parent ? `${path(parent)} > ${c.name}` : c.name;
}

describe("the category tree", () => {
  it("has three levels of believable size", () => {
    const perLevel = [1, 2, 3].map((level) => all.filter((c) => c.level === level).length);
    expect(perLevel[0]).toBeGreaterThanOrEqual(9);
    expect(perLevel[0]).toBeLessThanOrEqual(11);
    expect(perLevel[1]).toBeGreaterThanOrEqual(30);
    expect(perLevel[1]).toBeLessThanOrEqual(45);
    expect(perLevel[2]).toBeGreaterThanOrEqual(100);
    expect(perLevel[2]).toBeLessThanOrEqual(160);
    expect(all).toHaveLength(firstRun.categories);
    expect(all.every((c) => [1, 2, 3].includes(c.level))).toBe(true);
  });

  it("starts with Beijing's top classes by volume", () => {
    const top = all.filter((c) => c.level === 1).map((c) => c.name);
    expect(top.slice(0, 9)).toEqual([
      "市场管理",
      "公共服务",
      "住房",
      "医疗卫生",
      "城乡建设",
      "交通管理",
      "社会秩序",
      "劳动和社会保障",
      "教育",
    ]);
  });

  it("has unique dotted codes consistent with each parent's", () => {
    expect(new Set(all.map((c) => c.code)).size).toBe(all.length);
    for (const c of all) {
      expect(c.code).toMatch(/^\d{2}(\.\d{2}){0,2}$/);
      expect(c.code.split(".")).toHaveLength(c.level);
      if (c.level === 1) {
        expect(c.parentId).toBeNull();
        continue;
      }
      const parent = all.find((p) => p.id === c.parentId);
      expect(parent?.level).toBe(c.level - 1);
      expect(c.code.startsWith(`${parent!.code}.`)).toBe(true);
    }
  });

  it("gives every leaf a dispatch entry and a limit class, and only leaves", () => {
    const parents = new Set(all.map((c) => c.parentId));
    for (const c of all) {
      if (c.level < 3) {
        expect(parents.has(c.id), `${path(c)} has children`).toBe(true);
        expect([c.handlerKind, c.handlerFunction, c.limitClass]).toEqual([null, null, null]);
        continue;
      }
      expect(handlerKinds).toContain(c.handlerKind);
      expect(limitClasses).toContain(c.limitClass);
      if (c.handlerKind === "street") expect(c.handlerFunction, path(c)).toBeNull();
      else expect(isHandlerFunction(c.handlerFunction ?? ""), path(c)).toBe(true);
    }
    // Their Chinese labels live with the other UI strings, one for each function.
    expect(Object.keys(zhCN.rules.handlerFunctions).sort()).toEqual([...handlerFunctions].sort());
  });

  it("sends most leaves to the street (属地), and 水电气热 to utilities on a utility clock", () => {
    const leaves = all.filter((c) => c.level === 3);
    expect(leaves.filter((c) => c.handlerKind === "street").length).toBeGreaterThan(leaves.length / 2);
    for (const c of leaves.filter((c) => c.handlerKind === "utility_company")) {
      expect(c.limitClass).toBe("utility");
      expect(["water", "power", "gas", "heating"]).toContain(c.handlerFunction);
    }
  });

  const leaf = (p: string) => all.find((c) => c.level === 3 && path(c) === p);

  it.each([
    ...["物业服务", "物业收费", "公共设施维修", "电梯", "供暖", "停车"].map((n) => `城乡建设 > 物业管理 > ${n}`),
    ...["占道停车", "小区停车", "违章停车"].map((n) => `交通管理 > 停车管理 > ${n}`),
    ...["施工噪音", "施工扬尘", "夜间施工"].map((n) => `城乡建设 > 施工管理 > ${n}`),
    ...["私搭乱建", "违建拆除"].map((n) => `城乡建设 > 违法建设 > ${n}`),
    ...["商业噪音", "生活噪音", "车库噪音"].map((n) => `环境保护 > 噪音 > ${n}`),
    "城乡建设 > 垃圾分类 > 分类投放",
    "城乡建设 > 环境卫生 > 卫生死角",
    "市场管理 > 消费纠纷 > 商品质量",
    "市场管理 > 食品安全 > 餐饮卫生",
    "市场管理 > 价格 > 价格欺诈",
    "住房 > 房屋安全 > 危房",
    "住房 > 老旧小区改造 > 改造进度",
    "社会秩序 > 扰民 > 广场舞扰民",
    "社会秩序 > 群租房 > 群租房",
  ])("has %s", (p) => {
    expect(leaf(p)).toBeDefined();
  });

  it("routes the utilities and the hard cases as specified", () => {
    for (const [branch, fn] of [
      ["供水", "water"],
      ["供电", "power"],
      ["燃气", "gas"],
      ["供热", "heating"],
    ] as const) {
      const leaves = all.filter((c) => c.level === 3 && path(c).startsWith(`公共服务 > ${branch} > `));
      expect(leaves.length).toBeGreaterThan(0);
      for (const c of leaves)
        expect([c.handlerKind, c.handlerFunction, c.limitClass]).toEqual(["utility_company", fn, "utility"]);
    }
    expect(leaf("城乡建设 > 违法建设 > 违建拆除")?.limitClass).toBe("complex");
    expect(leaf("城乡建设 > 物业管理 > 物业服务")).toMatchObject({ handlerKind: "street", limitClass: "general" });
    for (const c of all.filter((c) => c.level === 3 && /^住房 > (房屋安全|老旧小区改造) > /.test(path(c))))
      expect(c.limitClass, path(c)).toBe("complex");
  });

  it("keeps the codes of DOMAIN.md's example path", () => {
    expect(path(byCode.get("05.01.01")!)).toBe("城乡建设 > 物业管理 > 物业服务");
    expect(path(byCode.get("06.01.01")!)).toBe("交通管理 > 停车管理 > 占道停车");
  });
});

describe("time limits", () => {
  it("seeds one default version with the specified rules", async () => {
    const versions = await t.database.db.select().from(timeLimitVersions);
    expect(versions).toHaveLength(1);
    expect(versions[0]!.extensionCapWorkingDays).toBe(15);
    expect(versions[0]!.note).toContain("2026 默认时限");
    expect(versions[0]!.note).toContain("默认");
    const rules = await t.database.db
      .select({
        urgency: timeLimits.urgency,
        requestType: timeLimits.requestType,
        limitClass: timeLimits.limitClass,
        amount: timeLimits.amount,
        unit: timeLimits.unit,
        contactWithinHours: timeLimits.contactWithinHours,
      })
      .from(timeLimits)
      .where(eq(timeLimits.versionId, versions[0]!.id));
    const rule = (urgency: string, requestType: string | null, limitClass: string | null) =>
      rules.filter((r) => r.urgency === urgency && r.requestType === requestType && r.limitClass === limitClass);
    expect(rules).toHaveLength(7);
    expect(rule("emergency", null, null)).toEqual([
      expect.objectContaining({ amount: 2, unit: "hours", contactWithinHours: 1 }),
    ]);
    expect(rule("urgent", null, null)).toEqual([
      expect.objectContaining({ amount: 24, unit: "hours", contactWithinHours: 2 }),
    ]);
    expect(rule("normal", null, "utility")).toEqual([
      expect.objectContaining({ amount: 24, unit: "hours", contactWithinHours: 2 }),
    ]);
    expect(rule("normal", null, "general")).toEqual([
      expect.objectContaining({ amount: 7, unit: "working_days", contactWithinHours: 24 }),
    ]);
    expect(rule("normal", null, "complex")).toEqual([
      expect.objectContaining({ amount: 15, unit: "working_days", contactWithinHours: 24 }),
    ]);
    expect(rule("normal", "suggestion", null)).toEqual([
      expect.objectContaining({ amount: 15, unit: "working_days", contactWithinHours: 48 }),
    ]);
    expect(rule("normal", "inquiry", null)).toEqual([
      expect.objectContaining({ amount: 3, unit: "working_days", contactWithinHours: 24 }),
    ]);
  });

  it("seeds the score weights as one configurable version", async () => {
    const weights = await t.database.db.select().from(scoreWeightVersions);
    expect(weights).toEqual([
      expect.objectContaining({
        effectiveFrom: "2019-01",
        response: 30,
        resolution: 35,
        satisfaction: 35,
        partialCredit: 0.5,
        basicCredit: 0.8,
      }),
    ]);
    expect(weights[0]!.note).toMatch(/配置/);
  });
});

describe("the calendar", () => {
  const kind = (date: string) => days.get(date)?.kind;

  it("has 春节 2025 and its make-up workdays from the package", () => {
    for (let d = Date.parse("2025-01-28"); d <= Date.parse("2025-02-04"); d += 86_400_000) {
      const date = new Date(d).toISOString().slice(0, 10);
      expect(days.get(date), date).toMatchObject({ kind: "holiday", name: "春节", source: "package" });
    }
    expect(days.get("2025-01-26")).toMatchObject({ kind: "workday", source: "package" });
    expect(days.get("2025-02-08")).toMatchObject({ kind: "workday", source: "package" });
    expect(new Date("2025-01-26T00:00:00Z").getUTCDay()).toBe(0);
    expect(new Date("2025-02-08T00:00:00Z").getUTCDay()).toBe(6);
    expect(days.get("2025-01-26")!.name).toMatch(/春节/);
  });

  it("has 2026's published schedule", () => {
    const y2026 = [...days.values()].filter((d) => d.date.startsWith("2026-"));
    expect(y2026.every((d) => d.source === "package")).toBe(true);
    expect(kind("2026-02-17")).toBe("holiday");
    expect(kind("2026-10-01")).toBe("holiday");
    expect(y2026.some((d) => d.kind === "workday")).toBe(true);
  });

  it("names every day in Chinese", () => {
    for (const d of days.values()) expect(d.name, d.date).toMatch(/[\u4e00-\u9fff]/);
  });

  // The package has no 2027 schedule (published late in 2026): provisional dates by the rules.
  const packageData = JSON.parse(
    readFileSync(createRequire(import.meta.url).resolve("chinese-days/dist/chinese-days.json"), "utf8"),
  ) as { holidays: Record<string, string> };
  const packageHas2027 = Object.keys(packageData.holidays).some((d) => d.startsWith("2027-"));

  it.skipIf(packageHas2027)("has 2027's statutory holidays as provisional, with no make-up workdays", () => {
    const y2027 = [...days.values()].filter((d) => d.date.startsWith("2027-"));
    expect(y2027.every((d) => d.source === "provisional" && d.kind === "holiday")).toBe(true);
    expect(y2027.every((d) => d.name.endsWith("（暂定）"))).toBe(true);

    // 春节: 除夕 to 初三, 除夕 being the day the lunar calendar names so.
    const eve = chineseDays.getLunarFestivals("2027-01-01", "2027-12-31").find((f) => f.name.includes("除夕"))!.date;
    expect(eve).toBe("2027-02-05");
    expect(chineseDays.getLunarDate("2027-02-06")).toMatchObject({ lunarMon: 1, lunarDay: 1 });
    for (const date of ["2027-02-05", "2027-02-06", "2027-02-07", "2027-02-08"])
      expect(days.get(date), date).toMatchObject({ kind: "holiday", name: "春节（暂定）" });
    expect(kind("2027-02-04")).toBeUndefined();

    for (const date of ["2027-10-01", "2027-10-02", "2027-10-03"])
      expect(days.get(date), date).toMatchObject({ name: "国庆节（暂定）" });
    expect(days.get("2027-01-01")?.name).toBe("元旦（暂定）");
    expect(days.get(chineseDays.getSolarTermDate(2027, 4, "pure_brightness"))?.name).toBe("清明节（暂定）");
    expect(days.get(chineseDays.getSolarDateFromLunar("2027-05-05").date)?.name).toBe("端午节（暂定）");
    expect(days.get(chineseDays.getSolarDateFromLunar("2027-08-15").date)?.name).toBe("中秋节（暂定）");
    // Statutory days falling on a weekend are given back on the next weekdays (补假).
    for (const date of ["2027-02-09", "2027-02-10", "2027-05-03", "2027-05-04", "2027-10-04", "2027-10-05"])
      expect(days.get(date)?.name, date).toMatch(/补假（暂定）$/);
    const statutory = y2027.filter((d) => !d.name.includes("补假"));
    expect(statutory).toHaveLength(1 + 4 + 1 + 2 + 1 + 1 + 3);
  });

  it("derives provisional dates the way the published 2025 and 2026 schedules fell", async () => {
    // The rule behind 2027's provisional days, checked against years whose schedule is known:
    // every statutory day and every 补假 it predicts was a holiday in the official schedule.
    for (const year of [2025, 2026]) {
      for (const row of await provisionalHolidayRows(year)) {
        expect(days.get(row.date), `${row.date} ${row.name}`).toMatchObject({ kind: "holiday", source: "package" });
      }
    }
  });

  it("seeds the package's years and counts them", async () => {
    const [row] = await t.database.db.select({ n: count() }).from(calendarDays);
    expect(row!.n).toBe(firstRun.calendarDays);
    for (const year of ["2025", "2026", "2027"])
      expect(
        [...days.keys()].some((d) => d.startsWith(`${year}-`)),
        year,
      ).toBe(true);
  });
});

describe("七有五性 tags", () => {
  it("are seeded on believable categories by name path; the rest inherit", async () => {
    expect(firstRun.categoryTags).toBeGreaterThan(30);
    const tagsOf = async (name: string) => {
      const category = await t.database.db.query.categories.findFirst({ where: eq(categories.name, name) });
      return (await t.database.db.select().from(categoryTags).where(eq(categoryTags.categoryId, category!.id)))
        .map((r) => r.tag)
        .sort();
    };
    expect(await tagsOf("养老服务")).toEqual(["elderly"]);
    expect(await tagsOf("供热")).toEqual(["housing", "livability"]);
    expect(await tagsOf("消防安全")).toEqual(["safety"]);
    expect(await tagsOf("幼儿园入园")).toEqual(["childcare", "education"]);
    // A leaf without its own tags carries its parent's.
    expect(await tagsOf("养老驿站")).toEqual([]);
  });
});

describe("seeding", () => {
  it("inserts nothing the second time", async () => {
    expect(firstRun.regions).toBeGreaterThan(0);
    const before = await Promise.all(
      [regions, categories, categoryTags, timeLimits, timeLimitVersions, scoreWeightVersions, calendarDays].map(
        async (table) => {
          const [row] = await t.database.db.select({ n: count() }).from(table);
          return row!.n;
        },
      ),
    );
    expect(await seedReference(t.database)).toEqual({
      regions: 0,
      categories: 0,
      categoryTags: 0,
      timeLimits: 0,
      scoreWeights: 0,
      calendarDays: 0,
      whistleRules: 0,
      insightRules: 0,
    });
    const after = await Promise.all(
      [regions, categories, categoryTags, timeLimits, timeLimitVersions, scoreWeightVersions, calendarDays].map(
        async (table) => {
          const [row] = await t.database.db.select({ n: count() }).from(table);
          return row!.n;
        },
      ),
    );
    expect(after).toEqual(before);
  });

  it("gives the demo departments and utilities function keys the taxonomy dispatches to", async () => {
    const orgs = await t.database.db
      .select({ name: organisations.name, kind: organisations.kind, functionKey: organisations.functionKey })
      .from(organisations);
    const handled = new Set(all.map((c) => c.handlerFunction).filter((f) => f !== null));
    const units = orgs.filter((o) => o.kind === "department" || o.kind === "utility_company");
    expect(units.length).toBeGreaterThanOrEqual(11);
    for (const o of units) expect(handled.has(o.functionKey ?? ""), o.name).toBe(true);
    expect(orgs.find((o) => o.name === "西城区住房和城市建设委员会")?.functionKey).toBe("housing");
    expect(orgs.find((o) => o.name === "北京市自来水集团")).toMatchObject({
      kind: "utility_company",
      functionKey: "water",
    });
    const others = await t.database.db
      .select({ n: count() })
      .from(organisations)
      .where(isNotNull(organisations.functionKey));
    expect(others[0]!.n).toBe(units.length);
  });
});
