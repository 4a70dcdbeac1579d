/**
 * The ticket state machine (DOMAIN.md, Lifecycle), as a pure function:
 * given a ticket's state and an action, either the event to append and the
 * state change it makes, or a ConflictError saying why not (HTTP 409).
 * The service (workflow.ts) checks permissions, loads and stores; seeds and
 * imports replay actions through the same function, so every history obeys it.
 */
import type { OrgKind } from "../../db/schema/identity";
import {
  ticketStatuses,
  type RequestType,
  type TicketStatus,
  type resolutions,
  type returnReasons,
  type satisfactions,
} from "../../db/schema/tickets";
import { ConflictError } from "../errors";
import { addWorkingDays, beijingMonth, type CalendarExceptions } from "./calendar";
import { actionLabels, statusLabels } from "./labels";
import { deadlineFrom, type TimeLimitRule } from "./rules";

export interface TicketState {
  status: TicketStatus;
  type: RequestType;
  leadOrgId: number | null;
  firstReceiverOrgId: number | null;
  coOrgIds: number[];
  dispatchedAt: Date | null;
  dispatchMonth: string | null;
  contactDeadlineAt: Date | null;
  acceptedAt: Date | null;
  firstContactAt: Date | null;
  clockStartedAt: Date | null;
  deadlineAt: Date | null;
  pendingExtensionDays: number | null;
  repliedAt: Date | null;
  calledBackAt: Date | null;
  closedAt: Date | null;
  resolution: (typeof resolutions)[number] | null;
  satisfaction: (typeof satisfactions)[number] | null;
  supervisionCount: number;
  reopenCount: number;
}

/** A ticket just taken in: nothing dispatched, no clock running. */
export function initialState(type: RequestType): TicketState {
  return {
    status: "received",
    type,
    leadOrgId: null,
    firstReceiverOrgId: null,
    coOrgIds: [],
    dispatchedAt: null,
    dispatchMonth: null,
    contactDeadlineAt: null,
    acceptedAt: null,
    firstContactAt: null,
    clockStartedAt: null,
    deadlineAt: null,
    pendingExtensionDays: null,
    repliedAt: null,
    calledBackAt: null,
    closedAt: null,
    resolution: null,
    satisfaction: null,
    supervisionCount: 0,
    reopenCount: 0,
  };
}

export interface UnitRef {
  orgId: number;
  kind: OrgKind;
  regionCode: string;
}

export type TicketAction =
  | { kind: "answer"; reply: string }
  | { kind: "dispatch"; unit: UnitRef; note?: string }
  | { kind: "redispatch"; unit: UnitRef; note?: string }
  | { kind: "accept" }
  | { kind: "request_return"; reason: (typeof returnReasons)[number]; note: string }
  | { kind: "decide_return"; decision: "keep"; note?: string }
  | { kind: "decide_return"; decision: "redispatch"; unit: UnitRef; note?: string }
  | { kind: "contact"; note: string }
  | { kind: "request_extension"; days: number; reason: string }
  | { kind: "decide_extension"; approve: boolean; note?: string }
  | { kind: "reply"; content: string }
  | {
      kind: "callback";
      resolution: (typeof resolutions)[number];
      satisfaction: (typeof satisfactions)[number];
      speed: number;
      effect: number;
      attitude: number;
      comment?: string;
    }
  | { kind: "close"; note?: string }
  | { kind: "reopen"; reason: string }
  | { kind: "supervise"; note: string }
  | { kind: "add_co_unit"; unit: UnitRef }
  /** A council settling the ticket records what it decided (written by the councils domain only). */
  | { kind: "council_note"; councilId: number; title: string; text: string; link: string };

export type ActionKind = TicketAction["kind"];

/** Which statuses each action may start from. Everything else is a 409. */
export const allowedFrom: Record<ActionKind, readonly TicketStatus[]> = {
  answer: ["received"],
  dispatch: ["received"],
  redispatch: ["dispatched", "accepted", "in_progress"],
  accept: ["dispatched"],
  request_return: ["dispatched"],
  decide_return: ["return_requested"],
  contact: ["accepted"],
  request_extension: ["accepted", "in_progress"],
  decide_extension: ["accepted", "in_progress"],
  reply: ["in_progress"],
  callback: ["replied"],
  close: ["called_back"],
  reopen: ["called_back", "closed"],
  supervise: ["dispatched", "return_requested", "accepted", "in_progress"],
  add_co_unit: ["dispatched", "accepted", "in_progress"],
  // A council's decision concerns the ticket whatever step it is at: the history records it.
  council_note: ticketStatuses,
};

/** Units a ticket can be dispatched to: those that handle tickets. */
export const handlingKinds: readonly OrgKind[] = [
  "street_office",
  "community_committee",
  "department",
  "property_company",
  "utility_company",
];

/**
 * Whether an action can be offered at all: its status is right and its own
 * precondition holds. `decide` checks the same and more (it knows the input).
 */
export function isApplicable(state: TicketState, kind: ActionKind): boolean {
  if (!allowedFrom[kind].includes(state.status)) return false;
  switch (kind) {
    case "answer":
      return state.type === "inquiry";
    case "request_extension":
      return state.pendingExtensionDays == null;
    case "decide_extension":
      return state.pendingExtensionDays != null;
    case "reopen":
      return state.leadOrgId != null;
    case "council_note":
      // Never offered on the ticket page: only a council's published decision writes it.
      return false;
    default:
      return true;
  }
}

export interface DecideContext {
  now: Date;
  rule: TimeLimitRule;
  calendar: CalendarExceptions;
  extensionCapWorkingDays: number;
  /** True when the hotline centre acts; false when a unit coordinates its own ticket. */
  byCentre: boolean;
  /** The acting unit's region, for the first-receiver rule on re-dispatch. */
  actorRegionCode?: string | null;
}

export interface Decision {
  kind: string;
  toStatus: TicketStatus;
  data: Record<string, unknown>;
  patch: Partial<TicketState>;
  /** Unit rows to add; `endLead` closes the previous lead's row. */
  units?: { add: { orgId: number; role: "lead" | "co" }[]; endLead?: boolean };
}

function refuse(state: TicketState, action: ActionKind): never {
  throw new ConflictError(`工单当前状态为「${statusLabels[state.status]}」，不能「${actionLabels[action]}」`);
}

function requireHandlingUnit(unit: UnitRef) {
  if (!handlingKinds.includes(unit.kind))
    throw new ConflictError("只能派给承办单位（街道、社区、职能部门、物业或公共服务企业）");
}

/** 首接负责: a unit coordinating its own ticket may hand work down, never pass the ticket off. */
function checkFirstReceiverRule(state: TicketState, unit: UnitRef, ctx: DecideContext) {
  if (ctx.byCentre) return;
  if (unit.kind === "street_office") {
    throw new ConflictError("首接负责：不能将工单转给其他街道；如属地不符，请申请退单，由热线中心改派");
  }
  if (unit.kind === "community_committee" && ctx.actorRegionCode && !unit.regionCode.startsWith(ctx.actorRegionCode)) {
    throw new ConflictError("首接负责：只能转派给本辖区内的社区");
  }
  if (unit.orgId === state.leadOrgId) throw new ConflictError("该单位已是主办单位");
}

function dispatchPatch(state: TicketState, unit: UnitRef, ctx: DecideContext): Partial<TicketState> {
  const first = state.dispatchedAt == null;
  return {
    leadOrgId: unit.orgId,
    firstReceiverOrgId: state.firstReceiverOrgId ?? unit.orgId,
    ...(first
      ? {
          dispatchedAt: ctx.now,
          dispatchMonth: beijingMonth(ctx.now),
          contactDeadlineAt: new Date(ctx.now.getTime() + ctx.rule.contactWithinHours * 60 * 60 * 1000),
        }
      : {}),
  };
}

export function decide(state: TicketState, action: TicketAction, ctx: DecideContext): Decision {
  if (!allowedFrom[action.kind].includes(state.status)) refuse(state, action.kind);
  const now = ctx.now;
  switch (action.kind) {
    case "answer":
      if (state.type !== "inquiry") throw new ConflictError("只有咨询类诉求可以直接答复办结");
      return {
        kind: "answered",
        toStatus: "closed",
        data: { reply: action.reply },
        patch: { closedAt: now, repliedAt: now },
      };

    case "dispatch":
      requireHandlingUnit(action.unit);
      return {
        kind: "dispatched",
        toStatus: "dispatched",
        data: { orgId: action.unit.orgId, note: action.note ?? null },
        patch: dispatchPatch(state, action.unit, ctx),
        units: { add: [{ orgId: action.unit.orgId, role: "lead" }] },
      };

    case "redispatch":
      requireHandlingUnit(action.unit);
      checkFirstReceiverRule(state, action.unit, ctx);
      return {
        kind: "redispatched",
        toStatus: "dispatched",
        data: { orgId: action.unit.orgId, fromOrgId: state.leadOrgId, note: action.note ?? null },
        patch: { leadOrgId: action.unit.orgId },
        units: { add: [{ orgId: action.unit.orgId, role: "lead" }], endLead: true },
      };

    case "accept": {
      // The clock starts at the first acceptance (and again after a reopen); a
      // re-dispatch within the street keeps the deadline already running.
      const startClock = state.clockStartedAt == null;
      return {
        kind: "accepted",
        toStatus: state.firstContactAt && !startClock ? "in_progress" : "accepted",
        data: {},
        patch: {
          acceptedAt: state.acceptedAt ?? now,
          ...(startClock ? { clockStartedAt: now, deadlineAt: deadlineFrom(now, ctx.rule, ctx.calendar) } : {}),
        },
      };
    }

    case "request_return":
      return {
        kind: "return_requested",
        toStatus: "return_requested",
        data: { reason: action.reason, note: action.note },
        patch: {},
      };

    case "decide_return":
      if (action.decision === "keep") {
        return { kind: "return_refused", toStatus: "dispatched", data: { note: action.note ?? null }, patch: {} };
      }
      requireHandlingUnit(action.unit);
      if (action.unit.orgId === state.leadOrgId) throw new ConflictError("改派单位与原单位相同");
      return {
        kind: "return_approved",
        toStatus: "dispatched",
        data: { orgId: action.unit.orgId, fromOrgId: state.leadOrgId, note: action.note ?? null },
        // The centre re-assigns: when the first receiver itself returned it, the new unit receives it first.
        patch: {
          leadOrgId: action.unit.orgId,
          firstReceiverOrgId:
            state.firstReceiverOrgId === state.leadOrgId ? action.unit.orgId : state.firstReceiverOrgId,
        },
        units: { add: [{ orgId: action.unit.orgId, role: "lead" }], endLead: true },
      };

    case "contact":
      return {
        kind: "contacted",
        toStatus: "in_progress",
        data: { note: action.note, withinLimit: state.contactDeadlineAt ? now <= state.contactDeadlineAt : null },
        patch: { firstContactAt: state.firstContactAt ?? now },
      };

    case "request_extension":
      if (state.pendingExtensionDays != null) throw new ConflictError("已有待审批的延期申请");
      return {
        kind: "extension_requested",
        toStatus: state.status,
        data: { days: action.days, reason: action.reason },
        patch: { pendingExtensionDays: action.days },
      };

    case "decide_extension": {
      if (state.pendingExtensionDays == null) throw new ConflictError("没有待审批的延期申请");
      if (!action.approve) {
        return {
          kind: "extension_rejected",
          toStatus: state.status,
          data: { note: action.note ?? null },
          patch: { pendingExtensionDays: null },
        };
      }
      const start = state.clockStartedAt ?? now;
      const cap = addWorkingDays(start, ctx.extensionCapWorkingDays, ctx.calendar);
      const wanted = addWorkingDays(state.deadlineAt ?? now, state.pendingExtensionDays, ctx.calendar);
      const deadlineAt = wanted < cap ? wanted : cap;
      if (state.deadlineAt && deadlineAt <= state.deadlineAt) {
        throw new ConflictError(`延期后的期限不能超过受理后 ${ctx.extensionCapWorkingDays} 个工作日`);
      }
      return {
        kind: "extension_approved",
        toStatus: state.status,
        data: { days: state.pendingExtensionDays, from: state.deadlineAt, to: deadlineAt, note: action.note ?? null },
        patch: { pendingExtensionDays: null, deadlineAt },
      };
    }

    case "reply":
      return { kind: "replied", toStatus: "replied", data: { content: action.content }, patch: { repliedAt: now } };

    case "callback":
      return {
        kind: "called_back",
        toStatus: "called_back",
        data: {
          resolution: action.resolution,
          satisfaction: action.satisfaction,
          speed: action.speed,
          effect: action.effect,
          attitude: action.attitude,
          comment: action.comment ?? null,
        },
        patch: { calledBackAt: now, resolution: action.resolution, satisfaction: action.satisfaction },
      };

    case "close":
      return { kind: "closed", toStatus: "closed", data: { note: action.note ?? null }, patch: { closedAt: now } };

    case "reopen":
      if (state.leadOrgId == null) throw new ConflictError("工单没有承办单位，无法重办");
      return {
        kind: "reopened",
        toStatus: "dispatched",
        data: { reason: action.reason, orgId: state.leadOrgId },
        // A new clock starts when the unit accepts again.
        patch: { reopenCount: state.reopenCount + 1, clockStartedAt: null, deadlineAt: null, closedAt: null },
      };

    case "supervise":
      return {
        kind: "supervised",
        toStatus: state.status,
        data: { note: action.note, orgId: state.leadOrgId },
        patch: { supervisionCount: state.supervisionCount + 1 },
      };

    case "add_co_unit":
      requireHandlingUnit(action.unit);
      if (action.unit.orgId === state.leadOrgId || state.coOrgIds.includes(action.unit.orgId)) {
        throw new ConflictError("该单位已在此工单上");
      }
      return {
        kind: "co_unit_added",
        toStatus: state.status,
        data: { orgId: action.unit.orgId },
        patch: { coOrgIds: [...state.coOrgIds, action.unit.orgId] },
        units: { add: [{ orgId: action.unit.orgId, role: "co" }] },
      };

    case "council_note":
      return {
        kind: "council_noted",
        toStatus: state.status,
        data: { councilId: action.councilId, title: action.title, text: action.text, link: action.link },
        patch: {},
      };
  }
}
