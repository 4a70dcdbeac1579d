/**
 * Where realtime documents live in the database (docs/decisions/0011): a
 * compacted snapshot per document plus one row per update accepted since.
 *
 * The journal is the "persist before you promise" half: updates are appended
 * with group commit — every update that arrives while a transaction is being
 * written goes into the next one — and the callbacks that broadcast them run
 * only after their transaction committed. All writes go through
 * `database.write` (decision 0004), so appends, compactions and the rest of
 * the portal's writes never interleave.
 */
import { and, asc, eq, lte, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { realtimeDocuments, realtimeUpdates } from "../db/schema";

export interface StoredDocument {
  id: number;
  /** State as of `snapshotSeq`, or null before the first compaction. */
  snapshot: Uint8Array | null;
  snapshotSeq: number;
  /** Updates after the snapshot, in order (possibly also some it already holds). */
  updates: Uint8Array[];
  /** The highest seq stored for the document. */
  lastSeq: number;
}

export interface UpdateRow {
  documentId: number;
  seq: number;
  update: Uint8Array;
}

/** SQLite allows 32,766 bound variables per statement; three per row. */
const ROWS_PER_INSERT = 5_000;

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export function createDocumentStore(database: Database) {
  return {
    /** Reads a document, creating its row on first use. */
    async load(name: string): Promise<StoredDocument> {
      let doc = await database.db.query.realtimeDocuments.findFirst({ where: eq(realtimeDocuments.name, name) });
      if (!doc) {
        await database.write((tx) => tx.insert(realtimeDocuments).values({ name }).onConflictDoNothing());
        doc = await database.db.query.realtimeDocuments.findFirst({ where: eq(realtimeDocuments.name, name) });
        if (!doc) throw new Error(`realtime document ${name} could not be created`);
      }
      // Updates are read after the snapshot row was, but a compaction of this
      // document can only run while it is loaded in this process, so the two
      // reads see one state. Rows at or below snapshot_seq may remain from an
      // interrupted compaction; Yjs applies them idempotently.
      const rows = await database.db
        .select({ seq: realtimeUpdates.seq, update: realtimeUpdates.update })
        .from(realtimeUpdates)
        .where(and(eq(realtimeUpdates.documentId, doc.id), sql`${realtimeUpdates.seq} > ${doc.snapshotSeq}`))
        .orderBy(asc(realtimeUpdates.seq));
      return {
        id: doc.id,
        snapshot: doc.snapshot ? new Uint8Array(doc.snapshot) : null,
        snapshotSeq: doc.snapshotSeq,
        updates: rows.map((r) => new Uint8Array(r.update)),
        lastSeq: rows.length > 0 ? rows[rows.length - 1]!.seq : doc.snapshotSeq,
      };
    },

    /** Appends rows in one transaction. */
    async append(rows: readonly UpdateRow[]): Promise<void> {
      await database.write(async (tx) => {
        for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
          const chunk = rows.slice(i, i + ROWS_PER_INSERT);
          await tx
            .insert(realtimeUpdates)
            .values(chunk.map((r) => ({ documentId: r.documentId, seq: r.seq, update: asBuffer(r.update) })));
        }
      });
    },

    /** Replaces the snapshot with `state`, which holds every update up to `throughSeq`, and drops those rows. */
    async compact(documentId: number, state: Uint8Array, throughSeq: number): Promise<void> {
      await database.write(async (tx) => {
        await tx
          .update(realtimeDocuments)
          .set({ snapshot: asBuffer(state), snapshotSeq: throughSeq, compactedAt: new Date() })
          .where(eq(realtimeDocuments.id, documentId));
        await tx
          .delete(realtimeUpdates)
          .where(and(eq(realtimeUpdates.documentId, documentId), lte(realtimeUpdates.seq, throughSeq)));
      });
    },
  };
}

export type DocumentStore = ReturnType<typeof createDocumentStore>;

interface Batch {
  rows: UpdateRow[];
  /** Run in order once the batch committed. */
  committed: (() => void)[];
}

const RETRY_FIRST_MS = 100;
const RETRY_MAX_MS = 5_000;

/**
 * Group commit. `append` queues a row and the callback that may announce it;
 * `afterDurable` runs a callback once everything queued so far is committed.
 * One transaction is in flight at a time; a failed one is retried (with
 * backoff) and its callbacks wait — an update is never announced before it is
 * stored, nor dropped because a write failed.
 */
export function createJournal(store: Pick<DocumentStore, "append">, log: (line: string) => void) {
  let next: Batch = { rows: [], committed: [] };
  let inFlight: Batch | null = null;
  let scheduled = false;
  let retrying = false;
  let retryMs = RETRY_FIRST_MS;
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
      () => {
        stats.transactions++;
        stats.rows += batch.rows.length;
        for (const r of batch.rows) stats.bytes += r.update.byteLength;
        retryMs = RETRY_FIRST_MS;
        inFlight = null;
        for (const fn of batch.committed) fn();
        if (next.rows.length > 0) schedule();
        else settleDrained();
      },
      (error: unknown) => {
        stats.failures++;
        log(`realtime: storing ${batch.rows.length} updates failed, retrying in ${retryMs} ms: ${String(error)}`);
        // Put the batch back in front, merged with whatever arrived meanwhile.
        next = { rows: [...batch.rows, ...next.rows], committed: [...batch.committed, ...next.committed] };
        inFlight = null;
        const wait = retryMs;
        retryMs = Math.min(RETRY_MAX_MS, retryMs * 2);
        retrying = true;
        setTimeout(() => {
          retrying = false;
          schedule();
        }, wait).unref();
      },
    );
  }

  function settleDrained() {
    const waiting = drained;
    drained = [];
    for (const fn of waiting) fn();
  }

  return {
    append(row: UpdateRow, committed: () => void) {
      next.rows.push(row);
      next.committed.push(committed);
      schedule();
    },
    /** Runs `fn` when every update appended so far is stored (at once if it already is). */
    afterDurable(fn: () => void) {
      if (next.rows.length > 0) next.committed.push(fn);
      else if (inFlight) inFlight.committed.push(fn);
      else fn();
    },
    /** Resolves when nothing is waiting to be written. */
    drain(): Promise<void> {
      if (!inFlight && next.rows.length === 0) return Promise.resolve();
      return new Promise((resolveDrain) => drained.push(resolveDrain));
    },
    stats: () => ({ ...stats, queued: next.rows.length + (inFlight?.rows.length ?? 0) }),
  };
}

export type Journal = ReturnType<typeof createJournal>;
