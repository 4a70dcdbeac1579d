/**
 * The working-day calendar's exceptions (calendar_days): public holidays and
 * the weekend days worked in exchange (调休上班). Read from the chinese-days
 * package here, at seed time only — at run time the table is the one source,
 * and admins amend it when the State Council publishes a new schedule.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { count } from "drizzle-orm";
import type { Database } from "../client";
import { calendarDays } from "../schema";

type CalendarRow = Omit<typeof calendarDays.$inferInsert, "updatedBy" | "updatedAt">;

/** The package's dist/chinese-days.json: date → "English name,中文名,法定天数". */
interface PackageCalendar {
  holidays: Record<string, string>;
  workdays: Record<string, string>;
}

/** Official names (国务院放假通知) where the package abbreviates. */
const officialNames: Record<string, string> = { 清明: "清明节", 端午: "端午节", 中秋: "中秋节" };

function chineseName(entry: string): string {
  const name = entry.split(",")[1]?.trim() || entry;
  return officialNames[name] ?? name;
}

export function packageCalendarRows(): CalendarRow[] {
  const require = createRequire(import.meta.url);
  const data = JSON.parse(
    readFileSync(require.resolve("chinese-days/dist/chinese-days.json"), "utf8"),
  ) as PackageCalendar;
  const rows: CalendarRow[] = [];
  for (const [date, entry] of Object.entries(data.holidays)) {
    rows.push({ date, kind: "holiday", name: chineseName(entry), source: "package" });
  }
  for (const [date, entry] of Object.entries(data.workdays)) {
    rows.push({ date, kind: "workday", name: `${chineseName(entry)}调休上班`, source: "package" });
  }
  return rows.sort((a, b) => a.date.localeCompare(b.date));
}

const DAY_MS = 24 * 60 * 60 * 1000;
const shift = (day: string, days: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
const isWeekend = (day: string) => [0, 6].includes(new Date(`${day}T00:00:00Z`).getUTCDay());
const run = (first: string, days: number) => Array.from({ length: days }, (_, i) => shift(first, i));

/**
 * A year's statutory holidays under the rules in force since 2025 (《全国年节及
 * 纪念日放假办法》, 2024 revision): 元旦 1 day, 春节 4 (除夕 to 初三), 清明 1,
 * 劳动节 2 (May 1–2), 端午 1, 中秋 1, 国庆 3 (Oct 1–3). Article 6 gives a
 * statutory day that falls on a weekend back on a working day (补假): we put it
 * on the next weekday after the festival. The real schedule also moves weekend
 * days around (调休), which nobody can predict — so no make-up workdays here.
 * Lunar dates come from the package's lunar tables, 清明 from its solar terms.
 */
export async function provisionalHolidayRows(year: number): Promise<CalendarRow[]> {
  const { default: chineseDays } = await import("chinese-days");
  const lunar = (monthDay: string) => chineseDays.getSolarDateFromLunar(`${year}-${monthDay}`).date;
  const springFestival = lunar("01-01");
  const festivals: [string, string[]][] = [
    ["元旦", [`${year}-01-01`]],
    // 除夕 is the last day of the twelfth month, 29 or 30: the day before 初一.
    ["春节", run(shift(springFestival, -1), 4)],
    ["清明节", [chineseDays.getSolarTermDate(year, 4, "pure_brightness")]],
    ["劳动节", run(`${year}-05-01`, 2)],
    ["端午节", [lunar("05-05")]],
    ["中秋节", [lunar("08-15")]],
    ["国庆节", run(`${year}-10-01`, 3)],
  ];
  const holidays = new Map<string, string>();
  for (const [name, days] of festivals) {
    // A day owed back: one on a weekend, or one already taken by another festival
    // (中秋 can fall within 国庆).
    const owed = days.filter((day) => isWeekend(day) || holidays.has(day)).length;
    for (const day of days) if (!holidays.has(day)) holidays.set(day, `${name}（暂定）`);
    let next = days[days.length - 1]!;
    for (let i = 0; i < owed; i++) {
      do next = shift(next, 1);
      while (isWeekend(next) || holidays.has(next));
      holidays.set(next, `${name}补假（暂定）`);
    }
  }
  return [...holidays]
    .map(([date, name]): CalendarRow => ({ date, kind: "holiday", name, source: "provisional" }))
    .sort((a, b) => a.date.localeCompare(b.date));
}

/**
 * Years to cover with provisional dates when the package has no official
 * schedule for them. The State Council publishes each year's schedule in the
 * autumn before; an admin then replaces these rows (source "admin").
 */
export const PROVISIONAL_THROUGH_YEAR = 2027;

/** Seeds the calendar once; returns the number of days inserted (0 if any exist). */
export async function seedCalendar(database: Database): Promise<number> {
  const [existing] = await database.db.select({ n: count() }).from(calendarDays);
  if (existing!.n > 0) return 0;
  const rows = packageCalendarRows();
  // Holidays only: a make-up workday can fall early in the next year.
  const lastPackageYear = Math.max(...rows.filter((r) => r.kind === "holiday").map((r) => Number(r.date.slice(0, 4))));
  for (let year = lastPackageYear + 1; year <= PROVISIONAL_THROUGH_YEAR; year++) {
    rows.push(...(await provisionalHolidayRows(year)));
  }
  await database.write(async (tx) => {
    for (let i = 0; i < rows.length; i += 500) await tx.insert(calendarDays).values(rows.slice(i, i + 500));
  });
  return rows.length;
}
