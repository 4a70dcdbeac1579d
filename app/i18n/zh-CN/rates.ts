/** Strings of the rates pages (zh-CN). */
export const rates = {};
