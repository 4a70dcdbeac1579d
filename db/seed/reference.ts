/**
 * Reference data every installation needs, demo or not: the region tree and
 * the tickets domain's taxonomy, time limits, score weights and calendar, and
 * the whistle report windows. Each table is seeded only while it is empty, so
 * restarts never duplicate rows and never overwrite what an admin has since changed.
 */
import type { Database } from "../client";
import { seedCalendar } from "./calendar";
import { seedCategoryTags } from "./category-tags";
import { seedInsightRules } from "./insight-rules";
import { seedRegions } from "./regions";
import { seedScoreWeights, seedTaxonomy, seedTimeLimits } from "./taxonomy";
import { seedWhistleRules } from "./whistle-rules";

/** Rows inserted per table by one run (all zero when everything was there already). */
export interface ReferenceCounts {
  regions: number;
  categories: number;
  categoryTags: number;
  timeLimits: number;
  scoreWeights: number;
  calendarDays: number;
  whistleRules: number;
  insightRules: number;
}

export async function seedReference(database: Database): Promise<ReferenceCounts> {
  // One after another: each seed is one write transaction, and regions come
  // first because organisations and tickets point at them.
  return {
    regions: await seedRegions(database),
    categories: await seedTaxonomy(database),
    categoryTags: await seedCategoryTags(database),
    timeLimits: await seedTimeLimits(database),
    scoreWeights: await seedScoreWeights(database),
    calendarDays: await seedCalendar(database),
    whistleRules: await seedWhistleRules(database),
    insightRules: await seedInsightRules(database),
  };
}

/** "1234 regions, 140 categories, …" for the rows seeded, or null when nothing was. */
export function describeReferenceCounts(counts: ReferenceCounts): string | null {
  const labels: Record<keyof ReferenceCounts, string> = {
    regions: "regions",
    categories: "categories",
    categoryTags: "category tags",
    timeLimits: "time-limit rules",
    scoreWeights: "score-weight versions",
    calendarDays: "calendar days",
    whistleRules: "whistle report rules",
    insightRules: "insight rule versions",
  };
  const parts = (Object.keys(labels) as (keyof ReferenceCounts)[])
    .filter((key) => counts[key] > 0)
    .map((key) => `${counts[key]} ${labels[key]}`);
  return parts.length ? parts.join(", ") : null;
}
