/**
 * Taking a ticket in (受理): from an operator's intake form, a resident online,
 * or the hotline platform's API. The location resolves to community, street
 * and district; the time-limit rule of the day is fixed on the ticket; an
 * inquiry may be answered and closed at once, and an operator may dispatch
 * in the same step.
 */
import { eq } from "drizzle-orm";
import { z } from "zod";
import type { Database, Tx } from "../../db/client";
import {
  categories,
  channels,
  regions,
  requestTypes,
  ticketEvents,
  tickets,
  urgencies,
  users,
  type Channel,
} from "../../db/schema";
import { ConflictError, ForbiddenError, ValidationError } from "../errors";
import { parseOrThrow } from "../identity/accounts";
import { can, type Actor } from "../identity/permissions";
import { codesFrom, locate, type Located } from "../regions";
import { pickTimeLimit, currentRules } from "./rules";
import { indexText } from "./search";
import { nextTicketNumber } from "./numbering";
import { applyDecision, decideOn } from "./workflow";
import { unitRef } from "./state";
import { sql } from "drizzle-orm";

const optionalNumber = z
  .union([z.literal(""), z.coerce.number()])
  .optional()
  .transform((v) => (v === "" || v === undefined ? undefined : v));

export const intakeSchema = z
  .object({
    type: z.enum(requestTypes, { message: "请选择诉求类型" }),
    channel: z.enum(channels, { message: "请选择渠道" }).default("phone"),
    urgency: z.enum(urgencies, { message: "请选择紧急程度" }).default("normal"),
    categoryId: z.coerce.number({ message: "请选择诉求分类" }).int().positive("请选择诉求分类"),
    description: z.string().trim().min(5, "请描述诉求（至少 5 个字）").max(4000, "描述不能超过 4000 字"),
    address: z.string().trim().min(2, "请填写地址").max(200, "地址不能超过 200 字"),
    lon: optionalNumber.pipe(z.number().min(115.4, "经度超出北京范围").max(117.6, "经度超出北京范围").optional()),
    lat: optionalNumber.pipe(z.number().min(39.4, "纬度超出北京范围").max(41.1, "纬度超出北京范围").optional()),
    /** A community or street the person chose; wins over the map point. */
    regionCode: z
      .string()
      .regex(/^(\d{9}|\d{12})$/, "请选择街道或社区")
      .optional()
      .or(z.literal("").transform(() => undefined)),
    reporterName: z.string().trim().max(40, "姓名过长").optional(),
    reporterPhone: z
      .string()
      .trim()
      .regex(/^[\d-]{7,20}$/, "请填写有效的电话号码")
      .optional()
      .or(z.literal("").transform(() => undefined)),
    /** The hotline's own number (API and imports); generated otherwise. */
    number: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9-]{4,40}$/, "工单编号格式不正确")
      .optional(),
    /** Inquiries answered on the call (直接答复): closes the ticket at intake. */
    answer: z.string().trim().max(2000).optional(),
    /** Dispatch in the same step. */
    dispatchOrgId: optionalNumber.pipe(z.number().int().positive().optional()),
  })
  .refine((v) => (v.lon === undefined) === (v.lat === undefined), {
    message: "请在地图上选点，或清空坐标",
    path: ["lon"],
  });

export type IntakeInput = z.input<typeof intakeSchema>;

async function placeOf(tx: Tx, data: z.output<typeof intakeSchema>): Promise<Located> {
  if (data.regionCode) {
    const region = await tx.query.regions.findFirst({ where: eq(regions.code, data.regionCode) });
    if (!region) throw new ValidationError("所选街道或社区不存在", { regionCode: ["所选街道或社区不存在"] });
    return codesFrom(region.code);
  }
  if (data.lon !== undefined && data.lat !== undefined) return locate(tx, data.lon, data.lat);
  return { districtCode: null, streetCode: null, communityCode: null };
}

async function leafCategory(tx: Tx, categoryId: number) {
  const category = await tx.query.categories.findFirst({ where: eq(categories.id, categoryId) });
  if (!category || !category.active || !category.limitClass) {
    throw new ValidationError("请选择最末级的诉求分类", { categoryId: ["请选择最末级的诉求分类"] });
  }
  return { ...category, limitClass: category.limitClass };
}

/** Writes the ticket and its FTS entry; returns the new row. */
async function insertTicket(
  tx: Tx,
  data: z.output<typeof intakeSchema>,
  meta: { source: "intake" | "resident" | "api"; reporterUserId: number | null; now: Date },
) {
  const category = await leafCategory(tx, data.categoryId);
  const rules = await currentRules(tx);
  const rule =
    rules && pickTimeLimit(rules.rules, { urgency: data.urgency, type: data.type, limitClass: category.limitClass });
  if (!rule) throw new ConflictError("没有适用的时限规则，请管理员先配置时限");
  const place = await placeOf(tx, data);
  const number = data.number ?? (await nextTicketNumber(tx, meta.now));
  const clash = await tx.query.tickets.findFirst({ where: eq(tickets.number, number), columns: { id: true } });
  if (clash) throw new ConflictError(`工单编号 ${number} 已存在`);
  const [row] = await tx
    .insert(tickets)
    .values({
      number,
      source: meta.source,
      type: data.type,
      channel: data.channel as Channel,
      urgency: data.urgency,
      categoryId: category.id,
      description: data.description,
      address: data.address,
      lon: data.lon ?? null,
      lat: data.lat ?? null,
      ...place,
      reporterName: data.reporterName || null,
      reporterPhone: data.reporterPhone || null,
      reporterUserId: meta.reporterUserId,
      status: "received",
      receivedAt: meta.now,
      timeLimitId: rule.id,
      updatedAt: meta.now,
    })
    .returning();
  await tx.run(
    sql`insert into ticket_fts(rowid, tokens) values (${row!.id}, ${indexText(number, category.name, data.description, data.address)})`,
  );
  return row!;
}

/**
 * Creates a ticket. Operators (create:ticket in any scope) take calls for
 * anyone; a resident (scope own) files for themself, with their account's name
 * and phone.
 */
export async function createTicket(
  database: Database,
  actor: Actor,
  input: unknown,
  options: { source?: "intake" | "resident" | "api"; now?: Date } = {},
) {
  const now = options.now ?? new Date();
  const data = parseOrThrow(intakeSchema, input);
  const centre = can(actor, "create:ticket", {});
  if (!centre && !can(actor, "create:ticket", { ownerUserId: actor.userId })) throw new ForbiddenError();
  if (!centre && (data.answer || data.dispatchOrgId || data.number))
    throw new ForbiddenError("只有热线中心可以答复或派单");
  return database.write(async (tx) => {
    let reporterUserId: number | null = null;
    if (!centre) {
      const me = await tx.query.users.findFirst({ where: eq(users.id, actor.userId) });
      reporterUserId = actor.userId;
      data.reporterName = me?.displayName;
      data.reporterPhone = me?.phone ?? data.reporterPhone;
    }
    const source = options.source ?? (centre ? "intake" : "resident");
    const row = await insertTicket(tx, data, { source, reporterUserId, now });
    const who = { userId: actor.userId, orgId: actor.grants.find((g) => g.orgId != null)?.orgId ?? null };
    await tx.insert(ticketEvents).values({
      ticketId: row.id,
      at: now,
      actorUserId: actor.userId,
      actorOrgId: who.orgId,
      kind: "received",
      toStatus: "received",
      data: { channel: data.channel, source },
    });
    let status = row.status;
    if (data.answer) {
      const decision = await decideOn(tx, actor, { row, coOrgIds: [] }, { kind: "answer", reply: data.answer }, now);
      await applyDecision(tx, row, decision, who, now);
      status = decision.toStatus;
    } else if (data.dispatchOrgId) {
      const unit = await unitRef(tx, data.dispatchOrgId);
      if (!unit) throw new ValidationError("承办单位不存在", { dispatchOrgId: ["承办单位不存在"] });
      const decision = await decideOn(tx, actor, { row, coOrgIds: [] }, { kind: "dispatch", unit }, now);
      await applyDecision(tx, row, decision, who, now);
      status = decision.toStatus;
    }
    return { id: row.id, number: row.number, status };
  });
}
