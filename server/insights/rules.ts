/**
 * The detection rules as the administrator keeps them (/admin/rules/insights):
 * versioned like the whistle report windows — a change adds a row, audited,
 * and the next detection run (incremental runs notice the new version) redoes
 * the hot spots under it in full.
 */
import { desc, eq } from "drizzle-orm";
import { z } from "zod";
import type { Database } from "../../db/client";
import { insightRuleVersions, users } from "../../db/schema";
import type { Actor } from "../identity/permissions";
import { addRuleVersion, requireRulesAdmin } from "../tickets/rules-admin";

const whole = (what: string, min: number, max: number) =>
  z.coerce
    .number({ message: `请填写${what}` })
    .int(`${what}须为整数`)
    .min(min, `${what}至少为 ${min}`)
    .max(max, `${what}不能超过 ${max}`);

/** Bounds keep a run meaningful and affordable: a 5 km "hot spot" or a year-long window is no longer a place and a moment. */
export const insightRuleSchema = z.object({
  familyLevel: z.coerce.number().pipe(z.union([z.literal(1), z.literal(2)], { message: "请选择按一级或二级分类归并" })),
  // The clustering index takes 50–5,000 m (server/insights/clustering.ts).
  radiusM: whole("半径（米）", 50, 5_000),
  windowHours: whole("时间窗（小时）", 1, 24 * 90),
  minTickets: whole("最少工单数", 2, 1_000),
  sameplaceM: whole("同一地点距离（米）", 1, 500),
  minRepeats: whole("办结后再次来电次数", 1, 100),
  baselinePeriods: whole("基线半月数", 2, 48),
  significance: z.coerce
    .number({ message: "请填写显著性水平" })
    .gt(0, "显著性水平须大于 0")
    .max(0.2, "显著性水平不能超过 0.2"),
  minRisingCount: whole("上升最少工单数", 1, 1_000),
  // 预警约谈 names the city's top ten by default (DOMAIN.md); left out, a new version keeps the current N.
  warningTopN: whole("预警约谈名次", 1, 100)
    .optional()
    .or(z.literal("").transform(() => undefined)),
  note: z.string().trim().min(2, "请说明本次调整的依据").max(500, "说明不能超过 500 字"),
});

/** Every version, newest first (the first is in force), with who set it. */
export async function listInsightRules(database: Database, actor: Actor) {
  requireRulesAdmin(actor);
  return database.db
    .select({ rule: insightRuleVersions, createdBy: users.displayName })
    .from(insightRuleVersions)
    .leftJoin(users, eq(insightRuleVersions.createdBy, users.id))
    .orderBy(desc(insightRuleVersions.id));
}

export function setInsightRules(
  database: Database,
  actor: Actor,
  input: unknown,
  meta: { ip: string },
  now = new Date(),
) {
  return addRuleVersion(database, actor, insightRuleSchema, input, meta, {
    action: "insight_rules.version_created",
    entity: "insight_rule_version",
    insert: async (tx, data) => {
      const current = await tx.select().from(insightRuleVersions).orderBy(desc(insightRuleVersions.id)).get();
      const warningTopN = data.warningTopN ?? current?.warningTopN ?? 10;
      return (
        await tx
          .insert(insightRuleVersions)
          .values({ ...data, warningTopN, createdBy: actor.userId, createdAt: now })
          .returning({ id: insightRuleVersions.id })
      )[0]!.id;
    },
  });
}
