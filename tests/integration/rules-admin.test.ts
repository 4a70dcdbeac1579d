/**
 * Rules as data, administered (server/tickets/rules-admin.ts): the category
 * tree, time-limit versions, the working-day calendar. What matters most: a
 * change applies to tickets from then on and never moves a deadline already
 * set; every change is audited; only the administrator may make them.
 */
import { and, desc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../db/client";
import { auditLog, calendarDays, categories, tickets, timeLimits } from "../../db/schema";
import { ConflictError, ForbiddenError, ValidationError } from "../../server/errors";
import type { Actor } from "../../server/identity";
import {
  act,
  addCategory,
  addWorkingDays,
  calendarYear,
  createScoreWeightVersion,
  createTicket,
  createTimeLimitVersion,
  deleteCalendarDay,
  leafCategories,
  listCategoryTree,
  listScoreWeightVersions,
  listTimeLimitVersions,
  loadCalendar,
  renameCategory,
  saveCalendarDay,
  setCategoryActive,
  setLeafHandler,
} from "../../server/tickets";
import { endOfBeijingDay } from "../../server/tickets/calendar";
import { actorOf, openTestDatabase, orgId, type TestDatabase } from "../helpers/database";

const meta = { ip: "192.0.2.40" };
const bj = (local: string) => new Date(`${local}+08:00`);

let t: TestDatabase;
let database: Database;
let admin: Actor;
let operator: Actor;
let street: Actor;
let dashilar: number;
let noise: number;

beforeAll(async () => {
  t = await openTestDatabase({ demo: true });
  database = t.database;
  admin = await actorOf(database, "admin");
  operator = await actorOf(database, "operator");
  street = await actorOf(database, "street");
  dashilar = await orgId(database, "大栅栏街道办事处");
  noise = (await database.db.query.categories.findFirst({ where: eq(categories.name, "施工噪音") }))!.id;
});
afterAll(() => t?.close());

async function lastAudit(action: string) {
  return database.db.query.auditLog.findFirst({ where: eq(auditLog.action, action), orderBy: desc(auditLog.id) });
}

/** A normal complaint taken in and dispatched to 大栅栏 at `at`; accepted at `acceptAt` if given. */
async function complaint(at: Date, acceptAt?: Date) {
  const { id } = await createTicket(
    database,
    operator,
    {
      type: "complaint",
      categoryId: noise,
      description: "工地夜间施工噪音很大",
      address: "大栅栏西街",
      regionCode: "110102013",
      dispatchOrgId: dashilar,
    },
    { now: at },
  );
  if (acceptAt) await act(database, street, id, { kind: "accept" }, acceptAt);
  return id;
}

const row = async (id: number) => (await database.db.query.tickets.findFirst({ where: eq(tickets.id, id) }))!;

describe("time-limit versions", () => {
  it("apply to tickets taken in afterwards; an older ticket keeps its rule and its deadline", async () => {
    // Before: a normal general complaint has 7 working days and 24 h for first contact.
    const before = await complaint(bj("2026-06-01T09:00:00"), bj("2026-06-01T10:00:00")); // Monday
    const takenBefore = await complaint(bj("2026-06-01T11:00:00")); // accepted only after the change
    const old = await row(before);
    expect(old.deadlineAt).toEqual(endOfBeijingDay("2026-06-10")); // 2,3,4,5,8,9,10 June

    // The administrator copies the current rows and shortens general complaints to 5 working days, 12 h to contact.
    const [current] = await listTimeLimitVersions(database, admin);
    const rows = current!.rules.map(({ id: _id, versionId: _v, ...r }) =>
      r.urgency === "normal" && r.limitClass === "general" && !r.requestType
        ? { ...r, amount: 5, contactWithinHours: 12 }
        : r,
    );
    const versionId = await createTimeLimitVersion(
      database,
      admin,
      { note: "一般事项时限缩短为 5 个工作日", extensionCapWorkingDays: 15, rows },
      meta,
    );
    expect(versionId).toBeGreaterThan(current!.id);
    expect(await lastAudit("time_limits.version_created")).toMatchObject({
      actorUserId: admin.userId,
      entityId: String(versionId),
    });
    const versions = await listTimeLimitVersions(database, admin);
    expect(versions.map((v) => v.id)).toEqual([versionId, current!.id]); // the old version remains

    // The ticket accepted before the change: same rule, same deadline.
    expect(await row(before)).toMatchObject({ timeLimitId: old.timeLimitId, deadlineAt: old.deadlineAt });

    // A ticket taken in before but accepted after: the rule was fixed at intake, so still 7 days.
    await act(database, street, takenBefore, { kind: "accept" }, bj("2026-06-02T10:00:00"));
    const b = await row(takenBefore);
    expect(b.timeLimitId).toBe(old.timeLimitId);
    expect(b.deadlineAt).toEqual(endOfBeijingDay("2026-06-11"));

    // A ticket taken in after the change: the new rule — 5 working days, contact within 12 h.
    const after = await complaint(bj("2026-06-02T09:00:00"), bj("2026-06-02T10:00:00"));
    const n = await row(after);
    const rule = await database.db.query.timeLimits.findFirst({ where: eq(timeLimits.id, n.timeLimitId!) });
    expect(rule).toMatchObject({ versionId, amount: 5, contactWithinHours: 12 });
    expect(n.deadlineAt).toEqual(endOfBeijingDay("2026-06-09")); // 3,4,5,8,9 June
    expect(n.contactDeadlineAt).toEqual(bj("2026-06-02T21:00:00"));
  });

  it("refuses a version that leaves some ticket without a rule, duplicate rows, and non-admins", async () => {
    const [current] = await listTimeLimitVersions(database, admin);
    const rows = current!.rules.map(({ id: _id, versionId: _v, ...r }) => r);
    const withoutGeneral = rows.filter((r) => !(r.urgency === "normal" && r.limitClass === "general"));
    await expect(
      createTimeLimitVersion(
        database,
        admin,
        { note: "缺规则", extensionCapWorkingDays: 15, rows: withoutGeneral },
        meta,
      ),
    ).rejects.toThrow(/缺少适用于/);
    await expect(
      createTimeLimitVersion(
        database,
        admin,
        { note: "重复", extensionCapWorkingDays: 15, rows: [...rows, rows[0]!] },
        meta,
      ),
    ).rejects.toBeInstanceOf(ValidationError);
    const zero = rows.map((r, i) => (i === 0 ? { ...r, amount: 0 } : r));
    const refused = await createTimeLimitVersion(
      database,
      admin,
      { note: "零", extensionCapWorkingDays: 15, rows: zero },
      meta,
    ).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ValidationError);
    expect((refused as ValidationError).fieldErrors["rows.0.amount"]).toBeDefined();
    for (const who of [operator, street]) {
      await expect(listTimeLimitVersions(database, who)).rejects.toBeInstanceOf(ForbiddenError);
      await expect(
        createTimeLimitVersion(database, who, { note: "越权", extensionCapWorkingDays: 15, rows }, meta),
      ).rejects.toBeInstanceOf(ForbiddenError);
    }
  });
});

describe("the working-day calendar", () => {
  it("a change never moves a deadline already set; clocks started afterwards use it", async () => {
    // Accepted Monday 6 July 2026: 5 working days (the current rule) → Monday 13 July.
    const id = await complaint(bj("2026-07-06T09:00:00"), bj("2026-07-06T10:00:00"));
    const set = (await row(id)).deadlineAt;
    expect(set).toEqual(endOfBeijingDay("2026-07-13"));

    // The administrator declares Wednesday 8 July a holiday.
    expect(
      await saveCalendarDay(database, admin, { date: "2026-07-08", kind: "holiday", name: "临时放假" }, meta),
    ).toEqual({
      created: true,
    });
    expect(await lastAudit("calendar.day_added")).toMatchObject({
      entityId: "2026-07-08",
      detail: { to: { kind: "holiday", name: "临时放假" } },
    });
    expect((await row(id)).deadlineAt).toEqual(set);

    // A ticket accepted the same morning, after the change, skips the new holiday: Tuesday 14 July.
    const later = await complaint(bj("2026-07-06T09:30:00"), bj("2026-07-06T10:30:00"));
    expect((await row(later)).deadlineAt).toEqual(endOfBeijingDay("2026-07-14"));
    expect(addWorkingDays(bj("2026-07-06T10:00:00"), 5, await loadCalendar(database.db))).toEqual(
      endOfBeijingDay("2026-07-14"),
    );

    // Changing and deleting are audited too, with what was there before.
    expect(
      await saveCalendarDay(database, admin, { date: "2026-07-08", kind: "holiday", name: "防汛放假" }, meta),
    ).toEqual({
      created: false,
    });
    expect(await lastAudit("calendar.day_changed")).toMatchObject({
      detail: { from: { name: "临时放假", source: "admin" }, to: { name: "防汛放假" } },
    });
    await deleteCalendarDay(database, admin, "2026-07-08", meta);
    expect(await lastAudit("calendar.day_removed")).toMatchObject({
      entityId: "2026-07-08",
      detail: { name: "防汛放假" },
    });
    expect(
      await database.db.query.calendarDays.findFirst({ where: eq(calendarDays.date, "2026-07-08") }),
    ).toBeUndefined();
    expect((await row(id)).deadlineAt).toEqual(set);
  });

  it("lists a year with sources, flags provisional entries, and checks make-up workdays fall on weekends", async () => {
    const y2027 = await calendarYear(database, admin, 2027);
    expect(y2027.days.length).toBeGreaterThan(0);
    expect(y2027.days.every((d) => d.date.startsWith("2027-"))).toBe(true);
    expect(y2027.days.some((d) => d.source === "provisional")).toBe(true);
    expect(y2027.years).toContain(2027);
    await expect(
      saveCalendarDay(database, admin, { date: "2026-07-07", kind: "workday", name: "调休上班" }, meta),
    ).rejects.toBeInstanceOf(ValidationError);
    await expect(deleteCalendarDay(database, admin, "2026-07-07", meta)).rejects.toThrow("该日期没有设置");
    await expect(
      saveCalendarDay(database, operator, { date: "2026-07-11", kind: "workday", name: "调休上班" }, meta),
    ).rejects.toBeInstanceOf(ForbiddenError);
    await expect(calendarYear(database, street, 2027)).rejects.toBeInstanceOf(ForbiddenError);
  });
});

describe("the category tree", () => {
  it("adds children with stable codes, renames without changing the code, sets a leaf's handler; all audited", async () => {
    const tree = await listCategoryTree(database, admin);
    const branch = tree.find((c) => c.name === "施工管理" && c.level === 2)!;
    const siblings = tree.filter((c) => c.parentId === branch.id);
    const { id, code } = await addCategory(
      database,
      admin,
      { parentId: String(branch.id), name: "工地照明扰民", handlerKind: "street", limitClass: "general" },
      meta,
    );
    expect(code).toBe(`${branch.code}.${String(siblings.length + 1).padStart(2, "0")}`);
    expect(await lastAudit("category.created")).toMatchObject({ entityId: String(id), detail: { code, level: 3 } });
    expect((await leafCategories(database)).some((l) => l.id === id)).toBe(true);

    await renameCategory(database, admin, id, { name: "工地强光照明扰民" }, meta);
    const renamed = await database.db.query.categories.findFirst({ where: eq(categories.id, id) });
    expect(renamed).toMatchObject({ name: "工地强光照明扰民", code });
    expect(await lastAudit("category.renamed")).toMatchObject({
      detail: { code, from: "工地照明扰民", to: "工地强光照明扰民" },
    });

    await setLeafHandler(
      database,
      admin,
      id,
      { handlerKind: "district_department", handlerFunction: "urban_management", limitClass: "complex" },
      meta,
    );
    expect(await database.db.query.categories.findFirst({ where: eq(categories.id, id) })).toMatchObject({
      handlerKind: "district_department",
      handlerFunction: "urban_management",
      limitClass: "complex",
    });
    expect(await lastAudit("category.handler_changed")).toMatchObject({
      detail: { from: { handlerKind: "street" }, to: { handlerKind: "district_department" } },
    });

    // A department leaf needs its function; a leaf cannot have children; names are unique among siblings.
    await expect(
      setLeafHandler(database, admin, id, { handlerKind: "district_department", limitClass: "general" }, meta),
    ).rejects.toBeInstanceOf(ValidationError);
    await expect(addCategory(database, admin, { parentId: id, name: "更细的分类" }, meta)).rejects.toBeInstanceOf(
      ConflictError,
    );
    await expect(
      addCategory(
        database,
        admin,
        { parentId: branch.id, name: "施工噪音", handlerKind: "street", limitClass: "general" },
        meta,
      ),
    ).rejects.toBeInstanceOf(ConflictError);
    await expect(
      addCategory(database, admin, { parentId: branch.id, name: "缺少时限类别" }, meta),
    ).rejects.toBeInstanceOf(ValidationError);
  });

  it("deactivates a branch with everything under it; reactivation is one category at a time", async () => {
    const tree = await listCategoryTree(database, admin);
    const branch = tree.find((c) => c.name === "扰民" && c.level === 2)!;
    const leaves = tree.filter((c) => c.parentId === branch.id);
    const { affected } = await setCategoryActive(database, admin, branch.id, { active: "false" }, meta);
    expect(affected).toBe(1 + leaves.length);
    const offered = new Set((await leafCategories(database)).map((l) => l.id));
    expect(leaves.some((l) => offered.has(l.id))).toBe(false);
    expect(await lastAudit("category.deactivated")).toMatchObject({
      entityId: String(branch.id),
      detail: { affected },
    });
    // A leaf under a deactivated branch cannot come back first.
    await expect(setCategoryActive(database, admin, leaves[0]!.id, { active: "true" }, meta)).rejects.toBeInstanceOf(
      ConflictError,
    );
    await setCategoryActive(database, admin, branch.id, { active: "true" }, meta);
    await setCategoryActive(database, admin, leaves[0]!.id, { active: "true" }, meta);
    const after = await database.db
      .select()
      .from(categories)
      .where(and(eq(categories.parentId, branch.id)));
    expect(after.filter((c) => c.active).map((c) => c.id)).toEqual([leaves[0]!.id]);
  });

  it("is the administrator's alone", async () => {
    for (const who of [operator, street]) {
      await expect(listCategoryTree(database, who)).rejects.toBeInstanceOf(ForbiddenError);
      await expect(addCategory(database, who, { name: "新的一级分类" }, meta)).rejects.toBeInstanceOf(ForbiddenError);
      await expect(renameCategory(database, who, noise, { name: "噪音" }, meta)).rejects.toBeInstanceOf(ForbiddenError);
      await expect(setCategoryActive(database, who, noise, { active: "false" }, meta)).rejects.toBeInstanceOf(
        ForbiddenError,
      );
      await expect(listScoreWeightVersions(database, who)).rejects.toBeInstanceOf(ForbiddenError);
    }
    // Refused before anything else: an invalid input from a non-admin is still a 403.
    await expect(createScoreWeightVersion(database, street, {}, meta)).rejects.toBeInstanceOf(ForbiddenError);
  });
});
