/**
 * Realtime documents (docs/decisions/0011): each Yjs document is a compacted
 * snapshot plus the updates accepted since, appended one row per update.
 * Updates, never whole documents, are written per edit.
 */
import { blob, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const realtimeDocuments = sqliteTable("realtime_documents", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  /** The document's name, e.g. `plan:12` or `plan:12:party:3`. */
  name: text("name").notNull().unique(),
  /** Yjs update (V1) holding every update with seq ≤ snapshot_seq; null until the first compaction. */
  snapshot: blob("snapshot", { mode: "buffer" }),
  snapshotSeq: integer("snapshot_seq").notNull().default(0),
  createdAt: integer("created_at", { mode: "timestamp_ms" })
    .notNull()
    .$defaultFn(() => new Date()),
  compactedAt: integer("compacted_at", { mode: "timestamp_ms" }),
});

/**
 * One row per accepted update. The migration makes this table WITHOUT ROWID
 * (drizzle cannot say so): the key (document_id, seq) is the table itself, so
 * a row costs the update plus a few bytes and no second index copy.
 */
export const realtimeUpdates = sqliteTable(
  "realtime_updates",
  {
    documentId: integer("document_id")
      .notNull()
      .references(() => realtimeDocuments.id, { onDelete: "cascade" }),
    /** Per document, assigned by the process that holds the document, gapless from 1. */
    seq: integer("seq").notNull(),
    update: blob("update", { mode: "buffer" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.documentId, t.seq] })],
);
