/** Half months ("YYYY-MM-1" = days 1–15, "-2" = 16 to the end), the period of `ticket_volume_rollups`. Pure. */

/** The half-month `steps` before (negative) or after `period`. */
export function shiftHalfMonth(period: string, steps: number): string {
  const [y, m, h] = period.split("-").map(Number) as [number, number, number];
  const index = y * 24 + (m - 1) * 2 + (h - 1) + steps;
  const year = Math.floor(index / 24);
  const month = Math.floor((index % 24) / 2) + 1;
  return `${year}-${String(month).padStart(2, "0")}-${(index % 2) + 1}`;
}
