/**
 * The CPU side of an import: read the file, validate and convert each row,
 * and lay each chunk out as the JSON arrays the write statements consume.
 * It touches no database, so it can run in a worker thread while the main
 * thread writes the previous chunk (worker.ts); it also runs in-thread.
 */
import type { TextEncoding } from "./csv";
import { mappingProblems, type ColumnMapping } from "./fields";
import { buildReference, type ReferenceData } from "./reference";
import { columnIndex, RowReader, type PreparedTicket, type TicketValues } from "./rows";
import { openSource, type ImportFormat } from "./source";

/** Thrown for a file or mapping that cannot be imported at all (Chinese message). */
export class ImportError extends Error {
  override name = "ImportError";
}

export interface PipelineOptions {
  path: string;
  format: ImportFormat;
  mapping: ColumnMapping;
  encoding?: TextEncoding | "auto";
  reference: ReferenceData;
  chunkRows: number;
  /** "Now" for validation (times in the future are refused): the job's start. */
  now: number;
  /** Recorded in each ticket's `imported` event. */
  jobId: number;
}

/**
 * JSON text as UTF-8 bytes. A chunk's lists cross from the worker as transferred buffers, not
 * strings: a string the main thread receives lives on its heap while the chunk waits and is
 * written, so each chunk's ~2 MB was promoted to the old generation and stayed there until a full
 * collection, and the main thread's heap swelled by ~100 MB between them. A buffer's bytes live
 * outside the heap, and V8 collects sooner when they add up. The writer reads them as text.
 */
export type JsonBytes = Uint8Array;

const encoder = new TextEncoder();
const jsonBytes = (value: unknown): JsonBytes => encoder.encode(JSON.stringify(value));

/**
 * One chunk, ready to write. `tickets`, `events` and `search` are aligned
 * arrays: entry k of each belongs to the same ticket, whose id the writer
 * assigns as first id + k. `units` entries carry k explicitly.
 */
export interface ChunkPayload {
  /** Cumulative counts at the end of this chunk. */
  rowsRead: number;
  bytesRead: number;
  ticketCount: number;
  numbers: JsonBytes;
  tickets: JsonBytes;
  units: JsonBytes;
  events: JsonBytes;
  search: JsonBytes;
  rejectedCount: number;
  rejections: JsonBytes;
  /** Rows whose number already appeared earlier in this chunk. */
  chunkDuplicates: number;
}

/** The buffers a chunk hands over to the thread that writes it. */
export function chunkBuffers(chunk: ChunkPayload): ArrayBuffer[] {
  return [chunk.numbers, chunk.tickets, chunk.units, chunk.events, chunk.search, chunk.rejections].map(
    (bytes) => bytes.buffer as ArrayBuffer,
  );
}

export type PipelineEvent =
  | { kind: "opened"; headers: string[]; encoding: TextEncoding | null; bytesTotal: number }
  | { kind: "chunk"; chunk: ChunkPayload }
  | { kind: "end"; encoding: TextEncoding | null };

/** The ticket columns written, in tuple order (id, source and updated_at are added by the writer). */
export const TICKET_COLUMNS: readonly [string, keyof TicketValues][] = [
  ["number", "number"],
  ["type", "type"],
  ["channel", "channel"],
  ["urgency", "urgency"],
  ["category_id", "categoryId"],
  ["description", "description"],
  ["address", "address"],
  ["lon", "lon"],
  ["lat", "lat"],
  ["district_code", "districtCode"],
  ["street_code", "streetCode"],
  ["community_code", "communityCode"],
  ["reporter_name", "reporterName"],
  ["reporter_phone", "reporterPhone"],
  ["status", "status"],
  ["first_receiver_org_id", "firstReceiverOrgId"],
  ["lead_org_id", "leadOrgId"],
  ["received_at", "receivedAt"],
  ["dispatched_at", "dispatchedAt"],
  ["dispatch_month", "dispatchMonth"],
  ["contact_deadline_at", "contactDeadlineAt"],
  ["accepted_at", "acceptedAt"],
  ["first_contact_at", "firstContactAt"],
  ["clock_started_at", "clockStartedAt"],
  ["deadline_at", "deadlineAt"],
  ["time_limit_id", "timeLimitId"],
  ["replied_at", "repliedAt"],
  ["called_back_at", "calledBackAt"],
  ["closed_at", "closedAt"],
  ["resolution", "resolution"],
  ["satisfaction", "satisfaction"],
];

/** The raw row is kept for the report, within reason: a runaway field must not bloat the table. */
const MAX_RAW = 10_000;

function layOut(
  jobId: number,
  rows: PreparedTicket[],
  rejections: { line: number; reason: string; raw: string }[],
  counts: { rowsRead: number; bytesRead: number },
): ChunkPayload {
  const seen = new Set<string>();
  const numbers: string[] = [];
  const tickets: unknown[][] = [];
  const units: unknown[][] = [];
  const events: unknown[][] = [];
  const search: string[] = [];
  let chunkDuplicates = 0;
  for (const row of rows) {
    const t = row.ticket;
    // Within a chunk the first occurrence of a number wins; across chunks the database decides.
    if (seen.has(t.number)) {
      chunkDuplicates++;
      continue;
    }
    seen.add(t.number);
    const k = numbers.length;
    numbers.push(t.number);
    tickets.push(TICKET_COLUMNS.map(([, key]) => t[key]));
    if (t.leadOrgId != null) units.push([k, t.leadOrgId, t.dispatchedAt]);
    events.push([t.status, { jobId, ...row.facts }]);
    search.push(row.searchText);
  }
  return {
    ...counts,
    ticketCount: numbers.length,
    numbers: jsonBytes(numbers),
    tickets: jsonBytes(tickets),
    units: jsonBytes(units),
    events: jsonBytes(events),
    search: jsonBytes(search),
    rejectedCount: rejections.length,
    rejections: jsonBytes(
      rejections.map((r) => [r.line, r.reason, r.raw.length > MAX_RAW ? `${r.raw.slice(0, MAX_RAW)}…` : r.raw]),
    ),
    chunkDuplicates,
  };
}

export async function* importChunks(options: PipelineOptions): AsyncGenerator<PipelineEvent> {
  const reference = buildReference(options.reference);
  let bytesRead = 0;
  let source;
  try {
    source = await openSource(options.path, options.format, {
      encoding: options.encoding,
      onBytes: (b) => {
        bytesRead = b;
      },
    });
  } catch (error) {
    throw new ImportError(`无法读取文件：${(error as Error).message}`);
  }
  try {
    if (source.headers.length === 0) throw new ImportError("文件是空的：没有表头行");
    const problems = mappingProblems(options.mapping, source.headers);
    if (problems.length > 0) throw new ImportError(problems.join("；"));
    yield { kind: "opened", headers: source.headers, encoding: source.encoding, bytesTotal: source.bytesTotal };
    const reader = new RowReader(columnIndex(options.mapping, source.headers), reference, new Date(options.now));
    let rowsRead = 0;
    let rows: PreparedTicket[] = [];
    let rejections: { line: number; reason: string; raw: string }[] = [];
    for (;;) {
      let next;
      try {
        next = await source.records.next();
      } catch (error) {
        throw new ImportError(`读取文件第 ${rowsRead + 2} 条记录附近时出错：${(error as Error).message}`);
      }
      if (next.done) break;
      rowsRead++;
      const prepared = reader.read(next.value);
      if (prepared.ok) rows.push(prepared.row);
      else rejections.push(prepared);
      if (rows.length + rejections.length >= options.chunkRows) {
        yield { kind: "chunk", chunk: layOut(options.jobId, rows, rejections, { rowsRead, bytesRead }) };
        rows = [];
        rejections = [];
      }
    }
    yield { kind: "chunk", chunk: layOut(options.jobId, rows, rejections, { rowsRead, bytesRead: source.bytesTotal }) };
    yield { kind: "end", encoding: source.encoding };
  } finally {
    await source.close().catch(() => undefined);
  }
}
