import { t } from "~/i18n";

/** 97.3% — or 无数据 when the rate has no denominator (never shown as 0%). */
export function percent(value: number | null | undefined): string {
  return value == null ? t.rates.noData : `${(value * 100).toFixed(1)}%`;
}

/** A composite score in points, two decimals. */
export function points(value: number | null | undefined): string {
  return value == null ? t.rates.noData : value.toFixed(2);
}

/** Credited counts: 4, 4.6, 4.25. */
export function credited(value: number): string {
  return String(Math.round(value * 100) / 100);
}

/** 2026-03 → 2026年3月 */
export function monthLabel(month: string): string {
  const [y, m] = month.split("-");
  return `${y}年${Number(m)}月`;
}
