/**
 * The 七有五性 breakdown (docs/decisions/0018): for each tag, the calls of the
 * categories carrying it (their own tags or inherited), with the resolution
 * and satisfaction rates as decision 0010 defines them, over a span of months
 * and the actor's area. Both read rollups: calls from the half-month volume
 * rollup (received month, community level), the rates' counters from the rate
 * rollup's `street_category` scope (dispatch month, street level). A call
 * under two tags counts under each: the tags are views, not a partition.
 */
import { and, gte, lte, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import type { Database } from "../../db/client";
import { categories, categoryTagCodes, categoryTags, ticketVolumeRollups, type CategoryTag } from "../../db/schema";
import { parseOrThrow } from "../identity/accounts";
import type { Actor } from "../identity/permissions";
import { significantPrefix } from "../regions";
import {
  addCounts,
  beijingMonth,
  categoryRateCounts,
  computeRates,
  effectiveTags,
  emptyCounts,
  monthSchema,
  shiftMonth,
} from "../tickets";
import { inAreas, insightAreas } from "./read";

export const tagBreakdownSchema = z
  .object({
    from: monthSchema.optional().or(z.literal("").transform(() => undefined)),
    to: monthSchema.optional().or(z.literal("").transform(() => undefined)),
    regionCode: z
      .string()
      .regex(/^\d{6,12}$/, "区域代码不正确")
      .optional()
      .or(z.literal("").transform(() => undefined)),
  })
  .refine((v) => !v.from || !v.to || v.from <= v.to, { message: "起始月份不能晚于截止月份", path: ["from"] });

/** By default the three months up to the current one. */
const DEFAULT_MONTHS = 3;

/**
 * The areas to read: the actor's (null for the city), narrowed to `regionCode`
 * when given — inside the actor's areas only (a narrower filter never widens rights).
 */
function areasFor(actor: Actor, regionCode: string | undefined): string[] | null {
  const mine = insightAreas(actor);
  if (!regionCode) return mine;
  const wanted = significantPrefix(regionCode);
  if (!mine) return [wanted];
  return mine.flatMap((a) => (wanted.startsWith(a) ? [wanted] : a.startsWith(wanted) ? [a] : []));
}

export async function tagBreakdown(database: Database, actor: Actor, input: unknown = {}, now = new Date()) {
  const f = parseOrThrow(tagBreakdownSchema, input);
  const to = f.to ?? beijingMonth(now);
  const from = f.from ?? shiftMonth(to, -(DEFAULT_MONTHS - 1));
  const areas = areasFor(actor, f.regionCode);
  const r = ticketVolumeRollups;
  const where: SQL[] = [gte(r.period, `${from}-1`), lte(r.period, `${to}-2`)];
  if (areas) where.push(inAreas(r.place, areas));
  const [tree, tagRows, volumes, rates] = await Promise.all([
    database.db.select({ id: categories.id, parentId: categories.parentId }).from(categories),
    database.db.select().from(categoryTags),
    database.db
      .select({ categoryId: r.categoryId, n: sql<number>`sum(${r.n})`.mapWith(Number) })
      .from(r)
      .where(and(...where))
      .groupBy(r.categoryId),
    categoryRateCounts(database, { from, to, areas }),
  ]);
  const own = new Map<number, CategoryTag[]>();
  for (const t of tagRows) own.set(t.categoryId, [...(own.get(t.categoryId) ?? []), t.tag]);
  const carried = effectiveTags(tree, own);
  const volume = new Map<CategoryTag, number>();
  let untagged = 0;
  for (const v of volumes) {
    const tags = carried.get(v.categoryId) ?? [];
    if (tags.length === 0) untagged += v.n;
    for (const tag of tags) volume.set(tag, (volume.get(tag) ?? 0) + v.n);
  }
  const counts = new Map(categoryTagCodes.map((tag) => [tag, emptyCounts()]));
  for (const [categoryId, c] of rates.byCategory)
    for (const tag of carried.get(categoryId) ?? []) addCounts(counts.get(tag)!, c);
  return {
    from,
    to,
    areas,
    untagged,
    tags: categoryTagCodes.map((tag) => {
      const rated = computeRates(counts.get(tag)!, rates.weights);
      return {
        tag,
        volume: volume.get(tag) ?? 0,
        callbacks: counts.get(tag)!.callbacks,
        resolution: rated.resolution,
        satisfaction: rated.satisfaction,
      };
    }),
  };
}
