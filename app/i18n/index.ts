import { zhCN, type Messages } from "./zh-CN";

export { formatCount } from "./numbers";

export type { Messages };
export const defaultLocale = "zh-CN";

/** The active messages. Only zh-CN ships today; a locale switch selects another `Messages` here. */
export const t: Messages = zhCN;

/**
 * Made once, on first use. Once made a formatter costs ~0.1 ms, and a page of 50 tickets formats 100
 * times (load bench). The first one a browser tab makes costs ~14 ms (it loads the locale's calendar
 * data), which a page that shows no dates, like the map, should not pay before it can run (decision
 * 0013, "Session 19").
 */
let dateTime: Intl.DateTimeFormat | undefined;

export function formatDateTime(value: Date | string | number): string {
  dateTime ??= new Intl.DateTimeFormat("zh-CN", { dateStyle: "medium", timeStyle: "short", timeZone: "Asia/Shanghai" });
  return dateTime.format(new Date(value));
}

/** An instant as a `datetime-local` field's value in Beijing time (YYYY-MM-DDTHH:mm), what the forms' dates are read as. */
export function beijingInputValue(value: Date | string | number): string {
  return new Date(new Date(value).getTime() + 8 * 3_600_000).toISOString().slice(0, 16);
}
