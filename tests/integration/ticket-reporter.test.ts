/**
 * The reporter's side of a ticket, through the services the pages call: the
 * callback from the public tracking page (re-verified, throttled, through the
 * state machine with no user), the reporter's own view of their ticket (no
 * internal notes), and the choices the forms offer (categories, units).
 */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { categories, ticketEvents } from "../../db/schema";
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  TooManyRequestsError,
  ValidationError,
} from "../../server/errors";
import type { Actor } from "../../server/identity";
import {
  act,
  callbackByReporter,
  createTicket,
  getTicket,
  handlingUnits,
  leafCategories,
  ticketUnitChoices,
} from "../../server/tickets";
import { actorOf, openTestDatabase, orgId, type TestDatabase } from "../helpers/database";

let t: TestDatabase;
const actors: Record<string, Actor> = {};
let leafId: number;
let dashilar: number;
let xiheyan: number;

beforeAll(async () => {
  t = await openTestDatabase({ demo: true });
  for (const u of ["operator", "street", "secretary", "resident"]) actors[u] = await actorOf(t.database, u);
  const leaf = await t.database.db.query.categories.findFirst({ where: eq(categories.name, "占道停车") });
  leafId = leaf!.id;
  dashilar = await orgId(t.database, "大栅栏街道办事处");
  xiheyan = await orgId(t.database, "西河沿社区居委会");
});
afterAll(() => t?.close());

const intake = {
  type: "complaint",
  channel: "phone",
  description: "西河沿街路边长期有车辆占道停放",
  address: "西城区西河沿街 112 号",
  regionCode: "110102013901",
  reporterName: "王建华",
  reporterPhone: "139-1234-5678",
};
const rating = { resolution: "resolved", satisfaction: "satisfied", speed: "5", effect: "4", attitude: "5" };

/** A ticket carried to 已回复, the point where the reporter can call back. */
async function repliedTicket(by: Actor = actors.operator!, input: Record<string, unknown> = intake) {
  const { id, number } = await createTicket(t.database, by, { ...input, categoryId: leafId });
  await act(t.database, actors.operator!, id, { kind: "dispatch", orgId: dashilar });
  await act(t.database, actors.street!, id, { kind: "accept" });
  await act(t.database, actors.street!, id, { kind: "redispatch", orgId: xiheyan, note: "请社区先行处置" });
  await act(t.database, actors.secretary!, id, { kind: "accept" });
  await act(t.database, actors.secretary!, id, { kind: "contact", note: "已电话联系" });
  await act(t.database, actors.secretary!, id, { kind: "reply", content: "已清理占道车辆" });
  return { id, number };
}

describe("the reporter's callback from the tracking page", () => {
  it("records the callback through the state machine, with no user, marked as the reporter's", async () => {
    const { id, number } = await repliedTicket();
    expect(await callbackByReporter(t.database, number, "5678", { ...rating, comment: "谢谢" })).toEqual({
      status: "called_back",
    });
    const last = await t.database.db.query.ticketEvents.findFirst({
      where: eq(ticketEvents.ticketId, id),
      orderBy: (e, { desc }) => desc(e.id),
    });
    expect(last).toMatchObject({ kind: "called_back", actorUserId: null, actorOrgId: null, fromStatus: "replied" });
    expect(last!.data).toMatchObject({ resolution: "resolved", satisfaction: "satisfied", speed: 5, by: "reporter" });
    // A second callback is a step the state machine refuses.
    await expect(callbackByReporter(t.database, number, "5678", rating)).rejects.toThrow(ConflictError);
  });

  it("checks the number and digits again, counts a wrong guess, and stops after ten", async () => {
    const { number } = await repliedTicket();
    await expect(callbackByReporter(t.database, number, "0000", rating)).rejects.toThrow(ValidationError);
    for (let i = 1; i < 10; i++)
      await expect(callbackByReporter(t.database, number, String(1000 + i), rating)).rejects.toThrow(/未找到/);
    await expect(callbackByReporter(t.database, number, "5678", rating)).rejects.toThrow(TooManyRequestsError);
  });

  it("validates the rating in Chinese before writing anything", async () => {
    const { number } = await repliedTicket();
    const refused = await callbackByReporter(t.database, number, "5678", { resolution: "resolved" }).catch((e) => e);
    expect(refused).toBeInstanceOf(ValidationError);
    expect((refused as ValidationError).fieldErrors).toMatchObject({
      satisfaction: ["请选择满意度"],
      speed: ["请评 1–5 分"],
    });
  });
});

describe("a resident reading their own ticket", () => {
  it("sees the public steps and the reply, not the notes between units", async () => {
    const { id } = await repliedTicket(actors.resident!, { ...intake, channel: "web" });
    const mine = await getTicket(t.database, actors.resident!, id);
    expect(mine.events.map((e) => e.kind)).toEqual([
      "received",
      "dispatched",
      "accepted",
      "redispatched",
      "accepted",
      "contacted",
      "replied",
    ]);
    expect(JSON.stringify(mine.events)).not.toContain("请社区先行处置");
    expect(mine.events.find((e) => e.kind === "replied")?.data).toEqual({ content: "已清理占道车辆" });
    expect(mine.events.every((e) => e.actorName === null)).toBe(true);
    expect(mine.actions).toEqual(["callback"]);
    // Staff see the whole record.
    const staff = await getTicket(t.database, actors.operator!, id);
    expect(JSON.stringify(staff.events)).toContain("请社区先行处置");
  });
});

describe("what the forms offer", () => {
  it("lists leaf categories with their paths, and units for dispatch only to the centre", async () => {
    const leaves = await leafCategories(t.database);
    expect(leaves.find((c) => c.id === leafId)?.path).toEqual(["交通管理", "停车管理", "占道停车"]);
    expect(leaves.every((c) => c.path.length >= 2)).toBe(true);
    const units = await handlingUnits(t.database, actors.operator!);
    expect(units.map((u) => u.id)).toEqual(expect.arrayContaining([dashilar, xiheyan]));
    await expect(handlingUnits(t.database, actors.street!)).rejects.toThrow(/没有权限/);
  });

  it("offers a street re-dispatching its own ticket only what 首接负责 allows, its community first", async () => {
    const { id } = await createTicket(t.database, actors.operator!, { ...intake, categoryId: leafId });
    await act(t.database, actors.operator!, id, { kind: "dispatch", orgId: dashilar });
    const { redispatch } = await ticketUnitChoices(t.database, actors.street!, id);
    expect(redispatch.suggested.map((u) => u.id)).toEqual([xiheyan]);
    const all = [...redispatch.suggested, ...redispatch.others];
    expect(all.some((u) => u.kind === "street_office")).toBe(false);
    const communities = await t.database.db.query.organisations.findMany({
      where: (o, { inArray }) =>
        inArray(
          o.id,
          all.map((u) => u.id),
        ),
    });
    expect(
      communities.filter((o) => o.kind === "community_committee").every((o) => o.regionCode.startsWith("110102013")),
    ).toBe(true);
    // What goes to the browser is what a picker shows: id, name and kind.
    expect(Object.keys(all[0]!).sort()).toEqual(["id", "kind", "name"]);
  });

  it("offers the centre every unit to dispatch to, the catalogue's suggestion first", async () => {
    const { id } = await createTicket(t.database, actors.operator!, { ...intake, categoryId: leafId });
    const { dispatch } = await ticketUnitChoices(t.database, actors.operator!, id);
    expect(dispatch.suggested.map((u) => u.id)).toEqual([dashilar]);
    const listed = [...dispatch.suggested, ...dispatch.others].map((u) => u.id);
    expect(new Set(listed).size).toBe(listed.length);
    const units = await handlingUnits(t.database, actors.operator!);
    expect(listed.sort()).toEqual(units.map((u) => u.id).sort());
  });

  it("gives unit choices only to someone with a step that picks a unit, and hides tickets one may not read", async () => {
    const { id } = await createTicket(t.database, actors.operator!, { ...intake, categoryId: leafId });
    // Not yet dispatched: the street reads it (its area) but has nothing to pick; a resident may not read it.
    await getTicket(t.database, actors.street!, id);
    await expect(ticketUnitChoices(t.database, actors.street!, id)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(ticketUnitChoices(t.database, actors.resident!, id)).rejects.toBeInstanceOf(NotFoundError);
    await act(t.database, actors.operator!, id, { kind: "dispatch", orgId: dashilar });
    // The community can read the ticket once it is re-dispatched to it, but picks no unit in 已派单.
    await act(t.database, actors.street!, id, { kind: "accept" });
    await act(t.database, actors.street!, id, { kind: "redispatch", orgId: xiheyan, note: "请社区先行处置" });
    await getTicket(t.database, actors.secretary!, id);
    await expect(ticketUnitChoices(t.database, actors.secretary!, id)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(ticketUnitChoices(t.database, actors.street!, id + 100_000)).rejects.toBeInstanceOf(NotFoundError);
  });
});
