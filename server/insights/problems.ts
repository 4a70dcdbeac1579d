/**
 * The year's monthly problems (每月一题, issue 7, docs/decisions/0021): an
 * administrator (or a street, for its own area) draws up the year's list —
 * theme, linked categories and areas, lead department, cooperating units,
 * start month and a quantified target — edits them while they run and closes
 * them when done. Each problem's page watches its calls every half month from
 * `ticket_volume_rollups` (never the raw tickets), also after it closed.
 */
import { and, asc, desc, eq, gte, inArray, like, lte, ne, or, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import type { Database, Queryable, Tx } from "../../db/client";
import {
  categories,
  hotSpotTickets,
  monthlyProblemAreas,
  monthlyProblemCategories,
  monthlyProblems,
  monthlyProblemUnits,
  organisations,
  regions,
  ticketVolumeRollups,
  whistleUnits,
} from "../../db/schema";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "../errors";
import { audit, can, parseOrThrow, permissionCondition, type Actor, type Permission } from "../identity";
import { significantPrefix } from "../regions";
import { beijingMonth, ticketBriefs } from "../tickets";
import { halfMonthOf, inAreas, inCategory, insightAreas } from "./read";
import { problemWatch, watchRange } from "./watch";

/** Half months before the start that form the baseline mean, unless the problem says otherwise (three months). */
export const DEFAULT_BASELINE_PERIODS = 6;

const ids = (message: string) =>
  z
    .array(z.coerce.number().int().positive(message))
    .transform((list) => [...new Set(list)])
    .default([]);
const optionalCount = z
  .union([
    z.literal("").transform(() => null),
    z.null(),
    z.coerce.number({ message: "请填写整数" }).int("请填写整数").min(0, "不能为负数").max(100_000, "数值过大"),
  ])
  .optional()
  .transform((v) => v ?? null);

/** The form of a year's problem (new and edit), shared with the route. */
export const problemFormSchema = z.object({
  theme: z.string().trim().min(2, "请填写主题").max(50, "主题不能超过 50 字"),
  title: z.string().trim().min(2, "请填写题目").max(100, "题目不能超过 100 字"),
  description: z.string().trim().min(2, "请描述问题和治理思路").max(4000, "不能超过 4000 字"),
  year: z.coerce.number({ message: "请选择年度" }).int("请选择年度").min(2019, "年度不正确").max(2100, "年度不正确"),
  startMonth: z.coerce
    .number({ message: "请选择起始月份" })
    .int("请选择起始月份")
    .min(1, "请选择起始月份")
    .max(12, "请选择起始月份"),
  categoryIds: ids("分类不正确").pipe(z.array(z.number()).min(1, "请至少选择一个分类").max(20, "分类至多 20 个")),
  regionCodes: z
    .array(z.string().regex(/^\d{6}(\d{3}){0,2}$/, "区域代码不正确"))
    .transform((list) => [...new Set(list)])
    .default([])
    .pipe(z.array(z.string()).min(1, "请至少选择一个区域").max(30, "区域至多 30 个")),
  leadOrgId: z.coerce.number({ message: "请选择牵头单位" }).int("请选择牵头单位").positive("请选择牵头单位"),
  orgIds: ids("配合单位不正确").pipe(z.array(z.number()).max(20, "配合单位至多 20 个")),
  targetReductionPct: z.coerce
    .number({ message: "请填写量化目标" })
    .int("量化目标须为整数")
    .min(1, "量化目标至少为 1%")
    .max(100, "量化目标不能超过 100%"),
  ceilingPerHalfMonth: optionalCount,
  baselinePeriods: z.coerce
    .number({ message: "请填写基线长度" })
    .int("基线长度须为整数")
    .min(2, "基线至少 2 个半月")
    .max(24, "基线至多 24 个半月")
    .default(DEFAULT_BASELINE_PERIODS),
});
export type ProblemForm = z.output<typeof problemFormSchema>;

/**
 * The narrowest region holding every area: the problem's home, on which area
 * rights (and its plan's chair) are asked. Two streets of a district → the
 * district; two districts → the city.
 */
export function homeRegion(codes: readonly string[]): string {
  const prefixes = codes.map(significantPrefix);
  let common = prefixes[0] ?? "";
  for (const p of prefixes) while (!p.startsWith(common)) common = common.slice(0, -1);
  if (common.length >= 12) return common.slice(0, 12);
  if (common.length >= 9) return common.slice(0, 9);
  if (common.length >= 6) return common.slice(0, 6);
  return `${(prefixes[0] ?? "11").slice(0, 2)}0000`;
}

/** May the actor draw up or change a problem over these areas? Every area must be theirs. */
export function mayManage(actor: Actor | null, areas: readonly string[]): boolean {
  return areas.length > 0 && areas.every((regionCode) => can(actor, "manage:monthly_problem", { regionCode }));
}

/** `problem` has an area inside one of the actor's areas or holding one (a district's problem concerns its streets). */
function overlapsAreas(problemId: SQL | typeof monthlyProblems.id, areas: readonly string[]): SQL {
  if (areas.length === 0) return sql`0`;
  const a = monthlyProblemAreas;
  const matches = or(...areas.map((p) => sql`(${a.regionCode} like ${`${p}%`} or ${p} like ${a.regionCode} || '%')`));
  return sql`exists (select 1 from ${a} where ${a.problemId} = ${problemId} and (${matches}))`;
}

/** The links of problems: their categories, areas and cooperating units, by problem id. */
async function linksOf(db: Queryable, problemIds: readonly number[]) {
  if (problemIds.length === 0) return new Map<number, Links>();
  const [cats, areas, units] = await Promise.all([
    db
      .select({
        problemId: monthlyProblemCategories.problemId,
        id: categories.id,
        code: categories.code,
        name: categories.name,
      })
      .from(monthlyProblemCategories)
      .innerJoin(categories, eq(categories.id, monthlyProblemCategories.categoryId))
      .where(inArray(monthlyProblemCategories.problemId, [...problemIds]))
      .orderBy(asc(categories.code)),
    db
      .select({ problemId: monthlyProblemAreas.problemId, code: monthlyProblemAreas.regionCode, name: regions.name })
      .from(monthlyProblemAreas)
      .leftJoin(regions, eq(regions.code, monthlyProblemAreas.regionCode))
      .where(inArray(monthlyProblemAreas.problemId, [...problemIds]))
      .orderBy(asc(monthlyProblemAreas.regionCode)),
    db
      .select({ problemId: monthlyProblemUnits.problemId, id: organisations.id, name: organisations.name })
      .from(monthlyProblemUnits)
      .innerJoin(organisations, eq(organisations.id, monthlyProblemUnits.orgId))
      .where(inArray(monthlyProblemUnits.problemId, [...problemIds]))
      .orderBy(asc(organisations.id)),
  ]);
  const out = new Map<number, Links>(problemIds.map((id) => [id, { categories: [], areas: [], units: [] }]));
  for (const { problemId, ...c } of cats) out.get(problemId)!.categories.push(c);
  for (const { problemId, code, name } of areas) out.get(problemId)!.areas.push({ code, name: name ?? code });
  for (const { problemId, ...u } of units) out.get(problemId)!.units.push(u);
  return out;
}
interface Links {
  categories: { id: number; code: string; name: string }[];
  areas: { code: string; name: string }[];
  units: { id: number; name: string }[];
}

/** Writes a problem's links (after deleting the old ones, on an edit). */
export async function writeLinks(
  tx: Tx,
  problemId: number,
  links: { categoryIds: readonly number[]; regionCodes: readonly string[]; orgIds: readonly number[] },
) {
  await tx.delete(monthlyProblemCategories).where(eq(monthlyProblemCategories.problemId, problemId));
  await tx.delete(monthlyProblemAreas).where(eq(monthlyProblemAreas.problemId, problemId));
  await tx.delete(monthlyProblemUnits).where(eq(monthlyProblemUnits.problemId, problemId));
  if (links.categoryIds.length)
    await tx
      .insert(monthlyProblemCategories)
      .values(links.categoryIds.map((categoryId) => ({ problemId, categoryId })));
  if (links.regionCodes.length)
    await tx.insert(monthlyProblemAreas).values(links.regionCodes.map((regionCode) => ({ problemId, regionCode })));
  if (links.orgIds.length)
    await tx.insert(monthlyProblemUnits).values(links.orgIds.map((orgId) => ({ problemId, orgId })));
}

/** Checks that every linked category, area and unit exists; field errors name the ones that do not. */
async function checkReferences(tx: Tx, data: ProblemForm) {
  const errors: Record<string, string[]> = {};
  const foundCats = await tx
    .select({ id: categories.id })
    .from(categories)
    .where(inArray(categories.id, data.categoryIds));
  if (foundCats.length !== data.categoryIds.length) errors.categoryIds = ["所选分类不存在"];
  const foundAreas = await tx
    .select({ code: regions.code })
    .from(regions)
    .where(and(inArray(regions.code, data.regionCodes), inArray(regions.level, ["district", "street", "community"])));
  if (foundAreas.length !== data.regionCodes.length) errors.regionCodes = ["所选区域不存在"];
  const orgIds = [data.leadOrgId, ...data.orgIds];
  const foundOrgs = await tx
    .select({ id: organisations.id })
    .from(organisations)
    .where(inArray(organisations.id, orgIds));
  const found = new Set(foundOrgs.map((o) => o.id));
  if (!found.has(data.leadOrgId)) errors.leadOrgId = ["牵头单位不存在"];
  if (data.orgIds.some((id) => !found.has(id))) errors.orgIds = ["配合单位不存在"];
  if (Object.keys(errors).length) throw new ValidationError("请检查填写的内容", errors);
}

/** Parses the form and checks that the actor may manage every area it names (a field error, not a 403: it is a choice on the form). */
function parseProblemForm(actor: Actor, input: unknown) {
  const data = parseOrThrow(problemFormSchema, input);
  if (!mayManage(actor, data.regionCodes))
    throw new ValidationError("请检查填写的内容", { regionCodes: ["所选区域超出您的管辖范围"] });
  return {
    data,
    row: {
      month: `${data.year}-${String(data.startMonth).padStart(2, "0")}`,
      theme: data.theme,
      title: data.title,
      description: data.description,
      regionCode: homeRegion(data.regionCodes),
      leadOrgId: data.leadOrgId,
      targetReductionPct: data.targetReductionPct,
      ceilingPerHalfMonth: data.ceilingPerHalfMonth,
      baselinePeriods: data.baselinePeriods,
    },
    // The lead is a party already; naming it again as cooperating would seat it twice.
    links: { ...data, orgIds: data.orgIds.filter((id) => id !== data.leadOrgId) },
  };
}

/** Draws up one of the year's problems; returns its id. Its plan is made by the caller (plans own their transaction). */
export async function createYearlyProblem(database: Database, actor: Actor, input: unknown, now = new Date()) {
  if (!can(actor, "manage:monthly_problem")) throw new ForbiddenError();
  const { data, row, links } = parseProblemForm(actor, input);
  return database.write(async (tx) => {
    await checkReferences(tx, data);
    const created = await tx
      .insert(monthlyProblems)
      .values({ ...row, status: "active", createdBy: actor.userId, createdAt: now })
      .returning({ id: monthlyProblems.id })
      .get();
    await writeLinks(tx, created.id, links);
    await audit(tx, {
      actorUserId: actor.userId,
      action: "monthly_problem.created",
      entity: "monthly_problem",
      entityId: created.id,
      detail: { ...row, categoryIds: links.categoryIds, regionCodes: links.regionCodes, orgIds: links.orgIds },
    });
    return created.id;
  });
}

/** The problem's areas, for rights on it. */
async function areasOf(db: Queryable, problemId: number) {
  const rows = await db
    .select({ code: monthlyProblemAreas.regionCode })
    .from(monthlyProblemAreas)
    .where(eq(monthlyProblemAreas.problemId, problemId));
  return rows.map((r) => r.code);
}

/** A problem the actor may read and manage (its present areas are all theirs), else 404 / 403. */
async function manageableProblem(database: Database, actor: Actor, id: number) {
  if (!can(actor, "manage:monthly_problem")) throw new ForbiddenError();
  const problem = await readableProblem(database, actor, id);
  if (!mayManage(actor, await areasOf(database.db, id))) throw new ForbiddenError();
  return problem;
}

/** Changes a running problem (a closed one is history: 409). */
export async function updateYearlyProblem(database: Database, actor: Actor, id: number, input: unknown) {
  const problem = await manageableProblem(database, actor, id);
  // Refused before the form is read: no field error is worth fixing on a problem that cannot change.
  if (problem.status !== "active") throw new ConflictError("该题已结束，不能修改");
  const { data, row, links } = parseProblemForm(actor, input);
  return database.write(async (tx) => {
    await checkReferences(tx, data);
    const changed = await tx
      .update(monthlyProblems)
      .set(row)
      .where(and(eq(monthlyProblems.id, id), eq(monthlyProblems.status, "active")))
      .returning({ id: monthlyProblems.id });
    if (changed.length === 0) throw new ConflictError("该题已结束，不能修改");
    await writeLinks(tx, id, links);
    await audit(tx, {
      actorUserId: actor.userId,
      action: "monthly_problem.updated",
      entity: "monthly_problem",
      entityId: id,
      detail: { ...row, categoryIds: links.categoryIds, regionCodes: links.regionCodes, orgIds: links.orgIds },
    });
  });
}

/** Closes a problem: the work is over, the watch goes on (its chart keeps extending to now). */
export async function closeYearlyProblem(database: Database, actor: Actor, id: number, now = new Date()) {
  await manageableProblem(database, actor, id);
  return database.write(async (tx) => {
    const changed = await tx
      .update(monthlyProblems)
      .set({ status: "closed", closedAt: now })
      .where(and(eq(monthlyProblems.id, id), eq(monthlyProblems.status, "active")))
      .returning({ id: monthlyProblems.id });
    if (changed.length === 0) throw new ConflictError("该题已结束");
    await audit(tx, {
      actorUserId: actor.userId,
      action: "monthly_problem.closed",
      entity: "monthly_problem",
      entityId: id,
      detail: {},
    });
  });
}

/** The plan owner's target (`monthlyProblemOwner`) as a filter on `monthly_problems`. */
export function problemsWhere(actor: Actor | null, permission: Permission) {
  const p = monthlyProblems;
  return permissionCondition(actor, permission, {
    regionCode: p.regionCode,
    hasOrg: (orgId) =>
      or(
        eq(p.leadOrgId, orgId),
        sql`exists (select 1 from ${monthlyProblemUnits} where ${monthlyProblemUnits.problemId} = ${p.id} and ${monthlyProblemUnits.orgId} = ${orgId})`,
        sql`exists (select 1 from ${whistleUnits} where ${whistleUnits.whistleId} = ${p.whistleId} and ${whistleUnits.orgId} = ${orgId})`,
      )!,
  });
}

/**
 * A monthly problem as the owner of its plan (docs/decisions/0015): its area,
 * its title, and its parties — the lead unit, then its cooperating units and
 * the units summoned by its whistle as cooperating — or null when there is no such problem.
 */
export async function monthlyProblemOwner(db: Queryable, id: number) {
  const problem = await db.select().from(monthlyProblems).where(eq(monthlyProblems.id, id)).get();
  if (!problem) return null;
  const [units, summoned] = await Promise.all([
    db
      .select({ orgId: monthlyProblemUnits.orgId })
      .from(monthlyProblemUnits)
      .where(eq(monthlyProblemUnits.problemId, id))
      .orderBy(asc(monthlyProblemUnits.orgId)),
    problem.whistleId
      ? db.select({ orgId: whistleUnits.orgId }).from(whistleUnits).where(eq(whistleUnits.whistleId, problem.whistleId))
      : Promise.resolve([]),
  ]);
  const cooperating = [...new Set([...units, ...summoned].map((u) => u.orgId))].filter(
    (orgId) => orgId !== problem.leadOrgId,
  );
  const parties = [
    ...(problem.leadOrgId == null ? [] : [{ orgId: problem.leadOrgId, role: "lead" as const }]),
    ...cooperating.map((orgId) => ({ orgId, role: "cooperating" as const })),
  ];
  return { title: problem.title, regionCode: problem.regionCode, parties };
}

/** Which years have problems the actor may read (newest first), always with the current one. */
async function problemYears(database: Database, areas: string[] | null, current: number) {
  const rows = await database.db
    .selectDistinct({ year: sql<string>`substr(${monthlyProblems.month}, 1, 4)` })
    .from(monthlyProblems)
    .where(areas ? overlapsAreas(monthlyProblems.id, areas) : undefined);
  return [...new Set([current, ...rows.map((r) => Number(r.year))])].sort((a, b) => b - a);
}

/**
 * The monthly problems the actor may read — those with an area in or around
 * theirs — of one year (by start month) or all, newest first, with their links.
 */
export async function listMonthlyProblems(
  database: Database,
  actor: Actor,
  options: { year?: number; now?: Date } = {},
) {
  const areas = insightAreas(actor);
  const where: SQL[] = [];
  if (areas) where.push(overlapsAreas(monthlyProblems.id, areas));
  if (options.year) where.push(like(monthlyProblems.month, `${options.year}-%`));
  const rows = await database.db
    .select({
      id: monthlyProblems.id,
      month: monthlyProblems.month,
      theme: monthlyProblems.theme,
      title: monthlyProblems.title,
      regionCode: monthlyProblems.regionCode,
      status: monthlyProblems.status,
      targetReductionPct: monthlyProblems.targetReductionPct,
      ceilingPerHalfMonth: monthlyProblems.ceilingPerHalfMonth,
      sourceHotSpotId: monthlyProblems.sourceHotSpotId,
      leadOrgId: monthlyProblems.leadOrgId,
      leadName: organisations.name,
      whistleId: monthlyProblems.whistleId,
      councilId: monthlyProblems.councilId,
      createdAt: monthlyProblems.createdAt,
    })
    .from(monthlyProblems)
    .leftJoin(organisations, eq(organisations.id, monthlyProblems.leadOrgId))
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(monthlyProblems.month), desc(monthlyProblems.id));
  const links = await linksOf(
    database.db,
    rows.map((r) => r.id),
  );
  return rows.map((r) => ({ ...r, ...links.get(r.id)! }));
}

/** The year's list page: the problems of the year, the years to switch to, and whether the actor may add one. */
export async function yearlyProblems(database: Database, actor: Actor, year: number | null, now = new Date()) {
  const areas = insightAreas(actor);
  const current = Number(beijingMonth(now).slice(0, 4));
  const years = await problemYears(database, areas, current);
  // This year's list unless another is asked for (a list drawn up ahead for next year is one click away).
  const shown = year ?? current;
  return {
    year: shown,
    years: years.includes(shown) ? years : [...years, shown].sort((a, b) => b - a),
    problems: await listMonthlyProblems(database, actor, { year: shown }),
    mayCreate: can(actor, "manage:monthly_problem"),
  };
}

/** Problem `id`, if it lies in the actor's insight areas (throws Forbidden for an actor with none). */
function readableWhere(actor: Actor, id: number) {
  const areas = insightAreas(actor);
  return and(eq(monthlyProblems.id, id), areas ? overlapsAreas(monthlyProblems.id, areas) : undefined);
}

/** Loads a problem the actor may read, or 404 (one outside their areas does not exist for them). */
export async function readableProblem(database: Database, actor: Actor, id: number) {
  const row = await database.db.select().from(monthlyProblems).where(readableWhere(actor, id)).get();
  if (!row) throw new NotFoundError("每月一题不存在");
  return row;
}

/** Whether the problem's page would open for the actor: pages link to it only then. */
export async function mayReadProblem(db: Queryable, actor: Actor | null, id: number): Promise<boolean> {
  if (!actor || !can(actor, "read:insight")) return false;
  return !!(await db.select({ id: monthlyProblems.id }).from(monthlyProblems).where(readableWhere(actor, id)).get());
}

/** Calls per half month over the problem's categories (with their subtrees) and areas, from the rollups. */
export async function problemVolume(
  db: Queryable,
  links: { categoryCodes: readonly string[]; regionCodes: readonly string[] },
  from: string,
  to: string,
) {
  const r = ticketVolumeRollups;
  const rows = await db
    .select({ period: r.period, n: sql<number>`sum(${r.n})` })
    .from(r)
    .where(
      and(
        gte(r.period, from),
        lte(r.period, to),
        inCategory(r.categoryId, links.categoryCodes),
        inAreas(r.place, links.regionCodes.map(significantPrefix)),
      ),
    )
    .groupBy(r.period);
  return new Map(rows.map((row) => [row.period, Number(row.n)]));
}

/**
 * A problem with its links, its watch (every half month from its baseline
 * up to now — closed or past-year problems included), its source hot spot's
 * tickets, and what the actor may do with it.
 */
export async function getMonthlyProblem(database: Database, actor: Actor, id: number, now = new Date()) {
  const problem = await readableProblem(database, actor, id);
  const links = (await linksOf(database.db, [id])).get(id)!;
  const lead = problem.leadOrgId
    ? await database.db
        .select({ name: organisations.name })
        .from(organisations)
        .where(eq(organisations.id, problem.leadOrgId))
        .get()
    : undefined;
  const current = halfMonthOf(now);
  const range = watchRange(problem.month, problem.baselinePeriods, current);
  const counts = await problemVolume(
    database.db,
    { categoryCodes: links.categories.map((c) => c.code), regionCodes: links.areas.map((a) => a.code) },
    range.from,
    range.to,
  );
  const watch = problemWatch({
    month: problem.month,
    current,
    baselinePeriods: problem.baselinePeriods,
    targetReductionPct: problem.targetReductionPct,
    ceilingPerHalfMonth: problem.ceilingPerHalfMonth,
    counts,
  });
  const ticketIds = problem.sourceHotSpotId
    ? (
        await database.db
          .select({ id: hotSpotTickets.ticketId })
          .from(hotSpotTickets)
          .where(eq(hotSpotTickets.hotSpotId, problem.sourceHotSpotId))
      ).map((r) => r.id)
    : [];
  const areaCodes = links.areas.map((a) => a.code);
  return {
    problem: { ...problem, leadName: lead?.name ?? null },
    ...links,
    watch,
    tickets: await ticketBriefs(database.db, actor, ticketIds),
    mayAct: can(actor, "review:insight", { regionCode: problem.regionCode }),
    mayManage: mayManage(actor, areaCodes),
    /** Past its year: still watched, no longer this year's work. */
    pastYear: problem.month.slice(0, 4) < beijingMonth(now).slice(0, 4),
    current: beijingMonth(now),
  };
}

/** The areas under the actor's management rights: the form's choices. */
export function manageableAreas<R extends { code: string }>(actor: Actor, all: readonly R[]): R[] {
  return all.filter((r) => can(actor, "manage:monthly_problem", { regionCode: r.code }));
}

/** The units that may lead or cooperate on a problem: every organisation but the hotline centre (which dispatches, not governs). */
export function problemUnits(database: Database) {
  return database.db
    .select({ id: organisations.id, name: organisations.name, kind: organisations.kind })
    .from(organisations)
    .where(ne(organisations.kind, "hotline_centre"))
    .orderBy(asc(organisations.kind), asc(organisations.name));
}
