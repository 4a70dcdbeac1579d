/**
 * National statistical division codes nest by prefix: 110102 (西城区) is the
 * prefix of 110102013 (大栅栏街道), which is the prefix of its communities'
 * 12-digit codes. A city is written 110000: its significant prefix is "11".
 * Pure functions, safe in the browser.
 */
export function significantPrefix(code: string): string {
  if (code.length === 6 && code.endsWith("0000")) return code.slice(0, 2);
  if (code.length === 6 && code.endsWith("00")) return code.slice(0, 4);
  return code;
}

/** True when `code` is `area` itself or lies inside it. */
export function regionContains(area: string, code: string): boolean {
  return code.startsWith(significantPrefix(area));
}
