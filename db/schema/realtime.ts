/**
 * Realtime documents (docs/decisions/0012): each Yjs document is a compacted
 * snapshot plus the updates accepted since. Updates, never whole documents,
 * are written per edit, into one append-only log for all documents.
 */
import { blob, index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const realtimeDocuments = sqliteTable(
  "realtime_documents",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    /** The document's name, e.g. `plan:12` or `plan:12:party:3`. */
    name: text("name").notNull().unique(),
    /** Yjs update (V1) holding every logged update of this document up to log id `snapshot_through`. */
    snapshot: blob("snapshot", { mode: "buffer" }),
    snapshotThrough: integer("snapshot_through").notNull().default(0),
    createdAt: integer("created_at", { mode: "timestamp_ms" })
      .notNull()
      .$defaultFn(() => new Date()),
    compactedAt: integer("compacted_at", { mode: "timestamp_ms" }),
  },
  // The log's head is max(log id, snapshot position) and is read in every
  // append transaction (ids are assigned there, decision 0022): an index lookup.
  (t) => [index("realtime_documents_snapshot_through").on(t.snapshotThrough)],
);

/**
 * The update log, in the order updates were accepted. Deliberately without
 * an index on document_id: appends then touch only the last page whatever
 * the number of busy documents (an index keyed by document dirtied one page
 * per document per commit, ten times the cost). A document is read by a
 * range scan after its snapshot, which compaction keeps short; rows a
 * snapshot holds are truncated in the background.
 */
export const realtimeUpdates = sqliteTable("realtime_updates", {
  /** Log position, assigned in commit order inside the appending transaction (decision 0022). */
  id: integer("id").primaryKey(),
  documentId: integer("document_id")
    .notNull()
    .references(() => realtimeDocuments.id, { onDelete: "cascade" }),
  update: blob("update", { mode: "buffer" }).notNull(),
});
