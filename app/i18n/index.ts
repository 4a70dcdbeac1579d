import { zhCN, type Messages } from "./zh-CN";

export { formatCount } from "./numbers";
export { beijingInputValue, formatDateTime } from "./dates";

export type { Messages };
export const defaultLocale = "zh-CN";

/** The active messages. Only zh-CN ships today; a locale switch selects another `Messages` here. */
export const t: Messages = zhCN;
