import { zhCN, type Messages } from "./zh-CN";

export type { Messages };
export const defaultLocale = "zh-CN";

/** The active messages. Only zh-CN ships today; a locale switch selects another `Messages` here. */
export const t: Messages = zhCN;

/** Made once: constructing a formatter costs ~0.1 ms, a page of 50 tickets formats 100 times (load bench). */
const dateTime = new Intl.DateTimeFormat("zh-CN", {
  dateStyle: "medium",
  timeStyle: "short",
  timeZone: "Asia/Shanghai",
});

export function formatDateTime(value: Date | string | number): string {
  return dateTime.format(new Date(value));
}

/** An instant as a `datetime-local` field's value in Beijing time (YYYY-MM-DDTHH:mm), what the forms' dates are read as. */
export function beijingInputValue(value: Date | string | number): string {
  return new Date(new Date(value).getTime() + 8 * 3_600_000).toISOString().slice(0, 16);
}
