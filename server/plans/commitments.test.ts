import { describe, expect, it } from "vitest";
import { isOverdue } from "./commitments";

describe("isOverdue", () => {
  it("turns overdue when the deadline's day has ended in Beijing, not in UTC", () => {
    const c = { deadline: "2026-11-21", status: "in_progress" as const };
    // 23:30 on the deadline day in Beijing: still due today.
    expect(isOverdue(c, new Date("2026-11-21T15:30:00Z"))).toBe(false);
    // 00:30 the next day in Beijing, still the 21st in UTC: overdue.
    expect(isOverdue(c, new Date("2026-11-21T16:30:00Z"))).toBe(true);
  });

  it("is never overdue when done or without a deadline", () => {
    const late = new Date("2030-01-01T00:00:00Z");
    expect(isOverdue({ deadline: "2026-11-21", status: "done" }, late)).toBe(false);
    expect(isOverdue({ deadline: null, status: "not_started" }, late)).toBe(false);
  });
});
