/** Input pieces and helpers the councils services share. */
import { desc, eq } from "drizzle-orm";
import { z } from "zod";
import type { Queryable } from "../../db/client";
import { whistleReportRules, type WhistleGround } from "../../db/schema";
import { ConflictError } from "../errors";
import { can, type Actor, type Permission, type Target } from "../identity";
import { beijingInputValue } from "../../app/i18n/dates";

export { score, text } from "../validation";
export const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `不能超过 ${max} 字`)
    .optional()
    .transform((v) => v || null);
export const id = (message: string) => z.coerce.number({ message }).int().positive(message);
export const idList = (message: string) =>
  z
    .array(z.coerce.number({ message }).int().positive(message))
    .default([])
    .transform((ids) => [...new Set(ids)]);
/** Ticket numbers typed into one field, separated by spaces, commas or new lines. */
export const ticketNumbers = z
  .string()
  .optional()
  .transform((v) => (v ?? "").split(/[\s,，、;；]+/).filter(Boolean));

/** `YYYY-MM-DDTHH:mm` from a datetime-local field, read as Beijing time. */
export const beijingDateTime = (message: string) =>
  z
    .string({ message })
    .trim()
    .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/, message)
    .transform((v) => new Date(`${v}:00+08:00`))
    .refine((d) => !Number.isNaN(d.getTime()), message);

export const optionalCoordinate = (min: number, max: number) =>
  z
    .union([z.literal("").transform(() => null), z.coerce.number().min(min).max(max)])
    .optional()
    .transform((v) => v ?? null);

/**
 * The organisation the actor acts through for a permission on a target: the
 * grant that allows it. Null for an admin (no organisation).
 */
export function actingOrg(actor: Actor, permission: Permission, target: Target): number | null {
  for (const g of actor.grants) {
    if (g.orgId == null) continue;
    if (can({ ...actor, grants: [g] }, permission, target)) return g.orgId;
  }
  return null;
}

/** The report window now in force for a ground (the newest rule). */
export async function reportRule(db: Queryable, ground: WhistleGround) {
  const rule = await db
    .select()
    .from(whistleReportRules)
    .where(eq(whistleReportRules.ground, ground))
    .orderBy(desc(whistleReportRules.id))
    .get();
  if (!rule) throw new ConflictError("尚未配置该吹哨情形的报到时限");
  return rule;
}

/** "2026-11-21 14:30", Beijing time: for notices, which are plain text. */
export function beijingTime(at: Date): string {
  return beijingInputValue(at).replace("T", " ");
}
