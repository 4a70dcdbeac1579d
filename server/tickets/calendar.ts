/**
 * The working-day calendar. Monday to Friday are working days unless the
 * calendar lists the date as a holiday; a weekend day listed as a workday is a
 * make-up working day (调休). Dates are Beijing dates: the hotline's clocks run
 * on Beijing time whatever the server's zone.
 */
import type { Queryable } from "../../db/client";
import { calendarDays } from "../../db/schema";
import { BEIJING_OFFSET_MS } from "../../app/i18n/dates";

export type CalendarExceptions = ReadonlyMap<string, "holiday" | "workday">;

const DAY_MS = 24 * 60 * 60 * 1000;

/** The Beijing calendar date of an instant, as YYYY-MM-DD. */
export function beijingDate(at: Date): string {
  return new Date(at.getTime() + BEIJING_OFFSET_MS).toISOString().slice(0, 10);
}

/** YYYY-MM of an instant in Beijing. */
export function beijingMonth(at: Date): string {
  return beijingDate(at).slice(0, 7);
}

function nextDay(day: string): string {
  // Most days are not a month's last: skip the Date round trip (bulk imports compute a deadline per row).
  const date = Number(day.slice(8));
  if (date < 28) return `${day.slice(0, 8)}${date < 9 ? "0" : ""}${date + 1}`;
  return new Date(Date.parse(`${day}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10);
}

export function isWorkingDay(day: string, calendar: CalendarExceptions): boolean {
  const exception = calendar.get(day);
  if (exception) return exception === "workday";
  const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
  return weekday !== 0 && weekday !== 6;
}

/** The last millisecond of a Beijing date. */
export function endOfBeijingDay(day: string): Date {
  return new Date(Date.parse(`${day}T23:59:59.999Z`) - BEIJING_OFFSET_MS);
}

/**
 * "Within N working days" (N 个工作日内): counting starts the day after `from`
 * and the limit is the end of the Nth working day — the usual reading of
 * 自受理次日起算 in Chinese administrative time limits.
 */
export function addWorkingDays(from: Date, n: number, calendar: CalendarExceptions): Date {
  let day = beijingDate(from);
  let weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
  let counted = 0;
  while (counted < n) {
    day = nextDay(day);
    weekday = (weekday + 1) % 7;
    // isWorkingDay, with the weekday carried along instead of recomputed.
    const exception = calendar.get(day);
    if (exception ? exception === "workday" : weekday !== 0 && weekday !== 6) counted++;
  }
  return endOfBeijingDay(day);
}

/** Working days strictly after `from`'s date up to and including `to`'s date (0 if `to` is not later). */
export function workingDaysBetween(from: Date, to: Date, calendar: CalendarExceptions): number {
  const last = beijingDate(to);
  let day = beijingDate(from);
  let counted = 0;
  while (day < last) {
    day = nextDay(day);
    if (isWorkingDay(day, calendar)) counted++;
  }
  return counted;
}

export async function loadCalendar(db: Queryable): Promise<CalendarExceptions> {
  const rows = await db.select({ date: calendarDays.date, kind: calendarDays.kind }).from(calendarDays);
  return new Map(rows.map((r) => [r.date, r.kind]));
}
