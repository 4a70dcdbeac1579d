/** Strings of the rules pages (zh-CN). */
export const rules = {};
