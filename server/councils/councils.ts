/**
 * Councils (圆桌会议/议事会): opened from a whistle or directly, with a place,
 * linked tickets and parties; stages move through the table in stages.ts with
 * every change recorded; residents propose topics and review the outcome.
 * Implementation done → linked tickets are replied through the ticket lifecycle.
 */
import { and, asc, desc, eq, inArray, isNotNull, like, or, sql } from "drizzle-orm";
import { z } from "zod";
import type { Database, Tx } from "../../db/client";
import {
  agendaItems,
  agendaItemTickets,
  councilReviews,
  councils,
  councilStageEvents,
  councilStages,
  councilTickets,
  councilTopics,
  councilParties,
  decisions,
  meetings,
  memberships,
  regions,
  users,
  whistleTickets,
  type CouncilStage,
} from "../../db/schema";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "../errors";
import {
  audit,
  can,
  membersOf,
  orgBriefs,
  parseOrThrow,
  permissionCondition,
  residentsAmong,
  type Actor,
} from "../identity";
import { newestFirstPage } from "../keyset";
import { significantPrefix } from "../regions";
import { notify } from "../notifications";
import { replyFromCouncil, resolveTicketNumbers, ticketBriefs } from "../tickets";
import {
  councilMembers,
  councilsWhere,
  loadCouncil,
  loadWhistle,
  mayOnCouncil,
  readableCouncil,
  LIST_PAGE,
  whistleTarget,
} from "./access";
import {
  actingOrg,
  beijingDateTime,
  id,
  idList,
  optionalCoordinate,
  optionalText,
  score,
  text,
  ticketNumbers,
} from "./common";
import { checkStageChange, stageLabels } from "./stages";
import { summonableKinds } from "./whistles";

export const councilSchema = z.object({
  title: text(100, "请填写议事主题"),
  description: text(4000, "请描述要议的问题"),
  regionCode: z.string({ message: "请选择所在社区" }).trim().min(6, "请选择所在社区"),
  address: text(200, "请填写地点"),
  lon: optionalCoordinate(73, 136),
  lat: optionalCoordinate(3, 54),
  whistleId: id("吹哨事项不存在").optional(),
  topicId: id("议题不存在").optional(),
  ticketNumbers,
  leadOrgIds: idList("请选择牵头单位"),
  cooperatingOrgIds: idList("请选择配合单位"),
  residentUserIds: idList("请选择居民代表"),
});

export const councilLink = (councilId: number) => `/councils/${councilId}`;
export const publicLink = (councilId: number) => `/public/councils/${councilId}`;

export async function recordStage(
  tx: Tx,
  actor: Actor,
  councilId: number,
  from: CouncilStage | null,
  to: CouncilStage,
  note: string | null,
  now: Date,
) {
  await tx
    .insert(councilStageEvents)
    .values({ councilId, fromStage: from, toStage: to, actorUserId: actor.userId, note, at: now });
  await tx.update(councils).set({ stage: to, updatedAt: now }).where(eq(councils.id, councilId));
  await audit(tx, {
    actorUserId: actor.userId,
    action: "council.stage",
    entity: "council",
    entityId: councilId,
    detail: { from, to, note },
  });
}

/** Opens a council. The convener's unit leads unless others are named; a whistle brings its tickets and units. */
export async function createCouncil(database: Database, actor: Actor, input: unknown, now = new Date()) {
  const data = parseOrThrow(councilSchema, input);
  if (!can(actor, "convene:council", { regionCode: data.regionCode })) throw new ForbiddenError();
  return database.write(async (tx) => {
    const region = await tx.select().from(regions).where(eq(regions.code, data.regionCode)).get();
    if (!region) throw new ValidationError("请选择所在社区", { regionCode: ["区域不存在"] });
    const { ids: ticketIds, missing } = await resolveTicketNumbers(tx, actor, data.ticketNumbers);
    if (missing.length)
      throw new ValidationError("请检查工单编号", { ticketNumbers: [`找不到工单：${missing.join("、")}`] });
    const convenerOrgId = actingOrg(actor, "convene:council", { regionCode: data.regionCode });
    const lead = new Set(data.leadOrgIds.length ? data.leadOrgIds : convenerOrgId ? [convenerOrgId] : []);
    const cooperating = new Set(data.cooperatingOrgIds.filter((o) => !lead.has(o)));
    if (convenerOrgId && !lead.has(convenerOrgId)) cooperating.add(convenerOrgId);
    if (data.whistleId) {
      const w = await loadWhistle(tx, data.whistleId);
      if (!w || !can(actor, "read:council", whistleTarget(w.whistle, w.units)))
        throw new NotFoundError("吹哨事项不存在");
      for (const u of w.units) if (!lead.has(u.orgId)) cooperating.add(u.orgId);
      const linked = await tx.select().from(whistleTickets).where(eq(whistleTickets.whistleId, data.whistleId));
      for (const l of linked) if (!ticketIds.includes(l.ticketId)) ticketIds.push(l.ticketId);
    }
    const orgIds = [...lead, ...cooperating];
    const orgs = await orgBriefs(tx, orgIds);
    if (orgs.length !== orgIds.length || orgs.some((o) => !summonableKinds.includes(o.kind)))
      throw new ValidationError("请检查参与单位", { cooperatingOrgIds: ["所选单位不存在或不能参与议事"] });
    if (lead.size === 0) throw new ValidationError("请选择牵头单位", { leadOrgIds: ["请选择牵头单位"] });
    const residents = await residentsAmong(tx, data.regionCode, data.residentUserIds);
    if (data.residentUserIds.some((u) => !residents.has(u)))
      throw new ValidationError("居民代表须为本社区居民", { residentUserIds: ["居民代表须为本社区居民"] });
    if (data.topicId) {
      const topic = await tx.select().from(councilTopics).where(eq(councilTopics.id, data.topicId)).get();
      if (!topic || topic.regionCode !== data.regionCode) throw new NotFoundError("议题不存在");
      if (topic.status !== "accepted" || topic.councilId != null)
        throw new ConflictError("只能用已采纳、尚未立项的议题开会");
    }
    const [row] = await tx
      .insert(councils)
      .values({
        title: data.title,
        description: data.description,
        regionCode: data.regionCode,
        address: data.address,
        lon: data.lon ?? region.lon,
        lat: data.lat ?? region.lat,
        stage: "topic_intake",
        whistleId: data.whistleId ?? null,
        convenerOrgId,
        createdBy: actor.userId,
        createdAt: now,
        updatedAt: now,
      })
      .returning({ id: councils.id });
    const councilId = row!.id;
    await tx
      .insert(councilParties)
      .values([
        ...[...lead].map((orgId) => ({ councilId, role: "lead" as const, orgId, addedAt: now })),
        ...[...cooperating].map((orgId) => ({ councilId, role: "cooperating" as const, orgId, addedAt: now })),
        ...data.residentUserIds.map((userId) => ({ councilId, role: "resident_rep" as const, userId, addedAt: now })),
      ]);
    if (ticketIds.length)
      await tx.insert(councilTickets).values(ticketIds.map((ticketId) => ({ councilId, ticketId })));
    if (data.topicId) await tx.update(councilTopics).set({ councilId }).where(eq(councilTopics.id, data.topicId));
    await tx
      .insert(councilStageEvents)
      .values({ councilId, fromStage: null, toStage: "topic_intake", actorUserId: actor.userId, at: now });
    await audit(tx, {
      actorUserId: actor.userId,
      action: "council.created",
      entity: "council",
      entityId: councilId,
      detail: { orgIds, residentUserIds: data.residentUserIds, ticketIds, whistleId: data.whistleId ?? null },
    });
    return councilId;
  });
}

export const partySchema = z
  .object({
    role: z.enum(["lead", "cooperating", "resident_rep"], { message: "请选择参与身份" }),
    orgId: id("请选择单位").optional(),
    userId: id("请选择居民代表").optional(),
  })
  .superRefine((data, ctx) => {
    if (data.role === "resident_rep" && !data.userId)
      ctx.addIssue({ code: "custom", path: ["userId"], message: "请选择居民代表" });
    if (data.role !== "resident_rep" && !data.orgId)
      ctx.addIssue({ code: "custom", path: ["orgId"], message: "请选择单位" });
  });

/**
 * A party joins a council under way (a department summoned later, another
 * resident representative): the convener adds it until the council closes;
 * its people are told at once and may take part from then on.
 */
export async function addParty(database: Database, actor: Actor, councilId: number, input: unknown, now = new Date()) {
  const data = parseOrThrow(partySchema, input);
  return database.write(async (tx) => {
    const loaded = await readableCouncil(tx, actor, councilId);
    if (!mayOnCouncil(actor, "convene:council", loaded)) throw new ForbiddenError();
    const { council, parties } = loaded;
    if (council.stage === "closed") throw new ConflictError("议事已结案，不能再增加参与方");
    let notifyUsers: number[];
    if (data.role === "resident_rep") {
      const residents = await residentsAmong(tx, council.regionCode, [data.userId!]);
      if (!residents.has(data.userId!))
        throw new ValidationError("居民代表须为本社区居民", { userId: ["居民代表须为本社区居民"] });
      if (parties.some((p) => p.userId === data.userId)) throw new ConflictError("该居民已是居民代表");
      notifyUsers = [data.userId!];
    } else {
      const [org] = await orgBriefs(tx, [data.orgId!]);
      if (!org || !summonableKinds.includes(org.kind))
        throw new ValidationError("请检查参与单位", { orgId: ["所选单位不存在或不能参与议事"] });
      if (parties.some((p) => p.orgId === data.orgId)) throw new ConflictError(`${org.name}已是参与方`);
      notifyUsers = (await membersOf(tx, [data.orgId!])).map((m) => m.userId);
    }
    const [row] = await tx
      .insert(councilParties)
      .values({
        councilId,
        role: data.role,
        orgId: data.role === "resident_rep" ? null : data.orgId!,
        userId: data.role === "resident_rep" ? data.userId! : null,
        addedAt: now,
      })
      .returning({ id: councilParties.id });
    await tx.update(councils).set({ updatedAt: now }).where(eq(councils.id, councilId));
    await audit(tx, {
      actorUserId: actor.userId,
      action: "council.party_added",
      entity: "council",
      entityId: councilId,
      detail: data,
    });
    await notify(
      tx,
      notifyUsers,
      {
        kind: "council_invited",
        title: `邀请参与议事：${council.title}`,
        body: `您（或您的单位）已被列为「${council.title}」的参与方。`,
        link: councilLink(councilId),
      },
      now,
    );
    return row!.id;
  });
}

/** Every ticket the council settles: linked to it, or to one of its agenda items. */
export async function linkedTicketIds(tx: Pick<Tx, "select">, councilId: number): Promise<number[]> {
  const direct = await tx
    .select({ ticketId: councilTickets.ticketId })
    .from(councilTickets)
    .where(eq(councilTickets.councilId, councilId));
  const viaAgenda = await tx
    .select({ ticketId: agendaItemTickets.ticketId })
    .from(agendaItemTickets)
    .innerJoin(agendaItems, eq(agendaItems.id, agendaItemTickets.itemId))
    .innerJoin(meetings, eq(meetings.id, agendaItems.meetingId))
    .where(eq(meetings.councilId, councilId));
  return [...new Set([...direct, ...viaAgenda].map((r) => r.ticketId))].sort((a, b) => a - b);
}

/** Councils that settle a ticket: it is linked to them, or to one of their meetings' agenda items. */
export async function councilsOfTicket(db: Pick<Tx, "select">, ticketId: number): Promise<number[]> {
  const direct = await db
    .select({ councilId: councilTickets.councilId })
    .from(councilTickets)
    .where(eq(councilTickets.ticketId, ticketId));
  const viaAgenda = await db
    .select({ councilId: meetings.councilId })
    .from(agendaItemTickets)
    .innerJoin(agendaItems, eq(agendaItems.id, agendaItemTickets.itemId))
    .innerJoin(meetings, eq(meetings.id, agendaItems.meetingId))
    .where(eq(agendaItemTickets.ticketId, ticketId));
  return [...new Set([...direct, ...viaAgenda].map((r) => r.councilId))].sort((a, b) => a - b);
}

export const stageSchema = z.object({
  to: z.enum(councilStages, { message: "请选择阶段" }),
  note: optionalText(1000),
  implementationOrgId: id("请选择落实责任单位").optional(),
  implementationDue: z.union([z.literal("").transform(() => undefined), beijingDateTime("请填写落实期限")]).optional(),
});

/** Moves a council to another stage (convener only); illegal moves answer 409 with the reason. */
export async function changeStage(
  database: Database,
  actor: Actor,
  councilId: number,
  input: unknown,
  now = new Date(),
) {
  const data = parseOrThrow(stageSchema, input);
  return database.write(async (tx) => {
    const loaded = await readableCouncil(tx, actor, councilId);
    if (!mayOnCouncil(actor, "convene:council", loaded)) throw new ForbiddenError();
    const { council, parties } = loaded;
    checkStageChange(council.stage, data.to);
    const patch: Partial<typeof councils.$inferInsert> = {};
    if (data.to === "implementation") {
      const published = await tx
        .select({ id: decisions.id })
        .from(decisions)
        .where(and(eq(decisions.councilId, councilId), isNotNull(decisions.publishedAt)))
        .get();
      if (!published) throw new ConflictError("尚无已公示的决议，不能进入落实阶段");
      if (!data.implementationOrgId || !parties.some((p) => p.orgId === data.implementationOrgId))
        throw new ValidationError("请选择落实责任单位", {
          implementationOrgId: ["请从议事参与单位中选择落实责任单位"],
        });
      if (!data.implementationDue || data.implementationDue <= now)
        throw new ValidationError("请填写落实期限", { implementationDue: ["落实期限须晚于现在"] });
      Object.assign(patch, {
        implementationOrgId: data.implementationOrgId,
        implementationDueAt: data.implementationDue,
      });
    }
    if (council.stage === "residents_review" && data.to === "deliberation" && !data.note)
      throw new ValidationError("请说明重新议事的原因", { note: ["请说明重新议事的原因"] });
    if (Object.keys(patch).length) await tx.update(councils).set(patch).where(eq(councils.id, councilId));
    await recordStage(tx, actor, councilId, council.stage, data.to, data.note, now);
    if (data.to === "residents_review" || data.to === "closed") {
      const ticketIds = await linkedTicketIds(tx, councilId);
      const decided = await tx
        .select({ text: decisions.text })
        .from(decisions)
        .where(and(eq(decisions.councilId, councilId), isNotNull(decisions.publishedAt)))
        .orderBy(asc(decisions.id));
      await replyFromCouncil(
        tx,
        actor,
        ticketIds,
        {
          councilId,
          content: `${council.title}：${decided.map((d) => d.text).join("；")}${data.note ? `。${data.note}` : ""}`,
        },
        now,
      );
      if (data.to === "residents_review") {
        const briefs = await ticketBriefs(tx, null, ticketIds);
        const reporters = briefs.map((b) => b.reporterUserId).filter((u): u is number => u != null);
        const reps = parties.map((p) => p.userId).filter((u): u is number => u != null);
        await notify(
          tx,
          [...reporters, ...reps],
          {
            kind: "review_requested",
            title: `请评议：${council.title}`,
            body: "议事决议已落实，请对结果评议。",
            link: publicLink(councilId),
          },
          now,
        );
      }
    }
    return data.to;
  });
}

/**
 * 方案签署完毕 → 落实 (docs/decisions/0015): every party the plan's template
 * requires signed the same version, which is the council's agreement in
 * writing — a stronger one than a published decision, which is why this path
 * needs neither the convener nor a decision (changeStage's preconditions for
 * a person moving the stage by hand). Runs inside the signing transaction, so
 * the signature, the commitments and the stage change stand or fall together.
 * A council still before implementation moves there; one already in or past
 * it (a later version signed during implementation) stays where it is.
 * The lead party owns the implementation; its deadline is the latest
 * commitment's, when the tasks gave one.
 */
export async function implementSignedPlan(
  tx: Tx,
  actor: Actor,
  councilId: number,
  plan: { version: number; lastDeadline: Date | null },
  now: Date,
): Promise<boolean> {
  const loaded = await loadCouncil(tx, councilId);
  if (!loaded) throw new NotFoundError("议事不存在");
  const { council, parties } = loaded;
  if (councilStages.indexOf(council.stage) >= councilStages.indexOf("implementation")) return false;
  const lead = parties.find((p) => p.role === "lead" && p.orgId != null);
  await tx
    .update(councils)
    .set({ implementationOrgId: lead?.orgId ?? null, implementationDueAt: plan.lastDeadline })
    .where(eq(councils.id, councilId));
  await recordStage(tx, actor, councilId, council.stage, "implementation", `方案第${plan.version}版各方签署完毕`, now);
  return true;
}

export const topicSchema = z.object({
  regionCode: z.string({ message: "请选择社区" }).trim().min(6, "请选择社区"),
  title: text(100, "请填写议题"),
  description: text(2000, "请描述议题"),
});

/** 议题征集: a resident (or staff) of the community proposes a topic. */
export async function proposeTopic(database: Database, actor: Actor, input: unknown, now = new Date()) {
  const data = parseOrThrow(topicSchema, input);
  if (!can(actor, "propose:council-topic", { regionCode: data.regionCode }))
    throw new ForbiddenError("只能为本社区提出议题");
  return database.write(async (tx) => {
    const [row] = await tx
      .insert(councilTopics)
      .values({ ...data, proposedBy: actor.userId, proposedAt: now, status: "proposed" })
      .returning({ id: councilTopics.id });
    await audit(tx, {
      actorUserId: actor.userId,
      action: "topic.proposed",
      entity: "council_topic",
      entityId: row!.id,
    });
    return row!.id;
  });
}

export const topicReviewSchema = z.object({
  decision: z.enum(["accepted", "rejected"], { message: "请选择审核结果" }),
  note: optionalText(500),
});

/** The secretary (or street) accepts or rejects a proposed topic, once. */
export async function reviewTopic(database: Database, actor: Actor, topicId: number, input: unknown, now = new Date()) {
  const data = parseOrThrow(topicReviewSchema, input);
  return database.write(async (tx) => {
    const topic = await tx.select().from(councilTopics).where(eq(councilTopics.id, topicId)).get();
    if (!topic) throw new NotFoundError("议题不存在");
    if (!can(actor, "convene:council", { regionCode: topic.regionCode })) throw new ForbiddenError();
    if (topic.status !== "proposed") throw new ConflictError("该议题已审核");
    if (data.decision === "rejected" && !data.note)
      throw new ValidationError("请说明不采纳的理由", { note: ["请说明不采纳的理由"] });
    await tx
      .update(councilTopics)
      .set({ status: data.decision, reviewedBy: actor.userId, reviewedAt: now, reviewNote: data.note })
      .where(eq(councilTopics.id, topicId));
    await audit(tx, {
      actorUserId: actor.userId,
      action: `topic.${data.decision}`,
      entity: "council_topic",
      entityId: topicId,
    });
  });
}

/**
 * Topics the actor may see: all in the areas they convene, and their own proposals; those awaiting a
 * decision first, then the newest.
 */
export async function listTopics(database: Database, actor: Actor) {
  const rows = await database.db
    .select()
    .from(councilTopics)
    .where(
      or(
        eq(councilTopics.proposedBy, actor.userId),
        permissionCondition(actor, "convene:council", { regionCode: councilTopics.regionCode }) ?? sql`1 = 1`,
      ),
    )
    .orderBy(sql`${councilTopics.status} = 'proposed' desc`, desc(councilTopics.id))
    .limit(200);
  return rows.map((t) => ({
    ...t,
    mayReview: t.status === "proposed" && can(actor, "convene:council", { regionCode: t.regionCode }),
  }));
}

export const outcomeReviewSchema = z.object({
  rating: score,
  comment: optionalText(500),
  reopen: z
    .union([z.boolean(), z.literal("on"), z.literal("true"), z.literal("false")])
    .optional()
    .transform((v) => v === true || v === "on" || v === "true"),
});

/** 居民评议: a resident of the community rates the outcome, once, and may ask to reopen. */
export async function reviewOutcome(
  database: Database,
  actor: Actor,
  councilId: number,
  input: unknown,
  now = new Date(),
) {
  const data = parseOrThrow(outcomeReviewSchema, input);
  return database.write(async (tx) => {
    const loaded = await loadCouncil(tx, councilId);
    if (!loaded) throw new NotFoundError("议事不存在");
    if (!can(actor, "review:council", { regionCode: loaded.council.regionCode }))
      throw new ForbiddenError("只有本社区居民可以评议");
    if (loaded.council.stage !== "residents_review")
      throw new ConflictError(`议事当前阶段为「${stageLabels[loaded.council.stage]}」，不在居民评议阶段`);
    const mine = await tx
      .select({ id: councilReviews.id })
      .from(councilReviews)
      .where(and(eq(councilReviews.councilId, councilId), eq(councilReviews.userId, actor.userId)))
      .get();
    if (mine) throw new ConflictError("您已评议过");
    await tx.insert(councilReviews).values({
      councilId,
      userId: actor.userId,
      rating: data.rating,
      comment: data.comment,
      reopenRequested: data.reopen,
      createdAt: now,
    });
    await audit(tx, {
      actorUserId: actor.userId,
      action: "council.reviewed",
      entity: "council",
      entityId: councilId,
      detail: data,
    });
    if (data.reopen) {
      // Asking to reopen reaches those who can act on it: the convener and the lead parties.
      const { council, parties } = loaded;
      const orgIds = [council.convenerOrgId, ...parties.filter((p) => p.role === "lead").map((p) => p.orgId)].filter(
        (o): o is number => o != null,
      );
      const staff = await membersOf(tx, [...new Set(orgIds)]);
      await notify(
        tx,
        new Set(staff.map((m) => m.userId)),
        {
          kind: "reopen_requested",
          title: `居民请求重新议事：${council.title}`,
          body: data.comment ? `评议意见：${data.comment}` : "一位居民评议后请求重新议事。",
          link: `/councils/${councilId}`,
        },
        now,
      );
    }
  });
}

/** One page of the councils the actor may open, latest change first, and the cursor of the next. */
export async function listCouncils(database: Database, actor: Actor, cursor?: string | null) {
  const { rows, next } = await newestFirstPage(
    cursor,
    LIST_PAGE,
    (after, order, limit) =>
      database.db
        .select()
        .from(councils)
        .where(and(councilsWhere(actor, "read:council"), after))
        .orderBy(...order)
        .limit(limit),
    { time: councils.updatedAt, id: councils.id, of: (c) => c.updatedAt },
  );
  return { councils: rows, next };
}

/** Streets and communities where the actor holds a council permission (convene, whistle, propose), for the forms' place select. */
export async function placesFor(
  database: Database,
  actor: Actor,
  permission: "convene:council" | "whistle:council" | "propose:council-topic",
) {
  const rows = await database.db
    .select({ code: regions.code, name: regions.name, level: regions.level, lon: regions.lon, lat: regions.lat })
    .from(regions)
    .where(inArray(regions.level, permission === "propose:council-topic" ? ["community"] : ["street", "community"]))
    .orderBy(asc(regions.code));
  return rows.filter((r) => can(actor, permission, { regionCode: r.code }));
}

/** How many residents a search for representatives answers with: a name narrows it further. */
export const RESIDENT_MATCHES = 20;

/**
 * Residents who may represent their community at a council the actor convenes, found by a part of
 * their name; within `regionCode` when given (an open council's own community). A street holds tens of
 * thousands of registered residents, so the forms search rather than list them.
 */
export async function findResidents(database: Database, actor: Actor, input: { q: string; regionCode?: string }) {
  const allowed = input.regionCode
    ? can(actor, "convene:council", { regionCode: input.regionCode })
    : can(actor, "convene:council");
  if (!allowed) throw new ForbiddenError();
  const q = input.q.trim();
  if (!q) return [];
  return database.db
    .select({ userId: users.id, displayName: users.displayName, place: regions.name })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .innerJoin(regions, eq(regions.code, memberships.regionCode))
    .where(
      and(
        eq(memberships.role, "resident"),
        eq(users.status, "active"),
        permissionCondition(actor, "convene:council", { regionCode: memberships.regionCode }),
        input.regionCode ? like(memberships.regionCode, `${significantPrefix(input.regionCode)}%`) : undefined,
        sql`instr(${users.displayName}, ${q}) > 0`,
      ),
    )
    .orderBy(asc(users.displayName), asc(users.id))
    .limit(RESIDENT_MATCHES);
}

/** The topic a council is opened from, if the actor may convene in its place. */
export async function topicForCouncil(database: Database, actor: Actor, topicId: number) {
  const topic = await database.db.select().from(councilTopics).where(eq(councilTopics.id, topicId)).get();
  return topic && can(actor, "convene:council", { regionCode: topic.regionCode }) ? topic : null;
}

export { councilMembers };
