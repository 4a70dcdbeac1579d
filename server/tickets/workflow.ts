/**
 * Acting on a ticket: one service function for every step of the lifecycle.
 * Order: parse the input, load the ticket, check the permission for that
 * action on that ticket, let the state machine decide, then write the event,
 * the new state and any unit changes in one transaction.
 */
import { and, eq, isNull } from "drizzle-orm";
import { z } from "zod";
import { score, text } from "../validation";
import type { Database, Tx } from "../../db/client";
import {
  resolutions,
  returnReasons,
  satisfactions,
  ticketEvents,
  tickets,
  ticketUnits,
  timeLimits,
  timeLimitVersions,
} from "../../db/schema";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "../errors";
import { parseOrThrow } from "../identity/accounts";
import { can, type Actor, type Permission } from "../identity/permissions";
import { loadCalendar } from "./calendar";
import { decide, type ActionKind, type Decision, type TicketAction, type TicketState } from "./lifecycle";
import { loadTicket, stateOf, ticketTarget, unitRef, type TicketRow } from "./state";

const optionalText = (max: number) => z.string().trim().max(max, `不能超过 ${max} 字`).optional();
// A field left empty coerces to NaN: the type message must be ours too, not zod's English.
const orgId = z.coerce.number({ message: "请选择单位" }).int().positive("请选择单位");

/** Every action's input, as a person or the API sends it. */
export const actionSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("answer"), reply: text(2000, "请填写答复内容") }),
  z.object({ kind: z.literal("dispatch"), orgId, note: optionalText(500) }),
  z.object({ kind: z.literal("redispatch"), orgId, note: optionalText(500) }),
  z.object({ kind: z.literal("accept") }),
  z.object({
    kind: z.literal("request_return"),
    reason: z.enum(returnReasons, { message: "请选择退单原因" }),
    note: text(500, "请说明退单理由"),
  }),
  z.object({
    kind: z.literal("decide_return"),
    decision: z.enum(["keep", "redispatch"], { message: "请选择审核结果" }),
    orgId: orgId.optional(),
    note: optionalText(500),
  }),
  z.object({ kind: z.literal("contact"), note: text(500, "请记录联系情况") }),
  z.object({
    kind: z.literal("request_extension"),
    days: z.coerce.number({ message: "请填写延期天数" }).int().min(1, "至少 1 个工作日").max(15, "最多 15 个工作日"),
    reason: text(500, "请说明延期理由"),
  }),
  z.object({
    kind: z.literal("decide_extension"),
    approve: z
      .enum(["true", "false"])
      .or(z.boolean())
      .transform((v) => v === true || v === "true"),
    note: optionalText(500),
  }),
  z.object({ kind: z.literal("reply"), content: text(2000, "请填写回复内容") }),
  z.object({
    kind: z.literal("callback"),
    resolution: z.enum(resolutions, { message: "请选择解决情况" }),
    satisfaction: z.enum(satisfactions, { message: "请选择满意度" }),
    speed: score,
    effect: score,
    attitude: score,
    comment: optionalText(500),
  }),
  z.object({ kind: z.literal("close"), note: optionalText(500) }),
  z.object({ kind: z.literal("reopen"), reason: text(500, "请说明重办原因") }),
  z.object({ kind: z.literal("supervise"), note: text(500, "请填写督办意见") }),
  z.object({ kind: z.literal("add_co_unit"), orgId }),
]);
export type ActionInput = z.input<typeof actionSchema>;

/** Which permission each action needs, and which of the ticket's units count as the actor's. */
export const actionRights: Record<ActionKind, { permission: Permission; relation: "lead" | "coordinators" | "all" }> = {
  answer: { permission: "dispatch:ticket", relation: "coordinators" },
  dispatch: { permission: "dispatch:ticket", relation: "coordinators" },
  redispatch: { permission: "dispatch:ticket", relation: "coordinators" },
  accept: { permission: "handle:ticket", relation: "lead" },
  request_return: { permission: "handle:ticket", relation: "lead" },
  decide_return: { permission: "supervise:ticket", relation: "all" },
  contact: { permission: "handle:ticket", relation: "lead" },
  request_extension: { permission: "handle:ticket", relation: "lead" },
  decide_extension: { permission: "supervise:ticket", relation: "all" },
  reply: { permission: "handle:ticket", relation: "lead" },
  callback: { permission: "callback:ticket", relation: "all" },
  close: { permission: "supervise:ticket", relation: "all" },
  reopen: { permission: "supervise:ticket", relation: "all" },
  supervise: { permission: "supervise:ticket", relation: "all" },
  add_co_unit: { permission: "dispatch:ticket", relation: "coordinators" },
  // Not in actionSchema: `act` refuses it; the councils domain writes it through `noteCouncil`.
  council_note: { permission: "convene:council", relation: "all" },
};

export function mayAct(actor: Actor | null, kind: ActionKind, row: TicketRow, coOrgIds: readonly number[]): boolean {
  const rights = actionRights[kind];
  return can(actor, rights.permission, ticketTarget(row, coOrgIds, rights.relation));
}

/** The grant the actor acts through: its organisation is recorded on the event. */
function actingOrg(actor: Actor, row: TicketRow, coOrgIds: readonly number[]): number | null {
  const onTicket = new Set([row.leadOrgId, row.firstReceiverOrgId, ...coOrgIds]);
  const grant = actor.grants.find((g) => g.orgId != null && onTicket.has(g.orgId)) ?? actor.grants.find((g) => g.orgId);
  return grant?.orgId ?? null;
}

async function resolveUnit(tx: Tx, id: number | undefined) {
  if (id == null) throw new ValidationError("请选择单位", { orgId: ["请选择单位"] });
  const unit = await unitRef(tx, id);
  if (!unit) throw new ValidationError("单位不存在", { orgId: ["单位不存在"] });
  return unit;
}

async function toAction(tx: Tx, input: z.output<typeof actionSchema>): Promise<TicketAction> {
  switch (input.kind) {
    case "dispatch":
    case "redispatch":
    case "add_co_unit":
      return { ...input, unit: await resolveUnit(tx, input.orgId) } as TicketAction;
    case "decide_return":
      return input.decision === "keep"
        ? { kind: "decide_return", decision: "keep", note: input.note }
        : { kind: "decide_return", decision: "redispatch", unit: await resolveUnit(tx, input.orgId), note: input.note };
    default:
      return input;
  }
}

/** The time-limit rule fixed on the ticket at intake, and its version's extension cap. */
export async function ruleOf(tx: Tx, row: TicketRow) {
  if (row.timeLimitId == null) throw new ConflictError("工单缺少时限规则");
  const rule = await tx.select().from(timeLimits).where(eq(timeLimits.id, row.timeLimitId)).get();
  const version = rule
    ? await tx.select().from(timeLimitVersions).where(eq(timeLimitVersions.id, rule.versionId)).get()
    : undefined;
  if (!rule || !version) throw new ConflictError("工单的时限规则不存在");
  return { rule, extensionCapWorkingDays: version.extensionCapWorkingDays };
}

/** Writes a decision: the event, the state patch and unit rows. Shared by `act` and intake. */
export async function applyDecision(
  tx: Tx,
  row: TicketRow,
  decision: Decision,
  who: { userId: number | null; orgId: number | null },
  now: Date,
): Promise<void> {
  const { coOrgIds: _co, ...patch } = decision.patch as Partial<TicketState>;
  await tx
    .update(tickets)
    .set({ ...patch, status: decision.toStatus, updatedAt: now })
    .where(eq(tickets.id, row.id));
  if (decision.units?.endLead) {
    await tx
      .update(ticketUnits)
      .set({ endedAt: now })
      .where(and(eq(ticketUnits.ticketId, row.id), eq(ticketUnits.role, "lead"), isNull(ticketUnits.endedAt)));
  }
  for (const unit of decision.units?.add ?? []) {
    await tx.insert(ticketUnits).values({ ticketId: row.id, orgId: unit.orgId, role: unit.role, assignedAt: now });
  }
  await tx.insert(ticketEvents).values({
    ticketId: row.id,
    at: now,
    actorUserId: who.userId,
    actorOrgId: who.orgId,
    kind: decision.kind,
    fromStatus: row.status,
    toStatus: decision.toStatus,
    data: decision.data,
  });
}

/** Decides an action on a loaded ticket inside a transaction (used by `act` and intake). */
export async function decideOn(
  tx: Tx,
  actor: Actor,
  loaded: { row: TicketRow; coOrgIds: number[] },
  action: TicketAction,
  now: Date,
): Promise<Decision> {
  const { row, coOrgIds } = loaded;
  const { rule, extensionCapWorkingDays } = await ruleOf(tx, row);
  const coordinator = actor.grants.find(
    (g) => g.orgId != null && (g.orgId === row.leadOrgId || g.orgId === row.firstReceiverOrgId),
  );
  return decide(stateOf(row, coOrgIds), action, {
    now,
    rule,
    calendar: await loadCalendar(tx),
    extensionCapWorkingDays,
    // Holding the permission with no target means holding it in scope "any": the centre.
    byCentre: can(actor, actionRights[action.kind].permission, {}),
    actorRegionCode: coordinator?.regionCode ?? null,
  });
}

/** Performs one lifecycle action on a ticket for `actor`. */
export async function act(database: Database, actor: Actor, ticketId: number, input: unknown, now = new Date()) {
  const parsed = parseOrThrow(actionSchema, input);
  return database.write(async (tx) => {
    const loaded = await loadTicket(tx, ticketId);
    if (!loaded) throw new NotFoundError("工单不存在");
    if (!can(actor, "read:ticket", ticketTarget(loaded.row, loaded.coOrgIds, "all")))
      throw new NotFoundError("工单不存在");
    if (!mayAct(actor, parsed.kind, loaded.row, loaded.coOrgIds)) throw new ForbiddenError();
    const action = await toAction(tx, parsed);
    const decision = await decideOn(tx, actor, loaded, action, now);
    await applyDecision(
      tx,
      loaded.row,
      decision,
      { userId: actor.userId, orgId: actingOrg(actor, loaded.row, loaded.coOrgIds) },
      now,
    );
    return { status: decision.toStatus, event: decision.kind };
  });
}
