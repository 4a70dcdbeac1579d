/**
 * Moving and calling off an announced meeting (改期, 取消) over the real
 * portal: only the convener, only before it starts; every member is told;
 * the invitation's SEQUENCE rises so calendars take the change; a cancelled
 * meeting stays in the record and leaves the workbench.
 */
import { and, desc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { zhCN } from "../../app/i18n/zh-CN";
import { auditLog, meetings, notifications } from "../../db/schema";
import {
  cancelMeeting,
  createCouncil,
  recordAttendance,
  rescheduleMeeting,
  scheduleMeeting,
  upcomingMeetings,
} from "../../server/councils";
import { ConflictError, ForbiddenError, ValidationError } from "../../server/errors";
import type { Actor } from "../../server/identity";
import { actorOf, orgId } from "../helpers/database";
import { get, postForm } from "../helpers/http";
import { signIn, startPortal, type TestPortal } from "../helpers/portal";

let p: TestPortal;
let councilId: number;
const a: Record<string, Actor> = {};
const cookie: Record<string, string> = {};
const DAY = 86_400_000;
/** A `datetime-local` value `days` from now, Beijing time. */
const beijing = (days: number) => new Date(Date.now() + days * DAY + 8 * 3_600_000).toISOString().slice(0, 16);

beforeAll(async () => {
  p = await startPortal();
  const database = p.portal.database;
  for (const u of ["secretary", "property", "housing", "street"]) {
    a[u] = await actorOf(database, u);
    cookie[u] = await signIn(p.url, u);
  }
  councilId = await createCouncil(database, a.secretary!, {
    title: "西河沿街道路照明议事",
    description: "夜间路灯不亮，居民出行不便",
    regionCode: "110102013901",
    address: "西河沿社区居委会",
    cooperatingOrgIds: [await orgId(database, "北京宣房大德物业管理有限公司")],
  });
});
afterAll(() => p?.close());

const schedule = (title: string, days = 3) =>
  scheduleMeeting(p.portal.database, a.secretary!, councilId, {
    title,
    startsAt: beijing(days),
    durationMinutes: 60,
    place: "西河沿社区居委会会议室",
    agenda: [{ title: "路灯维修" }],
  });
const meeting = (id: number) => p.portal.database.db.select().from(meetings).where(eq(meetings.id, id)).get();
const lastNotice = (user: string) =>
  p.portal.database.db
    .select()
    .from(notifications)
    .where(eq(notifications.userId, a[user]!.userId))
    .orderBy(desc(notifications.id))
    .get();
const ics = async (id: number) => {
  const res = await get(`${p.url}/councils/${councilId}/meetings/${id}.ics`, { cookie: cookie.property! });
  expect(res.status).toBe(200);
  return (await res.text()).replace(/\r\n /g, "");
};

describe("changing an announced meeting", () => {
  it("moves it to a new time and place, tells every member and revises the invitation", async () => {
    const id = await schedule("路灯议事第一次会议");
    expect(await ics(id)).toContain("SEQUENCE:0\r\n");
    await rescheduleMeeting(p.portal.database, a.secretary!, id, {
      startsAt: beijing(5),
      durationMinutes: 90,
      place: "西河沿街口",
      onlineUrl: "",
    });
    const moved = (await meeting(id))!;
    expect(moved).toMatchObject({ status: "scheduled", place: "西河沿街口", revision: 1 });
    expect(moved.startsAt.getTime()).toBe(new Date(`${beijing(5)}:00+08:00`).getTime());
    expect(moved.endsAt.getTime() - moved.startsAt.getTime()).toBe(90 * 60_000);
    for (const user of ["secretary", "property"]) {
      const notice = (await lastNotice(user))!;
      expect(notice.title).toBe("会议改期：路灯议事第一次会议");
      expect(notice.body).toContain("西河沿街口");
      expect(notice.body).toContain("原定");
    }
    const invitation = await ics(id);
    expect(invitation).toContain("SEQUENCE:1\r\n");
    expect(invitation).toContain("LOCATION:西河沿街口\r\n");
    const audited = await p.portal.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "meeting.rescheduled"), eq(auditLog.entityId, String(councilId))))
      .get();
    expect(audited?.actorUserId).toBe(a.secretary!.userId);
  });

  it("refuses anyone but the convener, a time in the past, and a change that changes nothing", async () => {
    const id = await schedule("路灯议事第二次会议");
    const same = { startsAt: beijing(3), durationMinutes: 60, place: "西河沿社区居委会会议室" };
    await expect(rescheduleMeeting(p.portal.database, a.property!, id, same)).rejects.toThrow(ForbiddenError);
    await expect(cancelMeeting(p.portal.database, a.property!, id, { reason: "x" })).rejects.toThrow(ForbiddenError);
    const past = await rescheduleMeeting(p.portal.database, a.secretary!, id, { ...same, startsAt: beijing(-1) }).catch(
      (e: unknown) => e,
    );
    expect(past).toBeInstanceOf(ValidationError);
    expect((past as ValidationError).fieldErrors.startsAt).toBeDefined();
    await expect(rescheduleMeeting(p.portal.database, a.secretary!, id, same)).rejects.toThrow("时间和地点都没有变化");
    const noReason = await cancelMeeting(p.portal.database, a.secretary!, id, { reason: " " }).catch((e: unknown) => e);
    expect((noReason as ValidationError).fieldErrors.reason).toBeDefined();
    expect(await meeting(id)).toMatchObject({ status: "scheduled", revision: 0 });
  });

  it("calls it off with a reason: it stays in the record, marked cancelled, and leaves the members' workbench", async () => {
    const id = await schedule("路灯议事临时会议", 2);
    const listed = async () =>
      (await upcomingMeetings(p.portal.database, a.property!, new Date(), 20)).items.some((m) => m.id === id);
    expect(await listed()).toBe(true);
    await cancelMeeting(p.portal.database, a.secretary!, id, { reason: "维修单位改期进场" });
    expect(await meeting(id)).toMatchObject({ status: "cancelled", revision: 1 });
    expect((await lastNotice("property"))!.body).toContain("取消原因：维修单位改期进场");
    expect(await listed()).toBe(false);
    const invitation = await ics(id);
    expect(invitation).toContain("STATUS:CANCELLED\r\n");
    expect(invitation).toContain("SEQUENCE:1\r\n");
    // Cancelled is final: neither moved nor cancelled again (409).
    await expect(
      rescheduleMeeting(p.portal.database, a.secretary!, id, { startsAt: beijing(4), place: "会议室" }),
    ).rejects.toThrow(ConflictError);
    await expect(cancelMeeting(p.portal.database, a.secretary!, id, { reason: "再取消" })).rejects.toThrow(
      "会议已取消",
    );
  });

  it("is refused once anyone's presence is recorded: the meeting has begun", async () => {
    const id = await schedule("路灯议事现场会");
    await recordAttendance(p.portal.database, a.secretary!, id, { userIds: [a.secretary!.userId] });
    await expect(cancelMeeting(p.portal.database, a.secretary!, id, { reason: "下雨" })).rejects.toThrow(
      "已登记到会人员",
    );
  });

  it("works through the council page: the convener's forms, 403 for a party, 409 with the reason when cancelled", async () => {
    const id = await schedule("路灯议事第三次会议");
    const page = await (await get(`${p.url}/councils/${councilId}`, { cookie: cookie.secretary! })).text();
    expect(page).toContain(zhCN.councils.meeting.change);
    expect(page).toContain(`value="${beijing(3).slice(0, 11)}`);
    const party = await (await get(`${p.url}/councils/${councilId}`, { cookie: cookie.property! })).text();
    expect(party).not.toContain(zhCN.councils.meeting.change);
    const post = (user: string, form: Record<string, string>) =>
      postForm(
        `${p.url}/councils/${councilId}`,
        { meetingId: String(id), target: `meeting-${id}`, ...form },
        {
          cookie: cookie[user]!,
        },
      );
    expect((await post("property", { intent: "cancel-meeting", reason: "x" })).status).toBe(403);
    const moved = await post("secretary", {
      intent: "reschedule",
      startsAt: beijing(6),
      durationMinutes: "60",
      place: "西河沿社区活动室",
      onlineUrl: "",
    });
    expect(moved.status).toBe(200);
    expect(await meeting(id)).toMatchObject({ place: "西河沿社区活动室", revision: 1 });
    expect((await post("secretary", { intent: "cancel-meeting", reason: "合并到下次会议" })).status).toBe(200);
    const again = await post("secretary", { intent: "cancel-meeting", reason: "合并到下次会议" });
    expect(again.status).toBe(409);
    expect(await again.text()).toContain("会议已取消");
    // The page offers the change only for meetings that can still change: one fewer now.
    const changes = (html: string) => html.split('class="meeting-change"').length - 1;
    const after = await (await get(`${p.url}/councils/${councilId}`, { cookie: cookie.secretary! })).text();
    expect(changes(page)).toBeGreaterThan(0);
    expect(changes(after)).toBe(changes(page) - 1);
  });
});
