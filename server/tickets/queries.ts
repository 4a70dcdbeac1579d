/**
 * Reading tickets: work queues with server-side filters, search and keyset
 * pagination; one ticket with its history; and the reporter's contact
 * details, unmasked only for those who handle the ticket (and audited).
 */
import { aliasedTable, and, asc, desc, eq, inArray, lt, notInArray, or, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import type { Database } from "../../db/client";
import {
  categories,
  organisations,
  regions,
  requestTypes,
  ticketAppeals,
  ticketEvents,
  tickets,
  ticketStatuses,
  type TicketStatus,
  ticketUnits,
  urgencies,
  users,
} from "../../db/schema";
import { ForbiddenError, NotFoundError } from "../errors";
import { afterCursor, bounded, decodeCursor, encodeCursor } from "../keyset";
import { parseOrThrow } from "../identity/accounts";
import { audit } from "../identity/audit";
import { actorOrgIds, can, scopesFor, type Actor } from "../identity/permissions";
import { redispatchChoices, suitsCategory } from "./catalogue";
import { allowedFrom, isApplicable, type ActionKind } from "./lifecycle";
import { maskName, maskPhone } from "./masking";
import { matchExpression } from "./search";
import { loadTicket, stateOf, ticketTarget, type TicketRow } from "./state";
import { forReporter } from "./tracking";
import { mayAct } from "./workflow";

export const queues = [
  "all",
  "to_dispatch", // 待派单
  "decisions", // 待审核: returns and extensions
  "to_callback", // 待回访
  "to_close", // 待办结
  "overdue", // 超期
  "to_accept", // 待签收
  "in_hand", // 办理中
  "co_handling", // 协办
  "first_received", // 首接跟踪: handed down, still ours
  "closed", // 已办结
  "mine", // 我的诉求 (residents)
] as const;
export type Queue = (typeof queues)[number];

export const PAGE_SIZE = 50;

export const listSchema = z.object({
  queue: z.enum(queues).default("all"),
  q: z.string().trim().max(100).optional(),
  status: z
    .enum(ticketStatuses)
    .optional()
    .or(z.literal("").transform(() => undefined)),
  type: z
    .enum(requestTypes)
    .optional()
    .or(z.literal("").transform(() => undefined)),
  urgency: z
    .enum(urgencies)
    .optional()
    .or(z.literal("").transform(() => undefined)),
  categoryId: z.coerce
    .number()
    .int()
    .positive()
    .optional()
    .or(z.literal("").transform(() => undefined)),
  /** The current lead unit (drill-down from the supervision queue's overdue-by-unit table). */
  leadOrgId: z.coerce
    .number()
    .int()
    .positive()
    .optional()
    .or(z.literal("").transform(() => undefined)),
  /** A district, street or community code: tickets located inside it. */
  regionCode: z
    .string()
    .regex(/^\d{6,12}$/)
    .optional()
    .or(z.literal("").transform(() => undefined)),
  from: z.iso
    .date()
    .optional()
    .or(z.literal("").transform(() => undefined)),
  to: z.iso
    .date()
    .optional()
    .or(z.literal("").transform(() => undefined)),
  sort: z.enum(["received_desc", "deadline_asc"]).default("received_desc"),
  cursor: z.string().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(PAGE_SIZE),
});
export type ListInput = z.input<typeof listSchema>;

const NO_DEADLINE = 253_402_300_799_999; // 9999-12-31: open tickets without a clock sort last

function onTicketAs(orgIds: number[], role?: "co"): SQL {
  return sql`exists (select 1 from ${ticketUnits} where ${ticketUnits.ticketId} = ${tickets.id} and ${inArray(ticketUnits.orgId, orgIds)} and ${ticketUnits.endedAt} is null${role ? sql` and ${ticketUnits.role} = ${role}` : sql``})`;
}

/**
 * The tickets the units co-handle, as a list: SQLite reads the units' rows once from
 * `ticket_units_org_idx` and the 协办 queue starts from them. Tested per ticket (`onTicketAs`), the
 * queue walked every open ticket of a million (~450 ms). Visibility keeps the per-ticket test: there it
 * is one of several alternatives, and as a list it sent SQLite down slower plans for other queues.
 */
function coHandledBy(orgIds: number[]): SQL {
  return sql`${tickets.id} in (select ${ticketUnits.ticketId} from ${ticketUnits} where ${inArray(ticketUnits.orgId, orgIds)} and ${ticketUnits.role} = 'co' and ${ticketUnits.endedAt} is null)`;
}

function areaCondition(code: string): SQL {
  if (code.length === 12) return eq(tickets.communityCode, code);
  if (code.length === 9) return eq(tickets.streetCode, code);
  if (code.endsWith("0000")) return sql`1 = 1`;
  return eq(tickets.districtCode, code);
}

export type QueueRole = "centre" | "unit" | "resident";

/** Whose work queues the actor sees: the centre's, a handling unit's, or their own tickets only. */
export function queueRole(actor: Actor): QueueRole {
  return can(actor, "dispatch:ticket", {}) ? "centre" : can(actor, "handle:ticket") ? "unit" : "resident";
}

/** The queues that make sense for each part in the loop: the queue page's tabs, the first its default. */
export const queueSets: Record<QueueRole, readonly Queue[]> = {
  centre: ["to_dispatch", "decisions", "to_callback", "to_close", "overdue", "all"],
  unit: ["to_accept", "in_hand", "co_handling", "first_received", "overdue", "closed", "all"],
  resident: ["mine"],
};

/** Of those, the queues whose tickets wait for the actor's next step: what the home page counts. */
export const actionQueues: Record<QueueRole, readonly Queue[]> = {
  centre: ["to_dispatch", "decisions", "to_callback", "to_close", "overdue"],
  unit: ["to_accept", "in_hand", "co_handling", "overdue"],
  resident: [],
};

/**
 * What the actor may read at all, as SQL — the permission module's scopes, translated. `asList` writes
 * every alternative so an index finds it (co-handled tickets as a list), for SQLite to take the union of
 * the indexes (a multi-index OR) when the visible tickets drive the query (`Drive`).
 */
export function visibility(actor: Actor, asList = false): SQL | undefined {
  const scopes = scopesFor(actor, "read:ticket");
  if (scopes.includes("any")) return undefined;
  const parts: SQL[] = [];
  if (scopes.includes("own-org")) {
    const orgs = actorOrgIds(actor);
    if (orgs.length) {
      parts.push(
        or(
          inArray(tickets.leadOrgId, orgs),
          inArray(tickets.firstReceiverOrgId, orgs),
          asList ? coHandledBy(orgs) : onTicketAs(orgs, "co"),
        )!,
      );
    }
  }
  if (scopes.includes("own-area")) {
    for (const g of actor.grants) if (g.regionCode) parts.push(areaCondition(g.regionCode));
  }
  if (scopes.includes("own")) parts.push(eq(tickets.reporterUserId, actor.userId));
  return parts.length ? or(...parts) : sql`0 = 1`;
}

/**
 * Which index a queue's query starts from. SQLite has no statistics here, and its guess is often the
 * slow one at a million tickets; the unary + that steers it changes the plan, never the result.
 * - `visible`: the actor's visible tickets, through their own indexes (units, area), each tested for
 *   status — for counts and small sets of an actor who sees only some tickets. Driven by the status
 *   index instead, a community's 已办结 walked ~700,000 tickets of the city testing each for visibility.
 * - `status`: the status index (the centre, which sees everything; a large set, newest first).
 * - `deadline`: tickets_deadline_order_idx walked in order, each tested — a large set by deadline,
 *   which otherwise gathered every ticket in the status and sorted them (已办结: ~700 ms).
 * - `unaccepted`: tickets_unaccepted_idx, the tickets of one status before acceptance (待派单 or 待签收) in
 *   deadline order — mostly without a deadline, they sat behind every ticket with one in the walk above
 *   (待派单 by deadline at a million tickets: ~150 ms).
 * - `matches`: a rare search term's matches (searchCondition), each tested; otherwise 已办结 with a rare
 *   term walked the status index testing each ticket against the matches (~110 ms).
 */
type Drive = "visible" | "status" | "deadline" | "unaccepted" | "matches";

/** Statuses before any unit accepts: the clock has not started, so their tickets mostly have no deadline. */
const UNACCEPTED: readonly TicketStatus[] = ["received", "dispatched"];

/** A ticket's status is one of these; the status indexes are used only when the drive starts from them. */
function statusIn(values: readonly TicketStatus[], drive: Drive): SQL {
  // Written as tickets_unaccepted_idx's condition states it (a literal, not a parameter), so SQLite can
  // prove the partial index holds every such ticket.
  if (drive === "unaccepted" && values.length === 1 && UNACCEPTED.includes(values[0]!))
    return sql`${tickets.status} = ${sql.raw(`'${values[0]}'`)}`;
  if (drive !== "status")
    return sql`+${tickets.status} in (${sql.join(
      values.map((v) => sql`${v}`),
      sql`, `,
    )})`;
  return values.length === 1 ? eq(tickets.status, values[0]!) : inArray(tickets.status, [...values]);
}

/** What starts a count (or the check whether a set is small): the visible tickets, unless the actor sees all. */
function countingDrive(actor: Actor): Drive {
  return scopesFor(actor, "read:ticket").includes("any") ? "status" : "visible";
}

function queueCondition(queue: Queue, actor: Actor, now: Date, drive: Drive = "status"): SQL | undefined {
  const orgs = actorOrgIds(actor);
  const mine = orgs.length ? orgs : [-1];
  const status = (...values: TicketStatus[]) => statusIn(values, drive);
  switch (queue) {
    case "all":
      return undefined;
    case "to_dispatch":
      return status("received");
    case "decisions":
      // Written as the partial index tickets_decisions_idx states it (literals, not parameters), so
      // SQLite can prove the index holds every such ticket; otherwise it reads all of them.
      return sql`(${tickets.status} = 'return_requested' or ${tickets.pendingExtensionDays} is not null)`;
    case "to_callback":
      return status("replied");
    case "to_close":
      return status("called_back");
    case "overdue":
      return and(status("accepted", "in_progress"), lt(tickets.deadlineAt, now));
    // The unit's own queues state their statuses whatever the drive: with the unit they start
    // tickets_lead_status_received_idx (or its deadline twin), which no other index beats. Counting 待签收
    // up to the small-set bound by the unit alone read every ticket it ever led (~3.5 ms at a million).
    case "to_accept":
      return and(statusIn(["dispatched"], "status"), inArray(tickets.leadOrgId, mine));
    case "in_hand":
      return and(statusIn(["accepted", "in_progress"], "status"), inArray(tickets.leadOrgId, mine));
    case "co_handling":
      return and(sql`${tickets.status} <> 'closed'`, coHandledBy(mine));
    case "first_received":
      // The last term follows from the others; it lets SQLite read tickets_handed_down_idx, the few
      // tickets whose lead is no longer their first receiver, instead of all the unit first received.
      return and(
        inArray(tickets.firstReceiverOrgId, mine),
        notInArray(tickets.leadOrgId, mine),
        sql`${tickets.firstReceiverOrgId} <> ${tickets.leadOrgId}`,
      );
    case "closed":
      return status("closed");
    case "mine":
      return eq(tickets.reporterUserId, actor.userId);
  }
}

const leadOrg = aliasedTable(organisations, "lead_org");
const community = aliasedTable(regions, "community");
const street = aliasedTable(regions, "street");

export interface Flags {
  overdue: boolean;
  nearDeadline: boolean;
}

/** Past the limit, or within the last quarter of it (at most a day): 临期. */
export function deadlineFlags(
  t: { status: string; deadlineAt: Date | null; clockStartedAt: Date | null },
  now: Date,
): Flags {
  if (!t.deadlineAt || !["accepted", "in_progress"].includes(t.status)) return { overdue: false, nearDeadline: false };
  const left = t.deadlineAt.getTime() - now.getTime();
  const total = t.deadlineAt.getTime() - (t.clockStartedAt ?? t.deadlineAt).getTime();
  return { overdue: left < 0, nearDeadline: left >= 0 && left <= Math.min(24 * 3_600_000, total / 4) };
}

/**
 * The bounds that choose how a queue's page is found (never what it holds). Kept in one object so the
 * plan tests can move them and take every plan on the demo's few thousand tickets.
 * - smallSet: below this many tickets a queue's page is found by collecting them through the indexes that
 *   find them (the actor's units and area, the queue's status) and sorting them; above it, by walking the
 *   sort's index and testing each ticket, which finds 50 fast only when they are dense. SQLite, without
 *   statistics, walked the index in both cases: a community's 全部 read ~1,000,000 tickets (~800 ms).
 * - rareTerm: below this many matches a search term's matches drive the query (gathered and sorted).
 * - sample, denseShare: a term in at least 1/denseShare of the newest `sample` tickets is "dense".
 */
export const planBounds = { smallSet: 2_000, rareTerm: 5_000, sample: 10_000, denseShare: 10 };

/**
 * How a search term joins the query, by how many tickets it matches:
 * - rare: its matches start the query (`matches` drive) and are sorted;
 * - common: the walk in the sort's order tests each ticket against the matches, gathered once — fetching
 *   every match and sorting a term in 20 % of a million tickets took 770 ms (docs/decisions/0008);
 * - dense: the walk asks the index about each ticket (rowid = id, a seek in the term's list). Gathering
 *   ~200,000 matches took ~30 ms before the first row; at that density a page takes a few hundred seeks.
 *   A seek costs 5–80 µs by how many segments the index has: too much for a term in a few percent.
 * Not a prefix ("物*", a lone character): each seek then opens every term that starts with it (3 s for a
 * page instead of 80 ms). Tokens are letters, digits and Han only, so a star is always the prefix operator.
 * Counting every match to tell them apart cost 7 ms for such a term; the newest tickets are a sample
 * FTS5 counts in a range of its list (0.3 ms; the bound is cast because FTS5 scans the whole list for a
 * rowid bound that is not an integer, and the driver binds numbers as reals).
 */
async function searchCondition(database: Database, match: string): Promise<{ condition: SQL; walked: boolean }> {
  const { rareTerm, sample, denseShare } = planBounds;
  const [hits] = await database.db.all<{ n: number; recent: number; last: number }>(
    sql`select (select count(*) from (select rowid from ticket_fts where ticket_fts match ${match} limit ${rareTerm})) as n,
               (select count(*) from ticket_fts where ticket_fts match ${match}
                  and rowid > (select coalesce(max(${tickets.id}), 0) from ${tickets}) - cast(${sample} as integer)) as recent,
               (select coalesce(max(${tickets.id}), 0) from ${tickets}) as last`,
  );
  const [n, recent, last] = [Number(hits?.n ?? 0), Number(hits?.recent ?? 0), Number(hits?.last ?? 0)];
  if (n < rareTerm)
    return {
      condition: sql`${tickets.id} in (select rowid from ticket_fts where ticket_fts match ${match})`,
      walked: false,
    };
  // A unary + keeps SQLite from driving the query by id: it walks the sort's index instead.
  return {
    condition:
      recent * denseShare >= Math.min(sample, last) && !match.includes("*")
        ? sql`exists (select 1 from ticket_fts where ticket_fts match ${match} and rowid = ${tickets.id})`
        : sql`+${tickets.id} in (select rowid from ticket_fts where ticket_fts match ${match})`,
    walked: true,
  };
}

/** Queues of the actor's own units: what they show is readable by whoever may read their unit's tickets. */
function visibilityImplied(queue: Queue, actor: Actor): boolean {
  return (
    (queue === "to_accept" || queue === "in_hand" || queue === "first_received") &&
    scopesFor(actor, "read:ticket").some((s) => s === "any" || s === "own-org")
  );
}

/** A queue's tickets the actor may read, written for the index that is to start the query. */
function queueScope(queue: Queue, actor: Actor, now: Date, drive: Drive): (SQL | undefined)[] {
  return [
    visibilityImplied(queue, actor) ? undefined : visibility(actor, drive === "visible"),
    queueCondition(queue, actor, now, drive),
  ];
}

/**
 * Large queues that are walked in deadline order when sorted by deadline. Not 待签收 nor 办理中: their
 * unit's index already holds them by status and deadline.
 */
const DEADLINE_WALK: readonly Queue[] = [
  "all",
  "closed",
  "overdue",
  "to_callback",
  "to_close",
  "co_handling",
  "to_dispatch",
];

/** How many tickets match, counting no further than `cap` (a cheap "are there fewer than…"). */
async function countUpTo(database: Database, where: SQL | undefined, cap: number): Promise<number> {
  const [row] = await database.db.all<{ n: number }>(
    sql`select count(*) as n from (select 1 from ${tickets} where ${where ?? sql`1 = 1`} limit ${cap})`,
  );
  return Number(row?.n ?? 0);
}

export async function listTickets(database: Database, actor: Actor, input: unknown, now = new Date()) {
  const f = parseOrThrow(listSchema, input);
  const byDeadline = f.sort === "deadline_asc";
  const match = f.q ? matchExpression(f.q) : null;
  const filters = (drive: Drive) => [
    f.status ? statusIn([f.status], drive) : undefined,
    f.type ? eq(tickets.type, f.type) : undefined,
    f.urgency ? eq(tickets.urgency, f.urgency) : undefined,
    f.categoryId ? eq(tickets.categoryId, f.categoryId) : undefined,
    f.leadOrgId ? eq(tickets.leadOrgId, f.leadOrgId) : undefined,
    f.regionCode ? areaCondition(f.regionCode) : undefined,
    f.from ? sql`${tickets.receivedAt} >= ${Date.parse(`${f.from}T00:00:00+08:00`)}` : undefined,
    f.to ? sql`${tickets.receivedAt} < ${Date.parse(`${f.to}T00:00:00+08:00`) + 86_400_000}` : undefined,
  ];
  const scoped = (drive: Drive) => [...queueScope(f.queue, actor, now, drive), ...filters(drive)];
  // Few matches are gathered and sorted; many are walked in the sort's order. A search has its own
  // way to the matches (searchCondition): a rare term's are gathered, a common term's tested in the walk.
  const search = match ? await searchCondition(database, match) : null;
  const { smallSet } = planBounds;
  // The one status the page holds, when the queue or a filter says so.
  const oneStatus = f.status ?? (f.queue === "to_dispatch" ? "received" : undefined);
  const gather = search
    ? !search.walked
    : (await countUpTo(database, and(...scoped(countingDrive(actor))), smallSet)) < smallSet;
  const drive: Drive =
    search && !search.walked
      ? "matches"
      : gather
        ? countingDrive(actor)
        : byDeadline && DEADLINE_WALK.includes(f.queue)
          ? oneStatus && UNACCEPTED.includes(oneStatus)
            ? "unaccepted"
            : "deadline"
          : "status";
  // A gathered set is sorted: the unary + keeps SQLite from walking an index in the sort's order. The
  // deadline key is written as the deadline indexes state it (a literal, not a parameter) when one is to
  // be walked, and unindexed otherwise.
  const received = gather ? sql<Date>`+${tickets.receivedAt}` : tickets.receivedAt;
  const walked = drive === "deadline" || drive === "unaccepted";
  const deadline = sql<number>`${sql.raw(walked ? "" : "+")}coalesce(${tickets.deadlineAt}, ${sql.raw(String(NO_DEADLINE))})`;
  const sortKey = byDeadline ? deadline : received;
  const cursor = decodeCursor(f.cursor);
  const conditions = [
    ...scoped(drive),
    search?.condition,
    cursor
      ? byDeadline
        ? afterCursor(sortKey, tickets.id, cursor[0], cursor[1], "asc")
        : afterCursor(received, tickets.id, new Date(cursor[0]), cursor[1], "desc")
      : undefined,
  ].filter((c) => c !== undefined);
  const order = byDeadline ? [asc(sortKey), asc(tickets.id)] : [desc(received), desc(tickets.id)];
  // The page's ids first, from `tickets` alone (often from an index alone), then the page's
  // details: joining names onto every candidate before sorting cost ~20 ms per 10,000 candidates.
  const pageIds = database.db
    .select({ id: tickets.id })
    .from(tickets)
    .where(and(...conditions))
    .orderBy(...order)
    .limit(f.limit + 1);
  const rows = await database.db
    .select({
      id: tickets.id,
      number: tickets.number,
      type: tickets.type,
      urgency: tickets.urgency,
      status: tickets.status,
      description: tickets.description,
      address: tickets.address,
      categoryName: categories.name,
      communityName: community.name,
      streetName: street.name,
      leadName: leadOrg.name,
      receivedAt: tickets.receivedAt,
      deadlineAt: tickets.deadlineAt,
      clockStartedAt: tickets.clockStartedAt,
      reporterName: tickets.reporterName,
      supervisionCount: tickets.supervisionCount,
      pendingExtensionDays: tickets.pendingExtensionDays,
      excluded: tickets.excluded,
    })
    .from(tickets)
    .innerJoin(categories, eq(tickets.categoryId, categories.id))
    .leftJoin(community, eq(tickets.communityCode, community.code))
    .leftJoin(street, eq(tickets.streetCode, street.code))
    .leftJoin(leadOrg, eq(tickets.leadOrgId, leadOrg.id))
    .where(inArray(tickets.id, pageIds))
    .orderBy(...order);
  const page = rows.slice(0, f.limit);
  const last = page.at(-1);
  return {
    // Each field named, not `{ ...r }` after `({ description, ...r })`: rows made by object rest and spread
    // stayed reachable for young-generation collections until the next full one, ~90 KB a call, and the
    // server's scavenges copied them (decision 0026, session 22).
    rows: page.map((r) => {
      const { overdue, nearDeadline } = deadlineFlags(r, now);
      return {
        id: r.id,
        number: r.number,
        type: r.type,
        urgency: r.urgency,
        status: r.status,
        address: r.address,
        categoryName: r.categoryName,
        communityName: r.communityName,
        streetName: r.streetName,
        leadName: r.leadName,
        receivedAt: r.receivedAt,
        deadlineAt: r.deadlineAt,
        clockStartedAt: r.clockStartedAt,
        supervisionCount: r.supervisionCount,
        pendingExtensionDays: r.pendingExtensionDays,
        excluded: r.excluded,
        summary: summaryOf(r.description),
        reporterName: maskName(r.reporterName),
        overdue,
        nearDeadline,
      };
    }),
    nextCursor:
      rows.length > f.limit && last
        ? encodeCursor(byDeadline ? (last.deadlineAt?.getTime() ?? NO_DEADLINE) : last.receivedAt.getTime(), last.id)
        : null,
  };
}

/** Counts above this are shown as "1,000+": a count exact to the ticket costs a scan of the queue, and no one acts on the 1,001st. */
export const QUEUE_COUNT_CAP = 1_000;

/**
 * How many tickets each queue holds for the actor, under the queue page's own
 * conditions (so a count and its page agree), each counted up to the cap.
 */
export async function queueCounts(database: Database, actor: Actor, queueList: readonly Queue[], now = new Date()) {
  return Promise.all(
    queueList.map(async (queue) => {
      const n = await countUpTo(
        database,
        and(...queueScope(queue, actor, now, countingDrive(actor))),
        QUEUE_COUNT_CAP + 1,
      );
      return { queue, count: Math.min(n, QUEUE_COUNT_CAP), more: n > QUEUE_COUNT_CAP };
    }),
  );
}

/** A reporter's own tickets that have been answered and wait for their rating (回访), latest answer first. */
export async function awaitingRating(database: Database, actor: Actor, limit: number) {
  const rows = await database.db
    .select({ id: tickets.id, number: tickets.number, description: tickets.description, updatedAt: tickets.updatedAt })
    .from(tickets)
    .where(and(eq(tickets.reporterUserId, actor.userId), eq(tickets.status, "replied")))
    .orderBy(desc(tickets.updatedAt), desc(tickets.id))
    .limit(limit + 1);
  return bounded(
    rows.map(({ description, ...r }) => ({ ...r, summary: summaryOf(description) })),
    limit,
  );
}

function summaryOf(description: string): string {
  return description.length > 80 ? `${description.slice(0, 80)}…` : description;
}

/** What the actor may do next with a ticket: the steps its state allows and the actor's part permits. */
function actionsOf(actor: Actor, row: TicketRow, coOrgIds: number[]): ActionKind[] {
  const state = stateOf(row, coOrgIds);
  return (Object.keys(allowedFrom) as ActionKind[]).filter(
    (kind) => isApplicable(state, kind) && mayAct(actor, kind, row, coOrgIds),
  );
}

/** One ticket with its history, its units and what the actor may do next. */
export async function getTicket(database: Database, actor: Actor, ticketId: number, now = new Date()) {
  const loaded = await loadTicket(database.db, ticketId);
  if (!loaded || !can(actor, "read:ticket", ticketTarget(loaded.row, loaded.coOrgIds, "all"))) {
    throw new NotFoundError("工单不存在");
  }
  const { row, coOrgIds } = loaded;
  const [category, units, events, appeals, place] = await Promise.all([
    categoryPath(database, row.categoryId),
    database.db
      .select({
        orgId: ticketUnits.orgId,
        name: organisations.name,
        kind: organisations.kind,
        role: ticketUnits.role,
        assignedAt: ticketUnits.assignedAt,
        endedAt: ticketUnits.endedAt,
      })
      .from(ticketUnits)
      .innerJoin(organisations, eq(ticketUnits.orgId, organisations.id))
      .where(eq(ticketUnits.ticketId, ticketId))
      .orderBy(asc(ticketUnits.id)),
    database.db
      .select({
        id: ticketEvents.id,
        at: ticketEvents.at,
        kind: ticketEvents.kind,
        fromStatus: ticketEvents.fromStatus,
        toStatus: ticketEvents.toStatus,
        data: ticketEvents.data,
        actorName: users.displayName,
        orgName: organisations.name,
      })
      .from(ticketEvents)
      .leftJoin(users, eq(ticketEvents.actorUserId, users.id))
      .leftJoin(organisations, eq(ticketEvents.actorOrgId, organisations.id))
      .where(eq(ticketEvents.ticketId, ticketId))
      .orderBy(asc(ticketEvents.id)),
    database.db.select().from(ticketAppeals).where(eq(ticketAppeals.ticketId, ticketId)).orderBy(asc(ticketAppeals.id)),
    regionNames(database, [row.communityCode, row.streetCode, row.districtCode]),
  ]);
  const actions = actionsOf(actor, row, coOrgIds);
  const asReporter = !can(actor, "read:ticket", { ...ticketTarget(row, coOrgIds, "all"), ownerUserId: null });
  const leadName = units.find((u) => u.orgId === row.leadOrgId && !u.endedAt)?.name ?? null;
  const firstReceiverName = units.find((u) => u.orgId === row.firstReceiverOrgId)?.name ?? null;
  return {
    ticket: {
      ...row,
      reporterName: maskName(row.reporterName),
      reporterPhone: maskPhone(row.reporterPhone),
      leadName,
      firstReceiverName,
      ...deadlineFlags(row, now),
    },
    category,
    place,
    units,
    // A reporter reading their own ticket sees what the public tracking page shows, no internal notes.
    events: asReporter ? forReporter(events).map((e) => ({ ...e, actorName: null })) : events,
    appeals: asReporter ? [] : appeals,
    actions,
    canRevealContact: can(actor, "read:ticket-contact", ticketTarget(row, coOrgIds, "all")),
    canAppeal:
      ["called_back", "closed"].includes(row.status) &&
      !row.excluded &&
      !appeals.some((a) => a.status === "pending") &&
      can(actor, "appeal:ticket", ticketTarget(row, coOrgIds, "coordinators")),
    canReviewAppeal: can(actor, "supervise:ticket", ticketTarget(row, coOrgIds, "all")),
  };
}

/**
 * The category's path from its top level down, in one statement rather than one per level. The depth
 * bound keeps a parent cycle, should the rules admin ever make one, from running forever.
 */
async function categoryPath(database: Database, categoryId: number) {
  const rows = await database.db.all<{ id: number; name: string; code: string }>(sql`
    with recursive up(id, parent_id, name, code, depth) as (
      select id, parent_id, name, code, 0 from categories where id = ${categoryId}
      union all
      select c.id, c.parent_id, c.name, c.code, up.depth + 1 from categories c join up on c.id = up.parent_id
      where up.depth < 10
    )
    select id, name, code from up order by depth desc`);
  return rows.map((r) => ({ id: Number(r.id), name: r.name, code: r.code }));
}

async function regionNames(database: Database, codes: (string | null)[]) {
  const wanted = codes.filter((c): c is string => !!c);
  const rows = wanted.length
    ? await database.db
        .select({ code: regions.code, name: regions.name, approximate: regions.approximate })
        .from(regions)
        .where(inArray(regions.code, wanted))
    : [];
  const byCode = new Map(rows.map((r) => [r.code, r]));
  const [communityCode, streetCode, districtCode] = codes;
  return {
    community: communityCode ? (byCode.get(communityCode) ?? null) : null,
    street: streetCode ? (byCode.get(streetCode) ?? null) : null,
    district: districtCode ? (byCode.get(districtCode) ?? null) : null,
  };
}

/**
 * The reporter's name and phone in full — for the centre, the ticket's units
 * and the reporter. Every such view writes an audit row (DOMAIN.md, Personal data).
 */
export async function revealContact(database: Database, actor: Actor, ticketId: number, meta: { ip: string }) {
  const loaded = await loadTicket(database.db, ticketId);
  if (!loaded) throw new NotFoundError("工单不存在");
  if (!can(actor, "read:ticket-contact", ticketTarget(loaded.row, loaded.coOrgIds, "all"))) {
    throw new NotFoundError("工单不存在");
  }
  await database.write((tx) =>
    audit(tx, {
      actorUserId: actor.userId,
      action: "ticket.contact_viewed",
      entity: "ticket",
      entityId: ticketId,
      ip: meta.ip,
    }),
  );
  return { reporterName: loaded.row.reporterName, reporterPhone: loaded.row.reporterPhone };
}

/**
 * Candidate units for dispatch (派单目录) — the catalogue's kind of unit, matched by place and
 * function — for a ticket the caller has already loaded and may read: the ticket page has it from
 * getTicket, and loading it again cost two statements per page view.
 */
async function unitCandidates(
  database: Database,
  row: Pick<TicketRow, "categoryId" | "districtCode" | "streetCode" | "communityCode">,
) {
  const category = await database.db.query.categories.findFirst({ where: eq(categories.id, row.categoryId) });
  // Every unit, as one JSON value: the ticket page reads them all on each view, and the driver's
  // cost per row and column was most of that page's reading (decision 0026). Sorted here: the
  // libsql server's SQLite predates ORDER BY inside an aggregate, and JavaScript compares names as
  // SQLite's binary collation does for every character outside the astral planes.
  const [list] = await database.db.all<{ units: string }>(sql`
    select json_group_array(
      json_object('id', id, 'name', name, 'kind', kind, 'regionCode', region_code, 'functionKey', function_key)
    ) as units
    from ${organisations}
    where ${inArray(organisations.kind, ["street_office", "community_committee", "department", "property_company", "utility_company"])}`);
  // An aggregate answers one row even over no rows ('[]').
  const all = (
    JSON.parse(list!.units) as Pick<
      typeof organisations.$inferSelect,
      "id" | "name" | "kind" | "regionCode" | "functionKey"
    >[]
  ).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const place = { districtCode: row.districtCode, streetCode: row.streetCode, communityCode: row.communityCode };
  const entry = category ? { handlerKind: category.handlerKind, handlerFunction: category.handlerFunction } : null;
  const ranked = all.map((o) => ({ ...o, suggested: suitsCategory(entry, place, o) }));
  return {
    suggested: ranked.filter((o) => o.suggested),
    others: ranked.filter((o) => !o.suggested),
    handlerKind: category?.handlerKind ?? null,
  };
}

/** The steps whose form picks a unit. */
export const UNIT_ACTIONS: readonly ActionKind[] = ["dispatch", "redispatch", "add_co_unit", "decide_return"];

export interface UnitChoice {
  id: number;
  name: string;
  kind: (typeof organisations.$inferSelect)["kind"];
}

/** A unit picker's choices: the dispatch catalogue's suggestions first, then every other unit it may name. */
export interface UnitChoices {
  suggested: UnitChoice[];
  others: UnitChoice[];
}

/**
 * The units a ticket's pickers offer the actor: `dispatch` for dispatching,
 * adding a co-handling unit and re-dispatching a return; `redispatch` for a
 * unit handing the ticket on (the centre may name any unit but the lead; a
 * street or community only what 首接负责 lets it).
 */
export async function unitChoicesFor(
  database: Database,
  actor: Actor,
  ticket: Pick<
    TicketRow,
    "categoryId" | "districtCode" | "streetCode" | "communityCode" | "leadOrgId" | "firstReceiverOrgId"
  >,
): Promise<{ dispatch: UnitChoices; redispatch: UnitChoices }> {
  const units = await unitCandidates(database, ticket);
  // The unit the actor coordinates this ticket through (lead or first receiver), for 首接负责's choices.
  const coordinator = actor.grants.find(
    (g) => g.orgId != null && (g.orgId === ticket.leadOrgId || g.orgId === ticket.firstReceiverOrgId),
  );
  const redispatch = redispatchChoices(units, {
    byCentre: can(actor, "dispatch:ticket", {}),
    regionCode: coordinator?.regionCode ?? null,
    leadOrgId: ticket.leadOrgId,
    communityCode: ticket.communityCode,
  });
  const slim = (list: UnitChoice[]) => list.map(({ id, name, kind }) => ({ id, name, kind }));
  return {
    dispatch: { suggested: slim(units.suggested), others: slim(units.others) },
    redispatch: { suggested: slim(redispatch.suggested), others: slim(redispatch.others) },
  };
}

/**
 * A ticket's unit choices on their own (the ticket page carries only the
 * suggestions and fetches the rest when a picker is used): for someone who
 * may read the ticket (else not found) and has a step that picks a unit
 * (else forbidden).
 */
export async function ticketUnitChoices(database: Database, actor: Actor, ticketId: number) {
  const loaded = await loadTicket(database.db, ticketId);
  if (!loaded || !can(actor, "read:ticket", ticketTarget(loaded.row, loaded.coOrgIds, "all"))) {
    throw new NotFoundError("工单不存在");
  }
  if (!actionsOf(actor, loaded.row, loaded.coOrgIds).some((k) => UNIT_ACTIONS.includes(k))) {
    throw new ForbiddenError("无权为此工单选择单位");
  }
  return unitChoicesFor(database, actor, loaded.row);
}
