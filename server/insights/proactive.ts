/**
 * From a hot spot to action (未诉先办, DOMAIN.md): an officer of the area
 * reviews a hot spot and either dismisses it with a reason or takes it on as
 * a monthly problem (每月一题) with a lead unit and a quantified target. From
 * the problem the area blows the whistle and convenes a council through the
 * councils domain, bringing the hot spot's tickets along
 * (docs/decisions/0014-hot-spots.md; the year's problems drawn up by an
 * administrator and every problem's watch: problems.ts, decision 0021).
 */
import { and, desc, eq } from "drizzle-orm";
import { z } from "zod";
import type { Database } from "../../db/client";
import { categories, hotSpots, hotSpotTickets, monthlyProblems, organisations, tickets } from "../../db/schema";
import { blowWhistle, createCouncil } from "../councils";
import { ConflictError, ForbiddenError, NotFoundError } from "../errors";
import { audit, can, parseOrThrow, type Actor } from "../identity";
import { monthSchema, ticketBriefs } from "../tickets";
import { readableProblem, writeLinks } from "./problems";
import { readableHotSpot } from "./read";

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
    const family = await tx
      .select({ name: categories.name })
      .from(categories)
      .where(eq(categories.id, spot.familyId))
      .get();
    const [row] = await tx
      .insert(monthlyProblems)
      .values({
        ...data,
        theme: family?.name ?? "",
        regionCode: spot.regionCode!,
        sourceHotSpotId: spot.id,
        status: "active",
        createdBy: actor.userId,
        createdAt: now,
      })
      .returning({ id: monthlyProblems.id });
    // The hot spot's family and area are the problem's one category and one area (decision 0021).
    await writeLinks(tx, row!.id, { categoryIds: [spot.familyId], regionCodes: [spot.regionCode!], orgIds: [] });
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
