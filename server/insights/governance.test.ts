/**
 * Governance-type streets, the monthly volume ranking with its 预警约谈, and the
 * 七有五性 breakdown, on a real SQLite database with the demo's organisations
 * and accounts (docs/decisions/0018). Tickets go through the real services, so
 * the rollups are what the triggers keep; the expectations are counted by hand.
 */
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { categories, notifications } from "../../db/schema";
import { actorOf, openTestDatabase, orgId, type TestDatabase } from "../../tests/helpers/database";
import { createCouncil } from "../councils";
import { ConflictError, ForbiddenError, ValidationError } from "../errors";
import type { Actor } from "../identity/permissions";
import { createPlan, planOf } from "../plans";
import { act, createTicket, setCategoryTags } from "../tickets";
import {
  addGovernanceStreet,
  listGovernanceStreets,
  removeGovernanceStreet,
  setInsightRules,
  sweepGovernanceWarnings,
  tagBreakdown,
  volumeRanking,
} from ".";

const HOUR = 3_600_000;
const NOW = new Date("2026-11-05T10:00:00+08:00");
const meta = { ip: "127.0.0.1" };
let t: TestDatabase;
const a: Record<string, Actor> = {};
let streetOffice: number;

const leafId = async (name: string, parent?: string) => {
  const rows = await t.database.db
    .select({ id: categories.id, parentId: categories.parentId })
    .from(categories)
    .where(eq(categories.name, name));
  if (!parent) return rows[0]!.id;
  const parentId = (await t.database.db.query.categories.findFirst({ where: eq(categories.name, parent) }))!.id;
  return rows.find((r) => r.parentId === parentId)!.id;
};

/** A call at `at` in `regionCode` (or at a map point); with an outcome, dispatched, answered and called back. */
async function call(
  regionCode: string | { lon: number; lat: number },
  categoryId: number,
  at: Date,
  outcome?: { resolution: "resolved" | "partly" | "unresolved"; satisfaction: "satisfied" | "basic" | "dissatisfied" },
) {
  const { id } = await createTicket(
    t.database,
    a.operator!,
    {
      type: "complaint",
      categoryId,
      description: "居民反映的问题，请尽快处理",
      address: "示例地址",
      ...(typeof regionCode === "string" ? { regionCode } : regionCode),
      dispatchOrgId: streetOffice,
    },
    { now: at },
  );
  if (!outcome) return id;
  const later = (h: number) => new Date(at.getTime() + h * HOUR);
  await act(t.database, a.admin!, id, { kind: "accept" }, later(1));
  await act(t.database, a.admin!, id, { kind: "contact", note: "已联系诉求人" }, later(2));
  await act(t.database, a.admin!, id, { kind: "reply", content: "已处理完毕" }, later(24));
  await act(t.database, a.operator!, id, { kind: "callback", ...outcome, speed: 4, effect: 4, attitude: 4 }, later(30));
  return id;
}

const oct = (day: number) => new Date(`2026-10-${String(day).padStart(2, "0")}T09:00:00+08:00`);
const sep = (day: number) => new Date(`2026-09-${String(day).padStart(2, "0")}T09:00:00+08:00`);

beforeAll(async () => {
  t = await openTestDatabase({ demo: true });
  for (const u of ["admin", "operator", "street", "secretary", "housing", "resident"])
    a[u] = await actorOf(t.database, u);
  streetOffice = await orgId(t.database, "大栅栏街道办事处");
  const parking = await leafId("占道停车");
  // October: 大栅栏 3 (two from its community, one at street level), 白纸坊 2, 德胜 1, and one call known only by its district.
  await call("110102013901", parking, oct(3));
  await call("110102013901", parking, oct(20));
  await call("110102013", parking, oct(31));
  await call("110102019901", parking, oct(8));
  await call("110102019", parking, oct(9));
  await call("110102010", parking, oct(10));
  // In 门头沟's mountains, far from any community: the ticket knows its district only.
  const far = await call({ lon: 115.62, lat: 39.98 }, parking, oct(11));
  const farTicket = await t.database.db.query.tickets.findFirst({ where: (x, { eq: is }) => is(x.id, far) });
  expect([farTicket!.districtCode, farTicket!.streetCode, farTicket!.communityCode]).toEqual(["110109", null, null]);
  // September: 德胜 led with 4.
  for (const d of [1, 2, 3, 4]) await call("110102010901", parking, sep(d));
  // The rule names the top two for these small numbers.
  await setInsightRules(
    t.database,
    a.admin!,
    {
      familyLevel: "2",
      radiusM: "200",
      windowHours: "336",
      minTickets: "5",
      sameplaceM: "15",
      minRepeats: "2",
      baselinePeriods: "12",
      significance: "0.01",
      minRisingCount: "5",
      warningTopN: "2",
      note: "测试：前两名预警",
    },
    meta,
  );
});
afterAll(() => t?.close());

describe("the monthly ranking of every street", () => {
  it("adds communities up to their street from the rollup and agrees with counting the tickets", async () => {
    const ranking = await volumeRanking(t.database, a.operator!, { month: "2026-10" }, NOW);
    expect(ranking.streets).toHaveLength(349);
    expect(ranking.topN).toBe(2);
    const top = ranking.streets.slice(0, 3).map((s) => [s.code, s.volume, s.rank, s.previous, s.change]);
    expect(top).toEqual([
      ["110102013", 3, 1, 0, 3],
      ["110102019", 2, 2, 0, 2],
      ["110102010", 1, 3, 4, 1 - 4],
    ]);
    expect(ranking.streets.find((s) => s.code === "110102010")!.previousRank).toBe(1);
    // Every other street has no call and no rank; the district-only call belongs to no street.
    expect(ranking.streets.slice(3).every((s) => s.volume === 0 && s.rank == null)).toBe(true);
    // The same numbers by grouping the tickets (what the rollup saves the page from doing).
    const counted = await t.database.db.all<{ street: string; n: number }>(
      sql`select street_code as street, count(*) as n from tickets
          where strftime('%Y-%m', received_at / 1000, 'unixepoch', '+8 hours') = '2026-10' and street_code is not null
          group by street_code order by n desc`,
    );
    expect(counted.map((c) => [c.street, c.n])).toEqual(ranking.streets.slice(0, 3).map((s) => [s.code, s.volume]));
  });

  it("warns the top-N street that is not on the list; the listed 白纸坊 is not warned", async () => {
    const ranking = await volumeRanking(t.database, a.operator!, { month: "2026-10" }, NOW);
    const byCode = new Map(ranking.streets.map((s) => [s.code, s]));
    expect(byCode.get("110102019")!.listed).toBe(true);
    expect(ranking.streets.filter((s) => s.warned).map((s) => s.code)).toEqual(["110102013"]);
    // September: 德胜 was first and is not listed.
    const september = await volumeRanking(t.database, a.operator!, { month: "2026-09" }, NOW);
    expect(september.streets.filter((s) => s.warned).map((s) => s.code)).toEqual(["110102010"]);
  });

  it("is read by every holder of read:insight and refused to others; a bad month is a field error", async () => {
    for (const who of ["street", "secretary", "housing", "admin"])
      expect((await volumeRanking(t.database, a[who]!, { month: "2026-10" }, NOW)).streets).toHaveLength(349);
    await expect(volumeRanking(t.database, a.resident!, { month: "2026-10" }, NOW)).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    const error = await volumeRanking(t.database, a.operator!, { month: "2026-13" }, NOW).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).fieldErrors.month).toEqual(["月份格式应为 YYYY-MM"]);
  });
});

describe("the 预警约谈 notice", () => {
  it("reaches the warned street's office once per month, however often the sweep runs", async () => {
    const notices = () =>
      t.database.db.select().from(notifications).where(eq(notifications.kind, "governance_warning"));
    expect(await sweepGovernanceWarnings(t.database, NOW)).toBe(1);
    expect(await sweepGovernanceWarnings(t.database, NOW)).toBe(0);
    expect(await sweepGovernanceWarnings(t.database, new Date(NOW.getTime() + 24 * HOUR))).toBe(0);
    const sent = await notices();
    expect(sent).toHaveLength(1);
    expect(sent[0]!.userId).toBe(a.street!.userId);
    expect(sent[0]!.title).toContain("大栅栏街道");
    expect(sent[0]!.link).toBe("/insights/streets?month=2026-10");
    const ranking = await volumeRanking(t.database, a.operator!, { month: "2026-10" }, NOW);
    expect(ranking.streets[0]!.notifiedAt).toEqual(NOW);
  });
});

describe("curating the list", () => {
  it("is the centre's: others are refused, bad input gets Chinese field errors, a duplicate a 409", async () => {
    const input = { streetCode: "110102013", reason: "停车类诉求连续半年居全市前列", enteredOn: "2026-10-20" };
    for (const who of ["street", "secretary", "housing"])
      await expect(addGovernanceStreet(t.database, a[who]!, input, meta, NOW)).rejects.toBeInstanceOf(ForbiddenError);
    const error = await addGovernanceStreet(
      t.database,
      a.operator!,
      { streetCode: "110102013901", reason: "短" },
      meta,
      NOW,
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).fieldErrors).toEqual({
      streetCode: ["请选择街道（乡镇）"],
      reason: ["请写明列入理由（至少 4 个字）"],
    });
    await expect(
      addGovernanceStreet(t.database, a.operator!, { ...input, enteredOn: "2026-12-01" }, meta, NOW),
    ).rejects.toBeInstanceOf(ConflictError);
    await expect(
      addGovernanceStreet(t.database, a.operator!, { ...input, streetCode: "110102019" }, meta, NOW),
    ).rejects.toThrow("已在治理类街乡镇名单中");
  });

  it("a street entered mid-month is on that month's list: its warning goes; removing it brings it back", async () => {
    const id = await addGovernanceStreet(
      t.database,
      a.operator!,
      { streetCode: "110102013", reason: "停车类诉求连续半年居全市前列", enteredOn: "2026-10-20" },
      meta,
      NOW,
    );
    let ranking = await volumeRanking(t.database, a.operator!, { month: "2026-10" }, NOW);
    expect(ranking.streets.filter((s) => s.warned)).toEqual([]);
    expect(ranking.streets[0]!.listed).toBe(true);
    // September's list did not have it yet — but September's warning was 德胜's anyway.
    const september = await volumeRanking(t.database, a.operator!, { month: "2026-09" }, NOW);
    expect(september.streets.find((s) => s.code === "110102013")!.listed).toBe(false);

    await expect(removeGovernanceStreet(t.database, a.operator!, id, { leftNote: "" }, meta, NOW)).rejects.toThrow(
      ValidationError,
    );
    await removeGovernanceStreet(t.database, a.operator!, id, { leftNote: "停车问题已通过错时停车解决" }, meta, NOW);
    await expect(
      removeGovernanceStreet(t.database, a.operator!, id, { leftNote: "再次移出" }, meta, NOW),
    ).rejects.toBeInstanceOf(ConflictError);
    // Left on 2026-11-05: still on October's list (judged at 10-31), off November's.
    ranking = await volumeRanking(t.database, a.operator!, { month: "2026-10" }, NOW);
    expect(ranking.streets[0]!.listed).toBe(true);
    const { entries } = await listGovernanceStreets(t.database, a.street!);
    const entry = entries.find((e) => e.id === id)!;
    expect(entry).toMatchObject({ leftOn: "2026-11-05", removedBy: "王晓敏", addedBy: "王晓敏" });
    const audited = await t.database.db.all<{ action: string }>(
      sql`select action from audit_log where entity = 'governance_street' and entity_id = ${String(id)} order by id`,
    );
    expect(audited.map((r) => r.action)).toEqual(["governance_street.added", "governance_street.removed"]);
  });
});

describe("the plan template follows the street", () => {
  it("一方案四清单 in a governance-type street unless the chair chooses; 一方案三清单 elsewhere", async () => {
    const xiheyan = await orgId(t.database, "西河沿社区居委会");
    const ticket = await call("110102013901", await leafId("占道停车"), new Date(NOW.getTime() - 2 * HOUR));
    const number = (await t.database.db.query.tickets.findFirst({ where: (x, { eq: is }) => is(x.id, ticket) }))!
      .number;
    const council = () =>
      createCouncil(t.database, a.secretary!, {
        title: "西河沿停车议事",
        description: "夜间停车难",
        regionCode: "110102013901",
        address: "西河沿社区居委会",
        ticketNumbers: number,
        leadOrgIds: [xiheyan],
      });
    const templateOf = async (councilId: number) => (await planOf(t.database.db, "council", councilId))!.template;

    const before = await council();
    await createPlan(t.database, a.secretary!, { kind: "council", id: before }, {});
    expect(await templateOf(before)).toBe("three_lists");

    await addGovernanceStreet(
      t.database,
      a.operator!,
      { streetCode: "110102013", reason: "停车类诉求居全市前列" },
      meta,
    );
    const listed = await council();
    await createPlan(t.database, a.secretary!, { kind: "council", id: listed }, { template: "" });
    const plan = (await planOf(t.database.db, "council", listed))!;
    expect(plan.template).toBe("four_lists");
    expect(plan.lists.map((l) => l.title)).toContain("项目清单");

    const chosen = await council();
    await createPlan(t.database, a.secretary!, { kind: "council", id: chosen }, { template: "three_lists" });
    expect(await templateOf(chosen)).toBe("three_lists");
  });
});

describe("the 七有五性 breakdown", () => {
  const aug = (day: number) => new Date(`2026-08-${String(day).padStart(2, "0")}T09:00:00+08:00`);
  const period = { from: "2026-08", to: "2026-08" };
  const row = async (who: string, tag: string, input: Record<string, string> = period) =>
    (await tagBreakdown(t.database, a[who]!, input, NOW)).tags.find((r) => r.tag === tag)!;

  beforeAll(async () => {
    // 养老驿站 inherits 老有所养 from 养老服务; 物业服务 inherits 住有所居 + 宜居性 from 物业管理;
    // the 停车 leaf under 物业管理 has its own tag (便利性) and so none of its parent's.
    const elderly = await leafId("养老驿站");
    await call("110102013901", elderly, aug(3), { resolution: "resolved", satisfaction: "satisfied" });
    await call("110102013", elderly, aug(4), { resolution: "partly", satisfaction: "basic" });
    await call("110102019901", await leafId("物业服务"), aug(5), {
      resolution: "unresolved",
      satisfaction: "dissatisfied",
    });
    await call("110102013", await leafId("停车", "物业管理"), aug(6));
  });

  it("counts volume by tag with inheritance and the rates by decision 0010's credits", async () => {
    // Partial credit 0.5, basic 0.8 (the seeded weights): (1 + 0.5) / 2 and (1 + 0.8) / 2.
    expect(await row("operator", "elderly")).toEqual({
      tag: "elderly",
      volume: 2,
      callbacks: 2,
      resolution: 0.75,
      satisfaction: 0.9,
    });
    expect(await row("operator", "housing")).toEqual({
      tag: "housing",
      volume: 1,
      callbacks: 1,
      resolution: 0,
      satisfaction: 0,
    });
    expect((await row("operator", "livability")).volume).toBe(1);
    // No callback yet: no rate, never 0%.
    expect(await row("operator", "convenience")).toEqual({
      tag: "convenience",
      volume: 1,
      callbacks: 0,
      resolution: null,
      satisfaction: null,
    });
    expect((await row("operator", "medical")).volume).toBe(0);
  });

  it("stays inside the actor's area, and a narrower region never widens it", async () => {
    expect((await row("street", "elderly")).volume).toBe(2);
    expect((await row("street", "housing")).volume).toBe(0);
    expect((await row("street", "convenience")).volume).toBe(1);
    // The street officer asking for 白纸坊 gets nothing of it.
    expect((await row("street", "housing", { ...period, regionCode: "110102019" })).volume).toBe(0);
    expect((await row("operator", "housing", { ...period, regionCode: "110102019" })).volume).toBe(1);
    // The community secretary: its community's calls; rates are kept per street, so none at community level.
    const secretary = await row("secretary", "elderly");
    expect([secretary.volume, secretary.callbacks, secretary.resolution]).toEqual([1, 0, null]);
    await expect(tagBreakdown(t.database, a.resident!, period, NOW)).rejects.toBeInstanceOf(ForbiddenError);
    const error = await tagBreakdown(t.database, a.operator!, { from: "2026-09", to: "2026-08" }, NOW).catch(
      (e: unknown) => e,
    );
    expect((error as ValidationError).fieldErrors.from).toEqual(["起始月份不能晚于截止月份"]);
  });

  it("follows the administrator's tag edits at once, for past calls too", async () => {
    const branch = await leafId("养老服务");
    await expect(setCategoryTags(t.database, a.operator!, branch, { tags: ["elderly"] }, meta)).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    await expect(setCategoryTags(t.database, a.admin!, branch, { tags: ["bogus"] }, meta)).rejects.toBeInstanceOf(
      ValidationError,
    );
    await setCategoryTags(t.database, a.admin!, branch, { tags: ["elderly", "vulnerable"] }, meta);
    expect((await row("operator", "vulnerable")).volume).toBe(2);
    // The leaf takes its own tag: it no longer inherits.
    await setCategoryTags(t.database, a.admin!, await leafId("养老驿站"), { tags: ["fairness"] }, meta);
    expect((await row("operator", "elderly")).volume).toBe(0);
    expect((await row("operator", "fairness")).volume).toBe(2);
    // Clearing the leaf's tags makes it inherit again.
    await setCategoryTags(t.database, a.admin!, await leafId("养老驿站"), {}, meta);
    expect((await row("operator", "elderly")).volume).toBe(2);
  });

  it("reads rate counters that add up to the street scope's (one contribution view for both)", async () => {
    const mismatches = await t.database.db.all(
      sql`select s.month, s.scope_key from
            (select month, scope_key, sum(dispatched) d, sum(callbacks) c, sum(resolved) r from ticket_rate_rollups
              where scope = 'street' group by 1, 2) s
          left join
            (select month, scope_key, sum(dispatched) d, sum(callbacks) c, sum(resolved) r from ticket_rate_rollups
              where scope = 'street_category' group by 1, 2) c
          on c.month = s.month and c.scope_key = s.scope_key
          where c.d is not s.d or c.c is not s.c or c.r is not s.r`,
    );
    expect(mismatches).toEqual([]);
    const [counted] = await t.database.db.all<{ n: number }>(
      sql`select count(*) as n from ticket_rate_rollups where scope = 'street_category'`,
    );
    expect(counted!.n).toBeGreaterThan(0);
    expect(
      await t.database.db
        .select()
        .from(notifications)
        .where(and(eq(notifications.kind, "governance_warning"), eq(notifications.userId, a.operator!.userId))),
    ).toEqual([]);
  });
});
