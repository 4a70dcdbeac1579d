/**
 * The hotline platform's view of our tickets (docs/decisions/0009): push a
 * ticket under the hotline's own number — idempotently, the number is the key —
 * read one, act on one as the centre, and page through what changed since a
 * moment, for sync. Reporter details never leave unmasked.
 */
import { aliasedTable, and, asc, eq, gte } from "drizzle-orm";
import { z } from "zod";
import type { Database, Queryable } from "../../../db/client";
import { categories, organisations, tickets } from "../../../db/schema";
import { ConflictError, NotFoundError, ValidationError, type FieldErrors } from "../../errors";
import { afterCursor, decodeCursor, encodeCursor } from "../../keyset";
import { parseOrThrow } from "../../identity/accounts";
import type { Actor } from "../../identity/permissions";
import { createTicket, intakeSchema } from "../intake";
import { statusLabels } from "../labels";
import { getTicket, visibility } from "../queries";
import { act } from "../workflow";
import { isoBeijing, parseDateTime } from "./time";

/** 409 for a number pushed again with other content; `fieldErrors` names what differs. */
export class PayloadConflictError extends ConflictError {
  constructor(
    message: string,
    readonly fieldErrors: FieldErrors,
  ) {
    super(message);
  }
}

async function idOfNumber(db: Queryable, number: string) {
  const row = await db.select({ id: tickets.id }).from(tickets).where(eq(tickets.number, number)).get();
  return row?.id ?? null;
}

/** One ticket as the API shows it: masked reporter, category path, units, the whole history. */
export async function apiTicket(database: Database, actor: Actor, ticketId: number) {
  const { ticket: t, category, units, events, actions } = await getTicket(database, actor, ticketId);
  const leaf = category.at(-1);
  return {
    number: t.number,
    status: t.status,
    statusLabel: statusLabels[t.status],
    source: t.source,
    type: t.type,
    channel: t.channel,
    urgency: t.urgency,
    category: { code: leaf?.code ?? null, name: leaf?.name ?? null, path: category.map((c) => c.name) },
    description: t.description,
    address: t.address,
    lon: t.lon,
    lat: t.lat,
    districtCode: t.districtCode,
    streetCode: t.streetCode,
    communityCode: t.communityCode,
    reporterName: t.reporterName,
    reporterPhone: t.reporterPhone,
    leadUnit: t.leadName,
    firstReceiver: t.firstReceiverName,
    units: units.map((u) => ({
      name: u.name,
      kind: u.kind,
      role: u.role,
      assignedAt: isoBeijing(u.assignedAt),
      endedAt: isoBeijing(u.endedAt),
    })),
    receivedAt: isoBeijing(t.receivedAt),
    dispatchedAt: isoBeijing(t.dispatchedAt),
    contactDeadlineAt: isoBeijing(t.contactDeadlineAt),
    acceptedAt: isoBeijing(t.acceptedAt),
    firstContactAt: isoBeijing(t.firstContactAt),
    deadlineAt: isoBeijing(t.deadlineAt),
    pendingExtensionDays: t.pendingExtensionDays,
    repliedAt: isoBeijing(t.repliedAt),
    calledBackAt: isoBeijing(t.calledBackAt),
    closedAt: isoBeijing(t.closedAt),
    resolution: t.resolution,
    satisfaction: t.satisfaction,
    excluded: t.excluded,
    supervisionCount: t.supervisionCount,
    reopenCount: t.reopenCount,
    overdue: t.overdue,
    nearDeadline: t.nearDeadline,
    updatedAt: isoBeijing(t.updatedAt),
    events: events.map((e) => ({
      at: isoBeijing(e.at),
      kind: e.kind,
      fromStatus: e.fromStatus,
      toStatus: e.toStatus,
      actor: e.actorName,
      organisation: e.orgName,
      data: e.data,
    })),
    /** What this key may do next (POST …/actions with one of these kinds). */
    actions,
  };
}
export type ApiTicket = Awaited<ReturnType<typeof apiTicket>>;

type Intake = z.output<typeof intakeSchema>;

/** The fields of a push that differ from the stored ticket. Initial actions (answer, dispatch) are not compared: the ticket has moved on since. */
async function differences(db: Queryable, ticketId: number, data: Intake): Promise<string[]> {
  const t = await db.select().from(tickets).where(eq(tickets.id, ticketId)).get();
  if (!t) return [];
  const same: Record<string, boolean> = {
    type: t.type === data.type,
    channel: t.channel === data.channel,
    urgency: t.urgency === data.urgency,
    categoryId: t.categoryId === data.categoryId,
    description: t.description === data.description,
    address: t.address === data.address,
    lon: (t.lon ?? null) === (data.lon ?? null),
    lat: (t.lat ?? null) === (data.lat ?? null),
    regionCode:
      !data.regionCode || data.regionCode === (data.regionCode.length === 12 ? t.communityCode : t.streetCode),
    reporterName: (t.reporterName ?? null) === (data.reporterName || null),
    reporterPhone: (t.reporterPhone ?? null) === (data.reporterPhone || null),
  };
  return Object.keys(same).filter((k) => !same[k]);
}

async function existingOrConflict(database: Database, actor: Actor, ticketId: number, data: Intake) {
  const differing = await differences(database.db, ticketId, data);
  if (differing.length) {
    throw new PayloadConflictError(
      `工单编号 ${data.number} 已存在，且与本次推送的内容不一致（${differing.join("、")}）；同一编号只能推送相同的内容`,
      Object.fromEntries(differing.map((f) => [f, ["与已有工单不一致"]])),
    );
  }
  return { created: false as const, ticket: await apiTicket(database, actor, ticketId) };
}

/**
 * Takes a ticket from the hotline platform. Its `number` is the idempotency
 * key: the same push again answers with the stored ticket (`created: false`);
 * other content under a known number is a 409 naming the differing fields.
 */
export async function pushTicket(database: Database, actor: Actor, input: unknown) {
  const data = parseOrThrow(intakeSchema, input);
  if (!data.number) throw new ValidationError("请提供热线工单编号", { number: ["请提供热线工单编号"] });
  const known = await idOfNumber(database.db, data.number);
  if (known != null) return existingOrConflict(database, actor, known, data);
  try {
    const created = await createTicket(database, actor, input, { source: "api" });
    return { created: true as const, ticket: await apiTicket(database, actor, created.id) };
  } catch (error) {
    // A concurrent push of the same number won the race: answer as for a repeat.
    const raced = error instanceof ConflictError ? await idOfNumber(database.db, data.number) : null;
    if (raced != null) return existingOrConflict(database, actor, raced, data);
    throw error;
  }
}

const numberSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9-]{4,40}$/, "工单编号格式不正确");

export async function ticketByNumber(database: Database, actor: Actor, number: string) {
  const parsed = numberSchema.safeParse(number);
  const id = parsed.success ? await idOfNumber(database.db, parsed.data) : null;
  if (id == null) throw new NotFoundError("工单不存在");
  return apiTicket(database, actor, id);
}

/** One lifecycle action (actionSchema) on the ticket with this number, as the centre. */
export async function actOnTicket(database: Database, actor: Actor, number: string, input: unknown) {
  const parsed = numberSchema.safeParse(number);
  const id = parsed.success ? await idOfNumber(database.db, parsed.data) : null;
  if (id == null) throw new NotFoundError("工单不存在");
  const result = await act(database, actor, id, input);
  return { ...result, ticket: await apiTicket(database, actor, id) };
}

export const SYNC_PAGE_SIZE = 100;
export const SYNC_MAX_PAGE_SIZE = 500;

export const syncSchema = z.object({
  updatedSince: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (!v) return new Date(0);
      const at = parseDateTime(v);
      if (!at) {
        ctx.addIssue({
          code: "custom",
          message: "updatedSince 须为带时区的 ISO 8601 时间，例如 2026-01-01T00:00:00+08:00",
        });
        return z.NEVER;
      }
      return at;
    }),
  cursor: z.string().max(100).optional(),
  limit: z.coerce
    .number({ message: "limit 须为数字" })
    .int("limit 须为整数")
    .min(1, "limit 至少为 1")
    .max(SYNC_MAX_PAGE_SIZE, `limit 最大为 ${SYNC_MAX_PAGE_SIZE}`)
    .default(SYNC_PAGE_SIZE),
});

function cursorOrThrow(cursor: string): [number, number] {
  const decoded = decodeCursor(cursor);
  if (!decoded) throw new ValidationError("cursor 无效", { cursor: ["cursor 无效：请使用上一页返回的 nextCursor"] });
  return decoded;
}

const leadOrg = aliasedTable(organisations, "lead_org");

/**
 * Tickets changed at or after `updatedSince`, oldest change first, in pages
 * (keyset on updated_at, id). A client syncs by following `nextCursor` to the
 * end, then asks again from a little before the newest `updatedAt` it saw: a
 * write stamps its time before it queues for the database, so a change may
 * land just behind one already read. Items are keyed by number, so the
 * overlap is harmless. No reporter details.
 */
export async function ticketsUpdatedSince(database: Database, actor: Actor, input: unknown) {
  const f = parseOrThrow(syncSchema, input);
  const after = f.cursor ? cursorOrThrow(f.cursor) : null;
  const rows = await database.db
    .select({
      id: tickets.id,
      number: tickets.number,
      status: tickets.status,
      source: tickets.source,
      type: tickets.type,
      channel: tickets.channel,
      urgency: tickets.urgency,
      categoryCode: categories.code,
      categoryName: categories.name,
      description: tickets.description,
      address: tickets.address,
      lon: tickets.lon,
      lat: tickets.lat,
      districtCode: tickets.districtCode,
      streetCode: tickets.streetCode,
      communityCode: tickets.communityCode,
      leadUnit: leadOrg.name,
      receivedAt: tickets.receivedAt,
      dispatchedAt: tickets.dispatchedAt,
      acceptedAt: tickets.acceptedAt,
      deadlineAt: tickets.deadlineAt,
      repliedAt: tickets.repliedAt,
      closedAt: tickets.closedAt,
      resolution: tickets.resolution,
      satisfaction: tickets.satisfaction,
      excluded: tickets.excluded,
      supervisionCount: tickets.supervisionCount,
      reopenCount: tickets.reopenCount,
      updatedAt: tickets.updatedAt,
    })
    .from(tickets)
    .innerJoin(categories, eq(tickets.categoryId, categories.id))
    .leftJoin(leadOrg, eq(tickets.leadOrgId, leadOrg.id))
    .where(
      and(
        visibility(actor),
        gte(tickets.updatedAt, f.updatedSince),
        after ? afterCursor(tickets.updatedAt, tickets.id, new Date(after[0]), after[1], "asc") : undefined,
      ),
    )
    .orderBy(asc(tickets.updatedAt), asc(tickets.id))
    .limit(f.limit + 1);
  const page = rows.slice(0, f.limit);
  const last = page.at(-1);
  return {
    // Field by field, as the queue's rows (decision 0026, session 22): rows made by object rest and spread
    // stayed reachable for young-generation collections until the next full one.
    items: page.map((r) => ({
      number: r.number,
      status: r.status,
      source: r.source,
      type: r.type,
      channel: r.channel,
      urgency: r.urgency,
      categoryCode: r.categoryCode,
      categoryName: r.categoryName,
      description: r.description,
      address: r.address,
      lon: r.lon,
      lat: r.lat,
      districtCode: r.districtCode,
      streetCode: r.streetCode,
      communityCode: r.communityCode,
      leadUnit: r.leadUnit,
      receivedAt: isoBeijing(r.receivedAt),
      dispatchedAt: isoBeijing(r.dispatchedAt),
      acceptedAt: isoBeijing(r.acceptedAt),
      deadlineAt: isoBeijing(r.deadlineAt),
      repliedAt: isoBeijing(r.repliedAt),
      closedAt: isoBeijing(r.closedAt),
      resolution: r.resolution,
      satisfaction: r.satisfaction,
      excluded: r.excluded,
      supervisionCount: r.supervisionCount,
      reopenCount: r.reopenCount,
      updatedAt: isoBeijing(r.updatedAt),
      statusLabel: statusLabels[r.status],
    })),
    nextCursor: rows.length > f.limit && last ? encodeCursor(last.updatedAt.getTime(), last.id) : null,
  };
}
