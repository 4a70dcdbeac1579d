import { describe, expect, it } from "vitest";
import { formatDateTime } from "./dates";

const intl = new Intl.DateTimeFormat("zh-CN", { dateStyle: "medium", timeStyle: "short", timeZone: "Asia/Shanghai" });
const HOUR = 3_600_000;

describe("formatDateTime", () => {
  it("writes what zh-CN's Intl writes in Beijing time", () => {
    expect(formatDateTime(Date.UTC(2026, 0, 5, 1, 2))).toBe("2026年1月5日 09:02");
    expect(formatDateTime(Date.UTC(2026, 11, 31, 16, 0))).toBe("2027年1月1日 00:00");
    // Random instants over the whole range written by hand, and every hour around each new year and
    // month end of a few years, where the date and the offset meet.
    let seed = 20261124;
    const next = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    const from = Date.UTC(1992, 0, 1);
    const until = Date.UTC(9999, 11, 31, 15, 59);
    const instants = Array.from({ length: 20_000 }, () => Math.floor(from + next() * (until - from)));
    for (const year of [1992, 2000, 2024, 2025, 2026, 2027, 2100, 9999])
      for (let month = 0; month < 12; month++)
        for (let h = -10; h <= 10; h++)
          instants.push(Date.UTC(year, month, 1) + h * HOUR - 1, Date.UTC(year, month, 1) + h * HOUR);
    for (const ms of instants) expect(formatDateTime(ms), new Date(ms).toISOString()).toBe(intl.format(ms));
  });

  it("leaves to Intl the years Beijing had summer time or local mean time, and years past 9999", () => {
    const summer1988 = Date.UTC(1988, 6, 1, 4, 30); // UTC+9 that day: 13:30
    expect(formatDateTime(summer1988)).toBe(intl.format(summer1988));
    expect(formatDateTime(summer1988)).toContain("13:30");
    for (const ms of [
      Date.UTC(1900, 0, 1),
      Date.UTC(1941, 5, 1),
      Date.UTC(1991, 8, 14),
      0,
      Date.UTC(10_000, 0, 1),
      8.64e15,
    ])
      expect(formatDateTime(ms)).toBe(intl.format(ms));
  });

  it("takes dates and ISO strings as before, and refuses an invalid one as Intl does", () => {
    const ms = Date.UTC(2026, 10, 24, 13, 5);
    expect(formatDateTime(new Date(ms))).toBe("2026年11月24日 21:05");
    expect(formatDateTime(new Date(ms).toISOString())).toBe("2026年11月24日 21:05");
    expect(() => formatDateTime("not a date")).toThrow(RangeError);
    expect(() => formatDateTime(Number.NaN)).toThrow(RangeError);
  });
});
