/**
 * Rules as data (DESIGN.md, Time limits are data): the administrator's
 * services for the category tree and its dispatch catalogue, versioned time
 * limits, the working-day calendar and versioned score weights. Each write:
 * permission first (manage:taxonomy), then zod, then one transaction with its
 * audit row inside. Nothing here rewrites a ticket: deadlines are stored on
 * tickets and each ticket keeps the time-limit row it was given.
 */
import { and, asc, desc, eq, isNull, like, or, sql } from "drizzle-orm";
import { z } from "zod";
import type { Database, Tx } from "../../db/client";
import {
  calendarDays,
  categories,
  categoryTagCodes,
  categoryTags,
  type CategoryTag,
  handlerKinds,
  limitClasses,
  requestTypes,
  scoreWeightVersions,
  timeLimits,
  timeLimitVersions,
  urgencies,
} from "../../db/schema";
import { handlerFunctions } from "../../db/seed/taxonomy";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "../errors";
import { parseOrThrow } from "../identity/accounts";
import { audit, type AuditAction, type AuditEntity } from "../identity/audit";
import { can, type Actor } from "../identity/permissions";
import { beijingMonth } from "./calendar";
import { pickTimeLimit, type TimeLimitRule } from "./rules";
import { effectiveTags } from "./tags";
import { monthSchema } from "./scorecards";

interface Meta {
  ip: string;
}

/** The category tree has three levels; a ticket is classified at a level-3 leaf. */
export const LEAF_LEVEL = 3;

/** The rules-as-data pages are the administrator's: the ticket rules here, the whistle report windows too. */
export function requireRulesAdmin(actor: Actor) {
  // With an empty target: held in scope "any" (the administrator).
  if (!can(actor, "manage:taxonomy", {})) throw new ForbiddenError();
}

/**
 * A new version of a rule kept as versioned rows (whistle report windows,
 * hot-spot rules): the administrator's, validated, stored with its audit row.
 * A change is always a new row; the newest applies from now on.
 */
export async function addRuleVersion<S extends z.ZodType<Record<string, unknown>>>(
  database: Database,
  actor: Actor,
  schema: S,
  input: unknown,
  meta: Meta,
  version: { action: AuditAction; entity: AuditEntity; insert: (tx: Tx, data: z.output<S>) => Promise<number> },
): Promise<number> {
  requireRulesAdmin(actor);
  const data = parseOrThrow(schema, input);
  return database.write(async (tx) => {
    const id = await version.insert(tx, data);
    await audit(tx, {
      actorUserId: actor.userId,
      action: version.action,
      entity: version.entity,
      entityId: id,
      detail: data,
      ip: meta.ip,
    });
    return id;
  });
}

const blankToUndefined = z.literal("").transform(() => undefined);
const blankToNull = z.literal("").transform(() => null);
const name = z.string().trim().min(1, "请填写名称").max(40, "名称不能超过 40 字");

// ——— the category tree ———————————————————————————————————————————————

/** The tree with each category's own tags and the tags it carries (its own, else inherited: tags.ts). */
export async function listCategoryTree(database: Database, actor: Actor) {
  requireRulesAdmin(actor);
  const [rows, tagRows] = await Promise.all([
    database.db.select().from(categories).orderBy(asc(categories.code)),
    database.db.select().from(categoryTags),
  ]);
  const own = new Map<number, CategoryTag[]>();
  for (const t of tagRows) own.set(t.categoryId, [...(own.get(t.categoryId) ?? []), t.tag]);
  const carried = effectiveTags(rows, own);
  return rows.map((r) => ({ ...r, ownTags: own.get(r.id) ?? [], tags: carried.get(r.id) ?? [] }));
}

export const categoryTagsSchema = z.object({
  tags: z
    .array(z.enum(categoryTagCodes, { message: "请选择七有或五性中的一项" }))
    .default([])
    .transform((t) => [...new Set(t)]),
});

/**
 * Sets a category's own 七有五性 tags (none: it carries its parent's again).
 * Tags are read when a breakdown is drawn, so a change applies to past tickets too.
 */
export async function setCategoryTags(database: Database, actor: Actor, id: number, input: unknown, meta: Meta) {
  requireRulesAdmin(actor);
  const { tags } = parseOrThrow(categoryTagsSchema, input);
  return database.write(async (tx) => {
    const row = await loadCategory(tx, id);
    const before = (await tx.select().from(categoryTags).where(eq(categoryTags.categoryId, id))).map((t) => t.tag);
    await tx.delete(categoryTags).where(eq(categoryTags.categoryId, id));
    if (tags.length) await tx.insert(categoryTags).values(tags.map((tag) => ({ categoryId: id, tag })));
    await audit(tx, {
      actorUserId: actor.userId,
      action: "category.tags_changed",
      entity: "category",
      entityId: id,
      detail: { code: row.code, from: before, to: tags },
      ip: meta.ip,
    });
  });
}

const handlerFields = {
  handlerKind: z.enum(handlerKinds, { message: "请选择承办单位类型" }),
  handlerFunction: z.enum(handlerFunctions, { message: "请选择职能" }).optional().or(blankToUndefined),
  limitClass: z.enum(limitClasses, { message: "请选择时限类别" }),
};

export const leafHandlerSchema = z.object(handlerFields).superRefine((v, ctx) => {
  // The street handles by place (属地); departments and utilities by function, which dispatch matches.
  if (v.handlerKind !== "street" && !v.handlerFunction)
    ctx.addIssue({ code: "custom", path: ["handlerFunction"], message: "职能部门和公共服务企业承办的分类须选择职能" });
});

export const addCategorySchema = z.object({
  parentId: z.coerce.number().int().positive().optional().or(blankToUndefined),
  name,
  handlerKind: handlerFields.handlerKind.optional().or(blankToUndefined),
  handlerFunction: handlerFields.handlerFunction,
  limitClass: handlerFields.limitClass.optional().or(blankToUndefined),
});

function handlerValues(v: z.output<typeof leafHandlerSchema>) {
  return {
    handlerKind: v.handlerKind,
    handlerFunction: v.handlerKind === "street" ? null : (v.handlerFunction ?? null),
    limitClass: v.limitClass,
  };
}

async function loadCategory(tx: Tx, id: number) {
  const row = await tx.select().from(categories).where(eq(categories.id, id)).get();
  if (!row) throw new NotFoundError("分类不存在");
  return row;
}

async function refuseSiblingName(tx: Tx, parentId: number | null, newName: string, exceptId?: number) {
  const clash = await tx
    .select({ id: categories.id })
    .from(categories)
    .where(
      and(
        parentId == null ? isNull(categories.parentId) : eq(categories.parentId, parentId),
        eq(categories.name, newName),
      ),
    )
    .get();
  if (clash && clash.id !== exceptId) throw new ConflictError(`同一上级下已有名为「${newName}」的分类`);
}

/**
 * Adds a category under `parentId` (or at the top). Its code extends the
 * parent's with the next free position, so existing codes never change and
 * imports that map by code keep working.
 */
export async function addCategory(database: Database, actor: Actor, input: unknown, meta: Meta) {
  requireRulesAdmin(actor);
  const data = parseOrThrow(addCategorySchema, input);
  return database.write(async (tx) => {
    const parent = data.parentId ? await loadCategory(tx, data.parentId) : null;
    const level = parent ? parent.level + 1 : 1;
    if (level > LEAF_LEVEL) throw new ConflictError("分类最多三级，不能在末级分类下添加");
    if (parent && !parent.active) throw new ConflictError("上级分类已停用");
    let handler: ReturnType<typeof handlerValues> | null = null;
    if (level === LEAF_LEVEL) handler = handlerValues(parseOrThrow(leafHandlerSchema, data));
    await refuseSiblingName(tx, parent?.id ?? null, data.name);
    const siblings = await tx
      .select({ code: categories.code })
      .from(categories)
      .where(parent ? eq(categories.parentId, parent.id) : isNull(categories.parentId));
    const last = Math.max(0, ...siblings.map((s) => Number(s.code.split(".").at(-1))));
    const position = String(last + 1).padStart(2, "0");
    const code = parent ? `${parent.code}.${position}` : position;
    const [row] = await tx
      .insert(categories)
      .values({
        parentId: parent?.id ?? null,
        level,
        code,
        name: data.name,
        handlerKind: handler?.handlerKind ?? null,
        handlerFunction: handler?.handlerFunction ?? null,
        limitClass: handler?.limitClass ?? null,
      })
      .returning({ id: categories.id });
    await audit(tx, {
      actorUserId: actor.userId,
      action: "category.created",
      entity: "category",
      entityId: row!.id,
      detail: { code, name: data.name, level, ...(handler ?? {}) },
      ip: meta.ip,
    });
    return { id: row!.id, code };
  });
}

export async function renameCategory(database: Database, actor: Actor, id: number, input: unknown, meta: Meta) {
  requireRulesAdmin(actor);
  const data = parseOrThrow(z.object({ name }), input);
  return database.write(async (tx) => {
    const row = await loadCategory(tx, id);
    if (row.name === data.name) return;
    await refuseSiblingName(tx, row.parentId, data.name, row.id);
    await tx.update(categories).set({ name: data.name }).where(eq(categories.id, id));
    await audit(tx, {
      actorUserId: actor.userId,
      action: "category.renamed",
      entity: "category",
      entityId: id,
      detail: { code: row.code, from: row.name, to: data.name },
      ip: meta.ip,
    });
  });
}

export const categoryActiveSchema = z.object({
  active: z
    .enum(["true", "false"])
    .or(z.boolean())
    .transform((v) => v === true || v === "true"),
});

/**
 * Deactivating a category deactivates everything under it (no new ticket can
 * be classified there; existing tickets keep it). Reactivating restores only
 * that category, and only under an active parent.
 */
export async function setCategoryActive(database: Database, actor: Actor, id: number, input: unknown, meta: Meta) {
  requireRulesAdmin(actor);
  const { active } = parseOrThrow(categoryActiveSchema, input);
  return database.write(async (tx) => {
    const row = await loadCategory(tx, id);
    let affected = 1;
    if (active) {
      if (row.parentId != null && !(await loadCategory(tx, row.parentId)).active)
        throw new ConflictError("请先启用上级分类");
      await tx.update(categories).set({ active: true }).where(eq(categories.id, id));
    } else {
      const changed = await tx
        .update(categories)
        .set({ active: false })
        .where(and(or(eq(categories.id, id), like(categories.code, `${row.code}.%`)), eq(categories.active, true)))
        .returning({ id: categories.id });
      affected = changed.length;
    }
    await audit(tx, {
      actorUserId: actor.userId,
      action: active ? "category.reactivated" : "category.deactivated",
      entity: "category",
      entityId: id,
      detail: { code: row.code, name: row.name, affected },
      ip: meta.ip,
    });
    return { affected };
  });
}

/** A leaf's dispatch catalogue entry (派单目录) and time-limit class. New tickets use it; old ones keep theirs. */
export async function setLeafHandler(database: Database, actor: Actor, id: number, input: unknown, meta: Meta) {
  requireRulesAdmin(actor);
  const data = handlerValues(parseOrThrow(leafHandlerSchema, input));
  return database.write(async (tx) => {
    const row = await loadCategory(tx, id);
    if (row.level !== LEAF_LEVEL) throw new ConflictError("只有末级分类可以设置承办单位和时限类别");
    await tx.update(categories).set(data).where(eq(categories.id, id));
    await audit(tx, {
      actorUserId: actor.userId,
      action: "category.handler_changed",
      entity: "category",
      entityId: id,
      detail: {
        code: row.code,
        from: { handlerKind: row.handlerKind, handlerFunction: row.handlerFunction, limitClass: row.limitClass },
        to: data,
      },
      ip: meta.ip,
    });
  });
}

// ——— time limits ————————————————————————————————————————————————————

/** Every version, newest first, with its rules; the first is the one new tickets get. */
export async function listTimeLimitVersions(database: Database, actor: Actor) {
  requireRulesAdmin(actor);
  const [versions, rows] = await Promise.all([
    database.db.select().from(timeLimitVersions).orderBy(desc(timeLimitVersions.id)),
    database.db.select().from(timeLimits).orderBy(asc(timeLimits.id)),
  ]);
  return versions.map((v) => ({ ...v, rules: rows.filter((r) => r.versionId === v.id) }));
}

const nullableEnum = <T extends readonly [string, ...string[]]>(values: T) =>
  z
    .enum(values)
    .nullable()
    .optional()
    .or(blankToNull)
    .transform((v) => v ?? null);
const whole = (min: number, max: number, what: string) =>
  z.coerce
    .number({ message: `请填写${what}` })
    .int(`${what}须为整数`)
    .min(min, `${what}至少为 ${min}`)
    .max(max, `${what}不能超过 ${max}`);

/** Chinese names of the rule keys, for the coverage message. */
const keyLabels: Record<string, string> = {
  normal: "一般",
  urgent: "紧急",
  emergency: "特急",
  inquiry: "咨询",
  help: "求助",
  complaint: "投诉",
  report: "举报",
  suggestion: "建议",
  utility: "水电气热",
  general: "一般事项",
  complex: "疑难复杂",
};

export const timeLimitRowSchema = z
  .object({
    urgency: nullableEnum(urgencies),
    requestType: nullableEnum(requestTypes),
    limitClass: nullableEnum(limitClasses),
    amount: whole(1, 999, "时限"),
    unit: z.enum(["hours", "working_days"], { message: "请选择时限单位" }),
    contactWithinHours: whole(1, 720, "先行联系时限"),
  })
  .refine((r) => r.unit !== "hours" || r.contactWithinHours <= r.amount, {
    message: "先行联系时限不能超过办理时限",
    path: ["contactWithinHours"],
  });

export const timeLimitVersionSchema = z.object({
  note: z.string().trim().min(2, "请说明本次调整的依据").max(500, "说明不能超过 500 字"),
  extensionCapWorkingDays: whole(1, 60, "延期上限"),
  rows: z.array(timeLimitRowSchema).min(1, "至少需要一条时限规则").max(200),
});

/** Field errors keyed `rows.<i>.<field>`, so a form can show them next to the cell. */
const parseVersion = (input: unknown) => parseOrThrow(timeLimitVersionSchema, input, (path) => path.join(".") || "_");

/**
 * A new time-limit version: applies to tickets taken in from now on; tickets
 * already taken keep their rule and their stored deadlines. Every urgency ×
 * type × class must find a rule, or intake would refuse tickets.
 */
export async function createTimeLimitVersion(
  database: Database,
  actor: Actor,
  input: unknown,
  meta: Meta,
  now: Date = new Date(),
) {
  requireRulesAdmin(actor);
  const data = parseVersion(input);
  const keys = new Set<string>();
  for (const [i, r] of data.rows.entries()) {
    const key = `${r.urgency}|${r.requestType}|${r.limitClass}`;
    if (keys.has(key)) throw new ValidationError("有重复的规则", { [`rows.${i}.amount`]: ["与前面的规则条件重复"] });
    keys.add(key);
  }
  const asRules = data.rows.map((r, i): TimeLimitRule => ({ ...r, id: i, versionId: 0 }));
  for (const urgency of urgencies)
    for (const type of requestTypes)
      for (const limitClass of limitClasses)
        if (!pickTimeLimit(asRules, { urgency, type, limitClass }))
          throw new ValidationError(
            `缺少适用于「${keyLabels[urgency]} · ${keyLabels[type]} · ${keyLabels[limitClass]}」的规则`,
          );
  return database.write(async (tx) => {
    const [version] = await tx
      .insert(timeLimitVersions)
      .values({
        note: data.note,
        extensionCapWorkingDays: data.extensionCapWorkingDays,
        createdBy: actor.userId,
        createdAt: now,
      })
      .returning({ id: timeLimitVersions.id });
    await tx.insert(timeLimits).values(data.rows.map((r) => ({ ...r, versionId: version!.id })));
    await audit(tx, {
      actorUserId: actor.userId,
      action: "time_limits.version_created",
      entity: "time_limit_version",
      entityId: version!.id,
      detail: { note: data.note, extensionCapWorkingDays: data.extensionCapWorkingDays, rows: data.rows },
      ip: meta.ip,
    });
    return version!.id;
  });
}

// ——— the working-day calendar ————————————————————————————————————————

export async function calendarYear(database: Database, actor: Actor, year: number) {
  requireRulesAdmin(actor);
  if (!Number.isInteger(year) || year < 1990 || year > 2100) throw new ValidationError("年份不正确");
  const [rows, years] = await Promise.all([
    database.db
      .select()
      .from(calendarDays)
      .where(like(calendarDays.date, `${year}-%`))
      .orderBy(asc(calendarDays.date)),
    database.db
      .selectDistinct({ year: sql<string>`substr(${calendarDays.date}, 1, 4)` })
      .from(calendarDays)
      .orderBy(sql`1`),
  ]);
  return { year, days: rows, years: years.map((y) => Number(y.year)) };
}

const isWeekend = (date: string) => [0, 6].includes(new Date(`${date}T00:00:00Z`).getUTCDay());

export const calendarDaySchema = z
  .object({
    date: z.iso.date("请填写日期（YYYY-MM-DD）"),
    kind: z.enum(["holiday", "workday"], { message: "请选择放假或调休上班" }),
    name: z.string().trim().min(1, "请填写名称").max(40, "名称不能超过 40 字"),
  })
  .refine((d) => d.kind !== "workday" || isWeekend(d.date), {
    message: "调休上班日须是周六或周日（工作日本来就上班）",
    path: ["date"],
  });

/**
 * Adds or changes one calendar exception. Deadlines already computed stay as
 * they are (they are stored on tickets); the change applies to clocks computed
 * from now on.
 */
export async function saveCalendarDay(
  database: Database,
  actor: Actor,
  input: unknown,
  meta: Meta,
  now: Date = new Date(),
) {
  requireRulesAdmin(actor);
  const data = parseOrThrow(calendarDaySchema, input);
  return database.write(async (tx) => {
    const before = await tx.select().from(calendarDays).where(eq(calendarDays.date, data.date)).get();
    const values = {
      kind: data.kind,
      name: data.name,
      source: "admin" as const,
      updatedBy: actor.userId,
      updatedAt: now,
    };
    if (before) await tx.update(calendarDays).set(values).where(eq(calendarDays.date, data.date));
    else await tx.insert(calendarDays).values({ date: data.date, ...values });
    await audit(tx, {
      actorUserId: actor.userId,
      action: before ? "calendar.day_changed" : "calendar.day_added",
      entity: "calendar_day",
      entityId: data.date,
      detail: {
        ...(before ? { from: { kind: before.kind, name: before.name, source: before.source } } : {}),
        to: { kind: data.kind, name: data.name },
      },
      ip: meta.ip,
    });
    return { created: !before };
  });
}

export async function deleteCalendarDay(database: Database, actor: Actor, date: string, meta: Meta) {
  requireRulesAdmin(actor);
  const day = parseOrThrow(z.iso.date("日期不正确"), date);
  return database.write(async (tx) => {
    const before = await tx.select().from(calendarDays).where(eq(calendarDays.date, day)).get();
    if (!before) throw new NotFoundError("该日期没有设置");
    await tx.delete(calendarDays).where(eq(calendarDays.date, day));
    await audit(tx, {
      actorUserId: actor.userId,
      action: "calendar.day_removed",
      entity: "calendar_day",
      entityId: day,
      detail: { kind: before.kind, name: before.name, source: before.source },
      ip: meta.ip,
    });
  });
}

// ——— score weights ——————————————————————————————————————————————————

/** Every weights version, newest effective month first. */
export async function listScoreWeightVersions(database: Database, actor: Actor) {
  requireRulesAdmin(actor);
  return database.db
    .select()
    .from(scoreWeightVersions)
    .orderBy(desc(scoreWeightVersions.effectiveFrom), desc(scoreWeightVersions.id));
}

const weight = z.coerce.number({ message: "请填写权重" }).min(0, "权重不能为负").max(100, "权重不能超过 100");
const credit = z.coerce
  .number({ message: "请填写折算系数" })
  .min(0, "折算系数须在 0 到 1 之间")
  .max(1, "折算系数须在 0 到 1 之间");

export const scoreWeightsSchema = z
  .object({
    effectiveFrom: monthSchema,
    response: weight,
    resolution: weight,
    satisfaction: weight,
    partialCredit: credit,
    basicCredit: credit,
    note: z.string().trim().min(2, "请说明本次调整的依据").max(500, "说明不能超过 500 字"),
  })
  .refine((w) => Math.abs(w.response + w.resolution + w.satisfaction - 100) < 1e-9, {
    message: "三项权重之和须为 100",
    path: ["response"],
  });

/**
 * A new weights version, effective from a month onwards. Months already past
 * keep the weights they were scored (and named at review) with, so the first
 * month may not lie before the current one.
 */
export async function createScoreWeightVersion(
  database: Database,
  actor: Actor,
  input: unknown,
  meta: Meta,
  now: Date = new Date(),
) {
  requireRulesAdmin(actor);
  const data = parseOrThrow(scoreWeightsSchema, input);
  const current = beijingMonth(now);
  if (data.effectiveFrom < current)
    throw new ValidationError("生效月份不能早于本月：已过去的月份保持原有权重", {
      effectiveFrom: [`生效月份不能早于 ${current}`],
    });
  return database.write(async (tx) => {
    const [row] = await tx
      .insert(scoreWeightVersions)
      .values({ ...data, createdBy: actor.userId, createdAt: now })
      .returning({ id: scoreWeightVersions.id });
    await audit(tx, {
      actorUserId: actor.userId,
      action: "score_weights.version_created",
      entity: "score_weight_version",
      entityId: row!.id,
      detail: data,
      ip: meta.ip,
    });
    return row!.id;
  });
}
