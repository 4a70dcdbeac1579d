import { describe, expect, it } from "vitest";
import {
  addWorkingDays,
  beijingDate,
  beijingMonth,
  endOfBeijingDay,
  isWorkingDay,
  workingDaysBetween,
} from "./calendar";
import { deadlineFrom, pickTimeLimit, type TimeLimitRule } from "./rules";

/** The official 2025 Spring Festival schedule: 1.28–2.4 off; Sun 1.26 and Sat 2.8 are make-up working days. */
const spring2025 = new Map<string, "holiday" | "workday">([
  ...["01-28", "01-29", "01-30", "01-31", "02-01", "02-02", "02-03", "02-04"].map(
    (d) => [`2025-${d}`, "holiday"] as [string, "holiday"],
  ),
  ["2025-01-26", "workday"],
  ["2025-02-08", "workday"],
]);
/** National Day 2025: 10.1–10.8 off; Sun 9.28 and Sat 10.11 are make-up working days. */
const national2025 = new Map<string, "holiday" | "workday">([
  ...["01", "02", "03", "04", "05", "06", "07", "08"].map((d) => [`2025-10-${d}`, "holiday"] as [string, "holiday"]),
  ["2025-09-28", "workday"],
  ["2025-10-11", "workday"],
]);

/** A Beijing wall-clock time as an instant. */
const bj = (local: string) => new Date(`${local}+08:00`);

describe("Beijing dates", () => {
  it("takes the date in Beijing, not the server's zone", () => {
    expect(beijingDate(new Date("2025-01-27T16:30:00Z"))).toBe("2025-01-28"); // 00:30 in Beijing
    expect(beijingMonth(new Date("2025-01-31T16:00:00Z"))).toBe("2025-02");
    expect(endOfBeijingDay("2025-02-05").toISOString()).toBe("2025-02-05T15:59:59.999Z");
  });
});

describe("working days", () => {
  it("knows weekends, holidays and make-up working days (调休)", () => {
    expect(isWorkingDay("2025-01-27", spring2025)).toBe(true); // Monday
    expect(isWorkingDay("2025-01-28", spring2025)).toBe(false); // 除夕, a Tuesday
    expect(isWorkingDay("2025-01-26", spring2025)).toBe(true); // Sunday, made a working day
    expect(isWorkingDay("2025-02-08", spring2025)).toBe(true); // Saturday, made a working day
    expect(isWorkingDay("2025-02-09", spring2025)).toBe(false); // an ordinary Sunday
  });

  it("counts 7 working days across the Spring Festival holiday", () => {
    // Accepted Monday 2025-01-27 10:00. Working days after it: Wed 2.5 (1), Thu 2.6 (2), Fri 2.7 (3),
    // Sat 2.8 make-up (4), Mon 2.10 (5), Tue 2.11 (6), Wed 2.12 (7) → end of 2025-02-12.
    const deadline = addWorkingDays(bj("2025-01-27T10:00:00"), 7, spring2025);
    expect(deadline).toEqual(endOfBeijingDay("2025-02-12"));
    // Without the calendar the holiday would count as work: Tue 1.28 … Wed 2.5.
    expect(addWorkingDays(bj("2025-01-27T10:00:00"), 7, new Map())).toEqual(endOfBeijingDay("2025-02-05"));
  });

  it("counts a make-up Sunday (调休) as a working day", () => {
    // Accepted Friday 2025-09-26: Sat 9.27 no, Sun 9.28 make-up (1), Mon 9.29 (2), Tue 9.30 (3),
    // 10.1–10.8 off, Thu 10.9 (4), Fri 10.10 (5) → end of 2025-10-10.
    expect(addWorkingDays(bj("2025-09-26T17:00:00"), 5, national2025)).toEqual(endOfBeijingDay("2025-10-10"));
    // And a make-up Saturday: 3 more from 10.10 → Sat 10.11 (1), Mon 10.13 (2), Tue 10.14 (3).
    expect(addWorkingDays(bj("2025-10-10T09:00:00"), 3, national2025)).toEqual(endOfBeijingDay("2025-10-14"));
  });

  it("starts counting the next day even when accepted late at night or on a holiday", () => {
    expect(addWorkingDays(bj("2025-01-31T23:59:00"), 1, spring2025)).toEqual(endOfBeijingDay("2025-02-05"));
    expect(addWorkingDays(bj("2025-02-01T08:00:00"), 2, spring2025)).toEqual(endOfBeijingDay("2025-02-06"));
  });

  it("measures working days between two instants", () => {
    expect(workingDaysBetween(bj("2025-01-27T10:00:00"), bj("2025-02-12T09:00:00"), spring2025)).toBe(7);
    expect(workingDaysBetween(bj("2025-02-12T09:00:00"), bj("2025-01-27T10:00:00"), spring2025)).toBe(0);
  });
});

describe("time-limit rules", () => {
  const rule = (r: Partial<TimeLimitRule>): TimeLimitRule => ({
    id: 0,
    versionId: 1,
    urgency: null,
    requestType: null,
    limitClass: null,
    amount: 7,
    unit: "working_days",
    contactWithinHours: 24,
    ...r,
  });
  const rules = [
    rule({ id: 1, urgency: "emergency", amount: 2, unit: "hours" }),
    rule({ id: 2, limitClass: "utility", amount: 24, unit: "hours" }),
    rule({ id: 3, urgency: "normal", limitClass: "general", amount: 7 }),
    rule({ id: 4, urgency: "normal", requestType: "suggestion", amount: 15 }),
  ];

  it("picks the most specific row: urgency over type over class", () => {
    expect(pickTimeLimit(rules, { urgency: "emergency", type: "complaint", limitClass: "utility" })?.id).toBe(1);
    expect(pickTimeLimit(rules, { urgency: "normal", type: "complaint", limitClass: "utility" })?.id).toBe(2);
    expect(pickTimeLimit(rules, { urgency: "normal", type: "complaint", limitClass: "general" })?.id).toBe(3);
    expect(pickTimeLimit(rules, { urgency: "normal", type: "suggestion", limitClass: "general" })?.id).toBe(4);
    expect(pickTimeLimit(rules, { urgency: "urgent", type: "complaint", limitClass: "complex" })).toBeNull();
  });

  it("runs hour limits on the clock, whatever the calendar says (emergencies do not wait for Monday)", () => {
    const start = bj("2025-01-28T20:00:00"); // 除夕 evening
    expect(deadlineFrom(start, rules[0]!, spring2025)).toEqual(bj("2025-01-28T22:00:00"));
    // 7 working days from 除夕: 2.5, 2.6, 2.7, Sat 2.8 (make-up), 2.10, 2.11, 2.12.
    expect(deadlineFrom(start, rules[2]!, spring2025)).toEqual(endOfBeijingDay("2025-02-12"));
  });
});
