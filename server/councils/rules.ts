/**
 * The report windows per whistle ground, as the administrator keeps them
 * (/admin/rules/whistles). Versioned like the ticket rules: a change adds a
 * row, the newest per ground applies to whistles blown from then on, and a
 * whistle keeps the deadline it was given.
 */
import { desc, eq } from "drizzle-orm";
import { z } from "zod";
import type { Database } from "../../db/client";
import { users, whistleGrounds, whistleReportRules } from "../../db/schema";
import type { Actor } from "../identity/permissions";
import { addRuleVersion, requireRulesAdmin } from "../tickets/rules-admin";

/** The longest window per unit: a whistle is about days, not months. */
const LIMITS = { minutes: 24 * 60, hours: 14 * 24, working_days: 30 } as const;

export const whistleRuleSchema = z
  .object({
    ground: z.enum(whistleGrounds, { message: "请选择吹哨情形" }),
    amount: z.coerce.number({ message: "请填写时限" }).int("时限应为整数").min(1, "时限至少为 1"),
    unit: z.enum(["minutes", "hours", "working_days"], { message: "请选择时限单位" }),
  })
  .superRefine((data, ctx) => {
    if (data.amount > LIMITS[data.unit]) {
      ctx.addIssue({ code: "custom", path: ["amount"], message: `时限过长（最多 ${LIMITS[data.unit]}）` });
    }
  });

/** Every version, newest first, with who set it; the first row per ground is the one in force. */
export async function listWhistleRules(database: Database, actor: Actor) {
  requireRulesAdmin(actor);
  return database.db
    .select({
      id: whistleReportRules.id,
      ground: whistleReportRules.ground,
      amount: whistleReportRules.amount,
      unit: whistleReportRules.unit,
      createdAt: whistleReportRules.createdAt,
      createdBy: users.displayName,
    })
    .from(whistleReportRules)
    .leftJoin(users, eq(whistleReportRules.createdBy, users.id))
    .orderBy(desc(whistleReportRules.id));
}

export function setWhistleRule(
  database: Database,
  actor: Actor,
  input: unknown,
  meta: { ip: string },
  now = new Date(),
) {
  return addRuleVersion(database, actor, whistleRuleSchema, input, meta, {
    action: "whistle_rule.created",
    entity: "whistle_rule",
    insert: async (tx, data) =>
      (
        await tx
          .insert(whistleReportRules)
          .values({ ...data, createdBy: actor.userId, createdAt: now })
          .returning({ id: whistleReportRules.id })
      )[0]!.id,
  });
}
