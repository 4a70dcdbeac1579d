/**
 * 核减/申诉: a handling unit asks to exclude an unreasonable request from its
 * rates; the hotline centre approves or rejects. Both steps are events on the
 * ticket and rows in the audit log; an approved appeal sets `excluded`, which
 * takes the ticket out of the rates' denominators.
 */
import { and, asc, desc, eq, inArray } from "drizzle-orm";
import { z } from "zod";
import type { Database } from "../../db/client";
import { appealStatuses, organisations, ticketAppeals, ticketEvents, tickets, users } from "../../db/schema";
import { ConflictError, ForbiddenError, NotFoundError } from "../errors";
import { parseOrThrow } from "../identity/accounts";
import { audit } from "../identity/audit";
import { actorOrgIds, can, scopesFor, type Actor } from "../identity/permissions";
import { loadTicket, ticketTarget } from "./state";

export const appealSchema = z.object({ reason: z.string().trim().min(5, "请说明核减理由（至少 5 个字）").max(1000) });
export const appealReviewSchema = z.object({
  approve: z
    .enum(["true", "false"])
    .or(z.boolean())
    .transform((v) => v === true || v === "true"),
  note: z.string().trim().min(2, "请填写审核意见").max(1000),
});

export async function requestAppeal(
  database: Database,
  actor: Actor,
  ticketId: number,
  input: unknown,
  meta: { ip: string },
  now = new Date(),
) {
  const { reason } = parseOrThrow(appealSchema, input);
  return database.write(async (tx) => {
    const loaded = await loadTicket(tx, ticketId);
    if (!loaded) throw new NotFoundError("工单不存在");
    const { row, coOrgIds } = loaded;
    const target = ticketTarget(row, coOrgIds, "coordinators");
    if (!can(actor, "appeal:ticket", target)) throw new ForbiddenError();
    if (!["called_back", "closed"].includes(row.status)) throw new ConflictError("回访后才能申请核减");
    if (row.excluded) throw new ConflictError("该工单已核减");
    const pending = await tx.query.ticketAppeals.findFirst({
      where: and(eq(ticketAppeals.ticketId, ticketId), eq(ticketAppeals.status, "pending")),
    });
    if (pending) throw new ConflictError("已有待审核的核减申请");
    const orgId = actor.grants.find((g) => g.orgId != null && target.orgIds?.includes(g.orgId))?.orgId;
    if (orgId == null) throw new ForbiddenError();
    const [appeal] = await tx
      .insert(ticketAppeals)
      .values({ ticketId, orgId, reason, requestedBy: actor.userId, requestedAt: now })
      .returning({ id: ticketAppeals.id });
    await tx.insert(ticketEvents).values({
      ticketId,
      at: now,
      actorUserId: actor.userId,
      actorOrgId: orgId,
      kind: "appeal_requested",
      fromStatus: row.status,
      toStatus: row.status,
      data: { appealId: appeal!.id, reason },
    });
    await audit(tx, {
      actorUserId: actor.userId,
      action: "ticket.appeal_requested",
      entity: "ticket",
      entityId: ticketId,
      detail: { appealId: appeal!.id, reason },
      ip: meta.ip,
    });
    return appeal!.id;
  });
}

export async function reviewAppeal(
  database: Database,
  actor: Actor,
  appealId: number,
  input: unknown,
  meta: { ip: string },
  now = new Date(),
) {
  const { approve, note } = parseOrThrow(appealReviewSchema, input);
  return database.write(async (tx) => {
    const appeal = await tx.query.ticketAppeals.findFirst({ where: eq(ticketAppeals.id, appealId) });
    if (!appeal) throw new NotFoundError("核减申请不存在");
    const loaded = await loadTicket(tx, appeal.ticketId);
    if (!loaded) throw new NotFoundError("工单不存在");
    if (!can(actor, "supervise:ticket", ticketTarget(loaded.row, loaded.coOrgIds, "all"))) throw new ForbiddenError();
    if (appeal.status !== "pending") throw new ConflictError("该申请已审核");
    const status = approve ? "approved" : "rejected";
    await tx
      .update(ticketAppeals)
      .set({ status, reviewedBy: actor.userId, reviewedAt: now, reviewNote: note })
      .where(eq(ticketAppeals.id, appealId));
    if (approve)
      await tx.update(tickets).set({ excluded: true, updatedAt: now }).where(eq(tickets.id, appeal.ticketId));
    await tx.insert(ticketEvents).values({
      ticketId: appeal.ticketId,
      at: now,
      actorUserId: actor.userId,
      actorOrgId: actor.grants.find((g) => g.orgId != null)?.orgId ?? null,
      kind: approve ? "appeal_approved" : "appeal_rejected",
      fromStatus: loaded.row.status,
      toStatus: loaded.row.status,
      data: { appealId, note },
    });
    await audit(tx, {
      actorUserId: actor.userId,
      action: approve ? "ticket.appeal_approved" : "ticket.appeal_rejected",
      entity: "ticket",
      entityId: appeal.ticketId,
      detail: { appealId, note },
      ip: meta.ip,
    });
  });
}

export const appealListSchema = z.object({
  status: z.enum(appealStatuses).default("pending"),
  limit: z.coerce.number().int().min(1).max(500).default(200),
});

/**
 * The appeals review queue (核减审核): for the centre every unit's appeals in a
 * status, oldest request first (pending) or newest review first; for a unit
 * with appeal rights, its own organisation's appeals.
 */
export async function listAppeals(database: Database, actor: Actor, input: z.input<typeof appealListSchema> = {}) {
  const { status, limit } = parseOrThrow(appealListSchema, input);
  let orgFilter: number[] | null = null;
  if (!can(actor, "supervise:ticket", {})) {
    if (!scopesFor(actor, "appeal:ticket").includes("own-org")) throw new ForbiddenError();
    orgFilter = actorOrgIds(actor);
  }
  return database.db
    .select({
      id: ticketAppeals.id,
      ticketId: ticketAppeals.ticketId,
      number: tickets.number,
      dispatchMonth: tickets.dispatchMonth,
      ticketStatus: tickets.status,
      orgId: ticketAppeals.orgId,
      orgName: organisations.name,
      reason: ticketAppeals.reason,
      status: ticketAppeals.status,
      requestedBy: users.displayName,
      requestedAt: ticketAppeals.requestedAt,
      reviewedAt: ticketAppeals.reviewedAt,
      reviewNote: ticketAppeals.reviewNote,
    })
    .from(ticketAppeals)
    .innerJoin(tickets, eq(tickets.id, ticketAppeals.ticketId))
    .innerJoin(organisations, eq(organisations.id, ticketAppeals.orgId))
    .leftJoin(users, eq(users.id, ticketAppeals.requestedBy))
    .where(
      and(
        eq(ticketAppeals.status, status),
        orgFilter ? inArray(ticketAppeals.orgId, orgFilter.length ? orgFilter : [-1]) : undefined,
      ),
    )
    .orderBy(
      status === "pending" ? asc(ticketAppeals.requestedAt) : desc(ticketAppeals.reviewedAt),
      asc(ticketAppeals.id),
    )
    .limit(limit);
}
