/**
 * The first version of the hot-spot and recurring-problem rules
 * (docs/decisions/0014-hot-spots.md). Our defaults (C): a hot spot is 5
 * calls of one level-2 family within 200 m and 14 days of each other; a
 * place recurs when it calls twice after a closure; a street's category
 * rises when a half-month is above its last six months at p < 0.01.
 */
import { count } from "drizzle-orm";
import type { Database } from "../client";
import { insightRuleVersions } from "../schema";

export const defaultInsightRules = {
  familyLevel: 2,
  radiusM: 200,
  windowHours: 14 * 24,
  minTickets: 5,
  sameplaceM: 15,
  minRepeats: 2,
  baselinePeriods: 12,
  significance: 0.01,
  minRisingCount: 5,
  warningTopN: 10,
};

export async function seedInsightRules(database: Database): Promise<number> {
  const [existing] = await database.db.select({ n: count() }).from(insightRuleVersions);
  if (existing!.n > 0) return 0;
  await database.write(async (tx) => {
    await tx.insert(insightRuleVersions).values({ ...defaultInsightRules, note: "初始规则", createdAt: new Date() });
  });
  return 1;
}
