/** Strings of the tickets pages (zh-CN). */
export const tickets = {};
