import { zhCN, type Messages } from "./zh-CN";

export type { Messages };
export const defaultLocale = "zh-CN";

/** The active messages. Only zh-CN ships today; a locale switch selects another `Messages` here. */
export const t: Messages = zhCN;

export function formatDateTime(value: Date | string | number): string {
  return new Intl.DateTimeFormat("zh-CN", {
    dateStyle: "medium",
    timeStyle: "short",
    timeZone: "Asia/Shanghai",
  }).format(new Date(value));
}
