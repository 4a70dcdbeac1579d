/**
 * Whistles and councils through the real services on a real database: a
 * whistle with its deadline, reports on time, late and absent, reminders and
 * 双考核; a council through its stages with a meeting, a vote, signatures and
 * publication; the decision reaching the linked tickets and their reporter;
 * and each role seeing and changing only what it should.
 */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { categories, notifications } from "../../db/schema";
import {
  addParty,
  blowWhistle,
  castBallot,
  changeStage,
  closeVoting,
  closeWhistle,
  councilAccess,
  createCouncil,
  evaluateWhistle,
  getCouncil,
  getWhistle,
  listCouncils,
  listWhistles,
  openVoting,
  proposeTopic,
  publicCouncil,
  publishDecision,
  recordAttendance,
  recordDecision,
  recordMinutes,
  reportToWhistle,
  reviewOutcome,
  reviewTopic,
  listTopics,
  scheduleMeeting,
  signDecision,
  sweepWhistleDeadlines,
  whistleScorecards,
} from "../../server/councils";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "../../server/errors";
import type { Actor } from "../../server/identity";
import { act, createTicket, getTicket } from "../../server/tickets";
import { actorOf, openTestDatabase, orgId, userId, type TestDatabase } from "../helpers/database";

let t: TestDatabase;
const a: Record<string, Actor> = {};
const org: Record<string, number> = {};
const user: Record<string, number> = {};
const bj = (local: string) => new Date(`${local}+08:00`);
let residentTicket: { id: number; number: string };
let operatorTicket: { id: number; number: string };

beforeAll(async () => {
  t = await openTestDatabase({ demo: true });
  for (const u of [
    "admin",
    "operator",
    "street",
    "secretary",
    "worker",
    "housing",
    "property",
    "committee",
    "resident",
  ]) {
    a[u] = await actorOf(t.database, u);
    user[u] = await userId(t.database, u);
  }
  for (const [key, name] of Object.entries({
    dashilar: "大栅栏街道办事处",
    xiheyan: "西河沿社区居委会",
    housing: "西城区住房和城市建设委员会",
    traffic: "北京市公安局公安交通管理局西城交通支队",
    property: "北京宣房大德物业管理有限公司",
  }))
    org[key] = await orgId(t.database, name);
  const leaf = await t.database.db.query.categories.findFirst({ where: eq(categories.name, "占道停车") });
  const at = bj("2025-03-01T09:00:00");
  // The resident's own call, dispatched to the street and accepted there.
  residentTicket = await createTicket(
    t.database,
    a.resident!,
    {
      type: "complaint",
      categoryId: leaf!.id,
      description: "西河沿街车辆长期占道停放",
      address: "西城区西河沿街112号",
      regionCode: "110102013901",
    },
    { now: at },
  );
  await act(t.database, a.operator!, residentTicket.id, { kind: "dispatch", orgId: org.dashilar }, at);
  await act(t.database, a.street!, residentTicket.id, { kind: "accept" }, at);
  // A phoned-in ticket handed down to the community, in progress there.
  operatorTicket = await createTicket(
    t.database,
    a.operator!,
    {
      type: "complaint",
      categoryId: leaf!.id,
      description: "胡同口被车堵住，救护车进不来",
      address: "西城区延寿街北口",
      regionCode: "110102013901",
      reporterName: "王建华",
      reporterPhone: "13912345678",
    },
    { now: at },
  );
  await act(t.database, a.operator!, operatorTicket.id, { kind: "dispatch", orgId: org.dashilar }, at);
  await act(t.database, a.street!, operatorTicket.id, { kind: "accept" }, at);
  await act(t.database, a.street!, operatorTicket.id, { kind: "redispatch", orgId: org.xiheyan }, at);
  await act(t.database, a.secretary!, operatorTicket.id, { kind: "accept" }, at);
  await act(t.database, a.secretary!, operatorTicket.id, { kind: "contact", note: "已联系" }, at);
});
afterAll(() => t?.close());

const noticesOf = async (username: string) =>
  t.database.db.select().from(notifications).where(eq(notifications.userId, user[username]!));

describe("吹哨报到", () => {
  let whistleId: number;
  const blownAt = bj("2025-03-03T10:00:00"); // a Monday

  it("only conveners of the area blow the whistle", async () => {
    const input = {
      ground: "recurring_problem",
      problem: "西河沿街停车",
      regionCode: "110102013901",
      orgIds: [org.housing],
    };
    await expect(blowWhistle(t.database, a.resident!, input, blownAt)).rejects.toThrow(ForbiddenError);
    await expect(blowWhistle(t.database, a.housing!, input, blownAt)).rejects.toThrow(ForbiddenError);
    await expect(
      blowWhistle(t.database, a.secretary!, { ...input, regionCode: "110102019901" }, blownAt),
    ).rejects.toThrow(ForbiddenError);
    await expect(blowWhistle(t.database, a.secretary!, { ...input, orgIds: [] }, blownAt)).rejects.toThrow(
      ValidationError,
    );
  });

  it("the secretary whistles: the deadline follows the ground; summoned units are told; a unit without accounts is invited", async () => {
    const result = await blowWhistle(
      t.database,
      a.secretary!,
      {
        ground: "recurring_problem",
        problem: "西河沿街车辆超时停放，胡同通行困难，居民反复投诉",
        regionCode: "110102013901",
        orgIds: [org.housing, org.traffic, org.property],
        ticketNumbers: residentTicket.number,
      },
      blownAt,
    );
    whistleId = result.id;
    // The traffic police have nobody on the portal yet: one invitation link, for them only.
    expect(result.invitations.map((i) => i.orgId)).toEqual([org.traffic]);
    const w = await getWhistle(t.database, a.secretary!, whistleId, blownAt);
    // 2 working days from Monday: the end of Wednesday.
    expect(w.whistle.reportDeadlineAt).toEqual(new Date("2025-03-05T15:59:59.999Z"));
    expect(w.tickets.map((x) => x.number)).toEqual([residentTicket.number]);
    expect((await noticesOf("housing")).map((n) => n.kind)).toEqual(["whistle_received"]);
    expect((await noticesOf("property")).map((n) => n.kind)).toEqual(["whistle_received"]);
    expect(await noticesOf("committee")).toEqual([]);
  });

  it("units report once, on time or late; absent units are flagged; reminders go out once", async () => {
    expect(
      await reportToWhistle(t.database, a.housing!, whistleId, { note: "已到现场" }, bj("2025-03-04T09:00:00")),
    ).toEqual({
      orgId: org.housing,
      state: "on_time",
    });
    await expect(reportToWhistle(t.database, a.housing!, whistleId, {}, bj("2025-03-04T09:05:00"))).rejects.toThrow(
      "本单位已报到",
    );
    // Not summoned: the whistle does not exist for them.
    await expect(reportToWhistle(t.database, a.committee!, whistleId, {}, bj("2025-03-04T09:00:00"))).rejects.toThrow(
      NotFoundError,
    );
    await expect(reportToWhistle(t.database, a.secretary!, whistleId, {}, bj("2025-03-04T09:00:00"))).rejects.toThrow(
      ForbiddenError,
    );

    // Before halfway: no reminder. After: the property company (still unreported) is reminded, once.
    expect(await sweepWhistleDeadlines(t.database, bj("2025-03-03T12:00:00"))).toBe(0);
    expect(await sweepWhistleDeadlines(t.database, bj("2025-03-04T18:00:00"))).toBe(1);
    expect(await sweepWhistleDeadlines(t.database, bj("2025-03-04T19:00:00"))).toBe(0);
    expect((await noticesOf("property")).map((n) => n.kind)).toEqual(["whistle_received", "report_due"]);

    // After the deadline: overdue notices to the unit and the convener, once.
    await sweepWhistleDeadlines(t.database, bj("2025-03-06T09:00:00"));
    expect(await sweepWhistleDeadlines(t.database, bj("2025-03-06T09:30:00"))).toBe(0);
    expect((await noticesOf("property")).map((n) => n.kind)).toContain("report_overdue");
    expect((await noticesOf("secretary")).filter((n) => n.kind === "report_overdue")).toHaveLength(2);

    expect((await reportToWhistle(t.database, a.property!, whistleId, {}, bj("2025-03-06T10:00:00"))).state).toBe(
      "late",
    );
    const w = await getWhistle(t.database, a.secretary!, whistleId, bj("2025-03-06T11:00:00"));
    expect(Object.fromEntries(w.units.map((u) => [u.orgId, u.state]))).toEqual({
      [org.housing!]: "on_time",
      [org.traffic!]: "absent",
      [org.property!]: "late",
    });
  });

  it("双考核 after closing: each side scores the other once, and the scores reach the scorecards", async () => {
    const at = bj("2025-03-07T10:00:00");
    await expect(
      evaluateWhistle(t.database, a.secretary!, whistleId, { subjectOrgId: org.housing, score: 5 }, at),
    ).rejects.toThrow("吹哨事项办结后才能互评");
    await expect(closeWhistle(t.database, a.housing!, whistleId, { outcome: "已协调" }, at)).rejects.toThrow(
      ForbiddenError,
    );
    await closeWhistle(t.database, a.secretary!, whistleId, { outcome: "交通支队增设错时停车位，城管加强巡查" }, at);
    await evaluateWhistle(
      t.database,
      a.secretary!,
      whistleId,
      { subjectOrgId: org.housing, score: 5, comment: "响应迅速" },
      at,
    );
    await evaluateWhistle(
      t.database,
      a.secretary!,
      whistleId,
      { subjectOrgId: org.property, score: 2, comment: "迟到" },
      at,
    );
    await evaluateWhistle(t.database, a.housing!, whistleId, { subjectOrgId: org.xiheyan, score: 4 }, at);
    await expect(
      evaluateWhistle(t.database, a.housing!, whistleId, { subjectOrgId: org.xiheyan, score: 5 }, at),
    ).rejects.toThrow(ConflictError);
    // A unit may not score another summoned unit.
    await expect(
      evaluateWhistle(t.database, a.housing!, whistleId, { subjectOrgId: org.property, score: 1 }, at),
    ).rejects.toThrow(ForbiddenError);
    const cards = await whistleScorecards(t.database, [org.housing!, org.property!, org.traffic!, org.xiheyan!], at);
    const card = (id: number) => cards.find((c) => c.orgId === id);
    expect(card(org.housing!)).toMatchObject({ summoned: 1, onTime: 1, late: 0, absent: 0, averageScore: 5 });
    expect(card(org.property!)).toMatchObject({ summoned: 1, late: 1, averageScore: 2 });
    expect(card(org.traffic!)).toMatchObject({ summoned: 1, absent: 1, averageScore: null });
    expect(card(org.xiheyan!)).toMatchObject({ summoned: 0, averageScore: 4 });
    // Per month, as the 三率 dashboard shows them: March has it all, April nothing.
    expect(await whistleScorecards(t.database, [org.housing!], at, "2025-03")).toMatchObject([
      { onTime: 1, averageScore: 5 },
    ]);
    expect(await whistleScorecards(t.database, [org.housing!], at, "2025-04")).toEqual([]);
    expect(await whistleScorecards(t.database, [], at)).toEqual([]);
  });

  it("whistles are listed to those involved and the centre, not to others", async () => {
    expect((await listWhistles(t.database, a.housing!)).whistles.map((w) => w.id)).toEqual([whistleId]);
    expect((await listWhistles(t.database, a.operator!)).whistles.map((w) => w.id)).toEqual([whistleId]);
    expect((await listWhistles(t.database, a.street!)).whistles.map((w) => w.id)).toEqual([whistleId]);
    expect((await listWhistles(t.database, a.committee!)).whistles).toEqual([]);
    expect((await listWhistles(t.database, a.resident!)).whistles).toEqual([]);
  });
});

describe("圆桌会议: stages, meeting, vote, decision, and back to the tickets", () => {
  let councilId: number;
  let otherCouncilId: number;
  let meetingId: number;
  let itemId: number;
  let decisionId: number;
  const at = bj("2025-03-10T09:00:00");

  it("the secretary opens a council from the whistle: its tickets and units come along", async () => {
    const [w] = (await listWhistles(t.database, a.secretary!)).whistles;
    await expect(
      createCouncil(
        t.database,
        a.property!,
        { title: "x", description: "x", regionCode: "110102013901", address: "x" },
        at,
      ),
    ).rejects.toThrow(ForbiddenError);
    councilId = await createCouncil(
      t.database,
      a.secretary!,
      {
        title: "西河沿街停车圆桌会议",
        description: "错时停车与占道治理",
        regionCode: "110102013901",
        address: "西河沿社区居委会",
        whistleId: w!.id,
        ticketNumbers: operatorTicket.number,
        residentUserIds: [user.resident],
      },
      at,
    );
    const c = await getCouncil(t.database, a.secretary!, councilId);
    expect(c.council.stage).toBe("topic_intake");
    expect(c.parties.map((p) => [p.role, p.orgId ?? p.userId]).sort()).toEqual(
      [
        ["lead", org.xiheyan],
        ["cooperating", org.housing],
        ["cooperating", org.traffic],
        ["cooperating", org.property],
        ["resident_rep", user.resident],
      ].sort(),
    );
    expect(c.tickets.map((x) => x.id).sort()).toEqual([residentTicket.id, operatorTicket.id].sort());
    otherCouncilId = await createCouncil(
      t.database,
      a.street!,
      { title: "大栅栏商户议事", description: "门前三包", regionCode: "110102013", address: "大栅栏街道办事处" },
      at,
    );
  });

  it("each role sees only its councils; resident representatives and parties edit, the centre reads", async () => {
    // Every demo role against both councils: 西河沿's (community, with parties and a resident
    // representative) and the street's own (大栅栏 street, no parties but the street).
    const expected: Record<string, [string, string]> = {
      admin: ["edit", "edit"],
      operator: ["read", "read"],
      street: ["edit", "edit"], // convenes in its whole street
      secretary: ["edit", "none"], // convenes in its community only
      worker: ["edit", "none"], // its committee is a party
      housing: ["edit", "none"], // summoned, then a party
      property: ["edit", "none"],
      committee: ["none", "none"],
      resident: ["edit", "none"], // a representative on the first only
    };
    for (const [u, [first, second]] of Object.entries(expected)) {
      expect(await councilAccess(t.database, a[u]!, councilId), `${u} on 西河沿`).toBe(first);
      expect(await councilAccess(t.database, a[u]!, otherCouncilId), `${u} on 大栅栏`).toBe(second);
    }
    expect(await councilAccess(t.database, null, councilId)).toBe("none");
    await expect(getCouncil(t.database, a.committee!, councilId)).rejects.toThrow(NotFoundError);
    expect((await listCouncils(t.database, a.resident!)).councils.map((c) => c.id)).toEqual([councilId]);
    expect((await listCouncils(t.database, a.committee!)).councils.map((c) => c.id)).toEqual([]);
    expect((await listCouncils(t.database, a.operator!)).councils.map((c) => c.id).sort()).toEqual(
      [councilId, otherCouncilId].sort(),
    );
  });

  it("stages move only along the table (409 otherwise) and only by conveners; every change is recorded", async () => {
    await expect(changeStage(t.database, a.secretary!, councilId, { to: "decision" }, at)).rejects.toThrow(
      "议事当前阶段为「议题征集」，不能转到「形成决议」",
    );
    await expect(changeStage(t.database, a.housing!, councilId, { to: "review" }, at)).rejects.toThrow(ForbiddenError);
    await expect(changeStage(t.database, a.resident!, councilId, { to: "review" }, at)).rejects.toThrow(ForbiddenError);
    await changeStage(t.database, a.secretary!, councilId, { to: "review" }, at);
    await changeStage(t.database, a.secretary!, councilId, { to: "deliberation", note: "三方已报到" }, at);
    const c = await getCouncil(t.database, a.secretary!, councilId);
    expect(c.history.map((h) => [h.fromStage, h.toStage])).toEqual([
      [null, "topic_intake"],
      ["topic_intake", "review"],
      ["review", "deliberation"],
    ]);
  });

  it("a meeting is announced in advance to every member, with its agenda", async () => {
    const meeting = {
      title: "第一次议事会",
      startsAt: "2025-03-12T14:00",
      place: "西河沿社区居委会会议室",
      agenda: [{ title: "错时停车方案", ticketNumbers: operatorTicket.number }],
    };
    await expect(
      scheduleMeeting(t.database, a.secretary!, councilId, { ...meeting, startsAt: "2025-03-09T14:00" }, at),
    ).rejects.toThrow(ValidationError);
    await expect(scheduleMeeting(t.database, a.housing!, councilId, meeting, at)).rejects.toThrow(ForbiddenError);
    meetingId = await scheduleMeeting(t.database, a.secretary!, councilId, meeting, at);
    for (const u of ["secretary", "worker", "housing", "property", "resident"])
      expect(
        (await noticesOf(u)).map((n) => n.kind),
        u,
      ).toContain("meeting_notice");
    expect((await noticesOf("committee")).map((n) => n.kind)).not.toContain("meeting_notice");
    const c = await getCouncil(t.database, a.secretary!, councilId);
    itemId = c.meetings[0]!.items[0]!.id;
    expect(c.meetings[0]!.items[0]!.ticketIds).toEqual([operatorTicket.id]);
  });

  it("attendance, a vote among those present, and its result", async () => {
    const when = bj("2025-03-12T14:30:00");
    await expect(
      recordAttendance(t.database, a.secretary!, meetingId, { userIds: [user.committee] }, when),
    ).rejects.toThrow(ValidationError);
    await expect(openVoting(t.database, a.secretary!, itemId, { question: "是否实行错时停车" }, when)).rejects.toThrow(
      "请先登记到会人员",
    );
    await recordAttendance(
      t.database,
      a.secretary!,
      meetingId,
      { userIds: [user.secretary, user.housing, user.property, user.resident] },
      when,
    );
    const votingId = await openVoting(
      t.database,
      a.secretary!,
      itemId,
      { question: "是否实行错时停车", mode: "per_member", quorumPercent: 50, thresholdPercent: 50 },
      when,
    );
    await castBallot(t.database, a.secretary!, votingId, { choice: "for" }, when);
    await castBallot(t.database, a.housing!, votingId, { choice: "for" }, when);
    await castBallot(t.database, a.resident!, votingId, { choice: "for" }, when);
    await castBallot(t.database, a.property!, votingId, { choice: "against" }, when);
    await expect(castBallot(t.database, a.housing!, votingId, { choice: "against" }, when)).rejects.toThrow("您已投票");
    // A member not present, and an outsider, cannot vote.
    await expect(castBallot(t.database, a.worker!, votingId, { choice: "for" }, when)).rejects.toThrow(
      "只有到会成员可以投票",
    );
    await expect(castBallot(t.database, a.committee!, votingId, { choice: "for" }, when)).rejects.toThrow(
      NotFoundError,
    );
    await expect(recordDecision(t.database, a.secretary!, itemId, { mode: "vote", text: "x" }, when)).rejects.toThrow(
      "请先完成表决",
    );
    expect(await closeVoting(t.database, a.secretary!, votingId, when)).toMatchObject({
      for: 3,
      against: 1,
      cast: 4,
      eligible: 4,
      result: "passed",
    });
    await expect(castBallot(t.database, a.resident!, votingId, { choice: "for" }, when)).rejects.toThrow("表决已结束");
    decisionId = await recordDecision(
      t.database,
      a.secretary!,
      itemId,
      { mode: "vote", text: "西河沿街实行夜间错时停车，交通支队施划临时泊位，物业负责引导" },
      when,
    );
    await recordMinutes(t.database, a.secretary!, meetingId, { minutes: "与会四方表决通过错时停车方案。" }, when);
  });

  it("signed by every member present before it is published", async () => {
    const when = bj("2025-03-12T15:30:00");
    await expect(publishDecision(t.database, a.secretary!, decisionId, when)).rejects.toThrow(
      "尚有 4 名到会成员未签署决议",
    );
    await expect(signDecision(t.database, a.worker!, decisionId, when)).rejects.toThrow("只有到会成员可以签署决议");
    for (const u of ["secretary", "housing", "property", "resident"])
      await signDecision(t.database, a[u]!, decisionId, when);
    await expect(signDecision(t.database, a.resident!, decisionId, when)).rejects.toThrow("您已签署");
    await expect(publishDecision(t.database, a.housing!, decisionId, when)).rejects.toThrow(ForbiddenError);
  });

  it("publication: a note on every linked ticket, the reporter told, the public page without personal data", async () => {
    const when = bj("2025-03-13T09:00:00");
    const result = await publishDecision(t.database, a.secretary!, decisionId, when);
    expect(result.ticketIds.sort()).toEqual([residentTicket.id, operatorTicket.id].sort());
    expect((await getCouncil(t.database, a.secretary!, councilId)).council.stage).toBe("decision");

    // The reporter sees the decision on their own ticket, text included; the status is unchanged.
    const mine = await getTicket(t.database, a.resident!, residentTicket.id);
    const note = mine.events.find((e) => e.kind === "council_noted");
    expect(note?.data).toMatchObject({ councilId, text: expect.stringContaining("错时停车") });
    expect(mine.ticket.status).toBe("accepted");
    const theirs = await getTicket(t.database, a.operator!, operatorTicket.id);
    expect(theirs.events.filter((e) => e.kind === "council_noted")).toHaveLength(1);
    const told = (await noticesOf("resident")).filter((n) => n.kind === "decision_published");
    expect(told.map((n) => n.link)).toEqual([`/public/councils/${councilId}`]);

    const page = await publicCouncil(t.database, councilId);
    expect(page.decisions[0]!.tally).toMatchObject({ for: 3, against: 1, result: "passed" });
    expect(page.decisions[0]!.signatures.map((s) => s.name).sort()).toEqual(["刘*", "周**", "张**", "陈**"]);
    const text = JSON.stringify(page);
    for (const secret of ["张丽华", "周大爷", "13912345678", "王建华", "13812345678"])
      expect(text).not.toContain(secret);
    expect(page.tickets.map((x) => x.number).sort()).toEqual([residentTicket.number, operatorTicket.number].sort());
    await expect(publicCouncil(t.database, otherCouncilId)).rejects.toThrow(NotFoundError);
  });

  it("implementation needs a named owner; its end replies the linked tickets through the lifecycle and asks for review", async () => {
    const when = bj("2025-03-14T09:00:00");
    await expect(changeStage(t.database, a.secretary!, councilId, { to: "implementation" }, when)).rejects.toThrow(
      ValidationError,
    );
    await changeStage(
      t.database,
      a.secretary!,
      councilId,
      { to: "implementation", implementationOrgId: org.traffic, implementationDue: "2025-04-30T18:00" },
      when,
    );
    await changeStage(
      t.database,
      a.secretary!,
      councilId,
      { to: "residents_review", note: "泊位已施划" },
      bj("2025-04-20T09:00:00"),
    );
    for (const ticket of [residentTicket, operatorTicket]) {
      const d = await getTicket(t.database, a.operator!, ticket.id);
      expect(d.ticket.status).toBe("replied");
      expect(d.events.at(-1)!.data).toMatchObject({ content: expect.stringContaining("错时停车") });
    }
    expect((await noticesOf("resident")).map((n) => n.kind)).toContain("review_requested");
  });

  it("residents of the community review the outcome once and may ask to reopen; then the council closes for good", async () => {
    const when = bj("2025-04-21T09:00:00");
    await expect(reviewOutcome(t.database, a.housing!, councilId, { rating: 5 }, when)).rejects.toThrow(ForbiddenError);
    await reviewOutcome(
      t.database,
      a.resident!,
      councilId,
      { rating: 2, comment: "白天仍有车辆占道", reopen: "true" },
      when,
    );
    await expect(reviewOutcome(t.database, a.resident!, councilId, { rating: 1 }, when)).rejects.toThrow("您已评议过");
    expect((await publicCouncil(t.database, councilId)).reviews).toMatchObject({
      count: 1,
      average: 2,
      reopenRequests: 1,
    });
    // The request reaches the convener (the community), with the resident's words and the council's page.
    const asked = (await noticesOf("secretary")).filter((n) => n.kind === "reopen_requested");
    expect(asked).toHaveLength(1);
    expect(asked[0]).toMatchObject({ link: `/councils/${councilId}`, body: "评议意见：白天仍有车辆占道" });
    expect((await noticesOf("housing")).filter((n) => n.kind === "reopen_requested")).toEqual([]);
    await changeStage(t.database, a.secretary!, councilId, { to: "closed" }, when);
    await expect(changeStage(t.database, a.secretary!, councilId, { to: "deliberation" }, when)).rejects.toThrow(
      "议事当前阶段为「已结案」，不能转到「协商议事」",
    );
    await expect(reviewOutcome(t.database, a.resident!, councilId, { rating: 3 }, when)).rejects.toThrow(ConflictError);
  });
});

describe("parties joining later", () => {
  it("the convener adds a unit or a resident representative while the council is open; they are told; nobody else may", async () => {
    const at = bj("2025-05-06T09:00:00");
    const id = await createCouncil(
      t.database,
      a.secretary!,
      { title: "西河沿胡同照明", description: "夜间照明不足", regionCode: "110102013901", address: "西河沿社区居委会" },
      at,
    );
    // Not yet a party: for the housing bureau the council does not exist.
    await expect(addParty(t.database, a.housing!, id, { role: "cooperating", orgId: org.housing }, at)).rejects.toThrow(
      NotFoundError,
    );
    await addParty(t.database, a.secretary!, id, { role: "cooperating", orgId: org.housing }, at);
    // A party takes part, but adding parties is the convener's.
    await expect(
      addParty(t.database, a.housing!, id, { role: "cooperating", orgId: org.property }, at),
    ).rejects.toThrow(ForbiddenError);
    await expect(addParty(t.database, a.secretary!, id, { role: "lead", orgId: org.housing }, at)).rejects.toThrow(
      ConflictError,
    );
    await addParty(t.database, a.secretary!, id, { role: "resident_rep", userId: user.resident }, at);
    await expect(addParty(t.database, a.secretary!, id, { role: "resident_rep" }, at)).rejects.toThrow(ValidationError);
    await expect(
      addParty(t.database, a.secretary!, id, { role: "resident_rep", userId: user.housing }, at),
    ).rejects.toThrow("居民代表须为本社区居民");
    const c = await getCouncil(t.database, a.housing!, id);
    expect(c.parties.map((p) => [p.role, p.orgId ?? p.userId])).toEqual(
      expect.arrayContaining([
        ["cooperating", org.housing],
        ["resident_rep", user.resident],
      ]),
    );
    // The housing bureau now takes part: it sees the council and got word of it.
    expect(await councilAccess(t.database, a.housing!, id)).toBe("edit");
    expect(
      (await noticesOf("housing")).filter((n) => n.kind === "council_invited" && n.link === `/councils/${id}`),
    ).toHaveLength(1);
    expect((await noticesOf("resident")).filter((n) => n.kind === "council_invited")).toHaveLength(1);
  });
});

describe("议题征集", () => {
  it("a resident proposes a topic in their community; the secretary reviews it once; others see only their own", async () => {
    const at = bj("2025-03-01T10:00:00");
    await expect(
      proposeTopic(t.database, a.resident!, { regionCode: "110102019901", title: "x", description: "x" }, at),
    ).rejects.toThrow(ForbiddenError);
    const topicId = await proposeTopic(
      t.database,
      a.resident!,
      { regionCode: "110102013901", title: "楼道堆物清理", description: "3号楼楼道堆满杂物" },
      at,
    );
    expect((await listTopics(t.database, a.housing!)).map((x) => x.id)).not.toContain(topicId);
    expect((await listTopics(t.database, a.secretary!)).find((x) => x.id === topicId)?.mayReview).toBe(true);
    await expect(reviewTopic(t.database, a.resident!, topicId, { decision: "accepted" }, at)).rejects.toThrow(
      ForbiddenError,
    );
    await expect(reviewTopic(t.database, a.secretary!, topicId, { decision: "rejected" }, at)).rejects.toThrow(
      ValidationError,
    );
    await reviewTopic(t.database, a.secretary!, topicId, { decision: "accepted", note: "列入下月议题" }, at);
    await expect(reviewTopic(t.database, a.secretary!, topicId, { decision: "accepted" }, at)).rejects.toThrow(
      ConflictError,
    );
    expect((await listTopics(t.database, a.resident!)).find((x) => x.id === topicId)?.status).toBe("accepted");
  });
});
