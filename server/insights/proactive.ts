/**
 * From a hot spot to action (未诉先办, DOMAIN.md): an officer of the area
 * reviews a hot spot and either dismisses it with a reason or takes it on as
 * a monthly problem (每月一题) with a lead unit and a quantified target. From
 * the problem the area blows the whistle and convenes a council through the
 * councils domain, bringing the hot spot's tickets along. Each problem's page
 * watches its ticket volume every half month against the same half-month a
 * year earlier (docs/decisions/0014-hot-spots.md).
 */
import { and, desc, eq, gte, lte, or, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import type { Database, Queryable } from "../../db/client";
import {
  categories,
  hotSpots,
  hotSpotTickets,
  monthlyProblems,
  organisations,
  tickets,
  ticketVolumeRollups,
  whistleUnits,
} from "../../db/schema";
import { blowWhistle, createCouncil } from "../councils";
import { ConflictError, ForbiddenError, NotFoundError } from "../errors";
import { audit, can, parseOrThrow, type Actor } from "../identity";
import { significantPrefix } from "../regions";
import { beijingMonth, monthSchema, ticketBriefs } from "../tickets";
import { halfMonthOf, inAreas, inCategory, insightAreas, readableHotSpot, shiftHalfMonth } from "./read";

const reason = z.string().trim().min(2, "请说明不予处理的理由").max(500, "理由不能超过 500 字");

export const dismissSchema = z.object({ reason });

export const monthlyProblemSchema = z.object({
  title: z.string().trim().min(2, "请填写题目").max(100, "题目不能超过 100 字"),
  description: z.string().trim().min(2, "请描述问题和治理思路").max(4000, "不能超过 4000 字"),
  month: monthSchema,
  leadOrgId: z
    .union([z.literal("").transform(() => null), z.coerce.number().int().positive("请选择牵头单位")])
    .optional()
    .transform((v) => v ?? null),
  targetReductionPct: z.coerce
    .number({ message: "请填写量化目标" })
    .int("量化目标须为整数")
    .min(1, "量化目标至少为 1%")
    .max(100, "量化目标不能超过 100%"),
});

/** May the actor review (dismiss or take on) hot spots and problems in this area? */
function requireReview(actor: Actor, regionCode: string | null) {
  if (!can(actor, "review:insight", { regionCode })) throw new ForbiddenError();
}

async function openHotSpot(database: Database, actor: Actor, id: number) {
  const spot = await readableHotSpot(database, actor, id);
  requireReview(actor, spot.regionCode);
  return spot;
}

/** 不予处理: the hot spot is set aside with the reason; detection keeps updating it. */
export async function dismissHotSpot(database: Database, actor: Actor, id: number, input: unknown, now = new Date()) {
  const spot = await openHotSpot(database, actor, id);
  const data = parseOrThrow(dismissSchema, input);
  return database.write(async (tx) => {
    const changed = await tx
      .update(hotSpots)
      .set({ review: "dismissed", reviewNote: data.reason, reviewedBy: actor.userId, reviewedAt: now })
      .where(and(eq(hotSpots.id, spot.id), eq(hotSpots.review, "open")))
      .returning({ id: hotSpots.id });
    if (changed.length === 0) throw new ConflictError("该热点已处理，不能再次处理");
    await audit(tx, {
      actorUserId: actor.userId,
      action: "hot_spot.dismissed",
      entity: "hot_spot",
      entityId: spot.id,
      detail: { reason: data.reason },
    });
  });
}

/** 转为主动治理: the hot spot becomes a monthly problem of its area, about its category family. */
export async function createMonthlyProblem(
  database: Database,
  actor: Actor,
  hotSpotId: number,
  input: unknown,
  now = new Date(),
) {
  const spot = await openHotSpot(database, actor, hotSpotId);
  const data = parseOrThrow(monthlyProblemSchema, input);
  if (!spot.regionCode) throw new ConflictError("该热点没有所属区域，不能转为主动治理");
  return database.write(async (tx) => {
    if (data.leadOrgId != null) {
      const org = await tx
        .select({ id: organisations.id })
        .from(organisations)
        .where(eq(organisations.id, data.leadOrgId))
        .get();
      if (!org) throw new NotFoundError("牵头单位不存在");
    }
    const changed = await tx
      .update(hotSpots)
      .set({ review: "proactive", reviewNote: data.title, reviewedBy: actor.userId, reviewedAt: now })
      .where(and(eq(hotSpots.id, spot.id), eq(hotSpots.review, "open")))
      .returning({ id: hotSpots.id });
    if (changed.length === 0) throw new ConflictError("该热点已处理，不能再次处理");
    const [row] = await tx
      .insert(monthlyProblems)
      .values({
        ...data,
        categoryId: spot.familyId,
        regionCode: spot.regionCode!,
        sourceHotSpotId: spot.id,
        status: "active",
        createdBy: actor.userId,
        createdAt: now,
      })
      .returning({ id: monthlyProblems.id });
    await audit(tx, {
      actorUserId: actor.userId,
      action: "monthly_problem.created",
      entity: "monthly_problem",
      entityId: row!.id,
      detail: { ...data, hotSpotId: spot.id, regionCode: spot.regionCode },
    });
    return row!.id;
  });
}

/** The monthly problems of the actor's areas, newest month first. */
/**
 * A monthly problem as the owner of its plan (docs/decisions/0015): its area,
 * its title, and its parties — the lead unit, and the units summoned by its
 * whistle as cooperating units — or null when there is no such problem.
 */
export async function monthlyProblemOwner(db: Queryable, id: number) {
  const problem = await db.select().from(monthlyProblems).where(eq(monthlyProblems.id, id)).get();
  if (!problem) return null;
  const summoned = problem.whistleId
    ? await db
        .select({ orgId: whistleUnits.orgId })
        .from(whistleUnits)
        .where(eq(whistleUnits.whistleId, problem.whistleId))
    : [];
  const parties = [
    ...(problem.leadOrgId == null ? [] : [{ orgId: problem.leadOrgId, role: "lead" as const }]),
    ...summoned
      .filter((u) => u.orgId !== problem.leadOrgId)
      .map((u) => ({ orgId: u.orgId, role: "cooperating" as const })),
  ];
  return { title: problem.title, regionCode: problem.regionCode, parties };
}

export async function listMonthlyProblems(database: Database, actor: Actor) {
  const areas = insightAreas(actor);
  const where: SQL | undefined = areas
    ? (or(...areas.map((a) => sql`${monthlyProblems.regionCode} like ${`${a}%`}`)) ?? sql`0`)
    : undefined;
  return database.db
    .select({
      id: monthlyProblems.id,
      month: monthlyProblems.month,
      title: monthlyProblems.title,
      regionCode: monthlyProblems.regionCode,
      status: monthlyProblems.status,
      categoryName: categories.name,
      targetReductionPct: monthlyProblems.targetReductionPct,
      sourceHotSpotId: monthlyProblems.sourceHotSpotId,
      leadOrgId: monthlyProblems.leadOrgId,
      whistleId: monthlyProblems.whistleId,
      councilId: monthlyProblems.councilId,
      createdAt: monthlyProblems.createdAt,
    })
    .from(monthlyProblems)
    .innerJoin(categories, eq(categories.id, monthlyProblems.categoryId))
    .where(where)
    .orderBy(desc(monthlyProblems.month), desc(monthlyProblems.id));
}

async function readableProblem(database: Database, actor: Actor, id: number) {
  const areas = insightAreas(actor);
  const row = await database.db.select().from(monthlyProblems).where(eq(monthlyProblems.id, id)).get();
  if (!row || (areas && !areas.some((a) => row.regionCode.startsWith(a)))) throw new NotFoundError("每月一题不存在");
  return row;
}

/** Half-months shown before the problem's month: the months before it started are part of its baseline. */
const BEFORE_PERIODS = 6;

/**
 * A problem with its source hot spot's tickets and its volume every half
 * month — from six half-months before its month up to now — against the
 * same half-month a year earlier.
 */
export async function getMonthlyProblem(database: Database, actor: Actor, id: number, now = new Date()) {
  const problem = await readableProblem(database, actor, id);
  const category = await database.db.select().from(categories).where(eq(categories.id, problem.categoryId)).get();
  const lead = problem.leadOrgId
    ? await database.db
        .select({ name: organisations.name })
        .from(organisations)
        .where(eq(organisations.id, problem.leadOrgId))
        .get()
    : undefined;
  const first = shiftHalfMonth(`${problem.month}-1`, -BEFORE_PERIODS);
  const last = halfMonthOf(now);
  const periods: string[] = [];
  for (let p = first; p <= last && periods.length < 48; p = shiftHalfMonth(p, 1)) periods.push(p);
  const r = ticketVolumeRollups;
  const counts = await database.db
    .select({ period: r.period, n: sql<number>`sum(${r.n})` })
    .from(r)
    .where(
      and(
        gte(r.period, shiftHalfMonth(first, -24)),
        lte(r.period, last),
        inCategory(r.categoryId, category!.code),
        inAreas(r.place, [significantPrefix(problem.regionCode)]),
      ),
    )
    .groupBy(r.period);
  const byPeriod = new Map(counts.map((c) => [c.period, c.n]));
  const volume = periods.map((period) => ({
    period,
    count: byPeriod.get(period) ?? 0,
    yearBefore: byPeriod.get(shiftHalfMonth(period, -24)) ?? 0,
  }));
  const ticketIds = problem.sourceHotSpotId
    ? (
        await database.db
          .select({ id: hotSpotTickets.ticketId })
          .from(hotSpotTickets)
          .where(eq(hotSpotTickets.hotSpotId, problem.sourceHotSpotId))
      ).map((r) => r.id)
    : [];
  return {
    problem: { ...problem, categoryName: category?.name ?? "", leadName: lead?.name ?? null },
    volume,
    tickets: await ticketBriefs(database.db, actor, ticketIds),
    mayAct: can(actor, "review:insight", { regionCode: problem.regionCode }),
    current: beijingMonth(now),
  };
}

export const problemWhistleSchema = z.object({
  orgIds: z.array(z.coerce.number().int().positive()).default([]),
});

/** The problem's tickets the actor may link (whistles and councils take readable tickets only). */
async function linkableNumbers(database: Database, actor: Actor, hotSpotId: number | null) {
  if (!hotSpotId) return "";
  const rows = await database.db
    .select({ id: hotSpotTickets.ticketId })
    .from(hotSpotTickets)
    .where(eq(hotSpotTickets.hotSpotId, hotSpotId));
  const briefs = await ticketBriefs(
    database.db,
    actor,
    rows.map((r) => r.id),
  );
  return briefs
    .filter((b) => b.readable)
    .map((b) => b.number)
    .join(" ");
}

/**
 * 吹哨报到 on a monthly problem (ground: a problem residents keep raising),
 * summoning the chosen units, with the source hot spot's tickets linked. The
 * whistle is the councils domain's; the problem keeps its id. One whistle per problem.
 */
export async function blowWhistleForProblem(
  database: Database,
  actor: Actor,
  id: number,
  input: unknown,
  now = new Date(),
) {
  const problem = await readableProblem(database, actor, id);
  requireReview(actor, problem.regionCode);
  if (problem.whistleId) throw new ConflictError("该题已吹哨，不能重复吹哨");
  const { orgIds } = parseOrThrow(problemWhistleSchema, input);
  const whistle = await blowWhistle(
    database,
    actor,
    {
      ground: "recurring_problem",
      problem: `【每月一题】${problem.title}：${problem.description}`.slice(0, 2000),
      regionCode: problem.regionCode,
      orgIds,
      ticketNumbers: await linkableNumbers(database, actor, problem.sourceHotSpotId),
    },
    now,
  );
  // A second transaction: blowWhistle owns its own. The guard makes a retry after a failure here safe to refuse or repeat.
  await linkProblem(database, actor, problem.id, { whistleId: whistle.id });
  return whistle;
}

/**
 * 圆桌会议 on a monthly problem, opened through the councils domain: from the
 * problem's whistle when there is one (bringing its units and tickets), else
 * with the hot spot's tickets, at the hot spot's centre.
 */
export async function conveneForProblem(database: Database, actor: Actor, id: number, now = new Date()) {
  const problem = await readableProblem(database, actor, id);
  requireReview(actor, problem.regionCode);
  if (problem.councilId) throw new ConflictError("该题已召开圆桌会议");
  const spot = problem.sourceHotSpotId
    ? await database.db.select().from(hotSpots).where(eq(hotSpots.id, problem.sourceHotSpotId)).get()
    : undefined;
  const place = spot
    ? await database.db
        .select({ address: tickets.address })
        .from(hotSpotTickets)
        .innerJoin(tickets, eq(tickets.id, hotSpotTickets.ticketId))
        .where(eq(hotSpotTickets.hotSpotId, spot.id))
        .orderBy(desc(tickets.receivedAt))
        .get()
    : undefined;
  const councilId = await createCouncil(
    database,
    actor,
    {
      title: problem.title,
      description: problem.description,
      regionCode: problem.regionCode,
      address: place?.address ?? problem.title,
      lon: spot?.centreLon ?? "",
      lat: spot?.centreLat ?? "",
      ...(problem.whistleId
        ? { whistleId: problem.whistleId }
        : { ticketNumbers: await linkableNumbers(database, actor, problem.sourceHotSpotId) }),
    },
    now,
  );
  await linkProblem(database, actor, problem.id, { councilId });
  return councilId;
}

async function linkProblem(
  database: Database,
  actor: Actor,
  id: number,
  link: { whistleId: number } | { councilId: number },
) {
  await database.write(async (tx) => {
    await tx.update(monthlyProblems).set(link).where(eq(monthlyProblems.id, id));
    await audit(tx, {
      actorUserId: actor.userId,
      action: "whistleId" in link ? "monthly_problem.whistle_linked" : "monthly_problem.council_linked",
      entity: "monthly_problem",
      entityId: id,
      detail: link,
    });
  });
}
