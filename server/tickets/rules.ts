/**
 * Time limits (时限) as data: the most specific rule matching a ticket's
 * urgency, request type and limit class wins. Urgency outweighs type, type
 * outweighs class, so an emergency is 2 hours whatever its category.
 */
import { desc, eq } from "drizzle-orm";
import type { Queryable } from "../../db/client";
import { timeLimits, timeLimitVersions, type LimitClass, type RequestType, type Urgency } from "../../db/schema";
import { addWorkingDays, type CalendarExceptions } from "./calendar";

export type TimeLimitRule = typeof timeLimits.$inferSelect;

export interface RuleKey {
  urgency: Urgency;
  type: RequestType;
  limitClass: LimitClass;
}

function specificity(rule: TimeLimitRule, key: RuleKey): number {
  if (rule.urgency && rule.urgency !== key.urgency) return -1;
  if (rule.requestType && rule.requestType !== key.type) return -1;
  if (rule.limitClass && rule.limitClass !== key.limitClass) return -1;
  return (rule.urgency ? 4 : 0) + (rule.requestType ? 2 : 0) + (rule.limitClass ? 1 : 0);
}

export function pickTimeLimit(rules: readonly TimeLimitRule[], key: RuleKey): TimeLimitRule | null {
  let best: TimeLimitRule | null = null;
  let bestScore = -1;
  for (const rule of rules) {
    const score = specificity(rule, key);
    if (score > bestScore) [best, bestScore] = [rule, score];
  }
  return best;
}

/** The rules of the newest version, with its extension cap. */
export async function currentRules(db: Queryable) {
  const version = await db.select().from(timeLimitVersions).orderBy(desc(timeLimitVersions.id)).limit(1).get();
  if (!version) return null;
  const rules = await db.select().from(timeLimits).where(eq(timeLimits.versionId, version.id));
  return { version, rules };
}

/** The deadline for a clock started at `start` under `rule`. */
export function deadlineFrom(start: Date, rule: TimeLimitRule, calendar: CalendarExceptions): Date {
  return rule.unit === "hours"
    ? new Date(start.getTime() + rule.amount * 60 * 60 * 1000)
    : addWorkingDays(start, rule.amount, calendar);
}
