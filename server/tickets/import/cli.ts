/**
 * `npm run import -- file.csv [--mapping name] [--database URL] [--report path]`
 *
 * Imports a hotline export from the command line: a progress bar (rows/s,
 * percent by bytes read), a summary, and the rejected rows written to a CSV
 * report next to the file. Without --mapping, columns are matched by their
 * headers, and the matching is printed.
 */
import { basename, dirname, extname, join, resolve } from "node:path";
import { createWriteStream } from "node:fs";
import { once } from "node:events";
import { parseArgs } from "node:util";
import { openDatabase } from "../../../db/client";
import { seedReference } from "../../../db/seed/reference";
import { fieldLabels, importFields, mappingProblems, type ColumnMapping } from "./fields";
import { DEFAULT_CHUNK_ROWS, runImport, type ImportProgress } from "./importer";
import { getMapping, rejectionReport } from "./jobs";
import { formatOf, previewFile } from "./source";

const usage = `用法：npm run import -- <文件.csv|文件.xlsx> [选项]

  --mapping <名称>     使用已保存的列映射（默认按表头自动匹配）
  --database <URL>     数据库（默认 DATABASE_URL 或 file:./data/roundtable.db）
  --report <路径>      被拒绝行的报告（默认与文件同目录的 <文件名>.rejections.csv）
  --encoding <编码>    auto（默认）、utf-8 或 gb18030
  --chunk <行数>       每个写入事务的行数（默认 ${DEFAULT_CHUNK_ROWS}）
  -h, --help           显示帮助`;

function fail(message: string, code = 2): never {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}

function number(n: number): string {
  return n.toLocaleString("zh-CN");
}

function bar(fraction: number, width = 30): string {
  const filled = Math.round(Math.max(0, Math.min(1, fraction)) * width);
  return `[${"#".repeat(filled)}${"-".repeat(width - filled)}]`;
}

function progressLine(p: ImportProgress): string {
  const fraction = p.bytesTotal > 0 ? p.bytesRead / p.bytesTotal : 0;
  const rate = p.elapsedMs > 0 ? Math.round((p.rowsRead / p.elapsedMs) * 1000) : 0;
  return `${bar(fraction)} ${String(Math.floor(fraction * 100)).padStart(3)}%  ${number(p.rowsRead)} 行  ${number(rate)} 行/秒  导入 ${number(p.imported)} · 重复 ${number(p.duplicates)} · 拒绝 ${number(p.rejected)}`;
}

async function main() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      mapping: { type: "string" },
      database: { type: "string" },
      report: { type: "string" },
      encoding: { type: "string", default: "auto" },
      chunk: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    return;
  }
  if (positionals.length !== 1) fail(usage);
  const path = resolve(positionals[0]!);
  const format = formatOf(path);
  if (!format) fail("只支持 CSV（.csv、.txt、.tsv）或 Excel（.xlsx）文件");
  const encoding = values.encoding;
  if (encoding !== "auto" && encoding !== "utf-8" && encoding !== "gb18030")
    fail("--encoding 只能是 auto、utf-8 或 gb18030");
  const chunkRows = values.chunk ? Number(values.chunk) : DEFAULT_CHUNK_ROWS;
  if (!Number.isInteger(chunkRows) || chunkRows < 100 || chunkRows > 8_000) fail("--chunk 应为 100–8000 之间的整数");

  const url = values.database ?? process.env.DATABASE_URL ?? "file:./data/roundtable.db";
  const database = await openDatabase(url, process.env.DATABASE_AUTH_TOKEN, { checkpointInBackground: true });
  try {
    // The portal seeds its reference data at start; so does this, for a database it has not seen.
    await seedReference(database);
    let mapping: ColumnMapping;
    if (values.mapping) {
      mapping = (await getMapping(database, null, { name: values.mapping })).mapping;
    } else {
      const preview = await previewFile(path, format, 0);
      mapping = preview.suggested;
      process.stdout.write("按表头自动匹配的列：\n");
      for (const field of importFields) {
        if (mapping[field]) process.stdout.write(`  ${fieldLabels[field]} ← ${mapping[field]}\n`);
      }
      const problems = mappingProblems(mapping, preview.headers);
      if (problems.length > 0) {
        fail(`${problems.join("\n")}\n请用 --mapping 指定已保存的映射（在网页的导入页面保存）。`);
      }
    }

    const tty = process.stdout.isTTY;
    let lastDrawn = 0;
    const summary = await runImport(database, {
      path,
      fileName: basename(path),
      format,
      mapping,
      encoding,
      chunkRows,
      onProgress: (p) => {
        const now = Date.now();
        if (!tty || now - lastDrawn < 200) return;
        lastDrawn = now;
        process.stdout.write(`\r${progressLine(p)}`);
      },
    });
    if (tty) process.stdout.write(`\r${progressLine(summary)}\n`);

    if (summary.status === "failed") fail(`导入失败：${summary.error}`, 1);
    const seconds = summary.elapsedMs / 1000;
    process.stdout.write(
      `完成：读取 ${number(summary.rowsRead)} 行，导入 ${number(summary.imported)}，重复 ${number(summary.duplicates)}，拒绝 ${number(summary.rejected)}；` +
        `用时 ${seconds.toFixed(1)} 秒（${number(Math.round(summary.rowsRead / Math.max(seconds, 0.001)))} 行/秒）。编码 ${summary.encoding ?? "—"}，任务 #${summary.jobId}。\n`,
    );
    if (summary.rejected > 0) {
      const reportPath = resolve(
        values.report ?? join(dirname(path), `${basename(path, extname(path))}.rejections.csv`),
      );
      const out = createWriteStream(reportPath);
      for await (const part of rejectionReport(database, null, summary.jobId)) {
        if (!out.write(part)) await once(out, "drain");
      }
      out.end();
      await once(out, "finish");
      process.stdout.write(`被拒绝的 ${number(summary.rejected)} 行及原因已写入 ${reportPath}\n`);
    }
  } finally {
    database.close();
  }
}

main().catch((error: unknown) => {
  fail(`导入出错：${error instanceof Error ? error.message : String(error)}`, 1);
});
