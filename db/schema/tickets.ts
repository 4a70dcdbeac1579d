/**
 * The tickets domain (DOMAIN.md, A ticket): the taxonomy and its rules as
 * versioned data, the working-day calendar, tickets with their append-only
 * events, co-handling units, appeals for exclusion, API keys and imports.
 */
import { relations, sql } from "drizzle-orm";
import {
  index,
  integer,
  primaryKey,
  real,
  sqliteTable,
  text,
  uniqueIndex,
  type AnySQLiteColumn,
} from "drizzle-orm/sqlite-core";
import { organisations, users } from "./identity";

/** 诉求类型: 咨询 inquiry · 求助 help · 投诉 complaint · 举报 report · 建议 suggestion. */
export const requestTypes = ["inquiry", "help", "complaint", "report", "suggestion"] as const;
export type RequestType = (typeof requestTypes)[number];

/** 渠道. `api` is the hotline platform pushing tickets; `import` a bulk file. */
export const channels = ["phone", "wechat", "app", "message_board", "web", "api", "import"] as const;
export type Channel = (typeof channels)[number];

/** 一般 · 紧急 · 特急. */
export const urgencies = ["normal", "urgent", "emergency"] as const;
export type Urgency = (typeof urgencies)[number];

/** Time-limit class of a category leaf: utilities (水电气热) run on hours, most on working days. */
export const limitClasses = ["utility", "general", "complex"] as const;
export type LimitClass = (typeof limitClasses)[number];

/** The dispatch catalogue's kinds of handling unit (派单目录). */
export const handlerKinds = ["street", "district_department", "city_department", "utility_company"] as const;
export type HandlerKind = (typeof handlerKinds)[number];

export const ticketStatuses = [
  "received", // 受理
  "dispatched", // 已派单, awaiting 签收
  "return_requested", // 退单申请, awaiting the centre
  "accepted", // 已签收: the clock runs
  "in_progress", // 先行联系 done, 办理中
  "replied", // 已回复, awaiting 回访
  "called_back", // 已回访
  "closed", // 办结
] as const;
export type TicketStatus = (typeof ticketStatuses)[number];

export const returnReasons = ["wrong_area", "unclear_ownership", "overlapping_duties"] as const; // 属地不符 权属不清 职能交叉
export const resolutions = ["resolved", "partly", "unresolved"] as const; // 已解决 部分解决 未解决
export const satisfactions = ["satisfied", "basic", "dissatisfied"] as const; // 满意 基本满意 不满意
export const ticketSources = ["intake", "resident", "api", "import"] as const;
export const unitRoles = ["lead", "co"] as const; // 主办 协办
export const appealStatuses = ["pending", "approved", "rejected"] as const;

const createdAt = () =>
  integer("created_at", { mode: "timestamp_ms" })
    .notNull()
    .$defaultFn(() => new Date());
const ts = (name: string) => integer(name, { mode: "timestamp_ms" });

/** The three-level category tree. Leaves carry their dispatch catalogue entry and time-limit class. */
export const categories = sqliteTable(
  "categories",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    parentId: integer("parent_id").references((): AnySQLiteColumn => categories.id),
    level: integer("level").notNull(),
    /** Dotted path code, e.g. "05.02.01": stable across renames. */
    code: text("code").notNull().unique(),
    name: text("name").notNull(),
    /** Leaves only: which kind of unit handles it, and which function (住建, 城管, 供水 …). */
    handlerKind: text("handler_kind", { enum: handlerKinds }),
    handlerFunction: text("handler_function"),
    limitClass: text("limit_class", { enum: limitClasses }),
    active: integer("active", { mode: "boolean" }).notNull().default(true),
  },
  (t) => [index("categories_parent_idx").on(t.parentId)],
);

/**
 * 七有 (幼有所育、学有所教、劳有所得、病有所医、老有所养、住有所居、弱有所扶) and
 * 五性 (便利性、宜居性、多样性、公正性、安全性): the city's yardsticks a
 * category is read against (docs/decisions/0018).
 */
export const sevenHaves = ["childcare", "education", "work", "medical", "elderly", "housing", "vulnerable"] as const;
export const fiveQualities = ["convenience", "livability", "diversity", "fairness", "safety"] as const;
export const categoryTagCodes = [...sevenHaves, ...fiveQualities] as const;
export type CategoryTag = (typeof categoryTagCodes)[number];

/**
 * A category's own tags. A category without rows here carries its parent's
 * (inherited all the way up); one with rows carries exactly those.
 */
export const categoryTags = sqliteTable(
  "category_tags",
  {
    categoryId: integer("category_id")
      .notNull()
      .references(() => categories.id),
    tag: text("tag", { enum: categoryTagCodes }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.categoryId, t.tag] })],
);

/**
 * A version of the time-limit rules. The newest applies to new tickets; a
 * ticket keeps the rule row it was given, so a change never rewrites old deadlines.
 */
export const timeLimitVersions = sqliteTable("time_limit_versions", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  note: text("note").notNull(),
  /** Longest a deadline may be pushed by approved extensions, counted from acceptance. */
  extensionCapWorkingDays: integer("extension_cap_working_days").notNull(),
  createdBy: integer("created_by").references(() => users.id),
  createdAt: createdAt(),
});

/**
 * One rule: the most specific row matching (urgency, request type, limit
 * class) wins; null matches anything. `contactWithinHours` is the first-contact
 * limit behind the response rate.
 */
export const timeLimits = sqliteTable(
  "time_limits",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    versionId: integer("version_id")
      .notNull()
      .references(() => timeLimitVersions.id),
    urgency: text("urgency", { enum: urgencies }),
    requestType: text("request_type", { enum: requestTypes }),
    limitClass: text("limit_class", { enum: limitClasses }),
    amount: integer("amount").notNull(),
    unit: text("unit", { enum: ["hours", "working_days"] }).notNull(),
    contactWithinHours: integer("contact_within_hours").notNull(),
  },
  (t) => [index("time_limits_version_idx").on(t.versionId)],
);

/** Exceptions to "Monday–Friday work": public holidays and make-up working days (调休). */
export const calendarDays = sqliteTable("calendar_days", {
  /** YYYY-MM-DD, Beijing time. */
  date: text("date").primaryKey(),
  kind: text("kind", { enum: ["holiday", "workday"] }).notNull(),
  name: text("name").notNull(),
  /** Where the entry came from: the chinese-days package, our provisional statutory dates, or an admin. */
  source: text("source", { enum: ["package", "provisional", "admin"] }).notNull(),
  updatedBy: integer("updated_by").references(() => users.id),
  updatedAt: createdAt(),
});

/** Versioned weights of the three rates and the credit for partial answers (DOMAIN.md, 三率). */
export const scoreWeightVersions = sqliteTable("score_weight_versions", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  /** First month (YYYY-MM) these weights score. */
  effectiveFrom: text("effective_from").notNull(),
  response: real("response").notNull(),
  resolution: real("resolution").notNull(),
  satisfaction: real("satisfaction").notNull(),
  /** Share of a "partly resolved" callback counted as resolved. */
  partialCredit: real("partial_credit").notNull(),
  /** Share of a "basically satisfied" callback counted as satisfied. */
  basicCredit: real("basic_credit").notNull(),
  note: text("note").notNull(),
  createdBy: integer("created_by").references(() => users.id),
  createdAt: createdAt(),
});

export const tickets = sqliteTable(
  "tickets",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    /** The hotline's ticket number (工单编号): unique, the key of idempotent imports and API pushes. */
    number: text("number").notNull().unique(),
    source: text("source", { enum: ticketSources }).notNull(),
    type: text("type", { enum: requestTypes }).notNull(),
    channel: text("channel", { enum: channels }).notNull(),
    urgency: text("urgency", { enum: urgencies }).notNull(),
    categoryId: integer("category_id")
      .notNull()
      .references(() => categories.id),
    description: text("description").notNull(),
    address: text("address").notNull(),
    lon: real("lon"),
    lat: real("lat"),
    districtCode: text("district_code"),
    streetCode: text("street_code"),
    communityCode: text("community_code"),
    reporterName: text("reporter_name"),
    reporterPhone: text("reporter_phone"),
    reporterUserId: integer("reporter_user_id").references(() => users.id),
    status: text("status", { enum: ticketStatuses }).notNull(),
    /** 首接: the unit that first received it; it coordinates and may not pass it off. */
    firstReceiverOrgId: integer("first_receiver_org_id").references(() => organisations.id),
    /** 主办: the unit handling it now. */
    leadOrgId: integer("lead_org_id").references(() => organisations.id),
    receivedAt: ts("received_at").notNull(),
    dispatchedAt: ts("dispatched_at"),
    /** YYYY-MM of the first dispatch (Beijing time): the month whose scorecard it counts in. */
    dispatchMonth: text("dispatch_month"),
    /** First contact must come by then for the ticket to count as responded. */
    contactDeadlineAt: ts("contact_deadline_at"),
    acceptedAt: ts("accepted_at"),
    firstContactAt: ts("first_contact_at"),
    /** When the current clock started (acceptance, or re-acceptance after a reopen). */
    clockStartedAt: ts("clock_started_at"),
    deadlineAt: ts("deadline_at"),
    timeLimitId: integer("time_limit_id").references(() => timeLimits.id),
    /** Working days asked for by a pending extension request (延期申请), awaiting the centre. */
    pendingExtensionDays: integer("pending_extension_days"),
    repliedAt: ts("replied_at"),
    calledBackAt: ts("called_back_at"),
    closedAt: ts("closed_at"),
    resolution: text("resolution", { enum: resolutions }),
    satisfaction: text("satisfaction", { enum: satisfactions }),
    /** 核减: an approved appeal takes the ticket out of the rates' denominators. */
    excluded: integer("excluded", { mode: "boolean" }).notNull().default(false),
    supervisionCount: integer("supervision_count").notNull().default(0),
    reopenCount: integer("reopen_count").notNull().default(0),
    updatedAt: ts("updated_at").notNull(),
  },
  (t) => [
    index("tickets_lead_status_deadline_idx").on(t.leadOrgId, t.status, t.deadlineAt),
    // A unit's 待签收 and 办理中, newest first (the queue page's default): without it SQLite walked the
    // city's tickets of the status testing each one's unit (待签收 ~2.3 ms), or read each of the unit's
    // tickets in the statuses from the table to sort them (办理中 ~28 ms at a million); now ~0.1 ms each.
    index("tickets_lead_status_received_idx").on(t.leadOrgId, t.status, t.receivedAt),
    index("tickets_first_status_deadline_idx").on(t.firstReceiverOrgId, t.status, t.deadlineAt),
    index("tickets_status_received_idx").on(t.status, t.receivedAt),
    index("tickets_received_idx").on(t.receivedAt),
    index("tickets_street_received_idx").on(t.streetCode, t.receivedAt),
    index("tickets_community_received_idx").on(t.communityCode, t.receivedAt),
    index("tickets_dispatch_month_idx").on(t.dispatchMonth, t.streetCode),
    index("tickets_reporter_idx").on(t.reporterUserId),
    // The integration API's sync reads in this order (updated since, then id): without it every page sorted the table.
    index("tickets_updated_idx").on(t.updatedAt, t.id),
    // Open tickets by lead unit and deadline, with the supervision count: the centre's overdue table
    // (overdueByUnit) counts each unit's overdue from the index alone, in the index's order. At a
    // million tickets with 128,000 overdue, reading each row from the table took 340 ms; ordered by
    // deadline first, grouping them by unit still took ~80 ms (a temporary b-tree); this way ~25 ms.
    // Large queues sorted by deadline (no deadline last) are walked in this order (server/tickets/queries.ts,
    // Drive): sorting a status's every ticket instead cost ~700 ms for 已办结 at a million tickets.
    // The literal is the queries' NO_DEADLINE; the expression must be written the same on both sides.
    index("tickets_deadline_order_idx").on(sql`coalesce(${t.deadlineAt}, 253402300799999)`, t.id),
    // The same order for the tickets no unit has accepted yet, by status: nearly all without a deadline,
    // they come last in the order above, so 待派单 by deadline walked every ticket with one first (~150 ms
    // at a million). Partial, so that other queries by status keep to tickets_status_received_idx.
    index("tickets_unaccepted_idx")
      .on(t.status, sql`coalesce(${t.deadlineAt}, 253402300799999)`, t.id)
      .where(sql`${t.status} = 'received' or ${t.status} = 'dispatched'`),
    // 首接跟踪: tickets handed down to another lead, by first receiver — a few among all a unit first received.
    index("tickets_handed_down_idx")
      .on(t.firstReceiverOrgId, t.receivedAt)
      .where(sql`${t.firstReceiverOrgId} <> ${t.leadOrgId}`),
    // The centre's 待审核 queue (a return or an extension to decide) by time received: a few dozen
    // tickets of a million, which no other index finds without reading them all (~260 ms).
    index("tickets_decisions_idx")
      .on(t.receivedAt)
      .where(sql`${t.status} = 'return_requested' or ${t.pendingExtensionDays} is not null`),
    index("tickets_open_lead_deadline_idx")
      .on(t.leadOrgId, t.deadlineAt, t.supervisionCount)
      .where(sql`${t.status} in ('accepted', 'in_progress')`),
  ],
);

/** Every unit on a ticket: its lead and co-handling units (主办/协办), past and present. */
export const ticketUnits = sqliteTable(
  "ticket_units",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    ticketId: integer("ticket_id")
      .notNull()
      .references(() => tickets.id),
    orgId: integer("org_id")
      .notNull()
      .references(() => organisations.id),
    role: text("role", { enum: unitRoles }).notNull(),
    assignedAt: ts("assigned_at").notNull(),
    /** Set when a lead unit is replaced (re-dispatch): the row stays, as history. */
    endedAt: ts("ended_at"),
  },
  (t) => [
    index("ticket_units_org_idx").on(t.orgId, t.role, t.ticketId),
    index("ticket_units_ticket_idx").on(t.ticketId),
  ],
);

/** 件件有记录: the append-only history. Current state on `tickets` is derived from these. */
export const ticketEvents = sqliteTable(
  "ticket_events",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    ticketId: integer("ticket_id")
      .notNull()
      .references(() => tickets.id),
    at: ts("at").notNull(),
    actorUserId: integer("actor_user_id").references(() => users.id),
    actorOrgId: integer("actor_org_id").references(() => organisations.id),
    kind: text("kind").notNull(),
    fromStatus: text("from_status", { enum: ticketStatuses }),
    toStatus: text("to_status", { enum: ticketStatuses }),
    data: text("data", { mode: "json" }).$type<Record<string, unknown>>(),
  },
  (t) => [index("ticket_events_ticket_idx").on(t.ticketId, t.id)],
);

/** 核减/申诉: a unit asks to exclude an unreasonable request; the centre decides; both audited. */
export const ticketAppeals = sqliteTable(
  "ticket_appeals",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    ticketId: integer("ticket_id")
      .notNull()
      .references(() => tickets.id),
    orgId: integer("org_id")
      .notNull()
      .references(() => organisations.id),
    reason: text("reason").notNull(),
    status: text("status", { enum: appealStatuses }).notNull().default("pending"),
    requestedBy: integer("requested_by")
      .notNull()
      .references(() => users.id),
    requestedAt: ts("requested_at").notNull(),
    reviewedBy: integer("reviewed_by").references(() => users.id),
    reviewedAt: ts("reviewed_at"),
    reviewNote: text("review_note"),
  },
  (t) => [index("ticket_appeals_status_idx").on(t.status), index("ticket_appeals_ticket_idx").on(t.ticketId)],
);

/** Per-day counter behind generated ticket numbers (YYYYMMDD + 6 digits). */
export const ticketNumberCounters = sqliteTable("ticket_number_counters", {
  day: text("day").primaryKey(),
  last: integer("last").notNull(),
});

/**
 * How far the search index's tokens are current (server/tickets/search.ts, SEARCH_TOKENS_VERSION): one
 * row. Below the current version, tickets are indexed again in the background, in id order; `through`
 * is the last ticket done, so a restart resumes there.
 */
export const ticketSearchState = sqliteTable("ticket_search_state", {
  id: integer("id").primaryKey(),
  version: integer("version").notNull(),
  through: integer("through").notNull().default(0),
});

/** Keys for the hotline platform's integration API. Only a hash is kept. */
export const apiKeys = sqliteTable("api_keys", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  name: text("name").notNull(),
  /** First characters of the key, shown to tell keys apart. */
  prefix: text("prefix").notNull(),
  keyHash: text("key_hash").notNull().unique(),
  createdBy: integer("created_by")
    .notNull()
    .references(() => users.id),
  createdAt: createdAt(),
  lastUsedAt: ts("last_used_at"),
  revokedAt: ts("revoked_at"),
});

/** Saved column mappings for imports from a hotline system's export. */
export const importMappings = sqliteTable(
  "import_mappings",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    name: text("name").notNull(),
    /** Our field → the file's column header. */
    mapping: text("mapping", { mode: "json" }).notNull().$type<Record<string, string>>(),
    createdBy: integer("created_by").references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("import_mappings_name_uq").on(t.name)],
);

export const importJobs = sqliteTable("import_jobs", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  fileName: text("file_name").notNull(),
  /** interrupted: the process running it stopped (its heartbeat went quiet); re-importing the file completes it. */
  status: text("status", { enum: ["running", "done", "failed", "interrupted"] }).notNull(),
  rowsRead: integer("rows_read").notNull().default(0),
  imported: integer("imported").notNull().default(0),
  duplicates: integer("duplicates").notNull().default(0),
  rejected: integer("rejected").notNull().default(0),
  error: text("error"),
  createdBy: integer("created_by").references(() => users.id),
  startedAt: ts("started_at").notNull(),
  finishedAt: ts("finished_at"),
  format: text("format", { enum: ["csv", "xlsx"] })
    .notNull()
    .default("csv"),
  /** The text encoding a CSV was read in (detected or chosen). */
  encoding: text("encoding"),
  /** The mapping the job ran with: our field → the file's column header. */
  mapping: text("mapping", { mode: "json" }).$type<Record<string, string>>(),
  /** Progress by bytes: the file's size and how much of it has been read. */
  bytesTotal: integer("bytes_total").notNull().default(0),
  bytesRead: integer("bytes_read").notNull().default(0),
  /** Written with every chunk: a running job whose heartbeat stops was interrupted (server restart). */
  updatedAt: ts("updated_at"),
});

/** Every rejected row of an import: line number, reason, and the raw row, for the downloadable report. */
export const importRejections = sqliteTable(
  "import_rejections",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    jobId: integer("job_id")
      .notNull()
      .references(() => importJobs.id),
    line: integer("line").notNull(),
    reason: text("reason").notNull(),
    raw: text("raw").notNull(),
  },
  (t) => [index("import_rejections_job_idx").on(t.jobId, t.line)],
);

/**
 * The three rates' counters (三率), per dispatch month × scope × level-1
 * category: scope `all` (key ''), `org` (an organisation id: each ticket
 * counts for its lead unit and, when different, its first receiver) and
 * `street` (a street code), plus `street_category`: a street code under the
 * ticket's own (leaf) category — `category_l1_id` then holds that category,
 * which the 七有五性 breakdown needs (tags sit at any level; migration 0014,
 * docs/decisions/0018). Maintained by triggers on `tickets` in the same
 * transaction as every change (migration 0004 and docs/decisions/0010), so
 * every writer — services, imports, seeds — keeps it exact and a year of
 * tickets is read as a few thousand rows instead of millions.
 * `dispatched` and `exclusions` count every ticket; the other counters only
 * those not excluded (核减), so each rate's denominator is dispatched − exclusions.
 */
export const ticketRateRollups = sqliteTable(
  "ticket_rate_rollups",
  {
    month: text("month").notNull(),
    scope: text("scope", { enum: ["all", "org", "street", "street_category"] }).notNull(),
    scopeKey: text("scope_key").notNull(),
    categoryL1Id: integer("category_l1_id").notNull(),
    dispatched: integer("dispatched").notNull().default(0),
    exclusions: integer("exclusions").notNull().default(0),
    responded: integer("responded").notNull().default(0),
    callbacks: integer("callbacks").notNull().default(0),
    resolved: integer("resolved").notNull().default(0),
    partly: integer("partly").notNull().default(0),
    satisfied: integer("satisfied").notNull().default(0),
    basic: integer("basic").notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.month, t.scope, t.scopeKey, t.categoryL1Id] }),
    index("ticket_rate_rollups_key_idx").on(t.scope, t.scopeKey, t.month),
  ],
);

export const categoriesRelations = relations(categories, ({ one, many }) => ({
  parent: one(categories, { fields: [categories.parentId], references: [categories.id], relationName: "tree" }),
  children: many(categories, { relationName: "tree" }),
}));

export const ticketsRelations = relations(tickets, ({ one, many }) => ({
  category: one(categories, { fields: [tickets.categoryId], references: [categories.id] }),
  lead: one(organisations, { fields: [tickets.leadOrgId], references: [organisations.id] }),
  events: many(ticketEvents),
  units: many(ticketUnits),
  appeals: many(ticketAppeals),
}));

export const ticketEventsRelations = relations(ticketEvents, ({ one }) => ({
  ticket: one(tickets, { fields: [ticketEvents.ticketId], references: [tickets.id] }),
}));

export const ticketUnitsRelations = relations(ticketUnits, ({ one }) => ({
  ticket: one(tickets, { fields: [ticketUnits.ticketId], references: [tickets.id] }),
  organisation: one(organisations, { fields: [ticketUnits.orgId], references: [organisations.id] }),
}));

export const ticketAppealsRelations = relations(ticketAppeals, ({ one }) => ({
  ticket: one(tickets, { fields: [ticketAppeals.ticketId], references: [tickets.id] }),
}));
