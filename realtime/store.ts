/**
 * Where realtime documents live in the database (docs/decisions/0012): a
 * compacted snapshot per document plus one append-only log of the updates
 * accepted since, for all documents.
 *
 * The journal is the "persist before you promise" half: updates are appended
 * with group commit — every update that arrives while a transaction is being
 * written goes into the next one — and the callbacks that broadcast them run
 * only after their transaction committed. All writes go through
 * `database.write` (decision 0004), so appends, compactions and the rest of
 * the portal's writes never interleave.
 */
import { setImmediate as yieldToEventLoop } from "node:timers/promises";
import { and, eq, sql, type SQL } from "drizzle-orm";
import * as Y from "yjs";
import type { Database } from "../db/client";
import { realtimeDocuments } from "../db/schema";

export interface StoredDocument {
  id: number;
  /** State holding every logged update up to `snapshotThrough`, or null before the first compaction. */
  snapshot: Uint8Array | null;
  snapshotThrough: number;
  /** Logged updates after the snapshot, in order. */
  updates: { id: number; update: Uint8Array }[];
}

/** Applies a stored document (its snapshot, then its later rows) to `doc` in one transaction. */
export function applyStored(doc: Y.Doc, stored: StoredDocument, origin: unknown = null) {
  Y.transact(
    doc,
    () => {
      if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot);
      for (const row of stored.updates) Y.applyUpdate(doc, row.update);
    },
    origin,
  );
}

export interface LogRow {
  documentId: number;
  update: Uint8Array;
}

/**
 * The last log id ever handed out. Truncation may delete the log's last row
 * (its snapshot holds it), so the snapshots' positions count too; both maxima
 * are index look-ups.
 */
const HEAD_SQL =
  "SELECT max(coalesce((SELECT max(id) FROM realtime_updates), 0), coalesce((SELECT max(snapshot_through) FROM realtime_documents), 0)) AS head";

/** Log rows from one blob of updates end to end and a JSON index of [id, document, offset, length]. */
const APPEND_SQL = `INSERT INTO realtime_updates (id, document_id, "update")
  SELECT value->>0, value->>1, substr(?, value->>2, value->>3) FROM json_each(?)`;

/** `text` with its `?` placeholders bound to `params`, as drizzle runs it. */
function withParams(text: string, params: unknown[]): SQL {
  return sql.join(
    text.split("?").flatMap((part, i) => (i === 0 ? [sql.raw(part)] : [sql.param(params[i - 1]), sql.raw(part)])),
  );
}

/** Rows the truncation deletes per transaction, so appends waiting behind it wait little. */
const TRUNCATE_CHUNK = 1_000;

export function createDocumentStore(database: Database) {
  const store = {
    /** The last log id ever handed out (ids never go back, even once truncated rows are gone). */
    async head(): Promise<number> {
      const result = await database.client.execute(HEAD_SQL);
      return Number(result.rows[0]!.head);
    },

    /** Reads a document, creating its row on first use. */
    async load(name: string): Promise<StoredDocument> {
      let doc = await database.db.query.realtimeDocuments.findFirst({ where: eq(realtimeDocuments.name, name) });
      if (!doc) {
        // Born at the log's head: no earlier row can be its, so its first load scans none of them.
        await database.write((tx) =>
          tx
            .insert(realtimeDocuments)
            .values({ name, snapshotThrough: sql.raw(`(${HEAD_SQL})`) })
            .onConflictDoNothing(),
        );
        doc = await database.db.query.realtimeDocuments.findFirst({ where: eq(realtimeDocuments.name, name) });
        if (!doc) throw new Error(`realtime document ${name} could not be created`);
      }
      // A rowid range scan from the snapshot on, returned as one string: ten
      // thousand small rows as row objects cost more than the scan itself.
      // The scan yields id order; sorted again below rather than with
      // `group_concat(… ORDER BY id)`, which a libsql server's SQL parser
      // rejects (it predates SQLite 3.44's ordered aggregates).
      const result = await database.client.execute({
        sql: `SELECT group_concat(id || ':' || hex("update"), ' ') AS log
              FROM realtime_updates WHERE id > ? AND document_id = ?`,
        args: [doc.snapshotThrough, doc.id],
      });
      const logged = result.rows[0]?.log;
      const updates =
        typeof logged === "string" && logged.length > 0
          ? logged
              .split(" ")
              .map((entry) => {
                const at = entry.indexOf(":");
                return {
                  id: Number(entry.slice(0, at)),
                  update: new Uint8Array(Buffer.from(entry.slice(at + 1), "hex")),
                };
              })
              .sort((a, b) => a.id - b.id)
          : [];
      return {
        id: doc.id,
        snapshot: doc.snapshot ? new Uint8Array(doc.snapshot) : null,
        snapshotThrough: doc.snapshotThrough,
        updates,
      };
    },

    /**
     * Appends rows in one transaction and resolves with the log id of the
     * first (the others follow in order). Ids are assigned inside the write
     * transaction, after the log's head: processes sharing the database take
     * them in commit order, so a reader that sees id N sees every id before
     * it (compaction relies on that, decision 0022).
     */
    async append(rows: readonly LogRow[]): Promise<number> {
      // One statement and two bound parameters however many rows — the
      // updates end to end in one blob, and each row's id, document, offset
      // and length as JSON — cheaper than binding three parameters per row.
      const blob = Buffer.concat(rows.map((r) => r.update));
      const index = (first: number) => {
        const entries: number[][] = [];
        let offset = 1; // substr() counts from 1
        for (const [i, r] of rows.entries()) {
          entries.push([first + i, r.documentId, offset, r.update.byteLength]);
          offset += r.update.byteLength;
        }
        return JSON.stringify(entries);
      };
      if (database.writeStatements) {
        return database.writeStatements((statement) => {
          const first = Number((statement(HEAD_SQL).get() as { head: number }).head) + 1;
          statement(APPEND_SQL).run(blob, index(first));
          return first;
        });
      }
      return database.write(async (tx) => {
        const head = await tx.all<{ head: number }>(sql.raw(HEAD_SQL));
        const first = Number(head[0]!.head) + 1;
        await tx.run(withParams(APPEND_SQL, [blob, index(first)]));
        return first;
      });
    },

    /** Replaces the snapshot with `state`, which holds every logged update of the document up to `through`. */
    async compact(documentId: number, state: Uint8Array, through: number): Promise<void> {
      await database.write((tx) =>
        tx
          .update(realtimeDocuments)
          .set({
            snapshot: Buffer.from(state.buffer, state.byteOffset, state.byteLength),
            snapshotThrough: through,
            compactedAt: new Date(),
          })
          .where(eq(realtimeDocuments.id, documentId)),
      );
    },

    /** Deletes log rows their document's snapshot holds, a chunk per transaction; resolves with how many. */
    async truncate(): Promise<number> {
      let total = 0;
      for (;;) {
        // A chunk per loop turn: the embedded driver resolves at once, so the loop would not run between them.
        await yieldToEventLoop();
        const deleted = await database.write(async (tx) => {
          const result = await tx.run(
            sql`DELETE FROM realtime_updates WHERE id IN (
              SELECT u.id FROM realtime_updates u JOIN realtime_documents d ON d.id = u.document_id
              WHERE u.id <= d.snapshot_through ORDER BY u.id LIMIT ${TRUNCATE_CHUNK})`,
          );
          return result.rowsAffected;
        });
        total += deleted;
        if (deleted < TRUNCATE_CHUNK) return total;
      }
    },

    /**
     * Compaction when several processes append to a document (decision
     * 0022): the snapshot is rebuilt from what the database holds — the
     * snapshot and every later row, so nothing another process wrote can be
     * missed — and replaced only if nobody compacted it meanwhile (the
     * position it was read at is unchanged). Truncation then deletes exactly
     * the rows it merged. Resolves with the position now held, or null when
     * there was nothing to merge or another compaction won.
     */
    async compactStored(name: string): Promise<number | null> {
      const stored = await store.load(name);
      const through = stored.updates.at(-1)?.id;
      if (through === undefined) return null;
      const doc = new Y.Doc();
      applyStored(doc, stored);
      const state = Y.encodeStateAsUpdate(doc);
      doc.destroy();
      const result = await database.write((tx) =>
        tx
          .update(realtimeDocuments)
          .set({ snapshot: Buffer.from(state), snapshotThrough: through, compactedAt: new Date() })
          .where(
            and(eq(realtimeDocuments.id, stored.id), eq(realtimeDocuments.snapshotThrough, stored.snapshotThrough)),
          ),
      );
      return result.rowsAffected > 0 ? through : null;
    },
  };
  return store;
}

export type DocumentStore = ReturnType<typeof createDocumentStore>;

interface Batch {
  /** Each row's id is set once its transaction committed. */
  rows: (LogRow & { id?: number })[];
  /** Run in order once the batch committed. */
  committed: (() => void)[];
}

const RETRY_FIRST_MS = 100;
const RETRY_MAX_MS = 5_000;

/**
 * Group commit. `append` queues an update with the callback that may
 * announce it (and learns its log id, assigned by the transaction); `afterDurable` runs a callback once
 * everything queued so far is committed. One transaction is in flight at a
 * time; a failed one is retried (with backoff) and its callbacks wait — an
 * update is never announced before it is stored, nor dropped because a
 * write failed.
 */
export function createJournal(store: Pick<DocumentStore, "append">, head: number, log: (line: string) => void) {
  let next: Batch = { rows: [], committed: [] };
  let inFlight: Batch | null = null;
  let scheduled = false;
  let retrying = false;
  let retryMs = RETRY_FIRST_MS;
  let durableId = head;
  let drained: (() => void)[] = [];
  const stats = { transactions: 0, rows: 0, bytes: 0, failures: 0 };

  function schedule() {
    if (scheduled || inFlight || retrying) return;
    scheduled = true;
    // setImmediate, not a microtask: lets every frame already read from the
    // sockets join this transaction.
    setImmediate(flush);
  }

  function flush() {
    scheduled = false;
    if (inFlight) return;
    if (next.rows.length === 0) return settleDrained();
    const batch = next;
    next = { rows: [], committed: [] };
    inFlight = batch;
    store.append(batch.rows).then(
      (first) => {
        stats.transactions++;
        stats.rows += batch.rows.length;
        for (const [i, r] of batch.rows.entries()) {
          r.id = first + i;
          stats.bytes += r.update.byteLength;
        }
        durableId = first + batch.rows.length - 1;
        retryMs = RETRY_FIRST_MS;
        inFlight = null;
        for (const fn of batch.committed) {
          try {
            fn();
          } catch (error) {
            // One failing announcement must not keep the rest of the batch from theirs.
            log(`realtime: after storing updates: ${String(error)}`);
          }
        }
        if (next.rows.length > 0) schedule();
        else settleDrained();
      },
      (error: unknown) => {
        stats.failures++;
        log(`realtime: storing ${batch.rows.length} updates failed, retrying in ${retryMs} ms: ${String(error)}`);
        // Put the batch back in front, merged with whatever arrived meanwhile.
        next = { rows: [...batch.rows, ...next.rows], committed: [...batch.committed, ...next.committed] };
        inFlight = null;
        retrying = true;
        setTimeout(() => {
          retrying = false;
          schedule();
        }, retryMs).unref();
        retryMs = Math.min(RETRY_MAX_MS, retryMs * 2);
      },
    );
  }

  function settleDrained() {
    const waiting = drained;
    drained = [];
    for (const fn of waiting) fn();
  }

  return {
    /** Queues an update; `committed(id)` runs once it is stored. */
    append(documentId: number, update: Uint8Array, committed: (id: number) => void) {
      const row: Batch["rows"][number] = { documentId, update };
      next.rows.push(row);
      next.committed.push(() => committed(row.id!));
      schedule();
    },
    /** Runs `fn` when every update appended so far is stored (at once if it already is). */
    afterDurable(fn: () => void) {
      if (next.rows.length > 0) next.committed.push(fn);
      else if (inFlight) inFlight.committed.push(fn);
      else fn();
    },
    /** The last log id this journal stored: every update it appended up to that id is in the database. */
    durableId: () => durableId,
    /** Resolves when nothing is waiting to be written. */
    drain(): Promise<void> {
      if (!inFlight && next.rows.length === 0) return Promise.resolve();
      return new Promise((resolveDrain) => drained.push(resolveDrain));
    },
    stats: () => ({ ...stats, queued: next.rows.length + (inFlight?.rows.length ?? 0) }),
  };
}

export type Journal = ReturnType<typeof createJournal>;
