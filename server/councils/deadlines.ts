/**
 * When a summoned unit must report (报到), and whether it did in time.
 * The window per ground is configuration (whistle_report_rules); working days
 * count on the ticket calendar (server/tickets/calendar.ts, 调休 included).
 */
import type { whistleReportRules } from "../../db/schema/councils";
import { addWorkingDays, type CalendarExceptions } from "../tickets/calendar";

export type ReportRule = Pick<typeof whistleReportRules.$inferSelect, "amount" | "unit">;

const MINUTE = 60_000;

export function reportDeadline(from: Date, rule: ReportRule, calendar: CalendarExceptions): Date {
  switch (rule.unit) {
    case "minutes":
      return new Date(from.getTime() + rule.amount * MINUTE);
    case "hours":
      return new Date(from.getTime() + rule.amount * 60 * MINUTE);
    case "working_days":
      return addWorkingDays(from, rule.amount, calendar);
  }
}

/** 按时报到 · 迟到 · 待报到 · 超时未报到 (absent: the deadline passed with no report). */
export type ReportState = "on_time" | "late" | "pending" | "absent";

export function reportState(reportedAt: Date | null, deadline: Date, now: Date): ReportState {
  if (reportedAt) return reportedAt <= deadline ? "on_time" : "late";
  return now <= deadline ? "pending" : "absent";
}

/** Halfway through the window with no report: time for a reminder (report_due). */
export function reminderDue(createdAt: Date, deadline: Date, now: Date): boolean {
  return now.getTime() >= createdAt.getTime() + (deadline.getTime() - createdAt.getTime()) / 2 && now <= deadline;
}
