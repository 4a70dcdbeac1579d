import { relations } from "drizzle-orm";
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { regions } from "./regions";

/** DOMAIN.md, The people. Shared with zod and the permission module. */
export const roles = [
  "admin",
  "operator",
  "street_officer",
  "community_secretary",
  "community_worker",
  "department_officer",
  "property_manager",
  "committee_member",
  "resident",
] as const;
export type Role = (typeof roles)[number];

export const orgKinds = [
  "hotline_centre",
  "street_office",
  "community_committee",
  "department",
  "property_company",
  "owners_committee",
  "co_building_unit",
  "utility_company",
] as const;
export type OrgKind = (typeof orgKinds)[number];

export const userStatuses = ["active", "disabled"] as const;

const createdAt = () =>
  integer("created_at", { mode: "timestamp_ms" })
    .notNull()
    .$defaultFn(() => new Date());

export const users = sqliteTable("users", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  /** Stored lower-case; unique. */
  username: text("username").notNull().unique(),
  displayName: text("display_name").notNull(),
  passwordHash: text("password_hash").notNull(),
  phone: text("phone"),
  status: text("status", { enum: userStatuses }).notNull().default("active"),
  createdAt: createdAt(),
});

export const organisations = sqliteTable(
  "organisations",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    name: text("name").notNull(),
    kind: text("kind", { enum: orgKinds }).notNull(),
    regionCode: text("region_code")
      .notNull()
      .references(() => regions.code),
    /**
     * Departments and utilities: the function they perform (`handlerFunctions`
     * in db/seed/taxonomy.ts). Dispatch matches it to a category leaf's
     * `handlerFunction`, so a catalogue entry needs no organisation's name.
     */
    functionKey: text("function_key"),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("organisations_name_region_uq").on(t.name, t.regionCode),
    index("organisations_region_idx").on(t.regionCode),
  ],
);

/**
 * A user's role. Staff roles belong to an organisation (its region is theirs);
 * admins and residents have none, and residents carry their community instead.
 * `manager` lets the member invite people into the organisation and change their roles.
 */
export const memberships = sqliteTable(
  "memberships",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id),
    orgId: integer("org_id").references(() => organisations.id),
    regionCode: text("region_code").references(() => regions.code),
    role: text("role", { enum: roles }).notNull(),
    manager: integer("manager", { mode: "boolean" }).notNull().default(false),
    createdAt: createdAt(),
  },
  (t) => [index("memberships_user_idx").on(t.userId), index("memberships_org_idx").on(t.orgId)],
);

export const sessions = sqliteTable(
  "sessions",
  {
    /** SHA-256 (hex) of the cookie token: a stolen database yields no usable session. */
    id: text("id").primaryKey(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id),
    expiresAt: integer("expires_at", { mode: "timestamp_ms" }).notNull(),
    createdAt: createdAt(),
    ip: text("ip"),
    userAgent: text("user_agent"),
  },
  (t) => [index("sessions_user_idx").on(t.userId)],
);

export const invitations = sqliteTable(
  "invitations",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    /** SHA-256 (hex) of the link token. */
    tokenHash: text("token_hash").notNull().unique(),
    orgId: integer("org_id")
      .notNull()
      .references(() => organisations.id),
    role: text("role", { enum: roles }).notNull(),
    manager: integer("manager", { mode: "boolean" }).notNull().default(false),
    note: text("note"),
    createdBy: integer("created_by")
      .notNull()
      .references(() => users.id),
    createdAt: createdAt(),
    expiresAt: integer("expires_at", { mode: "timestamp_ms" }).notNull(),
    acceptedAt: integer("accepted_at", { mode: "timestamp_ms" }),
    acceptedBy: integer("accepted_by").references(() => users.id),
    revokedAt: integer("revoked_at", { mode: "timestamp_ms" }),
  },
  (t) => [index("invitations_org_idx").on(t.orgId)],
);

/** Failed sign-in counters, per account name and per client address. */
export const loginThrottle = sqliteTable("login_throttle", {
  key: text("key").primaryKey(),
  failures: integer("failures").notNull(),
  windowStartedAt: integer("window_started_at", { mode: "timestamp_ms" }).notNull(),
  blockedUntil: integer("blocked_until", { mode: "timestamp_ms" }),
});

/** Append-only: who did what, when, from where. Never updated or deleted. */
export const auditLog = sqliteTable(
  "audit_log",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    at: createdAt(),
    actorUserId: integer("actor_user_id").references(() => users.id),
    action: text("action").notNull(),
    entity: text("entity").notNull(),
    entityId: text("entity_id"),
    detail: text("detail", { mode: "json" }).$type<Record<string, unknown>>(),
    ip: text("ip"),
  },
  (t) => [index("audit_log_entity_idx").on(t.entity, t.entityId), index("audit_log_at_idx").on(t.at)],
);

export const usersRelations = relations(users, ({ many }) => ({
  memberships: many(memberships),
  sessions: many(sessions),
}));

export const organisationsRelations = relations(organisations, ({ one, many }) => ({
  region: one(regions, { fields: [organisations.regionCode], references: [regions.code] }),
  memberships: many(memberships),
  invitations: many(invitations),
}));

export const membershipsRelations = relations(memberships, ({ one }) => ({
  user: one(users, { fields: [memberships.userId], references: [users.id] }),
  organisation: one(organisations, { fields: [memberships.orgId], references: [organisations.id] }),
  region: one(regions, { fields: [memberships.regionCode], references: [regions.code] }),
}));

export const invitationsRelations = relations(invitations, ({ one }) => ({
  organisation: one(organisations, { fields: [invitations.orgId], references: [organisations.id] }),
}));
