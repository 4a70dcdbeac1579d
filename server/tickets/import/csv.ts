/**
 * A streaming CSV reader (RFC 4180): quoted fields with escaped quotes ("")
 * and line breaks inside them, CRLF or LF, UTF-8 with or without a BOM —
 * and the GBK/GB18030 files Chinese spreadsheet software still writes by
 * default, detected by a failed UTF-8 decode of the first bytes and decoded
 * with TextDecoder('gb18030') as the bytes stream in. Nothing but the current
 * record is held: a file of any size reads in constant memory.
 */
export type TextEncoding = "utf-8" | "gb18030" | "utf-16le" | "utf-16be";

export interface SourceRecord {
  /** Physical line of the file where the record starts (1-based; the header is line 1 of a CSV). */
  line: number;
  fields: string[];
  /** The record as it stood in the file, for the rejection report. */
  raw: string;
  /** Set when the record cannot be trusted as parsed (Chinese reason). */
  problem?: string;
}

/** Bytes looked at to decide the encoding: enough for the header and many rows. */
const SNIFF_BYTES = 64 * 1024;

/** Decides the encoding from the first bytes: a BOM, else valid UTF-8, else GB18030 (a superset of GBK). */
export function detectEncoding(sample: Uint8Array): { encoding: TextEncoding; bomLength: number } {
  if (sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf) return { encoding: "utf-8", bomLength: 3 };
  if (sample[0] === 0xff && sample[1] === 0xfe) return { encoding: "utf-16le", bomLength: 2 };
  if (sample[0] === 0xfe && sample[1] === 0xff) return { encoding: "utf-16be", bomLength: 2 };
  try {
    // `stream: true` tolerates a character cut at the end of the sample.
    new TextDecoder("utf-8", { fatal: true }).decode(sample, { stream: true });
    return { encoding: "utf-8", bomLength: 0 };
  } catch {
    return { encoding: "gb18030", bomLength: 0 };
  }
}

/** Reads the stream as text chunks in the detected (or given) encoding. */
export async function* decodeStream(
  input: AsyncIterable<Uint8Array>,
  options: { encoding?: TextEncoding | "auto"; onEncoding?: (encoding: TextEncoding) => void } = {},
): AsyncGenerator<string> {
  let decoder: TextDecoder | undefined;
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  const open = (sample: Uint8Array): TextDecoder => {
    const encoding =
      options.encoding && options.encoding !== "auto" ? options.encoding : detectEncoding(sample).encoding;
    options.onEncoding?.(encoding);
    // The decoder drops its own BOM. Invalid bytes become U+FFFD, which row
    // validation reports: one bad row, never a failed file.
    decoder = new TextDecoder(encoding);
    return decoder;
  };
  for await (const chunk of input) {
    if (decoder) {
      const text = decoder.decode(chunk, { stream: true });
      if (text) yield text;
      continue;
    }
    pending.push(chunk);
    pendingBytes += chunk.length;
    if (pendingBytes < SNIFF_BYTES) continue;
    const sample = Buffer.concat(pending);
    pending = [];
    const text = open(sample).decode(sample, { stream: true });
    if (text) yield text;
  }
  if (!decoder) {
    const sample = Buffer.concat(pending);
    const text = open(sample).decode(sample);
    if (text) yield text;
    return;
  }
  const tail = decoder.decode();
  if (tail) yield tail;
}

const QUOTE = 34;
const LF = 10;
const CR = 13;

/** The delimiter of a header line: comma unless tabs or semicolons clearly dominate. */
export function detectDelimiter(firstLine: string): string {
  let commas = 0;
  let tabs = 0;
  let semicolons = 0;
  let quoted = false;
  for (const ch of firstLine) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && ch === ",") commas++;
    else if (!quoted && ch === "\t") tabs++;
    else if (!quoted && ch === ";") semicolons++;
  }
  if (tabs > commas && tabs >= semicolons) return "\t";
  if (semicolons > commas && semicolons > tabs) return ";";
  return ",";
}

const State = {
  FieldStart: 0,
  Unquoted: 1,
  Quoted: 2,
  /** Saw a quote inside a quoted field: an escaped quote ("") or the closing one. */
  QuotedAfterQuote: 3,
} as const;

/**
 * Parses decoded text chunks into records. State carries across chunks, so a
 * quoted field may span any number of them; each character is looked at once.
 * Records whose fields are all empty (blank lines, Excel's ",,,," rows) are skipped.
 */
export async function* parseCsv(
  chunks: AsyncIterable<string>,
  options: { delimiter?: string } = {},
): AsyncGenerator<SourceRecord> {
  let delimiter = options.delimiter ? options.delimiter.charCodeAt(0) : -1;
  let state: (typeof State)[keyof typeof State] = State.FieldStart;
  let fields: string[] = [];
  let field = ""; // the current field's text from earlier chunks (unescaped)
  let raw = ""; // the current record's text from earlier chunks
  let line = 1; // physical line at the scanning position
  let recordLine = 1;
  let skipLf = false; // the previous chunk ended with CR
  let stray = false; // a quote inside an unquoted field, or text after a closing quote

  const finish = (rawText: string, problem?: string): SourceRecord | null => {
    const record: SourceRecord = { line: recordLine, fields, raw: rawText };
    if (problem) record.problem = problem;
    else if (stray) record.problem = "引号使用不规范（字段中有未成对的引号）";
    fields = [];
    field = "";
    stray = false;
    state = State.FieldStart;
    if (!record.problem && record.fields.every((f) => f === "")) return null;
    return record;
  };

  for await (const chunk of chunks) {
    if (delimiter < 0) {
      const end = chunk.search(/\r|\n/);
      delimiter = detectDelimiter(end < 0 ? chunk : chunk.slice(0, end)).charCodeAt(0);
    }
    const n = chunk.length;
    let i = 0;
    if (skipLf) {
      skipLf = false;
      if (n > 0 && chunk.charCodeAt(0) === LF) i = 1;
    }
    let segStart = i; // start of the current field's text not yet added to `field`
    let recordStart = i;
    while (i < n) {
      if (state === State.Quoted) {
        const q = chunk.indexOf('"', i);
        const stop = q < 0 ? n : q;
        for (let k = i; k < stop; k++) if (chunk.charCodeAt(k) === LF) line++;
        field += chunk.slice(segStart, stop);
        if (q < 0) {
          i = n;
          segStart = n;
          break;
        }
        state = State.QuotedAfterQuote;
        i = q + 1;
        segStart = i;
        continue;
      }
      const c = chunk.charCodeAt(i);
      if (c === delimiter) {
        if (state === State.Unquoted) field += chunk.slice(segStart, i);
        fields.push(field);
        field = "";
        state = State.FieldStart;
        i++;
        segStart = i;
        continue;
      }
      if (c === LF || c === CR) {
        if (state === State.Unquoted) field += chunk.slice(segStart, i);
        fields.push(field);
        const record = finish(raw + chunk.slice(recordStart, i));
        raw = "";
        line++;
        i++;
        if (c === CR) {
          if (i < n) {
            if (chunk.charCodeAt(i) === LF) i++;
          } else skipLf = true;
        }
        recordLine = line;
        segStart = i;
        recordStart = i;
        if (record) yield record;
        continue;
      }
      if (state === State.FieldStart) {
        if (c === QUOTE) {
          state = State.Quoted;
          segStart = i + 1;
        } else {
          state = State.Unquoted;
          segStart = i;
        }
      } else if (state === State.QuotedAfterQuote) {
        if (c === QUOTE) {
          field += '"';
          state = State.Quoted;
          segStart = i + 1;
        } else {
          // Text after the closing quote ("ab"c): RFC 4180 forbids it; keep it, flag the row.
          stray = true;
          state = State.Unquoted;
          segStart = i;
        }
      } else if (c === QUOTE) {
        // A quote inside an unquoted field: kept as text, the row flagged.
        stray = true;
      }
      i++;
    }
    if (state === State.Unquoted) {
      field += chunk.slice(segStart, n);
    }
    raw += chunk.slice(recordStart, n);
  }
  if (state === State.Quoted) {
    fields.push(field);
    const record = finish(raw, "引号未闭合：从该行起到文件末尾的内容无法解析");
    if (record) yield record;
    return;
  }
  if (state !== State.FieldStart || fields.length > 0) {
    fields.push(field);
    const record = finish(raw);
    if (record) yield record;
  }
}

/** Passes the chunks through, reporting the running byte count: progress by bytes. */
export async function* countBytes(
  input: AsyncIterable<Uint8Array>,
  onBytes: (total: number) => void,
): AsyncGenerator<Uint8Array> {
  let total = 0;
  for await (const chunk of input) {
    total += chunk.length;
    onBytes(total);
    yield chunk;
  }
}

/** One CSV field, quoted when it must be. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) || /^\s|\s$/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

export function csvLine(values: readonly string[]): string {
  return values.map(csvField).join(",");
}
