/**
 * The three rates 三率 (DOMAIN.md; formulas in docs/decisions/0010-three-rates.md):
 * each handling unit's monthly scorecard, the monthly ranking of every street,
 * and trends for charts. Everything is read from `ticket_rate_rollups`, which
 * triggers keep exact on every ticket change, so a call is a few small
 * aggregate queries whatever the number of tickets.
 */
import { and, asc, between, eq, inArray, lte, max, min, sql, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import { z } from "zod";
import type { Database } from "../../db/client";
import {
  categories,
  organisations,
  regions,
  scoreWeightVersions,
  ticketRateRollups,
  type OrgKind,
} from "../../db/schema";
import { ConflictError, ForbiddenError } from "../errors";
import { parseOrThrow } from "../identity/accounts";
import { actorOrgIds, can, scopesFor, type Actor } from "../identity/permissions";
import { beijingMonth } from "./calendar";

/** Units that are scored: those that handle tickets. */
export const scoredOrgKinds = [
  "street_office",
  "community_committee",
  "department",
  "property_company",
  "utility_company",
] as const satisfies readonly OrgKind[];
export type ScoredOrgKind = (typeof scoredOrgKinds)[number];

export const monthSchema = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, "月份格式应为 YYYY-MM");

/** How many of the last-ranked streets are named (排名靠后), unless the request says otherwise. */
export const DEFAULT_BOTTOM = 10;

export interface RateCounts {
  /** Tickets first dispatched in the month, excluded ones included. */
  dispatched: number;
  /** 核减: excluded by an approved appeal; they leave every denominator. */
  excluded: number;
  /** First contact by the contact deadline (not excluded). */
  responded: number;
  /** Called back, with a resolution and a satisfaction (not excluded). */
  callbacks: number;
  resolved: number;
  partly: number;
  satisfied: number;
  basic: number;
}

export type ScoreWeights = typeof scoreWeightVersions.$inferSelect;

export interface Rates {
  /** dispatched − excluded: the response rate's denominator. */
  scored: number;
  /** resolved + partly × partialCredit. */
  resolvedCredited: number;
  /** satisfied + basic × basicCredit. */
  satisfiedCredited: number;
  /** Fractions 0–1; null when the denominator is 0 (no data, never 0%). */
  response: number | null;
  resolution: number | null;
  satisfaction: number | null;
  /** Points 0–100: the weighted mean of the rates that have data. */
  composite: number | null;
  /** True when the composite stands on fewer than the three rates (no callbacks yet). */
  partial: boolean;
}

export const emptyCounts = (): RateCounts => ({
  dispatched: 0,
  excluded: 0,
  responded: 0,
  callbacks: 0,
  resolved: 0,
  partly: 0,
  satisfied: 0,
  basic: 0,
});

export function addCounts(into: RateCounts, c: RateCounts): RateCounts {
  for (const key of Object.keys(into) as (keyof RateCounts)[]) into[key] += c[key];
  return into;
}

/**
 * The rates of a set of counts under a weights version. A rate whose
 * denominator is empty is null, and the composite re-weights over the rates
 * that exist (a month with no callbacks yet scores on response alone).
 */
export function computeRates(c: RateCounts, w: ScoreWeights): Rates {
  const scored = c.dispatched - c.excluded;
  const resolvedCredited = c.resolved + c.partly * w.partialCredit;
  const satisfiedCredited = c.satisfied + c.basic * w.basicCredit;
  const response = scored > 0 ? c.responded / scored : null;
  const resolution = c.callbacks > 0 ? resolvedCredited / c.callbacks : null;
  const satisfaction = c.callbacks > 0 ? satisfiedCredited / c.callbacks : null;
  let weighted = 0;
  let weight = 0;
  for (const [rate, wt] of [
    [response, w.response],
    [resolution, w.resolution],
    [satisfaction, w.satisfaction],
  ] as const) {
    if (rate == null) continue;
    weighted += rate * wt;
    weight += wt;
  }
  return {
    scored,
    resolvedCredited,
    satisfiedCredited,
    response,
    resolution,
    satisfaction,
    composite: weight > 0 ? (weighted / weight) * 100 : null,
    partial: weight > 0 && (resolution == null || satisfaction == null || response == null),
  };
}

/** The version effective for `month`: the latest `effectiveFrom` not after it; the newest row wins a tie. */
export function weightsFor(versions: readonly ScoreWeights[], month: string): ScoreWeights {
  let best: ScoreWeights | undefined;
  for (const v of versions) {
    if (v.effectiveFrom > month) continue;
    if (!best || v.effectiveFrom > best.effectiveFrom || (v.effectiveFrom === best.effectiveFrom && v.id > best.id))
      best = v;
  }
  // Before the first version (or with none configured): the earliest one, so the page still renders.
  const fallback = [...versions].sort((a, b) => a.effectiveFrom.localeCompare(b.effectiveFrom) || a.id - b.id)[0];
  const chosen = best ?? fallback;
  if (!chosen) throw new ConflictError("尚未配置三率权重，请管理员先配置");
  return chosen;
}

/** YYYY-MM shifted by `delta` months. */
export function shiftMonth(month: string, delta: number): string {
  const [y, m] = month.split("-").map(Number) as [number, number];
  const index = y * 12 + (m - 1) + delta;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, "0")}`;
}

/** The `count` months ending with `to`, oldest first. */
export function monthsEnding(to: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => shiftMonth(to, i - count + 1));
}

const counterColumns = {
  dispatched: sql<number>`sum(${ticketRateRollups.dispatched})`.mapWith(Number),
  excluded: sql<number>`sum(${ticketRateRollups.exclusions})`.mapWith(Number),
  responded: sql<number>`sum(${ticketRateRollups.responded})`.mapWith(Number),
  callbacks: sql<number>`sum(${ticketRateRollups.callbacks})`.mapWith(Number),
  resolved: sql<number>`sum(${ticketRateRollups.resolved})`.mapWith(Number),
  partly: sql<number>`sum(${ticketRateRollups.partly})`.mapWith(Number),
  satisfied: sql<number>`sum(${ticketRateRollups.satisfied})`.mapWith(Number),
  basic: sql<number>`sum(${ticketRateRollups.basic})`.mapWith(Number),
};

function countsOf(row: Partial<Record<keyof RateCounts, number | null>>): RateCounts {
  const c = emptyCounts();
  for (const key of Object.keys(c) as (keyof RateCounts)[]) c[key] = Number(row[key] ?? 0);
  return c;
}

async function loadWeights(database: Database): Promise<ScoreWeights[]> {
  return database.db.select().from(scoreWeightVersions).orderBy(asc(scoreWeightVersions.id));
}

/** Who sees which scorecards: the centre every unit's, a unit its own (own-org). */
function scorecardScope(actor: Actor): { all: true } | { all: false; orgIds: number[] } {
  const scopes = scopesFor(actor, "read:scorecard");
  if (scopes.includes("any")) return { all: true };
  if (scopes.includes("own-org")) return { all: false, orgIds: actorOrgIds(actor) };
  throw new ForbiddenError();
}

export const scorecardsSchema = z.object({
  month: monthSchema,
  orgKind: z
    .enum(scoredOrgKinds)
    .optional()
    .or(z.literal("").transform(() => undefined)),
});

/**
 * Every unit's scorecard for a month (for a unit: its own). A ticket counts for
 * its first receiver and its final lead unit; `total` counts each ticket once
 * (city-wide for the centre).
 */
export async function monthlyScorecards(database: Database, actor: Actor, input: { month: string; orgKind?: string }) {
  const scope = scorecardScope(actor);
  const { month, orgKind } = parseOrThrow(scorecardsSchema, input);
  const keys = scope.all ? null : scope.orgIds.map(String);
  const [weightsVersions, rows, allRow] = await Promise.all([
    loadWeights(database),
    database.db
      .select({
        orgId: organisations.id,
        name: organisations.name,
        kind: organisations.kind,
        regionCode: organisations.regionCode,
        ...counterColumns,
      })
      .from(ticketRateRollups)
      .innerJoin(organisations, sql`${organisations.id} = ${ticketRateRollups.scopeKey}`)
      .where(
        and(
          eq(ticketRateRollups.month, month),
          eq(ticketRateRollups.scope, "org"),
          keys ? inArray(ticketRateRollups.scopeKey, keys.length ? keys : ["-"]) : undefined,
          orgKind ? eq(organisations.kind, orgKind) : undefined,
        ),
      )
      .groupBy(ticketRateRollups.scopeKey),
    scope.all
      ? database.db
          .select(counterColumns)
          .from(ticketRateRollups)
          .where(and(eq(ticketRateRollups.month, month), eq(ticketRateRollups.scope, "all")))
          .get()
      : Promise.resolve(undefined),
  ]);
  const weights = weightsFor(weightsVersions, month);
  const units = rows
    .map((r) => {
      const counts = countsOf(r);
      return {
        orgId: r.orgId,
        name: r.name,
        kind: r.kind,
        regionCode: r.regionCode,
        counts,
        rates: computeRates(counts, weights),
      };
    })
    .filter((u) => u.counts.dispatched > 0)
    .sort((a, b) => byScore(a, b) || a.orgId - b.orgId);
  const totalCounts = allRow ? countsOf(allRow) : units.reduce((acc, u) => addCounts(acc, u.counts), emptyCounts());
  return {
    month,
    scope: scope.all ? ("all" as const) : ("own" as const),
    weights,
    total: { counts: totalCounts, rates: computeRates(totalCounts, weights) },
    units,
  };
}

export const unitOrders = ["best", "worst", "volume"] as const;
export type UnitOrder = (typeof unitOrders)[number];

export const unitTableSchema = z.object({
  order: z.enum(unitOrders).catch("best"),
  /** Part of a unit's name. */
  query: z.string().trim().max(50).catch(""),
  page: z.coerce.number().int().min(1).catch(1),
});

/**
 * One page of the centre's unit table: each unit with its rank among all of them (best composite
 * first), narrowed to the names that contain `query`, in `order` — so the worst units, or one unit
 * among thousands of communities, are a click away rather than past the end of a long list. A page
 * past the last shows the last.
 */
export function unitTable<T extends { name: string; rates: Rates; counts: RateCounts }>(
  ranked: T[],
  input: { order?: string | null; query?: string | null; page?: string | number | null },
  size: number,
) {
  const { order, query, page } = unitTableSchema.parse(input);
  const rows = ranked.map((unit, i) => ({ ...unit, rank: i + 1 }));
  const matching = query ? rows.filter((u) => u.name.includes(query)) : rows;
  // Units with no score yet (all their tickets excluded) are nobody's worst: last either way.
  const unscored = (u: T) => Number(u.rates.composite == null);
  if (order === "worst") matching.sort((a, b) => unscored(a) - unscored(b) || b.rank - a.rank);
  else if (order === "volume") matching.sort((a, b) => b.counts.dispatched - a.counts.dispatched || a.rank - b.rank);
  const pages = Math.max(1, Math.ceil(matching.length / size));
  const shown = Math.min(page, pages);
  return {
    order,
    query,
    page: shown,
    pages,
    total: matching.length,
    rows: matching.slice((shown - 1) * size, shown * size),
  };
}

/** Higher composite first; then satisfaction, resolution, response, volume (callers add a stable key). */
function byScore<T extends { rates: Rates; counts: RateCounts }>(a: T, b: T): number {
  const v = (x: number | null) => (x == null ? -1 : x);
  return (
    v(b.rates.composite) - v(a.rates.composite) ||
    v(b.rates.satisfaction) - v(a.rates.satisfaction) ||
    v(b.rates.resolution) - v(a.rates.resolution) ||
    v(b.rates.response) - v(a.rates.response) ||
    b.rates.scored - a.rates.scored
  );
}

export const rankingSchema = z.object({
  month: monthSchema,
  bottom: z.coerce.number().int().min(0).max(100).default(DEFAULT_BOTTOM),
});

const district = alias(regions, "district");

/**
 * Every street-level region ranked by composite for a month. Streets without
 * a scored ticket are listed as no data (rank null), never as 0%. The last
 * `bottom` ranked streets are named 排名靠后. Any holder of read:scorecard sees
 * it: the ranking is named at the district review (decision 0010).
 */
export async function streetRanking(
  database: Database,
  actor: Actor,
  month: string,
  options: { bottom?: number | string } = {},
) {
  if (!can(actor, "read:scorecard")) throw new ForbiddenError();
  const { bottom } = parseOrThrow(rankingSchema, { month, bottom: options.bottom ?? undefined });
  const [weightsVersions, streets, counted] = await Promise.all([
    loadWeights(database),
    database.db
      .select({ code: regions.code, name: regions.name, districtCode: district.code, districtName: district.name })
      .from(regions)
      .leftJoin(district, eq(district.code, regions.parentCode))
      .where(eq(regions.level, "street"))
      .orderBy(asc(regions.code)),
    database.db
      .select({ code: ticketRateRollups.scopeKey, ...counterColumns })
      .from(ticketRateRollups)
      .where(and(eq(ticketRateRollups.month, month), eq(ticketRateRollups.scope, "street")))
      .groupBy(ticketRateRollups.scopeKey),
  ]);
  const weights = weightsFor(weightsVersions, month);
  const countsByCode = new Map(counted.map((r) => [r.code, countsOf(r)]));
  const all = streets.map((s) => {
    const counts = countsByCode.get(s.code) ?? emptyCounts();
    return { ...s, counts, rates: computeRates(counts, weights) };
  });
  const ranked = all
    .filter((s) => s.rates.composite != null)
    .sort((a, b) => byScore(a, b) || (a.code < b.code ? -1 : 1));
  const noData = all.filter((s) => s.rates.composite == null);
  const firstBottom = Math.max(0, ranked.length - bottom);
  const ranking = [
    ...ranked.map((s, i) => ({ ...s, rank: (i + 1) as number | null, bottom: i >= firstBottom })),
    ...noData.map((s) => ({ ...s, rank: null as number | null, bottom: false })),
  ];
  return {
    month,
    weights,
    bottomCount: Math.min(bottom, ranked.length),
    rankedCount: ranked.length,
    noDataCount: noData.length,
    streets: ranking,
  };
}

/**
 * The three rates' counters per category (a ticket's own category) for the
 * months `from`–`to`, over the streets under `areas` (code prefixes; null for
 * the city): scope `street_category` of the rollup (docs/decisions/0018), for
 * breakdowns that group categories their own way (the 七有五性 tags). With the
 * weights effective for `to`, so callers turn sums into rates with `computeRates`.
 */
export async function categoryRateCounts(
  database: Database,
  input: { from: string; to: string; areas: readonly string[] | null },
) {
  const r = ticketRateRollups;
  const where: SQL[] = [eq(r.scope, "street_category"), between(r.month, input.from, input.to)];
  if (input.areas) {
    if (input.areas.length === 0) where.push(sql`0`);
    else
      where.push(
        sql`(${sql.join(
          input.areas.map((a) => sql`${r.scopeKey} like ${`${a}%`}`),
          sql` or `,
        )})`,
      );
  }
  const [weightsVersions, rows] = await Promise.all([
    loadWeights(database),
    database.db
      .select({ categoryId: r.categoryL1Id, ...counterColumns })
      .from(r)
      .where(and(...where))
      .groupBy(r.categoryL1Id),
  ]);
  return {
    weights: weightsFor(weightsVersions, input.to),
    byCategory: new Map(rows.map((row) => [row.categoryId, countsOf(row)])),
  };
}

export const trendSchema = z
  .object({
    months: z.coerce.number().int().min(1).max(36).default(12),
    /** The last month shown; the current Beijing month by default. */
    to: monthSchema.optional(),
    orgId: z.coerce.number().int().positive().optional(),
    streetCode: z
      .string()
      .regex(/^\d{9}$/)
      .optional(),
  })
  .refine((v) => v.orgId === undefined || v.streetCode === undefined, { message: "只能选择一个单位或一个街道" });

/**
 * Rates and volumes per month for charts: city-wide (the centre), for one unit
 * (the centre, or the unit itself) or for one street (anyone who sees the
 * ranking). Volumes are tickets dispatched per level-1 category.
 */
export async function trend(
  database: Database,
  actor: Actor,
  input: { months?: number | string; to?: string; orgId?: number | string; streetCode?: string },
  now: Date = new Date(),
) {
  const f = parseOrThrow(trendSchema, input);
  if (f.orgId !== undefined) {
    if (!can(actor, "read:scorecard", { orgId: f.orgId })) throw new ForbiddenError();
  } else if (f.streetCode !== undefined) {
    if (!can(actor, "read:scorecard")) throw new ForbiddenError();
  } else if (!can(actor, "read:scorecard", {})) {
    // Holding it with no target means scope "any": city-wide figures are the centre's.
    throw new ForbiddenError();
  }
  const months = monthsEnding(f.to ?? beijingMonth(now), f.months);
  const [scope, key] =
    f.orgId !== undefined
      ? (["org", String(f.orgId)] as const)
      : f.streetCode !== undefined
        ? (["street", f.streetCode] as const)
        : (["all", ""] as const);
  const [weightsVersions, rows, level1] = await Promise.all([
    loadWeights(database),
    database.db
      .select({ month: ticketRateRollups.month, categoryId: ticketRateRollups.categoryL1Id, ...counterColumns })
      .from(ticketRateRollups)
      .where(
        and(
          eq(ticketRateRollups.scope, scope),
          eq(ticketRateRollups.scopeKey, key),
          between(ticketRateRollups.month, months[0]!, months.at(-1)!),
        ),
      )
      .groupBy(ticketRateRollups.month, ticketRateRollups.categoryL1Id),
    database.db
      .select({ id: categories.id, code: categories.code, name: categories.name })
      .from(categories)
      .where(eq(categories.level, 1))
      .orderBy(asc(categories.code)),
  ]);
  const byMonth = new Map(months.map((m) => [m, emptyCounts()]));
  const volumes = new Map<number, number[]>();
  const index = new Map(months.map((m, i) => [m, i]));
  for (const r of rows) {
    const counts = countsOf(r);
    addCounts(byMonth.get(r.month)!, counts);
    const series = volumes.get(r.categoryId) ?? months.map(() => 0);
    series[index.get(r.month)!]! += counts.dispatched;
    volumes.set(r.categoryId, series);
  }
  return {
    months,
    series: months.map((month) => {
      const counts = byMonth.get(month)!;
      return { month, counts, rates: computeRates(counts, weightsFor(weightsVersions, month)) };
    }),
    volumes: level1
      .filter((c) => volumes.has(c.id))
      .map((c) => ({ categoryId: c.id, code: c.code, name: c.name, counts: volumes.get(c.id)! })),
  };
}

/** The months that have scored tickets in the actor's scope, newest first (for the month picker). */
export async function scorecardMonths(database: Database, actor: Actor, now: Date = new Date()) {
  const scope = scorecardScope(actor);
  const where: SQL | undefined = scope.all
    ? eq(ticketRateRollups.scope, "all")
    : and(
        eq(ticketRateRollups.scope, "org"),
        inArray(ticketRateRollups.scopeKey, scope.orgIds.length ? scope.orgIds.map(String) : ["-"]),
      );
  const current = beijingMonth(now);
  const range = await database.db
    .select({ first: min(ticketRateRollups.month), last: max(ticketRateRollups.month) })
    .from(ticketRateRollups)
    .where(and(where, lte(ticketRateRollups.month, current), sql`${ticketRateRollups.dispatched} > 0`))
    .get();
  return { current, first: range?.first ?? null, last: range?.last ?? null };
}

/**
 * 超期 by unit, for supervision (督办): how many accepted or in-progress tickets
 * each lead unit holds past their deadline, with a link to that queue.
 */
export async function overdueByUnit(database: Database, actor: Actor, now: Date = new Date()) {
  if (!can(actor, "supervise:ticket", {})) throw new ForbiddenError();
  // Read from the partial index of open tickets by lead unit and deadline alone, already grouped by
  // unit (the planner, without statistics, would pick the status index and read every row).
  const rows = await database.db.all<{
    orgId: number | null;
    name: string | null;
    kind: OrgKind | null;
    overdue: number;
    oldestDeadline: number | null;
    supervised: number;
  }>(sql`
    select t.lead_org_id as orgId, o.name as name, o.kind as kind, t.overdue as overdue,
      t.oldest as oldestDeadline, t.supervised as supervised
    from (
      select lead_org_id, count(*) as overdue, min(deadline_at) as oldest, sum(supervision_count > 0) as supervised
      from tickets indexed by tickets_open_lead_deadline_idx
      where status in ('accepted', 'in_progress') and deadline_at < ${now.getTime()}
      group by lead_org_id
    ) as t
    left join organisations o on o.id = t.lead_org_id
    order by t.overdue desc, o.name`);
  return rows.map((r) => ({
    ...r,
    overdue: Number(r.overdue),
    supervised: Number(r.supervised),
    oldestDeadline: r.oldestDeadline == null ? null : new Date(Number(r.oldestDeadline)),
    href: `/tickets?${new URLSearchParams({
      queue: "overdue",
      ...(r.orgId != null ? { leadOrgId: String(r.orgId) } : {}),
      sort: "deadline_asc",
    })}`,
  }));
}
