/**
 * 吹哨报到: a street or community blows the whistle on a problem (with or
 * without tickets), summoned units report within the deadline of its ground,
 * the convener closes it with the outcome, and both sides score each other
 * (双考核). Reports and scores are written once and never changed.
 */
import { and, asc, eq, inArray, isNull } from "drizzle-orm";
import { z } from "zod";
import type { Database } from "../../db/client";
import {
  organisations,
  whistleEvaluations,
  whistleGrounds,
  whistles,
  whistleTickets,
  whistleUnits,
  type OrgKind,
} from "../../db/schema";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "../errors";
import {
  audit,
  can,
  insertInvitation,
  membersOf,
  orgBriefs,
  parseOrThrow,
  rolesByOrgKind,
  type Actor,
} from "../identity";
import { newestFirstPage } from "../keyset";
import { notify } from "../notifications";
import { beijingMonth, loadCalendar, resolveTicketNumbers, ticketBriefs } from "../tickets";
import { LIST_PAGE, loadWhistle, whistlesWhere, whistleTarget } from "./access";
import {
  actingOrg,
  beijingDateTime,
  beijingTime,
  id,
  idList,
  optionalText,
  reportRule,
  score,
  text,
  ticketNumbers,
} from "./common";
import { reminderDue, reportDeadline, reportState } from "./deadlines";

export const groundLabels = {
  recurring_problem: "群众反映强烈、街道无法解决的问题",
  joint_enforcement: "综合执法",
  emergency: "应急处置",
} as const;

/** Kinds of unit a whistle summons: those the street has no power over, and the community's partners. */
export const summonableKinds: readonly OrgKind[] = [
  "department",
  "utility_company",
  "property_company",
  "owners_committee",
  "co_building_unit",
  "community_committee",
  "street_office",
];

export const whistleSchema = z.object({
  ground: z.enum(whistleGrounds, { message: "请选择吹哨情形" }),
  problem: text(2000, "请描述问题"),
  regionCode: z.string({ message: "请选择所在区域" }).trim().min(6, "请选择所在区域"),
  orgIds: idList("请选择被召集单位").refine((ids) => ids.length > 0, "请至少选择一个被召集单位"),
  ticketNumbers,
  /** Overrides the ground's default deadline. */
  reportBy: z
    .union([z.literal("").transform(() => null), beijingDateTime("请填写报到期限")])
    .optional()
    .transform((v) => v ?? null),
});

const link = (whistleId: number) => `/councils/whistles/${whistleId}`;

/** Blows the whistle. Returns its id and invitation links for summoned units that have no account yet. */
export async function blowWhistle(database: Database, actor: Actor, input: unknown, now = new Date()) {
  const data = parseOrThrow(whistleSchema, input);
  if (!can(actor, "whistle:council", { regionCode: data.regionCode })) throw new ForbiddenError();
  return database.write(async (tx) => {
    const units = await orgBriefs(tx, data.orgIds);
    if (units.length !== data.orgIds.length || units.some((u) => !summonableKinds.includes(u.kind)))
      throw new ValidationError("请检查被召集单位", { orgIds: ["所选单位不存在或不能被召集"] });
    const { ids: ticketIds, missing } = await resolveTicketNumbers(tx, actor, data.ticketNumbers);
    if (missing.length)
      throw new ValidationError("请检查工单编号", { ticketNumbers: [`找不到工单：${missing.join("、")}`] });
    const initiatorOrgId = actingOrg(actor, "whistle:council", { regionCode: data.regionCode });
    if (initiatorOrgId != null && data.orgIds.includes(initiatorOrgId))
      throw new ValidationError("请检查被召集单位", { orgIds: ["不能召集本单位"] });
    const deadline = data.reportBy ?? reportDeadline(now, await reportRule(tx, data.ground), await loadCalendar(tx));
    if (deadline <= now) throw new ValidationError("报到期限须晚于现在", { reportBy: ["报到期限须晚于现在"] });
    const [w] = await tx
      .insert(whistles)
      .values({
        ground: data.ground,
        problem: data.problem,
        regionCode: data.regionCode,
        initiatorUserId: actor.userId,
        initiatorOrgId,
        reportDeadlineAt: deadline,
        createdAt: now,
      })
      .returning({ id: whistles.id });
    const whistleId = w!.id;
    await tx.insert(whistleUnits).values(data.orgIds.map((orgId) => ({ whistleId, orgId })));
    if (ticketIds.length)
      await tx.insert(whistleTickets).values(ticketIds.map((ticketId) => ({ whistleId, ticketId })));
    const members = await membersOf(tx, data.orgIds);
    await notify(
      tx,
      members.map((m) => m.userId),
      {
        kind: "whistle_received",
        title: `吹哨报到：${data.problem.slice(0, 30)}`,
        body: `${groundLabels[data.ground]}。请于 ${beijingTime(deadline)} 前报到。`,
        link: link(whistleId),
      },
      now,
    );
    // A unit with nobody on the portal yet is invited into its organisation by link (shown once, to the convener).
    const withMembers = new Set(members.map((m) => m.orgId));
    const invitations = [];
    for (const unit of units.filter((u) => !withMembers.has(u.id))) {
      const invitation = await insertInvitation(tx, {
        orgId: unit.id,
        role: rolesByOrgKind[unit.kind][0]!,
        manager: true,
        note: `吹哨报到 #${whistleId}`,
        createdBy: actor.userId,
        now,
      });
      invitations.push({ orgId: unit.id, orgName: unit.name, token: invitation.token });
    }
    await audit(tx, {
      actorUserId: actor.userId,
      action: "whistle.blown",
      entity: "whistle",
      entityId: whistleId,
      detail: {
        ground: data.ground,
        orgIds: data.orgIds,
        ticketIds,
        deadline,
        invited: invitations.map((i) => i.orgId),
      },
    });
    return { id: whistleId, invitations };
  });
}

export const reportSchema = z.object({ orgId: id("请选择报到单位").optional(), note: optionalText(1000) });

/** 报到: a summoned unit reports, once; the time is recorded and lateness follows from it. */
export async function reportToWhistle(
  database: Database,
  actor: Actor,
  whistleId: number,
  input: unknown,
  now = new Date(),
) {
  const data = parseOrThrow(reportSchema, input);
  return database.write(async (tx) => {
    const loaded = await loadWhistle(tx, whistleId);
    if (!loaded || !can(actor, "read:council", whistleTarget(loaded.whistle, loaded.units)))
      throw new NotFoundError("吹哨事项不存在");
    const mine = loaded.units.filter(
      (u) => (data.orgId == null || u.orgId === data.orgId) && can(actor, "report:whistle", { orgId: u.orgId }),
    );
    if (mine.length === 0) throw new ForbiddenError("本单位未被召集");
    if (loaded.whistle.closedAt) throw new ConflictError("吹哨事项已办结，不能再报到");
    const unit = mine.find((u) => u.reportedAt == null);
    if (!unit) throw new ConflictError("本单位已报到");
    await tx
      .update(whistleUnits)
      .set({ reportedAt: now, reportedBy: actor.userId, reportNote: data.note })
      .where(and(eq(whistleUnits.id, unit.id), isNull(whistleUnits.reportedAt)));
    const state = reportState(now, loaded.whistle.reportDeadlineAt, now);
    await audit(tx, {
      actorUserId: actor.userId,
      action: "whistle.reported",
      entity: "whistle",
      entityId: whistleId,
      detail: { orgId: unit.orgId, state },
    });
    return { orgId: unit.orgId, state };
  });
}

export const closeWhistleSchema = z.object({ outcome: text(2000, "请填写处置措施和结果") });

/** The convener closes the whistle with the measures taken and the outcome. */
export async function closeWhistle(
  database: Database,
  actor: Actor,
  whistleId: number,
  input: unknown,
  now = new Date(),
) {
  const data = parseOrThrow(closeWhistleSchema, input);
  return database.write(async (tx) => {
    const loaded = await loadWhistle(tx, whistleId);
    if (!loaded || !can(actor, "read:council", whistleTarget(loaded.whistle, loaded.units)))
      throw new NotFoundError("吹哨事项不存在");
    if (!can(actor, "whistle:council", { regionCode: loaded.whistle.regionCode })) throw new ForbiddenError();
    if (loaded.whistle.closedAt) throw new ConflictError("吹哨事项已办结");
    await tx.update(whistles).set({ outcome: data.outcome, closedAt: now }).where(eq(whistles.id, whistleId));
    await audit(tx, { actorUserId: actor.userId, action: "whistle.closed", entity: "whistle", entityId: whistleId });
  });
}

export const evaluationSchema = z.object({
  subjectOrgId: id("请选择被评价单位"),
  score,
  comment: optionalText(500),
});

/**
 * 双考核, after the whistle is closed: the convener scores each summoned unit;
 * each summoned unit scores the convening unit. One score per pair.
 */
export async function evaluateWhistle(
  database: Database,
  actor: Actor,
  whistleId: number,
  input: unknown,
  now = new Date(),
) {
  const data = parseOrThrow(evaluationSchema, input);
  return database.write(async (tx) => {
    const loaded = await loadWhistle(tx, whistleId);
    if (!loaded || !can(actor, "read:council", whistleTarget(loaded.whistle, loaded.units)))
      throw new NotFoundError("吹哨事项不存在");
    const { whistle, units } = loaded;
    if (!whistle.closedAt) throw new ConflictError("吹哨事项办结后才能互评");
    let direction: "of_unit" | "of_convener";
    let byOrgId: number | null;
    if (data.subjectOrgId === whistle.initiatorOrgId) {
      direction = "of_convener";
      byOrgId = units.find((u) => can(actor, "report:whistle", { orgId: u.orgId }))?.orgId ?? null;
    } else if (units.some((u) => u.orgId === data.subjectOrgId)) {
      direction = "of_unit";
      byOrgId = can(actor, "whistle:council", { regionCode: whistle.regionCode }) ? whistle.initiatorOrgId : null;
    } else {
      throw new ValidationError("被评价单位不在此吹哨事项中", { subjectOrgId: ["被评价单位不在此吹哨事项中"] });
    }
    if (byOrgId == null) throw new ForbiddenError("只有吹哨单位和被召集单位可以互评");
    const existing = await tx
      .select({ id: whistleEvaluations.id })
      .from(whistleEvaluations)
      .where(
        and(
          eq(whistleEvaluations.whistleId, whistleId),
          eq(whistleEvaluations.byOrgId, byOrgId),
          eq(whistleEvaluations.subjectOrgId, data.subjectOrgId),
        ),
      )
      .get();
    if (existing) throw new ConflictError("已评价过该单位");
    await tx.insert(whistleEvaluations).values({
      whistleId,
      direction,
      subjectOrgId: data.subjectOrgId,
      byOrgId,
      byUserId: actor.userId,
      score: data.score,
      comment: data.comment,
      createdAt: now,
    });
    await audit(tx, {
      actorUserId: actor.userId,
      action: "whistle.evaluated",
      entity: "whistle",
      entityId: whistleId,
      detail: { direction, subjectOrgId: data.subjectOrgId, score: data.score },
    });
  });
}

/** One whistle with its units' report states, tickets, evaluations and what the actor may do. */
export async function getWhistle(database: Database, actor: Actor, whistleId: number, now = new Date()) {
  const loaded = await loadWhistle(database.db, whistleId);
  if (!loaded || !can(actor, "read:council", whistleTarget(loaded.whistle, loaded.units)))
    throw new NotFoundError("吹哨事项不存在");
  const { whistle, units } = loaded;
  const ticketIds = (
    await database.db.select().from(whistleTickets).where(eq(whistleTickets.whistleId, whistleId))
  ).map((r) => r.ticketId);
  const [orgs, tickets, evaluations] = await Promise.all([
    orgBriefs(database.db, [...units.map((u) => u.orgId), ...(whistle.initiatorOrgId ? [whistle.initiatorOrgId] : [])]),
    ticketBriefs(database.db, actor, ticketIds),
    database.db.select().from(whistleEvaluations).where(eq(whistleEvaluations.whistleId, whistleId)),
  ]);
  const orgName = new Map(orgs.map((o) => [o.id, o.name]));
  const convener = can(actor, "whistle:council", { regionCode: whistle.regionCode });
  const myUnits = units.filter((u) => can(actor, "report:whistle", { orgId: u.orgId })).map((u) => u.orgId);
  return {
    whistle: {
      ...whistle,
      initiatorOrgName: whistle.initiatorOrgId ? (orgName.get(whistle.initiatorOrgId) ?? null) : null,
    },
    units: units.map((u) => ({
      ...u,
      name: orgName.get(u.orgId) ?? "",
      state: reportState(u.reportedAt, whistle.reportDeadlineAt, now),
    })),
    tickets: tickets.map(({ reporterUserId: _r, ...t }) => t),
    evaluations: evaluations.map((e) => ({
      ...e,
      subjectName: orgName.get(e.subjectOrgId) ?? "",
      byName: orgName.get(e.byOrgId) ?? "",
    })),
    can: {
      report: !whistle.closedAt && units.some((u) => myUnits.includes(u.orgId) && u.reportedAt == null),
      close: convener && !whistle.closedAt,
      evaluateUnits: convener && !!whistle.closedAt && whistle.initiatorOrgId != null,
      evaluateConvener: myUnits.length > 0 && !!whistle.closedAt && whistle.initiatorOrgId != null,
      openCouncil: can(actor, "convene:council", { regionCode: whistle.regionCode }),
    },
  };
}

/** Whistles the actor may read, newest first, with how many units reported. */
export async function listWhistles(database: Database, actor: Actor, now = new Date(), cursor?: string | null) {
  const { rows, next } = await newestFirstPage(
    cursor,
    LIST_PAGE,
    (after, order, limit) =>
      database.db
        .select()
        .from(whistles)
        .where(and(whistlesWhere(actor, "read:council"), after))
        .orderBy(...order)
        .limit(limit),
    { time: whistles.createdAt, id: whistles.id, of: (w) => w.createdAt },
  );
  if (rows.length === 0) return { whistles: [], next };
  const units = await database.db
    .select()
    .from(whistleUnits)
    .where(
      inArray(
        whistleUnits.whistleId,
        rows.map((r) => r.id),
      ),
    );
  const listed = rows.map((w) => {
    const us = units.filter((u) => u.whistleId === w.id);
    const states = us.map((u) => reportState(u.reportedAt, w.reportDeadlineAt, now));
    return {
      ...w,
      summoned: us.length,
      reported: states.filter((s) => s === "on_time" || s === "late").length,
      late: states.filter((s) => s === "late").length,
      absent: states.filter((s) => s === "absent").length,
      /** Summoned units of the actor still to report. */
      toReport: us.some((u) => u.reportedAt == null && can(actor, "report:whistle", { orgId: u.orgId })),
    };
  });
  return { whistles: listed, next };
}

/**
 * Sends each unreported unit one reminder halfway through its window
 * (report_due) and one notice once the deadline passed (report_overdue), to
 * the unit and, for the overdue one, to the convener too. Run by the server's
 * minute timer; idempotent.
 */
export async function sweepWhistleDeadlines(database: Database, now = new Date()) {
  const waiting = and(
    isNull(whistleUnits.reportedAt),
    isNull(whistles.closedAt),
    isNull(whistleUnits.overdueNotifiedAt),
  );
  const pending = (q: Pick<Database["db"], "select">) =>
    q
      .select({ unit: whistleUnits, whistle: whistles })
      .from(whistleUnits)
      .innerJoin(whistles, eq(whistles.id, whistleUnits.whistleId))
      .where(waiting);
  // No unit waiting (the usual case): no write lock taken.
  if ((await pending(database.db)).length === 0) return 0;
  return database.write(async (tx) => {
    const open = await pending(tx);
    let sent = 0;
    for (const { unit, whistle } of open) {
      const state = reportState(null, whistle.reportDeadlineAt, now);
      const members = (await membersOf(tx, [unit.orgId])).map((m) => m.userId);
      if (state === "absent") {
        const [org] = await orgBriefs(tx, [unit.orgId]);
        sent += await notify(
          tx,
          [...members, whistle.initiatorUserId],
          {
            kind: "report_overdue",
            title: `超时未报到：${org?.name ?? ""}`,
            body: whistle.problem.slice(0, 60),
            link: link(whistle.id),
          },
          now,
        );
        await tx.update(whistleUnits).set({ overdueNotifiedAt: now }).where(eq(whistleUnits.id, unit.id));
      } else if (unit.dueNotifiedAt == null && reminderDue(whistle.createdAt, whistle.reportDeadlineAt, now)) {
        sent += await notify(
          tx,
          members,
          { kind: "report_due", title: "报到即将到期", body: whistle.problem.slice(0, 60), link: link(whistle.id) },
          now,
        );
        await tx.update(whistleUnits).set({ dueNotifiedAt: now }).where(eq(whistleUnits.id, unit.id));
      }
    }
    return sent;
  });
}

/**
 * 双考核 in the units' scorecards: per organisation, how often it was
 * summoned, reported on time, late or not at all, and the scores it received —
 * all time, or for whistles blown (and scores given) in one Beijing month.
 */
export async function whistleScorecards(
  database: Database,
  orgIds: readonly number[] | null,
  now = new Date(),
  month?: string,
) {
  if (orgIds?.length === 0) return [];
  const inMonth = (at: Date) => month == null || beijingMonth(at) === month;
  const units = (
    await database.db
      .select({
        orgId: whistleUnits.orgId,
        reportedAt: whistleUnits.reportedAt,
        deadline: whistles.reportDeadlineAt,
        createdAt: whistles.createdAt,
      })
      .from(whistleUnits)
      .innerJoin(whistles, eq(whistles.id, whistleUnits.whistleId))
      .where(orgIds ? inArray(whistleUnits.orgId, [...orgIds]) : undefined)
  ).filter((u) => inMonth(u.createdAt));
  const scores = (
    await database.db
      .select({
        orgId: whistleEvaluations.subjectOrgId,
        score: whistleEvaluations.score,
        createdAt: whistleEvaluations.createdAt,
      })
      .from(whistleEvaluations)
      .where(orgIds ? inArray(whistleEvaluations.subjectOrgId, [...orgIds]) : undefined)
  ).filter((s) => inMonth(s.createdAt));
  const ids = [...new Set([...units.map((u) => u.orgId), ...scores.map((s) => s.orgId)])];
  const names = new Map((await orgBriefs(database.db, ids)).map((o) => [o.id, o.name]));
  return ids
    .map((orgId) => {
      const states = units.filter((u) => u.orgId === orgId).map((u) => reportState(u.reportedAt, u.deadline, now));
      const received = scores.filter((s) => s.orgId === orgId).map((s) => s.score);
      return {
        orgId,
        name: names.get(orgId) ?? "",
        summoned: states.length,
        onTime: states.filter((s) => s === "on_time").length,
        late: states.filter((s) => s === "late").length,
        absent: states.filter((s) => s === "absent").length,
        evaluations: received.length,
        averageScore: received.length ? received.reduce((a, b) => a + b, 0) / received.length : null,
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name, "zh-CN"));
}

/** Units a whistle or council may name: all organisations of the summonable kinds, by kind and name. */
export async function summonableUnits(database: Database) {
  return database.db
    .select({
      id: organisations.id,
      name: organisations.name,
      kind: organisations.kind,
      regionCode: organisations.regionCode,
    })
    .from(organisations)
    .where(
      inArray(
        organisations.kind,
        summonableKinds.filter((k) => k !== "street_office"),
      ),
    )
    .orderBy(asc(organisations.kind), asc(organisations.name));
}
