/**
 * An instant as zh-CN writes it in Beijing time, medium date and short time: 2026年1月5日 09:02.
 *
 * Written out here rather than by `Intl.DateTimeFormat` for the years Beijing has kept one offset.
 * A call to Intl costs ~0.9 µs on the server, and the ticket queue formats 100 dates per page, in the
 * server render and again in the browser (decision 0026, "Session 29"); the first formatter a browser
 * tab makes costs ~14 ms more (it loads the locale's calendar data), which a page with dates now does
 * not pay either. Intl stays the reference: the tests compare the two over the whole range.
 */
const HOUR = 3_600_000;
/** Beijing's offset from UTC (no summer time since 1991): the one the server's clocks use too. */
export const BEIJING_OFFSET_MS = 8 * HOUR;
/**
 * China has kept UTC+8 without summer time since September 1991; Intl's time-zone data has the
 * summers before (1986–1991, the 1940s) and the local mean time before 1901, so it writes those.
 */
const FIXED_FROM = Date.UTC(1992, 0, 1);
/** Four-digit years only: Intl writes the ones past 9999 its own way. */
const FIXED_UNTIL = Date.UTC(10_000, 0, 1) - BEIJING_OFFSET_MS;

let intl: Intl.DateTimeFormat | undefined;

export function formatDateTime(value: Date | string | number): string {
  const ms = typeof value === "number" ? value : new Date(value).getTime();
  // NaN fails both tests, and Intl refuses it as before (RangeError: invalid time value).
  if (!(ms >= FIXED_FROM && ms < FIXED_UNTIL)) {
    intl ??= new Intl.DateTimeFormat("zh-CN", { dateStyle: "medium", timeStyle: "short", timeZone: "Asia/Shanghai" });
    return intl.format(ms);
  }
  const beijing = new Date(ms + BEIJING_OFFSET_MS);
  const hours = beijing.getUTCHours();
  const minutes = beijing.getUTCMinutes();
  return `${beijing.getUTCFullYear()}年${beijing.getUTCMonth() + 1}月${beijing.getUTCDate()}日 ${hours < 10 ? "0" : ""}${hours}:${minutes < 10 ? "0" : ""}${minutes}`;
}

/** An instant as a `datetime-local` field's value in Beijing time (YYYY-MM-DDTHH:mm), what the forms' dates are read as. */
export function beijingInputValue(value: Date | string | number): string {
  return new Date(new Date(value).getTime() + BEIJING_OFFSET_MS).toISOString().slice(0, 16);
}
