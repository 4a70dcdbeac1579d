/**
 * What the councils domain does to tickets, through the lifecycle like every
 * other step: a published decision is noted on each linked ticket, and when
 * the council's implementation is done each linked ticket is carried forward
 * to 回复 (awaiting the 12345 callback). Called inside the council service's
 * transaction, after it has checked the council permission.
 */
import { inArray } from "drizzle-orm";
import type { Queryable, Tx } from "../../db/client";
import { tickets } from "../../db/schema";
import { can, type Actor } from "../identity/permissions";
import type { TicketAction } from "./lifecycle";
import { loadTicket, ticketTarget } from "./state";
import { applyDecision, decideOn } from "./workflow";

export interface CouncilNote {
  councilId: number;
  title: string;
  text: string;
  /** The public page of the decision (公示). */
  link: string;
}

/** The organisation the convener acts through, recorded on the events. */
const actingOrgOf = (actor: Actor) => actor.grants.find((g) => g.orgId != null)?.orgId ?? null;

async function step(tx: Tx, actor: Actor, ticketId: number, action: TicketAction, now: Date) {
  const loaded = await loadTicket(tx, ticketId);
  if (!loaded) return null;
  const decision = await decideOn(tx, actor, loaded, action, now);
  await applyDecision(tx, loaded.row, decision, { userId: actor.userId, orgId: actingOrgOf(actor) }, now);
  return { reporterUserId: loaded.row.reporterUserId, status: decision.toStatus };
}

/** Writes a `council_noted` event on each ticket; returns the reporters with accounts, to notify. */
export async function noteCouncil(tx: Tx, actor: Actor, ticketIds: readonly number[], note: CouncilNote, now: Date) {
  const reporters = new Set<number>();
  for (const id of ticketIds) {
    const done = await step(tx, actor, id, { kind: "council_note", ...note }, now);
    if (done?.reporterUserId != null) reporters.add(done.reporterUserId);
  }
  return [...reporters];
}

/**
 * The council's work is done: each linked ticket still being handled is taken
 * through the steps it has left (签收 → 先行联系 → 回复) with the council's
 * outcome as the reply, so the hotline calls the reporter back as for any
 * ticket. Tickets already replied, called back or closed, and tickets not yet
 * dispatched or awaiting a return decision, are left where they are.
 */
export async function replyFromCouncil(
  tx: Tx,
  actor: Actor,
  ticketIds: readonly number[],
  outcome: { councilId: number; content: string },
  now: Date,
) {
  const note = `圆桌会议（议事 #${outcome.councilId}）：${outcome.content}`;
  const path: Partial<Record<string, TicketAction>> = {
    dispatched: { kind: "accept" },
    accepted: { kind: "contact", note },
    in_progress: { kind: "reply", content: note },
  };
  const replied: number[] = [];
  for (const id of ticketIds) {
    let status = (await loadTicket(tx, id))?.row.status;
    while (status && path[status]) {
      status = (await step(tx, actor, id, path[status]!, now))?.status;
      if (status === "replied") replied.push(id);
    }
  }
  return replied;
}

/** Tickets by id with what council pages show; only those the actor may read (others are dropped). */
export async function ticketBriefs(db: Queryable, actor: Actor | null, ids: readonly number[]) {
  if (ids.length === 0) return [];
  const rows = await db
    .select()
    .from(tickets)
    .where(inArray(tickets.id, [...ids]));
  const out = [];
  for (const row of rows) {
    const loaded = await loadTicket(db, row.id);
    const readable =
      actor != null && loaded != null && can(actor, "read:ticket", ticketTarget(row, loaded.coOrgIds, "all"));
    out.push({
      id: row.id,
      number: row.number,
      status: row.status,
      description: row.description,
      address: row.address,
      reporterUserId: row.reporterUserId,
      readable,
    });
  }
  return out.sort((a, b) => a.id - b.id);
}

/** Ticket ids for the given numbers, or the numbers not found / not readable by the actor. */
export async function resolveTicketNumbers(db: Queryable, actor: Actor, numbers: readonly string[]) {
  const wanted = [...new Set(numbers.map((n) => n.trim()).filter(Boolean))];
  if (wanted.length === 0) return { ids: [] as number[], missing: [] as string[] };
  const rows = await db
    .select({ id: tickets.id, number: tickets.number })
    .from(tickets)
    .where(inArray(tickets.number, wanted));
  const briefs = await ticketBriefs(
    db,
    actor,
    rows.map((r) => r.id),
  );
  const ok = new Map(briefs.filter((b) => b.readable).map((b) => [b.number, b.id]));
  return { ids: wanted.filter((n) => ok.has(n)).map((n) => ok.get(n)!), missing: wanted.filter((n) => !ok.has(n)) };
}
