/**
 * The demo's monthly problems (每月一题): this year's list, drawn up by the
 * administrator through the real services (so each is audited and gets its
 * 一方案三清单 plan with its lead and cooperating units as parties), linked to
 * the categories and areas of the demo tickets so their charts show real
 * volumes — 西河沿 parking, 新安中里 garage noise, property services across two
 * districts — and one of last year's, closed, still watched.
 * Start months are counted back from `now` (as the demo tickets' dates are),
 * held inside this year, so the seed is the same for the same `now`.
 */
import { eq, inArray } from "drizzle-orm";
import type { Database } from "../client";
import { categories, monthlyProblems, organisations, users } from "../schema";
import { loadActor } from "../../server/identity/sessions";
import { closeYearlyProblem, createYearlyProblem } from "../../server/insights";
import { createPlan } from "../../server/plans";
import { beijingMonth } from "../../server/tickets";

interface DemoProblem {
  theme: string;
  title: string;
  description: string;
  /** Months before now's month it started (0: this month); held to January of this year. */
  monthsAgo: number;
  /** Last year's problem: starts in that year's `lastYearMonth` and is closed. */
  lastYearMonth?: number;
  categories: string[];
  regionCodes: string[];
  lead: string;
  units: string[];
  targetReductionPct: number;
  ceilingPerHalfMonth?: number;
}

const problems: DemoProblem[] = [
  {
    theme: "停车管理",
    title: "西河沿街路边停车治理",
    description:
      "西河沿街两侧车辆长期占道停放，早晚高峰通行困难，群众反复来电。由街道牵头，交通支队、城管执法和商会配合，设置错时共享车位、加强巡查。",
    monthsAgo: 3,
    categories: ["停车管理"],
    regionCodes: ["110102013901"],
    lead: "大栅栏街道办事处",
    units: ["北京市公安局公安交通管理局西城交通支队", "西城区城市管理综合行政执法局", "大栅栏商会"],
    targetReductionPct: 30,
    ceilingPerHalfMonth: 12,
  },
  {
    theme: "噪音扰民",
    title: "新安中里地下车库噪音治理",
    description: "地下车库排风设备和卷帘门夜间噪音扰民。由街道牵头，生态环境局监测、住建委督促经营方整改。",
    monthsAgo: 2,
    categories: ["车库噪音", "生活噪音"],
    regionCodes: ["110102019901"],
    lead: "白纸坊街道办事处",
    units: ["北京市西城区生态环境局", "西城区住房和城市建设委员会"],
    targetReductionPct: 40,
  },
  {
    theme: "物业服务",
    title: "老旧小区物业服务提升",
    description:
      "物业服务、收费和公共设施维修的来电集中在老旧小区。由住建委牵头，房管局和物业企业配合，推行物业服务清单和评价。",
    monthsAgo: 12,
    categories: ["物业管理"],
    regionCodes: ["110102", "110108"],
    lead: "西城区住房和城市建设委员会",
    units: ["西城区房屋管理局", "北京宣房大德物业管理有限公司", "北京曙光物业服务有限公司"],
    targetReductionPct: 20,
  },
  {
    theme: "垃圾分类",
    title: "曙光花园垃圾分类桶站整治",
    description: "桶站满溢、分类不清、清运不及时。去年由街道牵头整治，已结题，继续监测来电量是否反弹。",
    monthsAgo: 0,
    lastYearMonth: 10,
    categories: ["垃圾分类"],
    regionCodes: ["110108025901"],
    lead: "曙光街道办事处",
    units: ["北京曙光物业服务有限公司", "曙光花园业主委员会", "海淀区城市管理委员会"],
    targetReductionPct: 25,
  },
];

/** Seeds the demo problems once (when there are none); returns how many were written. */
export async function seedDemoProblems(database: Database, now = new Date()): Promise<number> {
  if (await database.db.select({ id: monthlyProblems.id }).from(monthlyProblems).get()) return 0;
  const db = database.db;
  const admin = await db.query.users.findFirst({ where: eq(users.username, "admin") });
  const actor = admin && (await loadActor(database, admin.id));
  if (!actor) throw new Error("demo user missing: admin");
  const names = [...new Set(problems.flatMap((p) => p.categories))];
  const cats = await db
    .select({ id: categories.id, name: categories.name })
    .from(categories)
    .where(inArray(categories.name, names));
  const orgs = await db.select({ id: organisations.id, name: organisations.name }).from(organisations);
  const idOf = (rows: { id: number; name: string }[], name: string) => {
    const row = rows.find((r) => r.name === name);
    if (!row) throw new Error(`demo reference missing: ${name}`);
    return String(row.id);
  };
  const [year, month] = beijingMonth(now).split("-").map(Number) as [number, number];
  for (const p of problems) {
    const id = await createYearlyProblem(
      database,
      actor,
      {
        theme: p.theme,
        title: p.title,
        description: p.description,
        year: String(p.lastYearMonth ? year - 1 : year),
        startMonth: String(p.lastYearMonth ?? Math.max(1, month - p.monthsAgo)),
        categoryIds: p.categories.map((name) => idOf(cats, name)),
        regionCodes: p.regionCodes,
        leadOrgId: idOf(orgs, p.lead),
        orgIds: p.units.map((name) => idOf(orgs, name)),
        targetReductionPct: String(p.targetReductionPct),
        ceilingPerHalfMonth: p.ceilingPerHalfMonth == null ? "" : String(p.ceilingPerHalfMonth),
      },
      now,
    );
    await createPlan(database, actor, { kind: "monthly_problem", id }, { template: "three_lists" }, now);
    // Last year's problem closed with its year; the watch goes on.
    if (p.lastYearMonth) await closeYearlyProblem(database, actor, id, new Date(`${year}-01-01T00:00:00+08:00`));
  }
  return problems.length;
}
