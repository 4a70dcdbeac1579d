/** Strings of the imports pages (zh-CN). */
export const imports = {};
