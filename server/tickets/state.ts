import { and, eq, isNull } from "drizzle-orm";
import type { Queryable } from "../../db/client";
import { organisations, tickets, ticketUnits } from "../../db/schema";
import type { Target } from "../identity/permissions";
import type { TicketState } from "./lifecycle";

export type TicketRow = typeof tickets.$inferSelect;

/** The ticket's row and its current co-handling units. */
export async function loadTicket(db: Queryable, ticketId: number) {
  const row = await db.select().from(tickets).where(eq(tickets.id, ticketId)).get();
  if (!row) return null;
  const co = await db
    .select({ orgId: ticketUnits.orgId })
    .from(ticketUnits)
    .where(and(eq(ticketUnits.ticketId, ticketId), eq(ticketUnits.role, "co"), isNull(ticketUnits.endedAt)));
  return { row, coOrgIds: co.map((c) => c.orgId) };
}

export function stateOf(row: TicketRow, coOrgIds: number[]): TicketState {
  return {
    status: row.status,
    type: row.type,
    leadOrgId: row.leadOrgId,
    firstReceiverOrgId: row.firstReceiverOrgId,
    coOrgIds,
    dispatchedAt: row.dispatchedAt,
    dispatchMonth: row.dispatchMonth,
    contactDeadlineAt: row.contactDeadlineAt,
    acceptedAt: row.acceptedAt,
    firstContactAt: row.firstContactAt,
    clockStartedAt: row.clockStartedAt,
    deadlineAt: row.deadlineAt,
    pendingExtensionDays: row.pendingExtensionDays,
    repliedAt: row.repliedAt,
    calledBackAt: row.calledBackAt,
    closedAt: row.closedAt,
    resolution: row.resolution,
    satisfaction: row.satisfaction,
    supervisionCount: row.supervisionCount,
    reopenCount: row.reopenCount,
  };
}

/**
 * What the permission module is asked about for a ticket. `relation` says
 * which of its units count as the actor's own for the action: the lead for
 * handling it, the coordinators (lead and first receiver) for passing it on
 * or appealing, anyone on it for reading.
 */
export function ticketTarget(
  row: TicketRow,
  coOrgIds: readonly number[],
  relation: "lead" | "coordinators" | "all",
): Target {
  const orgIds =
    relation === "lead"
      ? [row.leadOrgId]
      : relation === "coordinators"
        ? [row.leadOrgId, row.firstReceiverOrgId]
        : [row.leadOrgId, row.firstReceiverOrgId, ...coOrgIds];
  return { orgIds, regionCode: row.communityCode ?? row.streetCode, ownerUserId: row.reporterUserId };
}

export async function unitRef(db: Queryable, orgId: number) {
  const org = await db
    .select({ orgId: organisations.id, kind: organisations.kind, regionCode: organisations.regionCode })
    .from(organisations)
    .where(eq(organisations.id, orgId))
    .get();
  return org ?? null;
}
