/**
 * Plans 一方案N清单 (docs/decisions/0015). The plan's live content is in
 * realtime documents (`plan:N`, `plan:N:party:M`); these tables hold what is
 * not co-edited: which owner a plan belongs to and which lists it has, the
 * frozen versions with their content hash, signatures bound to a version,
 * and the commitments its tasks became once every required party signed.
 * Versions, signatures and progress updates are append-only.
 */
import { relations } from "drizzle-orm";
import { blob, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { organisations, users } from "./identity";

/** What a plan belongs to: a council now, a monthly problem (每月一题) later. */
export const planOwnerKinds = ["council", "monthly_problem"] as const;
export type PlanOwnerKind = (typeof planOwnerKinds)[number];

export const commitmentStatuses = ["not_started", "in_progress", "done"] as const;
export type CommitmentStatus = (typeof commitmentStatuses)[number];

const ts = (name: string) => integer(name, { mode: "timestamp_ms" });

export const plans = sqliteTable(
  "plans",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    ownerKind: text("owner_kind", { enum: planOwnerKinds }).notNull(),
    ownerId: integer("owner_id").notNull(),
    /** The template it was made from (`three_lists`, `four_lists`, `custom`). */
    template: text("template").notNull(),
    /** The plan's lists and their columns (JSON `ListDefinition[]`), copied from the template at creation. */
    lists: text("lists", { mode: "json" }).notNull(),
    /** Party roles whose organisations must sign a version (JSON `PartyRole[]`). */
    signerRoles: text("signer_roles", { mode: "json" }).notNull(),
    createdBy: integer("created_by")
      .notNull()
      .references(() => users.id),
    createdAt: ts("created_at").notNull(),
  },
  (t) => [uniqueIndex("plans_owner_idx").on(t.ownerKind, t.ownerId)],
);

/** A frozen version: the state of every document of the plan, and the hash of its content. */
export const planVersions = sqliteTable(
  "plan_versions",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    planId: integer("plan_id")
      .notNull()
      .references(() => plans.id),
    number: integer("number").notNull(),
    /** sha-256 (hex) of the canonical encoding of the content of every document. */
    hash: text("hash").notNull(),
    /** Set when this version restores an earlier one. */
    restoredFrom: integer("restored_from"),
    frozenBy: integer("frozen_by")
      .notNull()
      .references(() => users.id),
    frozenAt: ts("frozen_at").notNull(),
  },
  (t) => [uniqueIndex("plan_versions_number_idx").on(t.planId, t.number)],
);

export const planVersionDocuments = sqliteTable(
  "plan_version_documents",
  {
    versionId: integer("version_id")
      .notNull()
      .references(() => planVersions.id),
    /** The realtime document's name, e.g. `plan:3:party:12`. */
    name: text("name").notNull(),
    /** The document's full state (Yjs update V1). */
    state: blob("state", { mode: "buffer" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.versionId, t.name] })],
);

/** A party's signature: who, when, which version and hash. One per party and version. */
export const planSignatures = sqliteTable(
  "plan_signatures",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    versionId: integer("version_id")
      .notNull()
      .references(() => planVersions.id),
    orgId: integer("org_id")
      .notNull()
      .references(() => organisations.id),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id),
    hash: text("hash").notNull(),
    signedAt: ts("signed_at").notNull(),
  },
  (t) => [uniqueIndex("plan_signatures_party_idx").on(t.versionId, t.orgId)],
);

/** A task of a fully signed version, now a tracked commitment of its owner organisation. */
export const planCommitments = sqliteTable(
  "plan_commitments",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    planId: integer("plan_id")
      .notNull()
      .references(() => plans.id),
    versionId: integer("version_id")
      .notNull()
      .references(() => planVersions.id),
    ownerOrgId: integer("owner_org_id")
      .notNull()
      .references(() => organisations.id),
    /** The task row's id in its party document. */
    rowId: text("row_id").notNull(),
    task: text("task").notNull(),
    target: text("target").notNull(),
    /** A Beijing calendar date (YYYY-MM-DD), or null when the row gave none. */
    deadline: text("deadline"),
    status: text("status", { enum: commitmentStatuses }).notNull(),
    progress: integer("progress").notNull(),
    createdAt: ts("created_at").notNull(),
    updatedAt: ts("updated_at").notNull(),
    /** When the chair was told it is overdue, so the sweep tells them once. */
    overdueNotifiedAt: ts("overdue_notified_at"),
  },
  (t) => [
    uniqueIndex("plan_commitments_row_idx").on(t.planId, t.rowId),
    index("plan_commitments_owner_idx").on(t.ownerOrgId),
  ],
);

/** The owner's progress reports; a commitment's status and progress are the latest one's. */
export const planCommitmentUpdates = sqliteTable(
  "plan_commitment_updates",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    commitmentId: integer("commitment_id")
      .notNull()
      .references(() => planCommitments.id),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id),
    status: text("status", { enum: commitmentStatuses }).notNull(),
    progress: integer("progress").notNull(),
    note: text("note").notNull(),
    at: ts("at").notNull(),
  },
  (t) => [index("plan_commitment_updates_idx").on(t.commitmentId)],
);

export const plansRelations = relations(plans, ({ many }) => ({ versions: many(planVersions) }));
export const planVersionsRelations = relations(planVersions, ({ one, many }) => ({
  plan: one(plans, { fields: [planVersions.planId], references: [plans.id] }),
  documents: many(planVersionDocuments),
  signatures: many(planSignatures),
}));
export const planVersionDocumentsRelations = relations(planVersionDocuments, ({ one }) => ({
  version: one(planVersions, { fields: [planVersionDocuments.versionId], references: [planVersions.id] }),
}));
export const planSignaturesRelations = relations(planSignatures, ({ one }) => ({
  version: one(planVersions, { fields: [planSignatures.versionId], references: [planVersions.id] }),
}));
