/**
 * Meetings of a council: scheduled with an agenda (items may link tickets)
 * and notice to every member, attendance, minutes; per agenda item a vote or a
 * recorded consensus, the decision signed by the members present and then
 * published (公示) — which notes it on every linked ticket and tells their reporters.
 */
import { and, asc, desc, eq, isNull } from "drizzle-orm";
import { z } from "zod";
import type { Database, Tx } from "../../db/client";
import {
  agendaItems,
  agendaItemTickets,
  attendance,
  ballotChoices,
  ballots,
  decisionModes,
  decisions,
  decisionSignatures,
  meetings,
  votingModes,
  votings,
} from "../../db/schema";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "../errors";
import { audit, parseOrThrow, type Actor } from "../identity";
import { notify } from "../notifications";
import { noteCouncil, resolveTicketNumbers } from "../tickets";
import { councilMembers, mayOnCouncil, readableCouncil } from "./access";
import { councilLink, linkedTicketIds, publicLink, recordStage } from "./councils";
import { beijingDateTime, beijingTime, optionalCoordinate, text, ticketNumbers } from "./common";
import { decidingStages, stageLabels } from "./stages";
import { tally } from "./votes";

const MINUTE = 60_000;

export const meetingSchema = z.object({
  title: text(100, "请填写会议名称"),
  startsAt: beijingDateTime("请填写开始时间"),
  durationMinutes: z.coerce
    .number({ message: "请填写会议时长" })
    .int()
    .min(15, "至少 15 分钟")
    .max(600, "最长 10 小时")
    .default(90),
  place: text(200, "请填写会议地点"),
  lon: optionalCoordinate(73, 136),
  lat: optionalCoordinate(3, 54),
  onlineUrl: z
    .union([z.literal("").transform(() => null), z.url({ message: "请填写有效的线上会议链接", protocol: /^https?$/ })])
    .optional()
    .transform((v) => v ?? null),
  agenda: z
    .array(z.object({ title: z.string().trim().max(200, "议程不能超过 200 字"), ticketNumbers }))
    .transform((items) => items.filter((i) => i.title))
    .refine((items) => items.length > 0, "请至少填写一项议程"),
});

/** The council's convener, or 403/404: loads the council behind a meeting. */
async function asConvener(tx: Tx, actor: Actor, councilId: number) {
  const loaded = await readableCouncil(tx, actor, councilId);
  if (!mayOnCouncil(actor, "convene:council", loaded)) throw new ForbiddenError();
  return loaded;
}

async function loadMeeting(tx: Pick<Tx, "select">, meetingId: number) {
  const meeting = await tx.select().from(meetings).where(eq(meetings.id, meetingId)).get();
  if (!meeting) throw new NotFoundError("会议不存在");
  return meeting;
}

async function loadItem(tx: Pick<Tx, "select">, itemId: number) {
  const item = await tx.select().from(agendaItems).where(eq(agendaItems.id, itemId)).get();
  if (!item) throw new NotFoundError("议程不存在");
  return { item, meeting: await loadMeeting(tx, item.meetingId) };
}

function requireDeciding(stage: (typeof decidingStages)[number] | string) {
  if (!(decidingStages as readonly string[]).includes(stage))
    throw new ConflictError(`议事当前阶段为「${stageLabels[stage as keyof typeof stageLabels]}」，不能表决或形成决议`);
}

/** A meeting is announced ahead of time: a start already past is refused at its field. */
function startsLater(startsAt: Date, now: Date) {
  if (startsAt <= now)
    throw new ValidationError("开始时间须晚于现在", { startsAt: ["开始时间须晚于现在（提前通知各方）"] });
}

/** Schedules a meeting with its agenda and sends the notice to every member. */
export async function scheduleMeeting(
  database: Database,
  actor: Actor,
  councilId: number,
  input: unknown,
  now = new Date(),
) {
  const data = parseOrThrow(meetingSchema, input);
  return database.write(async (tx) => {
    const { council } = await asConvener(tx, actor, councilId);
    if (council.stage === "closed") throw new ConflictError("议事已结案，不能再安排会议");
    startsLater(data.startsAt, now);
    const resolved = [];
    for (const item of data.agenda) {
      const { ids, missing } = await resolveTicketNumbers(tx, actor, item.ticketNumbers);
      if (missing.length)
        throw new ValidationError("请检查议程关联的工单", { agenda: [`找不到工单：${missing.join("、")}`] });
      resolved.push({ title: item.title, ticketIds: ids });
    }
    const [row] = await tx
      .insert(meetings)
      .values({
        councilId,
        title: data.title,
        startsAt: data.startsAt,
        endsAt: new Date(data.startsAt.getTime() + data.durationMinutes * MINUTE),
        place: data.place,
        lon: data.lon ?? council.lon,
        lat: data.lat ?? council.lat,
        onlineUrl: data.onlineUrl,
        status: "scheduled",
        createdBy: actor.userId,
        createdAt: now,
      })
      .returning({ id: meetings.id });
    const meetingId = row!.id;
    for (const [position, item] of resolved.entries()) {
      const [it] = await tx
        .insert(agendaItems)
        .values({ meetingId, position: position + 1, title: item.title })
        .returning({ id: agendaItems.id });
      if (item.ticketIds.length)
        await tx.insert(agendaItemTickets).values(item.ticketIds.map((ticketId) => ({ itemId: it!.id, ticketId })));
    }
    await announce(
      tx,
      actor,
      { id: meetingId, councilId },
      {
        title: `会议通知：${data.title}`,
        body: `${beijingTime(data.startsAt)}，${placeText(data)}`,
      },
      "meeting.scheduled",
      {},
      now,
    );
    return meetingId;
  });
}

/** Where a meeting is, as a notice says it: the place, and the online link when there is one. */
const placeText = (m: { place: string; onlineUrl: string | null }) =>
  `${m.place}${m.onlineUrl ? `（线上：${m.onlineUrl}）` : ""}`;

/** Tells every member of the council about a meeting (a notice linking to it) and audits what was done. */
async function announce(
  tx: Tx,
  actor: Actor,
  meeting: { id: number; councilId: number },
  notice: { title: string; body: string },
  action: "meeting.scheduled" | "meeting.rescheduled" | "meeting.cancelled",
  detail: Record<string, unknown>,
  now: Date,
) {
  await notify(
    tx,
    (await councilMembers(tx, meeting.councilId)).map((m) => m.userId),
    { kind: "meeting_notice", ...notice, link: `${councilLink(meeting.councilId)}#meeting-${meeting.id}` },
    now,
  );
  await audit(tx, {
    actorUserId: actor.userId,
    action,
    entity: "council",
    entityId: meeting.councilId,
    detail: { meetingId: meeting.id, ...detail },
  });
}

/** A meeting the convener may still move or call off: announced, not cancelled, nobody's presence recorded yet. */
/** Why a meeting can no longer be moved or cancelled, or null while it can (the council page asks too). */
export function whyFixed(meeting: { status: string }, anyonePresent: boolean): string | null {
  if (meeting.status === "cancelled") return "会议已取消";
  if (meeting.status === "held") return "会议已召开，不能再改期或取消";
  if (anyonePresent) return "已登记到会人员，会议已开始，不能再改期或取消";
  return null;
}

async function changeableMeeting(tx: Tx, actor: Actor, meetingId: number) {
  const meeting = await loadMeeting(tx, meetingId);
  await asConvener(tx, actor, meeting.councilId);
  const present = await tx
    .select({ userId: attendance.userId })
    .from(attendance)
    .where(eq(attendance.meetingId, meetingId))
    .get();
  const reason = whyFixed(meeting, !!present);
  if (reason) throw new ConflictError(reason);
  return meeting;
}

export const rescheduleSchema = meetingSchema.pick({
  startsAt: true,
  durationMinutes: true,
  place: true,
  onlineUrl: true,
});

/** 改期: a new time (and place) for an announced meeting; every member is told, and the invitation is revised. */
export async function rescheduleMeeting(
  database: Database,
  actor: Actor,
  meetingId: number,
  input: unknown,
  now = new Date(),
) {
  const data = parseOrThrow(rescheduleSchema, input);
  return database.write(async (tx) => {
    const meeting = await changeableMeeting(tx, actor, meetingId);
    startsLater(data.startsAt, now);
    const endsAt = new Date(data.startsAt.getTime() + data.durationMinutes * MINUTE);
    const unchanged =
      data.startsAt.getTime() === meeting.startsAt.getTime() &&
      endsAt.getTime() === meeting.endsAt.getTime() &&
      data.place === meeting.place &&
      data.onlineUrl === meeting.onlineUrl;
    if (unchanged) throw new ConflictError("时间和地点都没有变化");
    await tx
      .update(meetings)
      .set({
        startsAt: data.startsAt,
        endsAt,
        place: data.place,
        onlineUrl: data.onlineUrl,
        revision: meeting.revision + 1,
      })
      .where(eq(meetings.id, meetingId));
    await announce(
      tx,
      actor,
      meeting,
      {
        title: `会议改期：${meeting.title}`,
        body: `改为${beijingTime(data.startsAt)}，${placeText(data)}（原定${beijingTime(meeting.startsAt)}，${meeting.place}）`,
      },
      "meeting.rescheduled",
      {
        from: { startsAt: meeting.startsAt, place: meeting.place },
        to: { startsAt: data.startsAt, place: data.place },
      },
      now,
    );
  });
}

export const cancelMeetingSchema = z.object({ reason: text(500, "请填写取消原因") });

/** 取消会议: called off with a reason every member is told; it stays in the record, marked cancelled. */
export async function cancelMeeting(
  database: Database,
  actor: Actor,
  meetingId: number,
  input: unknown,
  now = new Date(),
) {
  const data = parseOrThrow(cancelMeetingSchema, input);
  return database.write(async (tx) => {
    const meeting = await changeableMeeting(tx, actor, meetingId);
    await tx
      .update(meetings)
      .set({ status: "cancelled", revision: meeting.revision + 1 })
      .where(eq(meetings.id, meetingId));
    await announce(
      tx,
      actor,
      meeting,
      {
        title: `会议取消：${meeting.title}`,
        body: `原定${beijingTime(meeting.startsAt)}，${meeting.place}。取消原因：${data.reason}`,
      },
      "meeting.cancelled",
      { reason: data.reason },
      now,
    );
  });
}

export const attendanceSchema = z.object({
  userIds: z.array(z.coerce.number().int().positive()).min(1, "请选择到会人员"),
});

/** Records who is present (adds to those already recorded; a presence is never struck out). */
export async function recordAttendance(
  database: Database,
  actor: Actor,
  meetingId: number,
  input: unknown,
  now = new Date(),
) {
  const data = parseOrThrow(attendanceSchema, input);
  return database.write(async (tx) => {
    const meeting = await loadMeeting(tx, meetingId);
    await asConvener(tx, actor, meeting.councilId);
    if (meeting.status === "cancelled") throw new ConflictError("会议已取消");
    const members = new Map((await councilMembers(tx, meeting.councilId)).map((m) => [m.userId, m]));
    const strangers = data.userIds.filter((u) => !members.has(u));
    if (strangers.length) throw new ValidationError("到会人员须为议事成员", { userIds: ["到会人员须为议事成员"] });
    const already = new Set(
      (await tx.select({ userId: attendance.userId }).from(attendance).where(eq(attendance.meetingId, meetingId))).map(
        (r) => r.userId,
      ),
    );
    const rows = data.userIds
      .filter((u) => !already.has(u))
      .map((userId) => ({ meetingId, userId, partyId: members.get(userId)!.partyId, recordedAt: now }));
    if (rows.length) await tx.insert(attendance).values(rows);
    await audit(tx, {
      actorUserId: actor.userId,
      action: "meeting.attendance",
      entity: "council",
      entityId: meeting.councilId,
      detail: { meetingId, added: rows.map((r) => r.userId) },
    });
    return rows.length;
  });
}

export const minutesSchema = z.object({ minutes: text(10000, "请填写会议纪要") });

/** Records the minutes: the meeting is held. */
export async function recordMinutes(
  database: Database,
  actor: Actor,
  meetingId: number,
  input: unknown,
  now = new Date(),
) {
  const data = parseOrThrow(minutesSchema, input);
  return database.write(async (tx) => {
    const meeting = await loadMeeting(tx, meetingId);
    await asConvener(tx, actor, meeting.councilId);
    if (meeting.status !== "scheduled")
      throw new ConflictError(meeting.status === "held" ? "会议纪要已记录" : "会议已取消");
    await tx
      .update(meetings)
      .set({ minutes: data.minutes, status: "held", heldAt: now })
      .where(eq(meetings.id, meetingId));
    await audit(tx, {
      actorUserId: actor.userId,
      action: "meeting.minutes",
      entity: "council",
      entityId: meeting.councilId,
      detail: { meetingId },
    });
  });
}

async function attendeesOf(tx: Pick<Tx, "select">, meetingId: number) {
  return tx.select().from(attendance).where(eq(attendance.meetingId, meetingId));
}

export const votingSchema = z.object({
  question: text(500, "请填写表决事项"),
  mode: z.enum(votingModes, { message: "请选择表决方式" }).default("per_member"),
  quorumPercent: z.coerce.number({ message: "请填写法定人数比例" }).int().min(0, "0–100").max(100, "0–100").default(50),
  thresholdPercent: z.coerce.number({ message: "请填写通过比例" }).int().min(0, "0–99").max(99, "0–99").default(50),
});

/** Opens a vote on an agenda item among those present (or their parties). */
export async function openVoting(database: Database, actor: Actor, itemId: number, input: unknown, now = new Date()) {
  const data = parseOrThrow(votingSchema, input);
  return database.write(async (tx) => {
    const { item, meeting } = await loadItem(tx, itemId);
    const { council } = await asConvener(tx, actor, meeting.councilId);
    requireDeciding(council.stage);
    if (meeting.status === "cancelled") throw new ConflictError("会议已取消");
    const present = await attendeesOf(tx, meeting.id);
    if (present.length === 0) throw new ConflictError("请先登记到会人员");
    const decided = await tx.select({ id: decisions.id }).from(decisions).where(eq(decisions.itemId, itemId)).get();
    if (decided) throw new ConflictError("该议程已形成决议");
    const open = await tx
      .select({ id: votings.id })
      .from(votings)
      .where(and(eq(votings.itemId, itemId), isNull(votings.closedAt)))
      .get();
    if (open) throw new ConflictError("该议程已有进行中的表决");
    const eligible = data.mode === "per_party" ? new Set(present.map((p) => p.partyId)).size : present.length;
    const [row] = await tx
      .insert(votings)
      .values({ itemId: item.id, ...data, eligible, openedBy: actor.userId, openedAt: now })
      .returning({ id: votings.id });
    await audit(tx, {
      actorUserId: actor.userId,
      action: "voting.opened",
      entity: "council",
      entityId: council.id,
      detail: { votingId: row!.id, ...data, eligible },
    });
    return row!.id;
  });
}

export const ballotSchema = z.object({ choice: z.enum(ballotChoices, { message: "请选择赞成、反对或弃权" }) });

/** A member present casts their ballot (per party: the party's first ballot counts; a second is refused). */
export async function castBallot(database: Database, actor: Actor, votingId: number, input: unknown, now = new Date()) {
  const data = parseOrThrow(ballotSchema, input);
  return database.write(async (tx) => {
    const voting = await tx.select().from(votings).where(eq(votings.id, votingId)).get();
    if (!voting) throw new NotFoundError("表决不存在");
    const { meeting } = await loadItem(tx, voting.itemId);
    const loaded = await readableCouncil(tx, actor, meeting.councilId);
    if (!mayOnCouncil(actor, "participate:council", loaded)) throw new ForbiddenError();
    const me = (await attendeesOf(tx, meeting.id)).find((a) => a.userId === actor.userId);
    if (!me) throw new ForbiddenError("只有到会成员可以投票");
    if (voting.closedAt) throw new ConflictError("表决已结束");
    const voterKey = voting.mode === "per_party" ? `p${me.partyId}` : `u${actor.userId}`;
    const cast = await tx
      .select({ id: ballots.id })
      .from(ballots)
      .where(and(eq(ballots.votingId, votingId), eq(ballots.voterKey, voterKey)))
      .get();
    if (cast) throw new ConflictError(voting.mode === "per_party" ? "本方已投票" : "您已投票");
    await tx
      .insert(ballots)
      .values({ votingId, userId: actor.userId, partyId: me.partyId, voterKey, choice: data.choice, castAt: now });
    await audit(tx, {
      actorUserId: actor.userId,
      action: "voting.ballot",
      entity: "council",
      entityId: meeting.councilId,
      detail: { votingId },
    });
  });
}

/** Closes a vote and fixes its result. */
export async function closeVoting(database: Database, actor: Actor, votingId: number, now = new Date()) {
  return database.write(async (tx) => {
    const voting = await tx.select().from(votings).where(eq(votings.id, votingId)).get();
    if (!voting) throw new NotFoundError("表决不存在");
    const { meeting } = await loadItem(tx, voting.itemId);
    await asConvener(tx, actor, meeting.councilId);
    if (voting.closedAt) throw new ConflictError("表决已结束");
    const cast = await tx.select({ choice: ballots.choice }).from(ballots).where(eq(ballots.votingId, votingId));
    const result = tally(
      cast.map((b) => b.choice),
      voting,
    );
    await tx.update(votings).set({ closedAt: now, result: result.result }).where(eq(votings.id, votingId));
    await audit(tx, {
      actorUserId: actor.userId,
      action: "voting.closed",
      entity: "council",
      entityId: meeting.councilId,
      detail: { votingId, ...result },
    });
    return result;
  });
}

export const decisionSchema = z.object({
  mode: z.enum(decisionModes, { message: "请选择表决或协商一致" }),
  text: text(4000, "请填写决议内容"),
});

/** Records the decision on an agenda item: after a vote that passed, or as a consensus of those present. */
export async function recordDecision(
  database: Database,
  actor: Actor,
  itemId: number,
  input: unknown,
  now = new Date(),
) {
  const data = parseOrThrow(decisionSchema, input);
  return database.write(async (tx) => {
    const { item, meeting } = await loadItem(tx, itemId);
    const { council } = await asConvener(tx, actor, meeting.councilId);
    requireDeciding(council.stage);
    if ((await attendeesOf(tx, meeting.id)).length === 0) throw new ConflictError("请先登记到会人员");
    if (await tx.select({ id: decisions.id }).from(decisions).where(eq(decisions.itemId, itemId)).get())
      throw new ConflictError("该议程已形成决议");
    let votingId: number | null = null;
    if (data.mode === "vote") {
      const last = await tx.select().from(votings).where(eq(votings.itemId, itemId)).orderBy(desc(votings.id)).get();
      if (!last || !last.closedAt) throw new ConflictError("请先完成表决");
      if (last.result !== "passed") throw new ConflictError("表决未通过，不能形成决议");
      votingId = last.id;
    }
    const [row] = await tx
      .insert(decisions)
      .values({
        councilId: council.id,
        meetingId: meeting.id,
        itemId: item.id,
        mode: data.mode,
        votingId,
        text: data.text,
        createdBy: actor.userId,
        createdAt: now,
      })
      .returning({ id: decisions.id });
    await audit(tx, {
      actorUserId: actor.userId,
      action: "decision.recorded",
      entity: "council",
      entityId: council.id,
      detail: { decisionId: row!.id, mode: data.mode },
    });
    return row!.id;
  });
}

async function loadDecision(tx: Pick<Tx, "select">, decisionId: number) {
  const decision = await tx.select().from(decisions).where(eq(decisions.id, decisionId)).get();
  if (!decision) throw new NotFoundError("决议不存在");
  return decision;
}

/** A member present at the meeting signs the decision, once, before it is published. */
export async function signDecision(database: Database, actor: Actor, decisionId: number, now = new Date()) {
  return database.write(async (tx) => {
    const decision = await loadDecision(tx, decisionId);
    const loaded = await readableCouncil(tx, actor, decision.councilId);
    if (!mayOnCouncil(actor, "participate:council", loaded) && !mayOnCouncil(actor, "convene:council", loaded))
      throw new ForbiddenError();
    const me = (await attendeesOf(tx, decision.meetingId)).find((a) => a.userId === actor.userId);
    if (!me) throw new ForbiddenError("只有到会成员可以签署决议");
    if (decision.publishedAt) throw new ConflictError("决议已公示");
    const signed = await tx
      .select({ userId: decisionSignatures.userId })
      .from(decisionSignatures)
      .where(and(eq(decisionSignatures.decisionId, decisionId), eq(decisionSignatures.userId, actor.userId)))
      .get();
    if (signed) throw new ConflictError("您已签署");
    await tx
      .insert(decisionSignatures)
      .values({ decisionId, userId: actor.userId, partyId: me.partyId, signedAt: now });
    await audit(tx, {
      actorUserId: actor.userId,
      action: "decision.signed",
      entity: "council",
      entityId: decision.councilId,
      detail: { decisionId },
    });
  });
}

/**
 * Publishes (公示) a decision every member present has signed: a deliberating
 * council moves to 决议, every linked ticket gets the decision in its history,
 * and reporters and members are told.
 */
export async function publishDecision(database: Database, actor: Actor, decisionId: number, now = new Date()) {
  return database.write(async (tx) => {
    const decision = await loadDecision(tx, decisionId);
    const { council, parties } = await asConvener(tx, actor, decision.councilId);
    if (decision.publishedAt) throw new ConflictError("决议已公示");
    requireDeciding(council.stage);
    const present = await attendeesOf(tx, decision.meetingId);
    const signed = new Set(
      (
        await tx
          .select({ userId: decisionSignatures.userId })
          .from(decisionSignatures)
          .where(eq(decisionSignatures.decisionId, decisionId))
      ).map((s) => s.userId),
    );
    const unsigned = present.filter((p) => !signed.has(p.userId)).length;
    if (unsigned > 0) throw new ConflictError(`尚有 ${unsigned} 名到会成员未签署决议`);
    await tx.update(decisions).set({ publishedAt: now, publishedBy: actor.userId }).where(eq(decisions.id, decisionId));
    if (council.stage === "deliberation")
      await recordStage(tx, actor, council.id, "deliberation", "decision", "决议公示", now);
    const ticketIds = await linkedTicketIds(tx, council.id);
    const reporters = await noteCouncil(
      tx,
      actor,
      ticketIds,
      { councilId: council.id, title: council.title, text: decision.text, link: publicLink(council.id) },
      now,
    );
    const members = await councilMembers(tx, council.id);
    const notice = {
      kind: "decision_published" as const,
      title: `决议公示：${council.title}`,
      body: decision.text.slice(0, 80),
    };
    await notify(tx, reporters, { ...notice, link: publicLink(council.id) }, now);
    await notify(
      tx,
      members.map((m) => m.userId).filter((u) => !reporters.includes(u)),
      { ...notice, link: councilLink(council.id) },
      now,
    );
    await audit(tx, {
      actorUserId: actor.userId,
      action: "decision.published",
      entity: "council",
      entityId: council.id,
      detail: { decisionId, ticketIds, parties: parties.length },
    });
    return { ticketIds, notified: reporters.length };
  });
}

/** The meeting with its agenda, for the .ics invitation; members and conveners only. */
export async function meetingForCalendar(database: Database, actor: Actor, meetingId: number) {
  const meeting = await database.db.select().from(meetings).where(eq(meetings.id, meetingId)).get();
  if (!meeting) throw new NotFoundError("会议不存在");
  const { council } = await readableCouncil(database.db, actor, meeting.councilId);
  const items = await database.db
    .select()
    .from(agendaItems)
    .where(eq(agendaItems.meetingId, meetingId))
    .orderBy(asc(agendaItems.position));
  return { meeting, council, agenda: items.map((i) => i.title) };
}
