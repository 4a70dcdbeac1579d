/**
 * Rows of the first worksheet of an .xlsx file, streamed with exceljs's
 * WorkbookReader: the workbook is never loaded whole. (Its shared-strings
 * table is cached, as the format requires: cells refer to it by index.)
 */
import { createReadStream } from "node:fs";
import ExcelJS from "exceljs";
import { csvLine, type SourceRecord } from "./csv";
import { ImportError } from "./pipeline";

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/**
 * Excel stores wall-clock times without a zone; exceljs hands them over as
 * Dates whose UTC fields are that wall clock. We write them back as text, and
 * the row parser reads them as Beijing time like any other date.
 */
function wallClock(date: Date): string {
  const day = `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`;
  const seconds = date.getUTCSeconds() + (date.getUTCMilliseconds() >= 500 ? 1 : 0);
  if (date.getUTCHours() === 0 && date.getUTCMinutes() === 0 && seconds === 0) return day;
  return `${day} ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(Math.min(seconds, 59))}`;
}

/** A cell's value as the text a CSV export would have shown. */
export function cellText(value: ExcelJS.CellValue | undefined): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number") return Number.isInteger(value) ? String(value) : String(Number(value.toFixed(10)));
  if (typeof value === "boolean") return value ? "TRUE" : "FALSE";
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? "" : wallClock(value);
  if ("richText" in value) return value.richText.map((r) => r.text).join("");
  if ("formula" in value || "sharedFormula" in value) return cellText(value.result as ExcelJS.CellValue);
  if ("hyperlink" in value) return String(value.text ?? value.hyperlink);
  if ("error" in value) return "";
  return "";
}

/**
 * The first worksheet's rows as records; `line` is the spreadsheet's row
 * number. Blank rows are skipped, as in a CSV.
 */
export async function* readXlsx(
  path: string,
  options: { onBytes?: (total: number) => void; signal?: AbortSignal } = {},
): AsyncGenerator<SourceRecord> {
  const file = createReadStream(path, { highWaterMark: 1 << 20 });
  let bytes = 0;
  file.on("data", (chunk) => {
    bytes += chunk.length;
    options.onBytes?.(bytes);
  });
  const workbook = new ExcelJS.stream.xlsx.WorkbookReader(file, {
    worksheets: "emit",
    sharedStrings: "cache",
    // Styles tell dates from numbers.
    styles: "cache",
    hyperlinks: "ignore",
    entries: "ignore",
  });
  let width = 0;
  try {
    for await (const sheet of workbook) {
      for await (const row of sheet) {
        // row.values is 1-based and sparse.
        const values = row.values as ExcelJS.CellValue[];
        const fields: string[] = [];
        const count = Math.max(width, values.length - 1);
        for (let c = 1; c <= count; c++) fields.push(cellText(values[c]));
        if (fields.every((f) => f.trim() === "")) continue;
        if (width === 0) width = fields.length;
        yield { line: row.number, fields, raw: csvLine(fields) };
      }
      // Only the first worksheet: an export is one table.
      break;
    }
  } catch (error) {
    // exceljs's own words ("FILE_ENDED", "invalid signature") mean a file that is not a workbook, or a cut-off one.
    throw new ImportError(
      `无法读取 Excel 文件：文件已损坏或不是 .xlsx 格式（${error instanceof Error ? error.message : String(error)}）`,
    );
  } finally {
    file.destroy();
  }
}
