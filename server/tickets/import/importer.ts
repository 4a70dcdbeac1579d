/**
 * The bulk import (docs/decisions/0008-bulk-import.md). The pipeline reads
 * and validates the file (in a worker thread when it can); this module writes
 * each chunk in one serialised write transaction: the tickets, their lead-unit
 * rows, one `imported` event each, their search rows, the chunk's rejections
 * and the job's counters — so the job row always agrees with what is
 * committed. The hotline number is the idempotency key: a number already
 * stored (an earlier import, the API, an earlier chunk of this file) is
 * counted as a duplicate and skipped.
 */
import { setImmediate as yieldToEventLoop } from "node:timers/promises";
import { and, eq, sql } from "drizzle-orm";
import type { Database, Tx } from "../../../db/client";
import { importJobs } from "../../../db/schema";
import type { TextEncoding } from "./csv";
import type { ColumnMapping } from "./fields";
import { ImportError, TICKET_COLUMNS, type ChunkPayload, type JsonBytes } from "./pipeline";
import { loadReferenceData } from "./reference";
import type { ImportFormat } from "./source";
import { startPipeline } from "./threads";

/**
 * Rows per chunk: per write transaction and per multi-row insert (STACK.md:
 * 1,000–8,000). Each chunk's statements run synchronously on the event loop
 * (the embedded driver), so this is also the longest pause other requests
 * see while an import runs; 2,000 keeps it to tens of milliseconds.
 */
export const DEFAULT_CHUNK_ROWS = 2_000;

/** How often a running job says it is alive; jobs.ts calls one silent for several beats interrupted. */
export const JOB_HEARTBEAT_MS = 10_000;

export interface ImportProgress {
  jobId: number;
  rowsRead: number;
  imported: number;
  duplicates: number;
  rejected: number;
  bytesRead: number;
  bytesTotal: number;
  elapsedMs: number;
}

/** Where the time went, in milliseconds of wall time: what decision 0008 was measured with. */
export interface ImportTimings {
  /** Waiting for the pipeline (reading and validating) to hand over a chunk. */
  waiting: number;
  /** The duplicate check and the first id, per chunk. */
  checks: number;
  tickets: number;
  /** The chunk's contributions to the three rates' counters, in one grouped statement. */
  rollups: number;
  units: number;
  events: number;
  search: number;
  rejections: number;
  /** The job row's counters. */
  job: number;
  /** Beginning and committing the transactions (WAL writes, checkpoints). */
  commit: number;
  /** Whether validation ran in a worker thread. */
  threaded: boolean;
}

export interface ImportSummary extends ImportProgress {
  status: "done" | "failed";
  error: string | null;
  encoding: TextEncoding | null;
  timings: ImportTimings;
}

export interface RunImportOptions {
  path: string;
  /** Shown in the job list and the report. */
  fileName: string;
  format: ImportFormat;
  mapping: ColumnMapping;
  encoding?: TextEncoding | "auto";
  /** Who started it: the event's actor and the job's owner. Null from the command line. */
  createdBy?: number | null;
  actorOrgId?: number | null;
  /** A job row created beforehand (the web flow creates it to redirect at once). */
  jobId?: number;
  chunkRows?: number;
  /** "off" runs validation in this thread (the default uses a worker thread when it can). */
  threads?: "auto" | "off";
  onProgress?: (progress: ImportProgress) => void;
  now?: Date;
}

interface Counters {
  rowsRead: number;
  imported: number;
  duplicates: number;
  rejected: number;
  bytesRead: number;
}

/** A chunk's list as rows (key, value): its bytes are bound as a blob and read as the JSON text they are. */
const rowsOf = (bytes: JsonBytes) => sql`json_each(cast(${bytes} as text))`;

/**
 * Inserts read their rows with json_each: one bound parameter per statement
 * whatever the chunk size (SQLite caps parameters at 32,766; a ticket has 34
 * columns), and the tuples are laid out by the pipeline, off this thread.
 * Ids are first + k (k = the row's index in the chunk) for rows not already
 * stored: assigned inside the write transaction, where no other writer can
 * interleave, so events, units and search rows need no lookup or RETURNING.
 */
const ticketColumns = sql.raw(TICKET_COLUMNS.map(([c]) => c).join(", "));
const ticketValues = sql.raw(TICKET_COLUMNS.map((_, i) => `value->>${i}`).join(", "));

type Timed = "checks" | "tickets" | "rollups" | "units" | "events" | "search" | "rejections" | "job";

async function timed<T>(timings: ImportTimings, key: Timed, run: Promise<T>) {
  const start = performance.now();
  const result = await run;
  timings[key] += performance.now() - start;
  return result;
}

async function writeChunk(
  tx: Tx,
  job: { id: number; createdBy: number | null; actorOrgId: number | null },
  chunk: ChunkPayload,
  counters: Counters,
  timings: ImportTimings,
  now: number,
) {
  counters.duplicates += chunk.chunkDuplicates;
  let search: { first: number; skip: string } | null = null;
  if (chunk.ticketCount > 0) {
    // Numbers already stored: the positions in this chunk to skip.
    const stored = await timed(
      timings,
      "checks",
      tx.all<{ k: number }>(
        sql`select j.key as k from ${rowsOf(chunk.numbers)} j where exists (select 1 from tickets t where t.number = j.value)`,
      ),
    );
    const skip = JSON.stringify(stored.map((r) => Number(r.k)));
    counters.duplicates += stored.length;
    if (stored.length < chunk.ticketCount) {
      const [top] = await timed(
        timings,
        "checks",
        tx.all<{ next: number }>(
          sql`select max(coalesce((select max(id) from tickets), 0), coalesce((select seq from sqlite_sequence where name = 'tickets'), 0)) + 1 as next`,
        ),
      );
      const first = Number(top!.next);
      await timed(
        timings,
        "tickets",
        (async () => {
          await tx.run(sql`insert into ticket_rate_rollups_deferred (holder) values ('import')`);
          await tx.run(
            sql`with rows as materialized (select key, jsonb(value) as value from ${rowsOf(chunk.tickets)} where key not in (select value from json_each(${skip}))) insert into tickets (id, source, updated_at, ${ticketColumns}) select ${first} + key, 'import', ${now}, ${ticketValues} from rows`,
          );
        })(),
      );
      await timed(
        timings,
        "rollups",
        (async () => {
          await tx.run(
            sql`insert into ticket_rate_rollups (month, scope, scope_key, category_l1_id, dispatched, exclusions, responded, callbacks, resolved, partly, satisfied, basic)
              select month, scope, scope_key, category_l1_id, sum(dispatched), sum(exclusions), sum(responded), sum(callbacks), sum(resolved), sum(partly), sum(satisfied), sum(basic)
              from ticket_rate_contributions where ticket_id between ${first} and ${first + chunk.ticketCount} group by month, scope, scope_key, category_l1_id
              on conflict (month, scope, scope_key, category_l1_id) do update set
                dispatched = dispatched + excluded.dispatched, exclusions = exclusions + excluded.exclusions,
                responded = responded + excluded.responded, callbacks = callbacks + excluded.callbacks,
                resolved = resolved + excluded.resolved, partly = partly + excluded.partly,
                satisfied = satisfied + excluded.satisfied, basic = basic + excluded.basic`,
          );
          await tx.run(sql`delete from ticket_rate_rollups_deferred where holder = 'import'`);
        })(),
      );
      await timed(
        timings,
        "units",
        tx.run(
          sql`insert into ticket_units (ticket_id, org_id, role, assigned_at) select ${first} + (value->>0), value->>1, 'lead', value->>2 from ${rowsOf(chunk.units)} where (value->>0) not in (select value from json_each(${skip}))`,
        ),
      );
      await timed(
        timings,
        "events",
        tx.run(
          sql`insert into ticket_events (ticket_id, at, actor_user_id, actor_org_id, kind, from_status, to_status, data) select ${first} + key, ${now}, ${job.createdBy}, ${job.actorOrgId}, 'imported', null, value->>0, value->>1 from ${rowsOf(chunk.events)} where key not in (select value from json_each(${skip}))`,
        ),
      );
      search = { first, skip };
      counters.imported += chunk.ticketCount - stored.length;
    }
  }
  if (chunk.rejectedCount > 0) {
    await timed(
      timings,
      "rejections",
      tx.run(
        sql`insert into import_rejections (job_id, line, reason, raw) select ${job.id}, value->>0, value->>1, value->>2 from ${rowsOf(chunk.rejections)}`,
      ),
    );
    counters.rejected += chunk.rejectedCount;
  }
  counters.rowsRead = chunk.rowsRead;
  counters.bytesRead = chunk.bytesRead;
  await timed(
    timings,
    "job",
    tx
      .update(importJobs)
      .set({
        rowsRead: counters.rowsRead,
        imported: counters.imported,
        duplicates: counters.duplicates,
        rejected: counters.rejected,
        bytesRead: counters.bytesRead,
        updatedAt: new Date(now),
      })
      .where(eq(importJobs.id, job.id))
      .then(() => undefined),
  );
  // Search rows last (decision 0008: written with their tickets; a catch-up step would move
  // this cost, not remove it). FTS5 keeps new terms in memory and writes them out when the next
  // savepoint opens: opening one here makes that flush part of the search rows' measured time.
  if (search) {
    const { first, skip } = search;
    await timed(
      timings,
      "search",
      (async () => {
        await tx.run(
          sql`insert into ticket_fts (rowid, tokens) select ${first} + key, value from ${rowsOf(chunk.search)} where key not in (select value from json_each(${skip}))`,
        );
        await tx.run(sql`savepoint import_search_flush`);
        await tx.run(sql`release import_search_flush`);
      })(),
    );
  }
}

/** Creates the job row a run reports into. */
export async function createJob(
  database: Database,
  input: {
    fileName: string;
    format: ImportFormat;
    mapping: ColumnMapping;
    bytesTotal: number;
    createdBy: number | null;
  },
  now = new Date(),
): Promise<number> {
  return database.write(async (tx) => {
    const [job] = await tx
      .insert(importJobs)
      .values({
        fileName: input.fileName,
        format: input.format,
        mapping: input.mapping as Record<string, string>,
        bytesTotal: input.bytesTotal,
        status: "running",
        createdBy: input.createdBy,
        startedAt: now,
        updatedAt: now,
      })
      .returning({ id: importJobs.id });
    return job!.id;
  });
}

/**
 * Runs an import to the end. A bad row never stops it (it is rejected); a
 * file or mapping that cannot be read fails the job with a Chinese reason.
 * Throws only when the database itself fails (the job is marked failed first
 * when it can be).
 */
export async function runImport(database: Database, options: RunImportOptions): Promise<ImportSummary> {
  const started = performance.now();
  const now = options.now ?? new Date();
  const counters: Counters = { rowsRead: 0, imported: 0, duplicates: 0, rejected: 0, bytesRead: 0 };
  const timings: ImportTimings = {
    waiting: 0,
    checks: 0,
    tickets: 0,
    rollups: 0,
    units: 0,
    events: 0,
    search: 0,
    rejections: 0,
    job: 0,
    commit: 0,
    threaded: false,
  };
  let bytesTotal = 0;
  let encoding: TextEncoding | null = null;
  const jobId =
    options.jobId ??
    (await createJob(database, {
      fileName: options.fileName,
      format: options.format,
      mapping: options.mapping,
      bytesTotal: 0,
      createdBy: options.createdBy ?? null,
    }));
  const job = { id: jobId, createdBy: options.createdBy ?? null, actorOrgId: options.actorOrgId ?? null };
  const progress = (): ImportProgress => ({
    jobId,
    ...counters,
    bytesTotal,
    elapsedMs: Math.round(performance.now() - started),
  });
  const finish = async (status: "done" | "failed", error: string | null): Promise<ImportSummary> => {
    const at = new Date();
    await database.write((tx) =>
      tx
        .update(importJobs)
        .set({ status, error, encoding, finishedAt: at, updatedAt: at, ...counters })
        .where(eq(importJobs.id, jobId)),
    );
    const round = (n: number) => Math.round(n);
    const summary: ImportSummary = {
      ...progress(),
      status,
      error,
      encoding,
      timings: Object.fromEntries(
        Object.entries(timings).map(([k, v]) => [k, typeof v === "number" ? round(v) : v]),
      ) as unknown as ImportTimings,
    };
    options.onProgress?.(summary);
    return summary;
  };

  // A heartbeat of its own, so a job is seen alive while a big workbook is opened or a chunk waits its turn.
  const heartbeat = setInterval(() => {
    void database
      .write((tx) =>
        tx
          .update(importJobs)
          .set({ updatedAt: new Date() })
          .where(and(eq(importJobs.id, jobId), eq(importJobs.status, "running"))),
      )
      .catch(() => undefined);
  }, JOB_HEARTBEAT_MS);
  heartbeat.unref();
  try {
    const reference = await loadReferenceData(database.db);
    if (!reference) throw new ImportError("没有时限规则，无法导入：请管理员先配置时限");
    const pipeline = startPipeline(
      {
        path: options.path,
        format: options.format,
        mapping: options.mapping,
        encoding: options.encoding,
        reference,
        chunkRows: options.chunkRows ?? DEFAULT_CHUNK_ROWS,
        now: now.getTime(),
        jobId,
      },
      options.threads,
    );
    timings.threaded = pipeline.threaded;
    try {
      let mark = performance.now();
      for await (const event of pipeline.events) {
        timings.waiting += performance.now() - mark;
        if (event.kind === "opened") {
          bytesTotal = event.bytesTotal;
          encoding = event.encoding;
          await database.write((tx) =>
            tx.update(importJobs).set({ bytesTotal, encoding }).where(eq(importJobs.id, jobId)),
          );
        } else if (event.kind === "chunk") {
          // The worker may prepare the next chunk while this one is written.
          pipeline.ack();
          const start = performance.now();
          let inside = 0;
          await database.bulkWrite(async (tx) => {
            const begun = performance.now();
            await writeChunk(tx, job, event.chunk, counters, timings, Date.now());
            inside = performance.now() - begun;
          });
          timings.commit += performance.now() - start - inside;
          options.onProgress?.(progress());
          // Let requests queued behind this chunk run before the next one.
          await yieldToEventLoop();
        } else {
          encoding = event.encoding;
        }
        mark = performance.now();
      }
    } finally {
      await pipeline.stop().catch(() => undefined);
    }
    return await finish("done", null);
  } catch (error) {
    if (error instanceof ImportError) return finish("failed", error.message);
    await finish("failed", "导入中断：服务器内部错误").catch(() => undefined);
    throw error;
  } finally {
    clearInterval(heartbeat);
  }
}
