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
