/**
 * Open311 GeoReport v2 (https://wiki.open311.org/GeoReport_v2) over our
 * tickets: category leaves are the services, tickets are the service
 * requests, the hotline's ticket number is the service_request_id. Field
 * names follow the spec; the HTTP layer (server/api/open311.ts) renders them
 * as JSON or XML. Reporter names and phones never appear in a response.
 */
import { aliasedTable, and, desc, eq, gte, inArray, lt, ne, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import type { Database, Queryable } from "../../../db/client";
import { categories, organisations, tickets } from "../../../db/schema";
import { NotFoundError, ValidationError } from "../../errors";
import { parseOrThrow } from "../../identity/accounts";
import type { Actor } from "../../identity/permissions";
import { createTicket } from "../intake";
import { statusLabels } from "../labels";
import { visibility } from "../queries";
import { isoBeijing, parseDateTime } from "./time";

export const OPEN311_SPEC = "http://wiki.open311.org/GeoReport_v2";
/** GeoReport v2, GET Service Requests, "Response Volume": 90 days or 1,000 requests, whichever is smaller. */
export const OPEN311_MAX_DAYS = 90;
export const OPEN311_MAX_REQUESTS = 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface Open311Service {
  service_code: string;
  service_name: string;
  description: string;
  metadata: boolean;
  type: "realtime";
  keywords: string;
  group: string;
}

/** Every active leaf of the category tree, as an Open311 service; grouped by its level-1 name. */
export async function open311Services(db: Queryable): Promise<Open311Service[]> {
  const all = await db
    .select({
      id: categories.id,
      parentId: categories.parentId,
      code: categories.code,
      name: categories.name,
      limitClass: categories.limitClass,
      active: categories.active,
    })
    .from(categories);
  const byId = new Map(all.map((c) => [c.id, c]));
  const pathOf = (c: (typeof all)[number]) => {
    const path = [c];
    for (let p = c.parentId == null ? undefined : byId.get(c.parentId); p;) {
      path.unshift(p);
      p = p.parentId == null ? undefined : byId.get(p.parentId);
    }
    return path;
  };
  return all
    .filter((c) => c.active && c.limitClass != null)
    .sort((a, b) => a.code.localeCompare(b.code))
    .map((c) => {
      const path = pathOf(c);
      return {
        service_code: c.code,
        service_name: c.name,
        description: path.map((p) => p.name).join(" > "),
        metadata: false,
        type: "realtime" as const,
        keywords: path.map((p) => p.name).join(", "),
        group: path[0]!.name,
      };
    });
}

export async function open311Service(db: Queryable, code: string): Promise<Open311Service> {
  const service = (await open311Services(db)).find((s) => s.service_code === code);
  if (!service) throw new NotFoundError(`service_code ${code} 不存在`);
  return service;
}

/** GET a service definition: we ask for nothing beyond the standard fields, so no attributes. */
export async function open311ServiceDefinition(db: Queryable, code: string) {
  const service = await open311Service(db, code);
  return { service_code: service.service_code, attributes: [] as never[] };
}

export interface Open311Request {
  service_request_id: string;
  status: "open" | "closed";
  status_notes: string | null;
  service_name: string;
  service_code: string;
  description: string;
  agency_responsible: string | null;
  service_notice: string | null;
  requested_datetime: string;
  updated_datetime: string;
  expected_datetime: string | null;
  address: string;
  lat: number | null;
  long: number | null;
}

const leadOrg = aliasedTable(organisations, "lead_org");

/**
 * The latest note meant for the public: the unit's reply or the operator's
 * direct answer — the same rule as the public tracking page (tracking.ts);
 * notes between units stay internal.
 */
const latestPublicNote = sql<string | null>`(
  select coalesce(json_extract(e.data, '$.content'), json_extract(e.data, '$.reply'))
  from ticket_events e
  where e.ticket_id = ${tickets.id} and e.kind in ('replied', 'answered')
  order by e.id desc limit 1
)`;

async function selectRequests(database: Database, actor: Actor, where: (SQL | undefined)[], limit: number) {
  const rows = await database.db
    .select({
      number: tickets.number,
      status: tickets.status,
      note: latestPublicNote,
      serviceName: categories.name,
      serviceCode: categories.code,
      description: tickets.description,
      agency: leadOrg.name,
      receivedAt: tickets.receivedAt,
      updatedAt: tickets.updatedAt,
      deadlineAt: tickets.deadlineAt,
      address: tickets.address,
      lat: tickets.lat,
      lon: tickets.lon,
    })
    .from(tickets)
    .innerJoin(categories, eq(tickets.categoryId, categories.id))
    .leftJoin(leadOrg, eq(tickets.leadOrgId, leadOrg.id))
    .where(and(visibility(actor), ...where))
    .orderBy(desc(tickets.receivedAt), desc(tickets.id))
    .limit(limit);
  return rows.map((r): Open311Request => ({
    service_request_id: r.number,
    status: r.status === "closed" ? "closed" : "open",
    // Open covers many of our steps: without a note, say which one.
    status_notes: r.note ?? statusLabels[r.status],
    service_name: r.serviceName,
    service_code: r.serviceCode,
    description: r.description,
    agency_responsible: r.agency,
    service_notice: null,
    requested_datetime: isoBeijing(r.receivedAt),
    updated_datetime: isoBeijing(r.updatedAt),
    expected_datetime: isoBeijing(r.deadlineAt),
    address: r.address,
    lat: r.lat,
    long: r.lon,
  }));
}

const list = (v: string | undefined) =>
  (v ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);

/** The query of GET requests; every argument optional, an empty one the same as an absent one. */
export const open311QuerySchema = z.object({
  service_request_id: z.string().optional(),
  service_code: z.string().optional(),
  start_date: z.string().optional(),
  end_date: z.string().optional(),
  status: z.string().optional(),
  jurisdiction_id: z.string().optional(),
});

function dateArg(name: "start_date" | "end_date", value: string | undefined): Date | null {
  if (!value) return null;
  const at = parseDateTime(value);
  if (!at) {
    throw new ValidationError(`${name} 须为 W3C 日期时间，例如 2026-01-01T00:00:00+08:00`, {
      [name]: ["须为 W3C 日期时间，例如 2026-01-01T00:00:00+08:00"],
    });
  }
  return at;
}

/** GET Service Requests, with the spec's filters and limits. */
export async function open311Requests(database: Database, actor: Actor, input: unknown, now = new Date()) {
  const q = parseOrThrow(open311QuerySchema, input);
  const ids = list(q.service_request_id);
  // "service_request_id … overrides all other arguments."
  if (ids.length) {
    if (ids.length > OPEN311_MAX_REQUESTS) {
      throw new ValidationError(`一次最多查询 ${OPEN311_MAX_REQUESTS} 个 service_request_id`);
    }
    return selectRequests(database, actor, [inArray(tickets.number, ids)], OPEN311_MAX_REQUESTS);
  }
  const start = dateArg("start_date", q.start_date);
  const end = dateArg("end_date", q.end_date);
  const span = OPEN311_MAX_DAYS * DAY_MS;
  const to = end ?? (start ? new Date(start.getTime() + span) : now);
  const from = start ?? new Date(to.getTime() - span);
  if (from.getTime() > to.getTime()) {
    throw new ValidationError("start_date 不能晚于 end_date", { start_date: ["start_date 不能晚于 end_date"] });
  }
  if (to.getTime() - from.getTime() > span) {
    throw new ValidationError(`start_date 与 end_date 的跨度不能超过 ${OPEN311_MAX_DAYS} 天`, {
      end_date: [`跨度不能超过 ${OPEN311_MAX_DAYS} 天`],
    });
  }
  const statuses = list(q.status);
  const unknown = statuses.filter((s) => s !== "open" && s !== "closed");
  if (unknown.length) {
    throw new ValidationError("status 只能是 open 或 closed", { status: ["只能是 open 或 closed"] });
  }
  const codes = list(q.service_code);
  const only = new Set(statuses);
  return selectRequests(
    database,
    actor,
    [
      gte(tickets.receivedAt, from),
      lt(tickets.receivedAt, new Date(to.getTime() + 1)),
      codes.length ? inArray(categories.code, codes) : undefined,
      only.size === 1 ? (only.has("closed") ? eq(tickets.status, "closed") : ne(tickets.status, "closed")) : undefined,
    ],
    OPEN311_MAX_REQUESTS,
  );
}

/** GET Service Request: one request by its id (our ticket number). */
export async function open311Request(database: Database, actor: Actor, id: string) {
  const [found] = await selectRequests(database, actor, [eq(tickets.number, id)], 1);
  if (!found) throw new NotFoundError(`service_request_id ${id} 不存在`);
  return found;
}

/**
 * GET service_request_id from a token. Our requests are realtime: POST answers
 * with the service_request_id itself, so the only tokens we know are those ids.
 */
export async function open311Token(database: Database, actor: Actor, token: string) {
  const found = await open311Request(database, actor, token).catch((error: unknown) => {
    if (error instanceof NotFoundError) throw new NotFoundError(`token ${token} 不存在`);
    throw error;
  });
  return { service_request_id: found.service_request_id, token };
}

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `不能超过 ${max} 字`)
    .optional()
    .transform((v) => v || undefined);

const coordinate = z
  .string()
  .trim()
  .optional()
  .transform((v, ctx) => {
    if (!v) return undefined;
    const n = Number(v);
    if (!Number.isFinite(n)) {
      ctx.addIssue({ code: "custom", message: "须为数字（WGS84）" });
      return z.NEVER;
    }
    return n;
  });

/** POST Service Request's form (application/x-www-form-urlencoded). */
export const open311CreateSchema = z.object({
  service_code: z.string({ message: "请提供 service_code" }).trim().min(1, "请提供 service_code"),
  lat: coordinate,
  long: coordinate,
  address_string: optionalText(200),
  address_id: optionalText(100),
  description: optionalText(4000),
  first_name: optionalText(20),
  last_name: optionalText(20),
  phone: optionalText(30),
  email: optionalText(200),
  device_id: optionalText(200),
  account_id: optionalText(200),
  media_url: optionalText(2000),
  jurisdiction_id: optionalText(200),
});

/** Intake's field names → the form's, so a 400 names the field the client sent. */
const formFieldOf: Record<string, string> = {
  lon: "long",
  lat: "lat",
  address: "address_string",
  description: "description",
  reporterName: "last_name",
  reporterPhone: "phone",
  categoryId: "service_code",
};

const CJK = /[\u3400-\u9fff]/;

/**
 * POST Service Request: a new ticket (type 求助, channel api) from the form.
 * Not stored, for want of a place: email, device_id, account_id, media_url and
 * attribute[…] (our services define no attributes).
 */
export async function open311Create(database: Database, actor: Actor, input: unknown) {
  const form = parseOrThrow(open311CreateSchema, input);
  const service = await open311Service(database.db, form.service_code);
  const hasPoint = form.lat !== undefined && form.long !== undefined;
  if (!hasPoint && !form.address_string) {
    throw new ValidationError("请提供位置：lat 与 long，或 address_string（不支持 address_id）", {
      address_string: ["请提供 lat 与 long，或 address_string"],
    });
  }
  const category = await database.db
    .select({ id: categories.id })
    .from(categories)
    .where(eq(categories.code, service.service_code))
    .get();
  // A Chinese name is family name first, without a space.
  const names = [form.first_name, form.last_name].filter(Boolean) as string[];
  const reporterName = names.some((n) => CJK.test(n))
    ? `${form.last_name ?? ""}${form.first_name ?? ""}`
    : names.join(" ");
  const phone = form.phone?.replace(/[\s()]/g, "").replace(/^(\+|00)86/, "");
  try {
    const created = await createTicket(
      database,
      actor,
      {
        type: "help",
        channel: "api",
        urgency: "normal",
        categoryId: category!.id,
        // The spec makes the description optional; our intake wants one.
        description: form.description ?? `${service.service_name}（未填写描述）`,
        address: form.address_string ?? `地图坐标 ${form.lat}, ${form.long}`,
        lon: hasPoint ? form.long : undefined,
        lat: hasPoint ? form.lat : undefined,
        reporterName: reporterName || undefined,
        reporterPhone: phone || undefined,
      },
      { source: "api" },
    );
    return {
      service_request_id: created.number,
      service_notice: `已受理（${statusLabels[created.status]}），工单编号 ${created.number}。`,
      account_id: null,
    };
  } catch (error) {
    if (error instanceof ValidationError) {
      const fields = Object.fromEntries(
        Object.entries(error.fieldErrors).map(([k, v]) => [formFieldOf[k] ?? k, v] as const),
      );
      throw new ValidationError(error.message, fields);
    }
    throw error;
  }
}
