/**
 * The three rates 三率 on a hand-worked fixture (docs/decisions/0010): tickets
 * with known histories, built by driving the real services (createTicket and
 * act) with controlled times, so every number below is worked out by hand in
 * the comments. Also: the street ranking, weights versions by month, who sees
 * what, the supervision queues and the XLSX workbook.
 */
import ExcelJS from "exceljs";
import { and, count, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../db/client";
import { categories, regions, ticketRateRollups } from "../../db/schema";
import { buildRatesWorkbook } from "../../app/lib/rates-export.server";
import { ForbiddenError, ValidationError } from "../../server/errors";
import type { Actor } from "../../server/identity";
import {
  act,
  createScoreWeightVersion,
  createTicket,
  listAppeals,
  monthlyScorecards,
  overdueByUnit,
  requestAppeal,
  reviewAppeal,
  scorecardMonths,
  streetRanking,
  trend,
} from "../../server/tickets";
import { actorOf, openTestDatabase, orgId, type TestDatabase } from "../helpers/database";

const meta = { ip: "192.0.2.30" };
const HOUR = 3_600_000;
const bj = (local: string) => new Date(`${local}+08:00`);
const after = (at: Date, hours: number) => new Date(at.getTime() + hours * HOUR);

const DASHILAR_STREET = "110102013";
const XIHEYAN_COMMUNITY = "110102013901";
const BAIZHIFANG_STREET = "110102019";

let t: TestDatabase;
let database: Database;
let operator: Actor;
let admin: Actor;
let street: Actor;
let secretary: Actor;
let property: Actor;
let resident: Actor;
let dashilar: number;
let baizhifang: number;
let xiheyan: number;
/** 施工噪音 (城乡建设 › 施工管理) and 餐饮油烟 (环境保护 › 大气污染): two level-1 categories, both handled by the street. */
let noise: number;
let fumes: number;
let excludedTicket: number;
let appealId: number;

async function leaf(name: string) {
  const row = await database.db.query.categories.findFirst({
    where: and(eq(categories.name, name), eq(categories.level, 3)),
  });
  if (!row) throw new Error(`no category ${name}`);
  return row.id;
}

interface History {
  /** Dispatched to this unit at `at` by the centre. */
  unit: number;
  at: Date;
  category?: number;
  regionCode?: string;
  /** The handling unit's officer (accepts one hour after dispatch). */
  handler: Actor;
  /** Hours after dispatch of the first contact; the limit for a normal general complaint is 24. */
  contactAfter?: number;
  /** Re-dispatched by the street to a community before acceptance (首接 stays with the street). */
  redispatchTo?: { orgId: number; handler: Actor };
  callback?: { resolution: "resolved" | "partly" | "unresolved"; satisfaction: "satisfied" | "basic" | "dissatisfied" };
}

/** One ticket through the real services, with the times given. */
async function ticket(h: History): Promise<number> {
  const { id } = await createTicket(
    database,
    operator,
    {
      type: "complaint",
      channel: "phone",
      urgency: "normal",
      categoryId: h.category ?? noise,
      description: "夜间施工噪音扰民，影响休息",
      address: "大栅栏西街 12 号",
      regionCode: h.regionCode ?? DASHILAR_STREET,
      reporterName: "张三",
      reporterPhone: "13800001111",
      dispatchOrgId: h.unit,
    },
    { now: h.at },
  );
  let handler = h.handler;
  if (h.redispatchTo) {
    await act(database, street, id, { kind: "redispatch", orgId: h.redispatchTo.orgId }, after(h.at, 0.5));
    handler = h.redispatchTo.handler;
  }
  await act(database, handler, id, { kind: "accept" }, after(h.at, 1));
  if (h.contactAfter !== undefined)
    await act(database, handler, id, { kind: "contact", note: "已电话联系诉求人" }, after(h.at, h.contactAfter));
  if (h.callback) {
    await act(database, handler, id, { kind: "reply", content: "已协调施工方停止夜间施工" }, after(h.at, 48));
    await act(
      database,
      operator,
      id,
      { kind: "callback", ...h.callback, speed: 4, effect: 4, attitude: 5 },
      after(h.at, 72),
    );
  }
  return id;
}

/** Dispatch times in March 2026: Monday 2 March from 09:00, ten minutes apart. */
const march = (i: number) => after(bj("2026-03-02T09:00:00"), i / 6);

beforeAll(async () => {
  t = await openTestDatabase({ demo: true });
  database = t.database;
  [operator, admin, street, secretary, property, resident] = (await Promise.all(
    ["operator", "admin", "street", "secretary", "property", "resident"].map((u) => actorOf(database, u)),
  )) as [Actor, Actor, Actor, Actor, Actor, Actor];
  dashilar = await orgId(database, "大栅栏街道办事处");
  baizhifang = await orgId(database, "白纸坊街道办事处");
  xiheyan = await orgId(database, "西河沿社区居委会");
  noise = await leaf("施工噪音");
  fumes = await leaf("餐饮油烟");

  // 大栅栏 (street office, street 110102013), March 2026 — eleven tickets:
  //   T1–T8 first contact 2 h after dispatch (in time), T9–T10 after 30 h (late: the limit is 24 h);
  //   callbacks: T1, T2, T3 resolved + satisfied; T4, T5 partly + basically satisfied;
  //              T9 unresolved + dissatisfied; T6, T7, T8, T10 still in hand (no callback);
  //   T3 is re-dispatched by the street to 西河沿 community, which handles it: it counts for both;
  //   T11 contacted in time, called back unresolved + dissatisfied, then excluded (核减) below.
  //   T1–T7 are 施工噪音 (城乡建设), T8–T11 餐饮油烟 (环境保护).
  const good = { resolution: "resolved", satisfaction: "satisfied" } as const;
  const partly = { resolution: "partly", satisfaction: "basic" } as const;
  const bad = { resolution: "unresolved", satisfaction: "dissatisfied" } as const;
  const plan: Omit<History, "at" | "unit" | "handler">[] = [
    { contactAfter: 2, callback: good },
    { contactAfter: 2, callback: good },
    { contactAfter: 2, callback: good, redispatchTo: { orgId: 0, handler: secretary } },
    { contactAfter: 2, callback: partly },
    { contactAfter: 2, callback: partly },
    { contactAfter: 2 },
    { contactAfter: 2 },
    { contactAfter: 2, category: 0 },
    { contactAfter: 30, callback: bad, category: 0 },
    { contactAfter: 30, category: 0 },
    { contactAfter: 2, callback: bad, category: 0 },
  ];
  const ids: number[] = [];
  for (const [i, p] of plan.entries()) {
    ids.push(
      await ticket({
        ...p,
        category: p.category === 0 ? fumes : undefined,
        redispatchTo: p.redispatchTo ? { ...p.redispatchTo, orgId: xiheyan } : undefined,
        regionCode: p.redispatchTo ? XIHEYAN_COMMUNITY : DASHILAR_STREET,
        unit: dashilar,
        handler: street,
        at: march(i),
      }),
    );
  }
  excludedTicket = ids[10]!;

  // 白纸坊 (street 110102019), March: B1 contacted in time, resolved + satisfied; B2 contacted, still in hand.
  // No 白纸坊 account in the demo: the administrator (who may do anything) handles them.
  await ticket({
    unit: baizhifang,
    regionCode: BAIZHIFANG_STREET,
    handler: admin,
    at: march(20),
    contactAfter: 3,
    callback: good,
  });
  await ticket({ unit: baizhifang, regionCode: BAIZHIFANG_STREET, handler: admin, at: march(21), contactAfter: 3 });

  appealId = await requestAppeal(
    database,
    street,
    excludedTicket,
    { reason: "诉求人要求超出政策范围的补偿，属不合理诉求" },
    meta,
    bj("2026-03-10T10:00:00"),
  );
});
afterAll(() => t?.close());

/** The counters recomputed from the tickets table itself: the triggers must agree with them. */
async function rawCounts(scope: "all" | "org" | "street", key: string, month: string) {
  const where =
    scope === "all"
      ? sql`1 = 1`
      : scope === "street"
        ? sql`street_code = ${key}`
        : sql`(lead_org_id = ${Number(key)} or first_receiver_org_id = ${Number(key)})`;
  const result = await database.db.all<{ dispatched: number; excluded: number; responded: number; callbacks: number }>(
    sql`select count(*) as dispatched, coalesce(sum(excluded), 0) as excluded,
      coalesce(sum(excluded = 0 and first_contact_at <= contact_deadline_at), 0) as responded,
      coalesce(sum(excluded = 0 and resolution is not null), 0) as callbacks
      from tickets where dispatch_month = ${month} and ${where}`,
  );
  return result[0]!;
}

describe("monthly scorecards", () => {
  it("counts an appealed ticket until the appeal is approved, then leaves it out of every denominator", async () => {
    // Before the review, T11 still counts: 11 dispatched, 9 responded (T1–T8, T11),
    // 7 callbacks (T1–T5, T9, T11): resolved 3, partly 2 → (3 + 2 × 0.5) / 7; satisfied 3, basic 2 → (3 + 2 × 0.8) / 7.
    const before = await monthlyScorecards(database, operator, { month: "2026-03" });
    const d0 = before.units.find((u) => u.orgId === dashilar)!;
    expect(d0.counts).toEqual({
      dispatched: 11,
      excluded: 0,
      responded: 9,
      callbacks: 7,
      resolved: 3,
      partly: 2,
      satisfied: 3,
      basic: 2,
    });
    expect(d0.rates.response).toBeCloseTo(9 / 11, 10);
    expect(d0.rates.resolution).toBeCloseTo(4 / 7, 10);
    expect(d0.rates.satisfaction).toBeCloseTo(4.6 / 7, 10);

    const pending = await listAppeals(database, operator);
    expect(pending).toEqual([
      expect.objectContaining({ id: appealId, ticketId: excludedTicket, orgId: dashilar, orgName: "大栅栏街道办事处" }),
    ]);
    await reviewAppeal(
      database,
      operator,
      appealId,
      { approve: "true", note: "经核实属实，同意核减" },
      meta,
      bj("2026-03-12T10:00:00"),
    );
    expect(await listAppeals(database, operator)).toEqual([]);
    expect(await listAppeals(database, operator, { status: "approved" })).toHaveLength(1);

    // After: T11 is 1 excluded of 11 dispatched; it leaves every denominator.
    //   response     = 8 / (11 − 1)                 = 0.8
    //   resolution   = (3 resolved + 2 × 0.5) / 6    = 4 / 6   ≈ 0.6667
    //   satisfaction = (3 satisfied + 2 × 0.8) / 6   = 4.6 / 6 ≈ 0.7667
    //   composite    = 30 × 0.8 + 35 × 4/6 + 35 × 4.6/6 = 24 + 23.333 + 26.833 = 74.1667
    const after = await monthlyScorecards(database, operator, { month: "2026-03" });
    const d = after.units.find((u) => u.orgId === dashilar)!;
    expect(d.counts).toEqual({
      dispatched: 11,
      excluded: 1,
      responded: 8,
      callbacks: 6,
      resolved: 3,
      partly: 2,
      satisfied: 3,
      basic: 2,
    });
    expect(d.rates.scored).toBe(10);
    expect(d.rates.response).toBeCloseTo(0.8, 10);
    expect(d.rates.resolvedCredited).toBeCloseTo(4, 10);
    expect(d.rates.resolution).toBeCloseTo(4 / 6, 10);
    expect(d.rates.satisfiedCredited).toBeCloseTo(4.6, 10);
    expect(d.rates.satisfaction).toBeCloseTo(4.6 / 6, 10);
    expect(d.rates.composite).toBeCloseTo(74.1667, 3);
    expect(after.weights).toMatchObject({
      response: 30,
      resolution: 35,
      satisfaction: 35,
      partialCredit: 0.5,
      basicCredit: 0.8,
    });
  });

  it("counts a re-dispatched ticket for its first receiver and its final lead unit, and once in the city total", async () => {
    const { units, total } = await monthlyScorecards(database, operator, { month: "2026-03" });
    // 西河沿 handled T3 alone: contacted in time, resolved and satisfied → 100% everywhere.
    const x = units.find((u) => u.orgId === xiheyan)!;
    expect(x.counts).toMatchObject({ dispatched: 1, responded: 1, callbacks: 1, resolved: 1, satisfied: 1 });
    expect(x.rates).toMatchObject({ response: 1, resolution: 1, satisfaction: 1, composite: 100 });
    // 白纸坊: B1 and B2 in time, B1 resolved and satisfied → 100.
    const b = units.find((u) => u.orgId === baizhifang)!;
    expect(b.counts).toMatchObject({ dispatched: 2, responded: 2, callbacks: 1 });
    expect(b.rates.composite).toBeCloseTo(100, 10);
    // Sorted by composite: the two at 100 before 大栅栏.
    expect(units.map((u) => u.orgId).at(-1)).toBe(dashilar);
    // City-wide, each ticket once: 11 + 2 = 13 dispatched, 1 excluded, 8 + 2 = 10 responded of 12;
    // callbacks 6 + 1 = 7: resolved 3 + 1 = 4, partly 2 → (4 + 1) / 7; satisfied 4, basic 2 → (4 + 1.6) / 7.
    expect(total.counts).toEqual({
      dispatched: 13,
      excluded: 1,
      responded: 10,
      callbacks: 7,
      resolved: 4,
      partly: 2,
      satisfied: 4,
      basic: 2,
    });
    expect(total.rates.response).toBeCloseTo(10 / 12, 10);
    expect(total.rates.resolution).toBeCloseTo(5 / 7, 10);
    expect(total.rates.satisfaction).toBeCloseTo(5.6 / 7, 10);
    // Filtering by kind: only the community.
    const communities = await monthlyScorecards(database, operator, {
      month: "2026-03",
      orgKind: "community_committee",
    });
    expect(communities.units.map((u) => u.orgId)).toEqual([xiheyan]);
  });

  it("keeps the rollup counters equal to a recount of the tickets themselves", async () => {
    for (const [scope, key] of [
      ["all", ""],
      ["org", String(dashilar)],
      ["org", String(xiheyan)],
      ["org", String(baizhifang)],
      ["street", DASHILAR_STREET],
      ["street", BAIZHIFANG_STREET],
    ] as const) {
      const raw = await rawCounts(scope, key, "2026-03");
      const [rolled] = await database.db
        .select({
          dispatched: sql<number>`sum(${ticketRateRollups.dispatched})`.mapWith(Number),
          excluded: sql<number>`sum(${ticketRateRollups.exclusions})`.mapWith(Number),
          responded: sql<number>`sum(${ticketRateRollups.responded})`.mapWith(Number),
          callbacks: sql<number>`sum(${ticketRateRollups.callbacks})`.mapWith(Number),
        })
        .from(ticketRateRollups)
        .where(
          and(
            eq(ticketRateRollups.month, "2026-03"),
            eq(ticketRateRollups.scope, scope),
            eq(ticketRateRollups.scopeKey, key),
          ),
        );
      expect(rolled, `${scope} ${key}`).toEqual({
        dispatched: Number(raw.dispatched),
        excluded: Number(raw.excluded),
        responded: Number(raw.responded),
        callbacks: Number(raw.callbacks),
      });
    }
  });

  it("shows a unit its own scorecard only, and refuses those without read:scorecard", async () => {
    const own = await monthlyScorecards(database, street, { month: "2026-03" });
    expect(own.scope).toBe("own");
    expect(own.units.map((u) => u.orgId)).toEqual([dashilar]);
    expect(own.total.counts.dispatched).toBe(11);
    const community = await monthlyScorecards(database, secretary, { month: "2026-03" });
    expect(community.units.map((u) => u.orgId)).toEqual([xiheyan]);
    await expect(monthlyScorecards(database, property, { month: "2026-03" })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(monthlyScorecards(database, resident, { month: "2026-03" })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(monthlyScorecards(database, operator, { month: "2026-3" })).rejects.toBeInstanceOf(ValidationError);
  });

  it("offers the months that have data in the actor's scope", async () => {
    expect(await scorecardMonths(database, operator, bj("2026-03-20T00:00:00"))).toEqual({
      current: "2026-03",
      first: "2026-03",
      last: "2026-03",
    });
    expect((await scorecardMonths(database, secretary, bj("2026-03-20T00:00:00"))).last).toBe("2026-03");
  });
});

describe("the street ranking", () => {
  it("lists every street, ranks those with data by composite, and names the bottom", async () => {
    const [streets] = await database.db.select({ n: count() }).from(regions).where(eq(regions.level, "street"));
    expect(streets!.n).toBe(349);

    const ranking = await streetRanking(database, operator, "2026-03");
    expect(ranking.streets).toHaveLength(349);
    // 白纸坊 100 > 大栅栏 74.17; the other 347 streets have no tickets: no data, no rank, never 0%.
    expect(ranking.rankedCount).toBe(2);
    expect(ranking.noDataCount).toBe(347);
    const [first, second, third] = ranking.streets;
    expect(first).toMatchObject({ code: BAIZHIFANG_STREET, name: "白纸坊街道", districtName: "西城区", rank: 1 });
    expect(second).toMatchObject({ code: DASHILAR_STREET, rank: 2 });
    expect(second!.rates.composite).toBeCloseTo(74.1667, 3);
    expect(second!.counts.dispatched).toBe(11);
    expect(third).toMatchObject({ rank: null, bottom: false });
    expect(third!.rates).toMatchObject({ response: null, resolution: null, satisfaction: null, composite: null });
    // Default bottom 10: with two ranked streets both are among the last ten.
    expect(ranking.bottomCount).toBe(2);
    expect(ranking.streets.filter((s) => s.bottom).map((s) => s.code)).toEqual([BAIZHIFANG_STREET, DASHILAR_STREET]);

    const one = await streetRanking(database, operator, "2026-03", { bottom: "1" });
    expect(one.streets.filter((s) => s.bottom).map((s) => s.code)).toEqual([DASHILAR_STREET]);
    await expect(streetRanking(database, operator, "2026-03", { bottom: "x" })).rejects.toBeInstanceOf(ValidationError);
  });

  it("is open to every unit that is scored (it is named at the district review), not to others", async () => {
    expect((await streetRanking(database, street, "2026-03")).streets).toHaveLength(349);
    expect((await streetRanking(database, secretary, "2026-03")).rankedCount).toBe(2);
    await expect(streetRanking(database, property, "2026-03")).rejects.toBeInstanceOf(ForbiddenError);
    await expect(streetRanking(database, resident, "2026-03")).rejects.toBeInstanceOf(ForbiddenError);
  });
});

describe("weights versions and trends", () => {
  beforeAll(async () => {
    // From April 2026: 20 / 40 / 40, a basic satisfaction counts 0.6.
    await createScoreWeightVersion(
      database,
      admin,
      {
        effectiveFrom: "2026-04",
        response: "20",
        resolution: "40",
        satisfaction: "40",
        partialCredit: "0.5",
        basicCredit: "0.6",
        note: "2026 年 4 月起调整权重",
      },
      meta,
      bj("2026-04-01T10:00:00"),
    );
    // T12, April: contacted in time, partly resolved, basically satisfied.
    await ticket({
      unit: dashilar,
      handler: street,
      at: bj("2026-04-07T09:00:00"),
      contactAfter: 2,
      callback: { resolution: "partly", satisfaction: "basic" },
    });
  });

  it("scores a month with the version effective for it; earlier months keep the old weights", async () => {
    // April: response 1, resolution 0.5 / 1, satisfaction 0.6 / 1 → 20 × 1 + 40 × 0.5 + 40 × 0.6 = 64
    // (under the old weights it would be 30 + 17.5 + 28 = 75.5).
    const april = await monthlyScorecards(database, street, { month: "2026-04" });
    expect(april.weights).toMatchObject({ effectiveFrom: "2026-04", response: 20, basicCredit: 0.6 });
    expect(april.total.rates.composite).toBeCloseTo(64, 10);
    const marchAgain = await monthlyScorecards(database, street, { month: "2026-03" });
    expect(marchAgain.weights.effectiveFrom).toBe("2019-01");
    expect(marchAgain.total.rates.composite).toBeCloseTo(74.1667, 3);
  });

  it("refuses weights that do not sum to 100, credits outside 0–1, a past month, and non-admins", async () => {
    const valid = {
      effectiveFrom: "2026-05",
      response: 30,
      resolution: 35,
      satisfaction: 35,
      partialCredit: 0.5,
      basicCredit: 0.8,
      note: "测试",
    };
    const now = bj("2026-04-15T10:00:00");
    await expect(
      createScoreWeightVersion(database, admin, { ...valid, response: 31 }, meta, now),
    ).rejects.toBeInstanceOf(ValidationError);
    await expect(
      createScoreWeightVersion(database, admin, { ...valid, basicCredit: 1.2 }, meta, now),
    ).rejects.toBeInstanceOf(ValidationError);
    await expect(
      createScoreWeightVersion(database, admin, { ...valid, effectiveFrom: "2026-03" }, meta, now),
    ).rejects.toBeInstanceOf(ValidationError);
    await expect(createScoreWeightVersion(database, operator, valid, meta, now)).rejects.toBeInstanceOf(ForbiddenError);
  });

  it("gives rates and volumes by level-1 category per month, each month with its own weights", async () => {
    const history = await trend(database, operator, { months: 2, to: "2026-04", orgId: dashilar });
    expect(history.months).toEqual(["2026-03", "2026-04"]);
    expect(history.series[0]!.rates.composite).toBeCloseTo(74.1667, 3);
    expect(history.series[1]!.rates.composite).toBeCloseTo(64, 10);
    // March: T1–T7 施工噪音 (城乡建设, T3 included: 大栅栏 received it first), T8–T11 餐饮油烟 (环境保护, T11 excluded
    // but still a ticket handled); April: T12 城乡建设.
    expect(history.volumes.map((v) => [v.name, v.counts])).toEqual([
      ["城乡建设", [7, 1]],
      ["环境保护", [4, 0]],
    ]);
    const city = await trend(database, operator, { months: 3, to: "2026-04" }, bj("2026-04-20T00:00:00"));
    expect(city.series.map((s) => s.counts.dispatched)).toEqual([0, 13, 1]);
    expect(city.series[0]!.rates.composite).toBeNull();
    const defaultEnd = await trend(database, operator, { months: 12 }, bj("2026-04-20T00:00:00"));
    expect(defaultEnd.months.at(-1)).toBe("2026-04");
    expect(defaultEnd.months).toHaveLength(12);
  });

  it("lets a unit see its own trend and a street's, never another unit's or the whole city's", async () => {
    expect(
      (await trend(database, street, { months: 1, to: "2026-03", orgId: dashilar })).series[0]!.counts.dispatched,
    ).toBe(11);
    expect(
      (await trend(database, street, { months: 1, to: "2026-03", streetCode: BAIZHIFANG_STREET })).series[0]!.counts
        .dispatched,
    ).toBe(2);
    await expect(trend(database, street, { months: 1, to: "2026-03", orgId: baizhifang })).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    await expect(trend(database, street, { months: 1, to: "2026-03" })).rejects.toBeInstanceOf(ForbiddenError);
  });
});

describe("supervision queues for the centre", () => {
  it("counts overdue tickets per lead unit with a drill-down link", async () => {
    // On 15 April every ticket accepted on 2 March (limit 7 working days: 11 March) and still in hand is overdue:
    // 大栅栏 T6, T7, T8, T10; 白纸坊 B2. T12 (accepted 7 April) was called back.
    const rows = await overdueByUnit(database, operator, bj("2026-04-15T12:00:00"));
    expect(rows.map((r) => [r.orgId, r.overdue])).toEqual([
      [dashilar, 4],
      [baizhifang, 1],
    ]);
    expect(rows[0]!.href).toBe(`/tickets?queue=overdue&leadOrgId=${dashilar}&sort=deadline_asc`);
    expect(rows[0]!.oldestDeadline).toBeInstanceOf(Date);
    // Before the deadlines: nothing overdue.
    expect(await overdueByUnit(database, operator, bj("2026-03-05T12:00:00"))).toEqual([]);
    await expect(overdueByUnit(database, street)).rejects.toBeInstanceOf(ForbiddenError);
  });

  it("shows a unit its own appeals and refuses those without appeal rights", async () => {
    expect((await listAppeals(database, street, { status: "approved" })).map((a) => a.id)).toEqual([appealId]);
    expect(await listAppeals(database, secretary, { status: "approved" })).toEqual([]);
    await expect(listAppeals(database, property)).rejects.toBeInstanceOf(ForbiddenError);
  });
});

describe("the XLSX workbook", () => {
  it("has the three sheets with Chinese headers, percent formats and the worked-out numbers", async () => {
    const [scorecards, ranking, history] = await Promise.all([
      monthlyScorecards(database, operator, { month: "2026-03" }),
      streetRanking(database, operator, "2026-03"),
      trend(database, operator, { months: 12, to: "2026-03" }),
    ]);
    const buffer = await buildRatesWorkbook({ scorecards, ranking, trend: history });
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(buffer as unknown as ArrayBuffer);
    expect(book.worksheets.map((s) => s.name)).toEqual(["单位三率", "街道排名", "月度趋势"]);

    const units = book.getWorksheet("单位三率")!;
    const header = (units.getRow(1).values as unknown[]).slice(1);
    expect(header).toEqual([
      "月份",
      "单位",
      "单位类型",
      "派单量",
      "核减量",
      "计分工单",
      "按时先行联系",
      "回访量",
      "已解决",
      "部分解决",
      "满意",
      "基本满意",
      "响应率",
      "解决率",
      "满意率",
      "综合得分",
    ]);
    const dRow = units.getRows(2, units.rowCount - 1)!.find((r) => r.getCell(2).value === "大栅栏街道办事处")!;
    expect(dRow.getCell(4).value).toBe(11);
    expect(dRow.getCell(5).value).toBe(1);
    expect(dRow.getCell(13).value).toBeCloseTo(0.8, 10);
    expect(dRow.getCell(13).numFmt).toBe("0.0%");
    expect(dRow.getCell(14).value).toBeCloseTo(4 / 6, 10);
    expect(dRow.getCell(15).value).toBeCloseTo(4.6 / 6, 10);
    expect(dRow.getCell(16).value).toBeCloseTo(74.1667, 3);

    const streets = book.getWorksheet("街道排名")!;
    expect(streets.rowCount).toBe(1 + 349);
    expect(streets.getRow(3).getCell(1).value).toBe(2);
    expect(streets.getRow(3).getCell(2).value).toBe("大栅栏街道");
    expect(streets.getRow(3).getCell(11).value).toBe("排名靠后");
    // A street without tickets: no rank, empty rates, marked 无数据.
    expect(streets.getRow(4).getCell(1).value).toBeNull();
    expect(streets.getRow(4).getCell(7).value).toBeNull();
    expect(streets.getRow(4).getCell(11).value).toBe("无数据");

    const months = book.getWorksheet("月度趋势")!;
    expect(months.rowCount).toBe(1 + 12);
    expect(months.getRow(13).getCell(1).value).toBe("2026-03");
    expect(months.getRow(13).getCell(2).value).toBe(13);
    expect(months.getRow(13).getCell(8).value).toBeCloseTo(10 / 12, 10);
  });
});
