/**
 * A file as records: CSV (any size, streamed) or XLSX (streamed), with its
 * header row read first. Also the preview the mapping step shows.
 */
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { extname } from "node:path";
import { countBytes, decodeStream, parseCsv, type SourceRecord, type TextEncoding } from "./csv";
import { suggestMapping, type ColumnMapping } from "./fields";

export const importFormats = ["csv", "xlsx"] as const;
export type ImportFormat = (typeof importFormats)[number];

/** The format by file name: .xlsx is a workbook, anything else is read as CSV (.csv, .txt, .tsv). */
export function formatOf(fileName: string): ImportFormat | null {
  const ext = extname(fileName).toLowerCase();
  if (ext === ".xlsx") return "xlsx";
  if (ext === ".csv" || ext === ".txt" || ext === ".tsv") return "csv";
  return null;
}

export interface OpenedSource {
  headers: string[];
  /** The header row's line. */
  headerLine: number;
  /** Data records after the header. */
  records: AsyncIterator<SourceRecord>;
  encoding: TextEncoding | null;
  bytesTotal: number;
  close(): Promise<void>;
}

/** Empty headers get a name, repeated ones a number, so each column can be chosen. */
export function cleanHeaders(fields: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return fields.map((f, i) => {
    const base = f.replace(/^\uFEFF/, "").trim() || `第${i + 1}列`;
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return n === 1 ? base : `${base}（${n}）`;
  });
}

export async function openSource(
  path: string,
  format: ImportFormat,
  options: { encoding?: TextEncoding | "auto"; onBytes?: (bytes: number) => void } = {},
): Promise<OpenedSource> {
  const { size } = await stat(path);
  let encoding: TextEncoding | null = null;
  let iterator: AsyncGenerator<SourceRecord>;
  if (format === "xlsx") {
    // exceljs is large: loaded only for workbooks.
    const { readXlsx } = await import("./xlsx");
    iterator = readXlsx(path, { onBytes: options.onBytes });
  } else {
    const file = createReadStream(path, { highWaterMark: 1 << 20 });
    const bytes = options.onBytes ? countBytes(file, options.onBytes) : file;
    iterator = parseCsv(
      decodeStream(bytes, {
        encoding: options.encoding,
        onEncoding: (e) => {
          encoding = e;
        },
      }),
    );
  }
  const first = await iterator.next();
  const headerRecord = first.done ? null : first.value;
  return {
    headers: headerRecord ? cleanHeaders(headerRecord.fields) : [],
    headerLine: headerRecord?.line ?? 1,
    records: iterator,
    get encoding() {
      return encoding;
    },
    bytesTotal: size,
    async close() {
      await iterator.return(undefined);
    },
  };
}

export interface Preview {
  headers: string[];
  /** The first data rows, for the person to recognise the columns. */
  rows: string[][];
  encoding: TextEncoding | null;
  suggested: ColumnMapping;
}

/** Headers, a few rows and a suggested mapping: what the mapping step shows. Reads only the file's start. */
export async function previewFile(path: string, format: ImportFormat, sampleRows = 5): Promise<Preview> {
  const source = await openSource(path, format);
  try {
    const rows: string[][] = [];
    while (rows.length < sampleRows) {
      const next = await source.records.next();
      if (next.done) break;
      rows.push(next.value.fields);
    }
    return { headers: source.headers, rows, encoding: source.encoding, suggested: suggestMapping(source.headers) };
  } finally {
    await source.close();
  }
}
