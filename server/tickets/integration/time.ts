import { BEIJING_OFFSET_MS } from "../../../app/i18n/dates";

/**
 * ISO 8601 in Beijing time with its offset, e.g. 2026-11-21T09:30:00+08:00:
 * what Open311 asks for (a timezone must be included) and what a Beijing
 * reader expects. China has no daylight saving, so the offset is constant.
 */
export function isoBeijing(value: Date): string;
export function isoBeijing(value: Date | null | undefined): string | null;
export function isoBeijing(value: Date | null | undefined): string | null {
  if (!value) return null;
  return `${new Date(value.getTime() + BEIJING_OFFSET_MS).toISOString().slice(0, 19)}+08:00`;
}

/** A W3C/ISO 8601 date-time with a timezone (or a bare date, read as Beijing midnight); null when not one. */
export function parseDateTime(value: string): Date | null {
  const v = value.trim();
  if (/^\d{4}-\d{2}-\d{2}$/.test(v)) return new Date(`${v}T00:00:00+08:00`);
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i.test(v)) return null;
  const ms = Date.parse(v);
  return Number.isFinite(ms) ? new Date(ms) : null;
}
