import { describe, expect, it } from "vitest";
import { endOfBeijingDay } from "../tickets/calendar";
import { reminderDue, reportDeadline, reportState } from "./deadlines";

const bj = (local: string) => new Date(`${local}+08:00`);

describe("report deadlines by ground", () => {
  const calendar = new Map([
    ["2025-10-01", "holiday" as const],
    ["2025-10-02", "holiday" as const],
    ["2025-10-03", "holiday" as const],
    ["2025-10-06", "holiday" as const],
    ["2025-10-07", "holiday" as const],
    ["2025-10-08", "holiday" as const],
    ["2025-10-11", "workday" as const], // a Saturday made a working day (调休)
  ]);

  it("an emergency: 30 minutes, on the clock", () => {
    expect(reportDeadline(bj("2025-10-01T23:50:00"), { amount: 30, unit: "minutes" }, calendar)).toEqual(
      bj("2025-10-02T00:20:00"),
    );
  });

  it("joint enforcement: 24 hours, holidays or not", () => {
    expect(reportDeadline(bj("2025-10-01T09:00:00"), { amount: 24, unit: "hours" }, calendar)).toEqual(
      bj("2025-10-02T09:00:00"),
    );
  });

  it("a recurring problem: 2 working days, skipping the National Day holiday and counting the 调休 Saturday", () => {
    // Tue 30 Sep → Thu 9 Oct (1st working day) → Fri 10 Oct (2nd)
    expect(reportDeadline(bj("2025-09-30T15:00:00"), { amount: 2, unit: "working_days" }, calendar)).toEqual(
      endOfBeijingDay("2025-10-10"),
    );
    // Thu 9 Oct → Fri 10 → Sat 11 (调休, a working day)
    expect(reportDeadline(bj("2025-10-09T15:00:00"), { amount: 2, unit: "working_days" }, calendar)).toEqual(
      endOfBeijingDay("2025-10-11"),
    );
  });
});

describe("lateness", () => {
  const deadline = bj("2025-03-03T10:30:00");
  it("on time up to and including the deadline; late after it", () => {
    expect(reportState(bj("2025-03-03T10:30:00"), deadline, bj("2025-03-04T00:00:00"))).toBe("on_time");
    expect(reportState(bj("2025-03-03T10:30:01"), deadline, bj("2025-03-04T00:00:00"))).toBe("late");
  });
  it("not reported: pending until the deadline, absent after it", () => {
    expect(reportState(null, deadline, bj("2025-03-03T10:29:00"))).toBe("pending");
    expect(reportState(null, deadline, bj("2025-03-03T10:31:00"))).toBe("absent");
  });
  it("the reminder is due from halfway through the window until the deadline", () => {
    const from = bj("2025-03-03T10:00:00");
    expect(reminderDue(from, deadline, bj("2025-03-03T10:14:00"))).toBe(false);
    expect(reminderDue(from, deadline, bj("2025-03-03T10:15:00"))).toBe(true);
    expect(reminderDue(from, deadline, bj("2025-03-03T10:31:00"))).toBe(false);
  });
});
