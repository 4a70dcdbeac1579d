/**
 * The read side of the insights (docs/decisions/0014-hot-spots.md): hot spots
 * with their tickets, rising categories and recurring places, each limited to
 * what the actor may read under `read:insight` — everywhere for scope any, the
 * actor's areas for own-area. A hot spot's area is where most of its tickets
 * are (`hot_spots.region_code`, written by detection).
 */
import { and, asc, desc, eq, gte, lte, or, sql, type SQL, type SQLWrapper } from "drizzle-orm";
import { z } from "zod";
import type { Database } from "../../db/client";
import {
  categories,
  hotSpotReviews,
  hotSpots,
  hotSpotStatuses,
  hotSpotTickets,
  insightRuleVersions,
  monthlyProblems,
  tickets,
  ticketVolumeRollups,
} from "../../db/schema";
import { ForbiddenError, NotFoundError } from "../errors";
import { parseOrThrow } from "../identity/accounts";
import { can, scopesFor, type Actor } from "../identity/permissions";
import { significantPrefix } from "../regions";
import { beijingDate, ticketBriefs } from "../tickets";
import { shiftHalfMonth } from "./periods";
import { projectX, projectY } from "./projection";
import { recurringPlaces, type RecurringPlace } from "./recurring";
import { risingVerdict } from "./rising";
import { BEIJING_OFFSET_MS } from "../../app/i18n/dates";

const DAY = 86_400_000;
const dateText = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "日期格式应为 YYYY-MM-DD");
const optional = <T extends z.ZodTypeAny>(schema: T) => schema.optional().or(z.literal("").transform(() => undefined));

/** The filters of the hot-spot list (they travel in the insights page's URL). */
export const hotSpotFilterSchema = z.object({
  regionCode: optional(z.string().regex(/^\d{6,12}$/, "区域代码不正确")),
  /** A category family (or any category above it). */
  categoryId: optional(z.coerce.number().int().positive()),
  /** Hot spots active at some time in [from, to] (Beijing dates, inclusive). */
  from: optional(dateText),
  to: optional(dateText),
  status: optional(z.enum(hotSpotStatuses)).default("active"),
  review: optional(z.enum(hotSpotReviews)),
  ruleVersionId: optional(z.coerce.number().int().positive()),
});
export type HotSpotFilters = z.input<typeof hotSpotFilterSchema>;

/**
 * The area prefixes the actor may read insights in, or null for everywhere.
 * Each grant counts with its own region, and only when that grant itself
 * holds `read:insight` (a resident's community is not an area they analyse).
 */
export function insightAreas(actor: Actor): string[] | null {
  const scopes = scopesFor(actor, "read:insight");
  if (scopes.length === 0) throw new ForbiddenError();
  if (scopes.includes("any")) return null;
  return actor.grants
    .filter((g) => g.regionCode != null && can({ ...actor, grants: [g] }, "read:insight", { regionCode: g.regionCode }))
    .map((g) => significantPrefix(g.regionCode!));
}

/** `column` lies in one of the areas (prefix match on the statistical code); false when there are none. */
export function inAreas(column: SQLWrapper, areas: readonly string[]): SQL {
  if (areas.length === 0) return sql`0`;
  return or(...areas.map((a) => sql`${column} like ${`${a}%`}`))!;
}

/** `column` (a category id) is one of the categories with these codes or lies under one: a parent covers its subtree. */
export function inCategory(column: SQLWrapper, codes: string | readonly string[]): SQL {
  const list = typeof codes === "string" ? [codes] : codes;
  if (list.length === 0) return sql`0`;
  const matches = or(...list.map((code) => sql`code = ${code} or code like ${`${code}.%`}`));
  return sql`${column} in (select id from ${categories} where ${matches})`;
}

const beijingDayStart = (date: string) => new Date(`${date}T00:00:00+08:00`);

export async function listHotSpots(database: Database, actor: Actor, input: unknown = {}) {
  const areas = insightAreas(actor);
  const f = parseOrThrow(hotSpotFilterSchema, input);
  const where: SQL[] = [eq(hotSpots.status, f.status)];
  if (areas) where.push(inAreas(hotSpots.regionCode, areas));
  if (f.regionCode) where.push(inAreas(hotSpots.regionCode, [significantPrefix(f.regionCode)]));
  if (f.review) where.push(eq(hotSpots.review, f.review));
  if (f.ruleVersionId) where.push(eq(hotSpots.ruleVersionId, f.ruleVersionId));
  if (f.from) where.push(gte(hotSpots.lastAt, beijingDayStart(f.from)));
  if (f.to) where.push(lte(hotSpots.firstAt, new Date(beijingDayStart(f.to).getTime() + DAY - 1)));
  if (f.categoryId) {
    // The chosen category and everything under it (families sit at a rule's level, the filter at any).
    const chosen = await database.db
      .select({ code: categories.code })
      .from(categories)
      .where(eq(categories.id, f.categoryId))
      .get();
    if (!chosen) return [];
    where.push(inCategory(hotSpots.familyId, chosen.code));
  }
  return database.db
    .select({
      id: hotSpots.id,
      status: hotSpots.status,
      review: hotSpots.review,
      familyId: hotSpots.familyId,
      familyName: categories.name,
      regionCode: hotSpots.regionCode,
      ticketCount: hotSpots.ticketCount,
      centreLon: hotSpots.centreLon,
      centreLat: hotSpots.centreLat,
      radiusM: hotSpots.radiusM,
      firstAt: hotSpots.firstAt,
      lastAt: hotSpots.lastAt,
      recent: hotSpots.recent,
      previous: hotSpots.previous,
      trend: hotSpots.trend,
      score: hotSpots.score,
      ruleVersionId: hotSpots.ruleVersionId,
      place: sql<string | null>`(select t.address from ${hotSpotTickets} h join ${tickets} t on t.id = h.ticket_id
        where h.hot_spot_id = ${hotSpots.id} order by t.received_at desc limit 1)`,
    })
    .from(hotSpots)
    .innerJoin(categories, eq(categories.id, hotSpots.familyId))
    .where(and(...where))
    .orderBy(desc(hotSpots.score), asc(hotSpots.id));
}

export type HotSpotRow = Awaited<ReturnType<typeof listHotSpots>>[number];

/** Loads a hot spot the actor may read; anything else is "not found" (its existence is not disclosed). */
export async function readableHotSpot(database: Database, actor: Actor, id: number) {
  const areas = insightAreas(actor);
  const row = await database.db.select().from(hotSpots).where(eq(hotSpots.id, id)).get();
  if (!row || (areas && !areas.some((a) => row.regionCode?.startsWith(a)))) throw new NotFoundError("热点不存在");
  return row;
}

/** Monday 00:00 Beijing time of the week `at` falls in, as a Beijing date. */
function weekOf(at: number): string {
  const local = new Date(at + BEIJING_OFFSET_MS);
  const back = (local.getUTCDay() + 6) % 7;
  return new Date(local.getTime() - back * DAY).toISOString().slice(0, 10);
}

/** A hot spot with its tickets (each flagged readable or not by the ticket rules) and its calls per week. */
export async function getHotSpot(database: Database, actor: Actor, id: number) {
  const spot = await readableHotSpot(database, actor, id);
  const family = await database.db.select().from(categories).where(eq(categories.id, spot.familyId)).get();
  const rows = await database.db
    .select({ id: tickets.id, receivedAt: tickets.receivedAt, categoryName: categories.name })
    .from(hotSpotTickets)
    .innerJoin(tickets, eq(tickets.id, hotSpotTickets.ticketId))
    .innerJoin(categories, eq(categories.id, tickets.categoryId))
    .where(eq(hotSpotTickets.hotSpotId, id))
    .orderBy(desc(tickets.receivedAt));
  const briefs = new Map(
    (
      await ticketBriefs(
        database.db,
        actor,
        rows.map((r) => r.id),
      )
    ).map((b) => [b.id, b]),
  );
  const weekly = new Map<string, number>();
  for (const r of [...rows].reverse())
    weekly.set(weekOf(r.receivedAt.getTime()), (weekly.get(weekOf(r.receivedAt.getTime())) ?? 0) + 1);
  const categoryCounts = new Map<string, number>();
  for (const r of rows) categoryCounts.set(r.categoryName, (categoryCounts.get(r.categoryName) ?? 0) + 1);
  const problem = await database.db
    .select({ id: monthlyProblems.id })
    .from(monthlyProblems)
    .where(eq(monthlyProblems.sourceHotSpotId, id))
    .get();
  return {
    hotSpot: { ...spot, familyName: family?.name ?? "" },
    problemId: problem?.id ?? null,
    mayReview: can(actor, "review:insight", { regionCode: spot.regionCode }),
    tickets: rows.map((r) => ({ ...briefs.get(r.id)!, receivedAt: r.receivedAt, categoryName: r.categoryName })),
    weekly: fillWeeks(weekly),
    categories: [...categoryCounts].map(([name, count]) => ({ name, count })).sort((a, b) => b.count - a.count),
  };
}

/** Weekly counts with the empty weeks between the first and last call filled in (a chart's x axis is time). */
function fillWeeks(counts: Map<string, number>): { week: string; count: number }[] {
  const weeks = [...counts.keys()].sort();
  if (weeks.length === 0) return [];
  const out = [];
  for (let at = Date.parse(`${weeks[0]}T00:00:00Z`); at <= Date.parse(`${weeks.at(-1)}T00:00:00Z`); at += 7 * DAY) {
    const week = new Date(at).toISOString().slice(0, 10);
    out.push({ week, count: counts.get(week) ?? 0 });
  }
  return out;
}

/**
 * Hot spots as GeoJSON points for the case map's layer (decision 0013): the
 * centre, with what a marker and its popup need. Same filters and rights as the list.
 */
export async function hotSpotFeatures(database: Database, actor: Actor, input: unknown = {}) {
  const rows = await listHotSpots(database, actor, input);
  return {
    type: "FeatureCollection" as const,
    features: rows.map((h) => ({
      type: "Feature" as const,
      id: h.id,
      geometry: { type: "Point" as const, coordinates: [h.centreLon, h.centreLat] as [number, number] },
      properties: {
        id: h.id,
        family: h.familyName,
        ticketCount: h.ticketCount,
        radiusM: h.radiusM,
        trend: h.trend,
        score: h.score,
        review: h.review,
        lastAt: h.lastAt.getTime(),
        link: `/insights/hot-spots/${h.id}`,
      },
    })),
  };
}

/** The categories a hot spot filter offers: the levels families are drawn from (1 and 2). */
export function familyChoices(database: Database) {
  return database.db
    .select({ id: categories.id, name: categories.name, level: categories.level, code: categories.code })
    .from(categories)
    .where(lte(categories.level, 2))
    .orderBy(asc(categories.code));
}

/** The rules in force (the newest version). */
export async function currentInsightRule(database: Database) {
  const rule = await database.db.select().from(insightRuleVersions).orderBy(desc(insightRuleVersions.id)).get();
  if (!rule) throw new Error("no insight rule version: seed the reference data");
  return rule;
}

/** Half-months as "YYYY-MM-1" / "YYYY-MM-2" (days 1–15, 16–end, Beijing time): the period monthly problems are watched in. */
export function halfMonthOf(at: Date): string {
  const date = beijingDate(at);
  return `${date.slice(0, 7)}-${Number(date.slice(8, 10)) <= 15 ? 1 : 2}`;
}

/** The first instant of a half-month, Beijing time. */
function halfMonthStart(period: string): Date {
  const [y, m, h] = period.split("-");
  return new Date(`${y}-${m}-${h === "1" ? "01" : "16"}T00:00:00+08:00`);
}

/** A ticket's most specific place code. */
const placeOf = sql`coalesce(${tickets.communityCode}, ${tickets.streetCode}, ${tickets.districtCode})`;

/** Category id → its ancestor at `level` (or itself when it sits higher). */
async function familyMap(database: Database, level: number) {
  const rows = await database.db
    .select({ id: categories.id, parentId: categories.parentId, level: categories.level, name: categories.name })
    .from(categories);
  const byId = new Map(rows.map((r) => [r.id, r]));
  const familyOf = new Map<number, number>();
  for (const r of rows) {
    let at = r;
    while (at.level > level && at.parentId != null) at = byId.get(at.parentId)!;
    familyOf.set(r.id, at.id);
  }
  return { familyOf, name: (id: number) => byId.get(id)?.name ?? "" };
}

/**
 * Rising categories per street in the current half-month against the street's
 * own previous half-months (rising.ts's Poisson test), within the actor's
 * areas. Read from the half-month rollup (ticket_volume_rollups, kept by
 * triggers), not by grouping the tickets: half a year of a city's calls is
 * millions of rows, its rollup a few hundred thousand at most.
 */
export async function risingCategories(
  database: Database,
  actor: Actor,
  options: { now?: Date; regionCode?: string } = {},
) {
  const areas = insightAreas(actor);
  const rule = await currentInsightRule(database);
  const current = halfMonthOf(options.now ?? new Date());
  const first = shiftHalfMonth(current, -rule.baselinePeriods);
  const r = ticketVolumeRollups;
  // Places at street level or below (a district-only ticket belongs to no street).
  const where: SQL[] = [gte(r.period, first), lte(r.period, current), sql`length(${r.place}) >= 9`];
  // A community's own calls count for it alone: its secretary sees its share of the street's categories.
  if (areas) where.push(inAreas(r.place, areas));
  if (options.regionCode) where.push(inAreas(r.place, [significantPrefix(options.regionCode)]));
  const counts = await database.db
    .select({
      street: sql<string>`substr(${r.place}, 1, 9)`,
      categoryId: r.categoryId,
      period: r.period,
      n: sql<number>`sum(${r.n})`,
    })
    .from(r)
    .where(and(...where))
    .groupBy(sql`1`, r.categoryId, r.period);
  const { familyOf, name } = await familyMap(database, rule.familyLevel);
  const series = new Map<string, Map<string, number>>();
  for (const c of counts) {
    const key = `${c.street}|${familyOf.get(c.categoryId) ?? c.categoryId}`;
    const byPeriod = series.get(key) ?? new Map<string, number>();
    byPeriod.set(c.period, (byPeriod.get(c.period) ?? 0) + c.n);
    series.set(key, byPeriod);
  }
  const history = Array.from({ length: rule.baselinePeriods }, (_, i) => shiftHalfMonth(first, i));
  const out = [];
  for (const [key, byPeriod] of series) {
    const [streetCode, family] = key.split("|") as [string, string];
    const verdict = risingVerdict(
      byPeriod.get(current) ?? 0,
      history.map((p) => byPeriod.get(p) ?? 0),
      { baselinePeriods: rule.baselinePeriods, significance: rule.significance, minCount: rule.minRisingCount },
    );
    if (verdict.rising)
      out.push({ streetCode, familyId: Number(family), familyName: name(Number(family)), period: current, ...verdict });
  }
  return out.sort((a, b) => a.pValue - b.pValue || b.observed - a.observed);
}

/**
 * Places that call again after an earlier call was closed (recurring.ts),
 * over the tickets of the actor's areas received in the baseline window.
 * Computed on read: grouping by normalised address is not something SQL can
 * index, and the window holds a street's or district's calls, not the city's.
 */
export async function recurringPlacesFor(
  database: Database,
  actor: Actor,
  options: { now?: Date; regionCode?: string } = {},
): Promise<(RecurringPlace & { familyName: string; regionCode: string | null })[]> {
  const areas = insightAreas(actor);
  const rule = await currentInsightRule(database);
  const since = halfMonthStart(shiftHalfMonth(halfMonthOf(options.now ?? new Date()), -rule.baselinePeriods));
  const where: SQL[] = [gte(tickets.receivedAt, since), sql`${tickets.type} <> 'inquiry'`];
  const place = placeOf;
  if (areas) where.push(inAreas(place, areas));
  if (options.regionCode) where.push(inAreas(place, [significantPrefix(options.regionCode)]));
  const rows = await database.db
    .select({
      id: tickets.id,
      address: tickets.address,
      categoryId: tickets.categoryId,
      lon: tickets.lon,
      lat: tickets.lat,
      receivedAt: tickets.receivedAt,
      closedAt: tickets.closedAt,
      regionCode: sql<string | null>`${place}`,
    })
    .from(tickets)
    .where(and(...where));
  const { familyOf, name } = await familyMap(database, rule.familyLevel);
  const regionOf = new Map(rows.map((r) => [r.id, r.regionCode]));
  const places = recurringPlaces(
    rows.map((r) => ({
      id: r.id,
      address: r.address,
      family: familyOf.get(r.categoryId) ?? r.categoryId,
      x: r.lon == null ? null : projectX(r.lon),
      y: r.lat == null ? null : projectY(r.lat),
      receivedAt: r.receivedAt.getTime(),
      closedAt: r.closedAt?.getTime() ?? null,
    })),
    { sameplaceM: rule.sameplaceM, minRepeats: rule.minRepeats },
  );
  return places.map((p) => ({ ...p, familyName: name(p.family), regionCode: regionOf.get(p.ticketIds[0]!) ?? null }));
}
