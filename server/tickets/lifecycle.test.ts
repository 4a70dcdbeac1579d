import { describe, expect, it } from "vitest";
import { ticketStatuses, type TicketStatus } from "../../db/schema/tickets";
import { ConflictError } from "../errors";
import { endOfBeijingDay } from "./calendar";
import { actionLabels, statusLabels } from "./labels";
import {
  allowedFrom,
  decide,
  initialState,
  isApplicable,
  type ActionKind,
  type DecideContext,
  type TicketAction,
  type TicketState,
} from "./lifecycle";
import type { TimeLimitRule } from "./rules";

const bj = (local: string) => new Date(`${local}+08:00`);
const street = { orgId: 2, kind: "street_office" as const, regionCode: "110102013" };
const community = { orgId: 9, kind: "community_committee" as const, regionCode: "110102013901" };
const otherCommunity = { orgId: 10, kind: "community_committee" as const, regionCode: "110102019901" };
const otherStreet = { orgId: 3, kind: "street_office" as const, regionCode: "110102019" };
const department = { orgId: 17, kind: "department" as const, regionCode: "110102" };
const ownersCommittee = { orgId: 28, kind: "owners_committee" as const, regionCode: "110108025901" };

const rule: TimeLimitRule = {
  id: 1,
  versionId: 1,
  urgency: "normal",
  requestType: null,
  limitClass: "general",
  amount: 7,
  unit: "working_days",
  contactWithinHours: 24,
};

const ctx = (over: Partial<DecideContext> = {}): DecideContext => ({
  now: bj("2025-03-03T10:00:00"), // a Monday
  rule,
  calendar: new Map(),
  extensionCapWorkingDays: 15,
  byCentre: true,
  ...over,
});

const blank: TicketState = initialState("complaint");

/** A state in which `action`'s own preconditions (beyond the status) hold. */
function stateFor(status: TicketStatus, kind: ActionKind): TicketState {
  return {
    ...blank,
    status,
    type: kind === "answer" ? "inquiry" : "complaint",
    leadOrgId: street.orgId,
    firstReceiverOrgId: street.orgId,
    dispatchedAt: bj("2025-03-01T09:00:00"),
    clockStartedAt: bj("2025-03-01T10:00:00"),
    deadlineAt: endOfBeijingDay("2025-03-11"),
    pendingExtensionDays: kind === "decide_extension" ? 3 : null,
  };
}

const sample: Record<ActionKind, TicketAction> = {
  answer: { kind: "answer", reply: "已答复" },
  dispatch: { kind: "dispatch", unit: street },
  redispatch: { kind: "redispatch", unit: community },
  accept: { kind: "accept" },
  request_return: { kind: "request_return", reason: "wrong_area", note: "不属本街道" },
  decide_return: { kind: "decide_return", decision: "keep" },
  contact: { kind: "contact", note: "已电话联系" },
  request_extension: { kind: "request_extension", days: 3, reason: "需协调多个部门" },
  decide_extension: { kind: "decide_extension", approve: true },
  reply: { kind: "reply", content: "已处理" },
  callback: { kind: "callback", resolution: "resolved", satisfaction: "satisfied", speed: 5, effect: 5, attitude: 5 },
  close: { kind: "close" },
  reopen: { kind: "reopen", reason: "居民反映未解决" },
  supervise: { kind: "supervise", note: "请加快办理" },
  add_co_unit: { kind: "add_co_unit", unit: department },
  council_note: {
    kind: "council_note",
    councilId: 1,
    title: "西河沿停车议事",
    text: "决议",
    link: "/public/councils/1",
  },
};

describe("the state machine, as a table: every action from every status", () => {
  for (const kind of Object.keys(allowedFrom) as ActionKind[]) {
    for (const status of ticketStatuses) {
      const legal = allowedFrom[kind].includes(status);
      it(`${kind} from ${status}: ${legal ? "allowed" : "409"}`, () => {
        const run = () => decide(stateFor(status, kind), sample[kind], ctx());
        if (legal) {
          expect(run().kind).toBeTruthy();
        } else {
          expect(run).toThrow(ConflictError);
          expect(run).toThrow(`工单当前状态为「${statusLabels[status]}」，不能「${actionLabels[kind]}」`);
        }
      });
    }
  }

  it("lists exactly the loop of DOMAIN.md", () => {
    expect(allowedFrom).toEqual({
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
      council_note: [...ticketStatuses],
    });
  });
});

describe("what each step does", () => {
  it("a council's note records the decision at any step and changes nothing else", () => {
    for (const status of ticketStatuses) {
      const d = decide(stateFor(status, "council_note"), sample.council_note, ctx());
      expect(d).toMatchObject({ kind: "council_noted", toStatus: status, patch: {} });
      expect(isApplicable(stateFor(status, "council_note"), "council_note")).toBe(false);
    }
  });

  it("the first dispatch sets the first receiver, the scoring month and the first-contact limit", () => {
    const d = decide(blank, { kind: "dispatch", unit: street }, ctx());
    expect(d.toStatus).toBe("dispatched");
    expect(d.patch).toMatchObject({
      leadOrgId: 2,
      firstReceiverOrgId: 2,
      dispatchMonth: "2025-03",
      contactDeadlineAt: bj("2025-03-04T10:00:00"),
    });
    expect(d.units).toEqual({ add: [{ orgId: 2, role: "lead" }] });
  });

  it("acceptance starts the clock: 7 working days from Monday 3 March end on Wednesday 12 March", () => {
    const d = decide({ ...blank, status: "dispatched", leadOrgId: 2 }, { kind: "accept" }, ctx());
    expect(d.patch.clockStartedAt).toEqual(bj("2025-03-03T10:00:00"));
    expect(d.patch.deadlineAt).toEqual(endOfBeijingDay("2025-03-12"));
  });

  it("a re-dispatch inside the street keeps the running clock", () => {
    const running = stateFor("in_progress", "redispatch");
    const handed = decide(
      running,
      { kind: "redispatch", unit: community },
      ctx({ byCentre: false, actorRegionCode: "110102013" }),
    );
    expect(handed.patch).toEqual({ leadOrgId: community.orgId });
    const accepted = decide({ ...running, ...handed.patch, status: "dispatched" }, { kind: "accept" }, ctx());
    expect(accepted.patch.deadlineAt).toBeUndefined();
  });

  it("首接负责: a street may hand down to its own communities and to departments, never pass the ticket off", () => {
    const own = stateFor("accepted", "redispatch");
    const asStreet = ctx({ byCentre: false, actorRegionCode: "110102013" });
    expect(() => decide(own, { kind: "redispatch", unit: otherStreet }, asStreet)).toThrow(/首接负责/);
    expect(() => decide(own, { kind: "redispatch", unit: otherCommunity }, asStreet)).toThrow(/本辖区/);
    expect(decide(own, { kind: "redispatch", unit: department }, asStreet).toStatus).toBe("dispatched");
    // The centre may send it anywhere.
    expect(decide(own, { kind: "redispatch", unit: otherStreet }, ctx()).toStatus).toBe("dispatched");
    // Nobody dispatches to a body that does not handle tickets.
    expect(() => decide(blank, { kind: "dispatch", unit: ownersCommittee }, ctx())).toThrow(/承办单位/);
  });

  it("a return approved by the centre re-assigns the first receiver when it was the one returning", () => {
    const returned = { ...stateFor("return_requested", "decide_return"), clockStartedAt: null };
    const d = decide(returned, { kind: "decide_return", decision: "redispatch", unit: otherStreet }, ctx());
    expect(d.patch).toMatchObject({ leadOrgId: otherStreet.orgId, firstReceiverOrgId: otherStreet.orgId });
    expect(d.units).toEqual({ add: [{ orgId: otherStreet.orgId, role: "lead" }], endLead: true });
    const kept = decide(returned, { kind: "decide_return", decision: "keep" }, ctx());
    expect(kept.toStatus).toBe("dispatched");
    expect(kept.patch).toEqual({});
  });

  it("only inquiries are answered directly", () => {
    expect(() => decide(blank, { kind: "answer", reply: "x" }, ctx())).toThrow(/只有咨询类/);
    expect(decide({ ...blank, type: "inquiry" }, { kind: "answer", reply: "x" }, ctx()).toStatus).toBe("closed");
  });

  it("one extension request at a time; approval moves the deadline by working days, capped", () => {
    const s = stateFor("in_progress", "request_extension");
    const asked = decide(s, { kind: "request_extension", days: 3, reason: "r" }, ctx());
    expect(asked.patch).toEqual({ pendingExtensionDays: 3 });
    expect(() =>
      decide({ ...s, pendingExtensionDays: 3 }, { kind: "request_extension", days: 1, reason: "r" }, ctx()),
    ).toThrow(/已有待审批/);
    // Deadline Tue 11 March + 3 working days → Fri 14 March.
    const approved = decide({ ...s, pendingExtensionDays: 3 }, { kind: "decide_extension", approve: true }, ctx());
    expect(approved.patch).toEqual({ pendingExtensionDays: null, deadlineAt: endOfBeijingDay("2025-03-14") });
    // The cap: 15 working days after Sat 1 March is Fri 21 March; asking 15 more from 11 March is cut there.
    const capped = decide({ ...s, pendingExtensionDays: 15 }, { kind: "decide_extension", approve: true }, ctx());
    expect(capped.patch.deadlineAt).toEqual(endOfBeijingDay("2025-03-21"));
    const rejected = decide({ ...s, pendingExtensionDays: 3 }, { kind: "decide_extension", approve: false }, ctx());
    expect(rejected.patch).toEqual({ pendingExtensionDays: null });
    expect(() => decide(s, { kind: "decide_extension", approve: true }, ctx())).toThrow(/没有待审批/);
  });

  it("first contact records whether it came within the limit", () => {
    const s = { ...stateFor("accepted", "contact"), contactDeadlineAt: bj("2025-03-03T09:00:00") };
    expect(decide(s, { kind: "contact", note: "n" }, ctx()).data.withinLimit).toBe(false);
    expect(decide(s, { kind: "contact", note: "n" }, ctx({ now: bj("2025-03-03T08:00:00") })).data.withinLimit).toBe(
      true,
    );
  });

  it("a reopen sends the ticket back to its lead unit and clears the clock for a new one", () => {
    const d = decide({ ...stateFor("closed", "reopen"), reopenCount: 1 }, { kind: "reopen", reason: "未解决" }, ctx());
    expect(d.toStatus).toBe("dispatched");
    expect(d.patch).toEqual({ reopenCount: 2, clockStartedAt: null, deadlineAt: null, closedAt: null });
  });

  it("co-handling units are added once and never the lead", () => {
    const s = stateFor("accepted", "add_co_unit");
    expect(decide(s, { kind: "add_co_unit", unit: department }, ctx()).patch).toEqual({ coOrgIds: [17] });
    expect(() => decide({ ...s, coOrgIds: [17] }, { kind: "add_co_unit", unit: department }, ctx())).toThrow(
      /已在此工单/,
    );
    expect(() => decide(s, { kind: "add_co_unit", unit: street }, ctx())).toThrow(/已在此工单/);
  });
});
