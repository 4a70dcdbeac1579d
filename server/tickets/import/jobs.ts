/**
 * The import services the web pages and the command line call: saved column
 * mappings, starting an import in the background, a job's progress, and its
 * rejection report. Every entry point checks `import:ticket` first.
 */
import { randomBytes } from "node:crypto";
import { mkdir, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { and, asc, desc, eq, gt, lt, sql } from "drizzle-orm";
import { z } from "zod";
import type { Database } from "../../../db/client";
import { importJobs, importMappings, importRejections, users } from "../../../db/schema";
import { ForbiddenError, NotFoundError, ValidationError } from "../../errors";
import { fallbackMessage } from "../../identity/accounts";
import { can, type Actor } from "../../identity/permissions";
import { csvLine } from "./csv";
import { cleanMapping, mappingProblems } from "./fields";
import { createJob, JOB_HEARTBEAT_MS, runImport, type ImportSummary } from "./importer";
import { ImportError } from "./pipeline";
import { formatOf, previewFile, type ImportFormat } from "./source";

function requireImporter(actor: Actor | null): asserts actor is Actor {
  if (!can(actor, "import:ticket")) throw new ForbiddenError("没有导入工单的权限");
}

// ——— Saved mappings ———

const mappingSchema = z.object({
  name: z.string().trim().min(1, "请填写映射名称").max(60, "名称不能超过 60 字"),
  mapping: z.record(z.string(), z.unknown()).transform(cleanMapping),
});

/** Saves (or replaces) a mapping under its name. */
export async function saveMapping(database: Database, actor: Actor, input: unknown) {
  requireImporter(actor);
  const parsed = mappingSchema.safeParse(input, { error: fallbackMessage });
  if (!parsed.success) {
    const message = parsed.error.issues[0]?.message ?? "请检查填写的内容";
    throw new ValidationError(message, { name: [message] });
  }
  const { name, mapping } = parsed.data;
  if (Object.keys(mapping).length === 0) throw new ValidationError("映射是空的：请至少为一个字段选择列");
  return database.write(async (tx) => {
    const [row] = await tx
      .insert(importMappings)
      .values({ name, mapping: mapping as Record<string, string>, createdBy: actor.userId })
      .onConflictDoUpdate({
        target: importMappings.name,
        set: { mapping: mapping as Record<string, string>, createdBy: actor.userId, createdAt: new Date() },
      })
      .returning({ id: importMappings.id, name: importMappings.name });
    return row!;
  });
}

export async function listMappings(database: Database, actor: Actor) {
  requireImporter(actor);
  return database.db
    .select({ id: importMappings.id, name: importMappings.name, mapping: importMappings.mapping })
    .from(importMappings)
    .orderBy(asc(importMappings.name));
}

/** A saved mapping by name (the command line's --mapping) or id. */
export async function getMapping(database: Database, actor: Actor | null, key: { name?: string; id?: number }) {
  if (actor) requireImporter(actor);
  const where = key.id != null ? eq(importMappings.id, key.id) : eq(importMappings.name, key.name ?? "");
  const row = await database.db.select().from(importMappings).where(where).get();
  if (!row) throw new NotFoundError(`没有名为「${key.name ?? key.id}」的映射`);
  return { id: row.id, name: row.name, mapping: cleanMapping(row.mapping) };
}

// ——— Uploads waiting for their mapping ———

/** Large enough for a year of a district's tickets; bigger files go through the command line. */
export const MAX_UPLOAD_BYTES = 2 * 1024 ** 3;

/** Uploads wait here between the upload and the start (the mapping step). */
export function uploadDirectory(): string {
  return join(tmpdir(), "roundtable-imports");
}

const UPLOAD_TTL_MS = 24 * 60 * 60 * 1000;
const TOKEN = /^[a-f0-9]{32}$/;

interface UploadMeta {
  userId: number;
  fileName: string;
  format: ImportFormat;
  size: number;
  createdAt: number;
}

export function newUploadToken(): string {
  return randomBytes(16).toString("hex");
}

/** Where the upload handler writes the file for a token. */
export function uploadPath(token: string): string {
  if (!TOKEN.test(token)) throw new NotFoundError("上传的文件不存在或已过期");
  return join(uploadDirectory(), token);
}

/**
 * Records an uploaded file (already streamed to uploadPath(token)) for the
 * actor, and sweeps uploads abandoned for a day. Refuses formats we cannot read.
 */
export async function registerUpload(
  actor: Actor,
  token: string,
  fileName: string,
): Promise<{ token: string; format: ImportFormat; size: number }> {
  requireImporter(actor);
  const path = uploadPath(token);
  const format = formatOf(fileName);
  if (!format) {
    await rm(path, { force: true });
    throw new ValidationError("只支持 CSV（.csv、.txt、.tsv）或 Excel（.xlsx）文件", {
      file: ["只支持 CSV 或 .xlsx 文件"],
    });
  }
  const { size } = await stat(path);
  if (size === 0) {
    await rm(path, { force: true });
    throw new ValidationError("文件是空的", { file: ["文件是空的"] });
  }
  const meta: UploadMeta = { userId: actor.userId, fileName: basename(fileName), format, size, createdAt: Date.now() };
  await writeFile(`${path}.json`, JSON.stringify(meta));
  await sweepUploads().catch(() => undefined);
  return { token, format, size };
}

async function sweepUploads() {
  const dir = uploadDirectory();
  for (const name of await readdir(dir)) {
    const full = join(dir, name);
    const info = await stat(full).catch(() => null);
    if (info && Date.now() - info.mtimeMs > UPLOAD_TTL_MS) await rm(full, { force: true });
  }
}

async function readUpload(actor: Actor, token: string): Promise<UploadMeta & { path: string }> {
  const path = uploadPath(token);
  const meta = JSON.parse(await readFile(`${path}.json`, "utf8").catch(() => "null")) as UploadMeta | null;
  // Someone else's upload is as good as absent.
  if (!meta || meta.userId !== actor.userId) throw new NotFoundError("上传的文件不存在或已过期，请重新上传");
  return { ...meta, path };
}

export async function ensureUploadDirectory() {
  await mkdir(uploadDirectory(), { recursive: true });
}

/**
 * More columns than any export has: a wrong delimiter or not a table. The
 * mapping page offers every column in each field's list, so 10,000 columns
 * (a 100 KB file) made a 9 MB page and held the server for seconds (the fuzz).
 */
export const MAX_IMPORT_COLUMNS = 300;

/** A file that cannot be read is the uploader's to fix, said in words (400), not a server error. */
async function readablePreview(upload: { path: string; format: ImportFormat }, sampleRows?: number) {
  const refuse = (message: string) => new ValidationError(message, { file: [message] });
  const preview = await previewFile(upload.path, upload.format, sampleRows).catch((error: unknown) => {
    throw error instanceof ImportError ? refuse(error.message) : error;
  });
  if (preview.headers.length > MAX_IMPORT_COLUMNS) {
    throw refuse(
      `文件有 ${preview.headers.length} 列，超过 ${MAX_IMPORT_COLUMNS} 列的上限：请检查分隔符，或只导出需要的列`,
    );
  }
  return preview;
}

/** The mapping step's data: the file's headers and first rows, and a suggested mapping. */
export async function previewUpload(actor: Actor, token: string) {
  requireImporter(actor);
  const upload = await readUpload(actor, token);
  const preview = await readablePreview(upload);
  return { fileName: upload.fileName, format: upload.format, size: upload.size, ...preview };
}

/**
 * Starts importing an upload with a mapping; returns the job id at once. The
 * import runs in the background of this process; the job row reports its progress.
 */
export async function startImport(
  database: Database,
  actor: Actor,
  input: { token: string; mapping: Record<string, unknown> },
  options: { onDone?: (summary: ImportSummary) => void } = {},
): Promise<number> {
  requireImporter(actor);
  const upload = await readUpload(actor, input.token);
  const mapping = cleanMapping(input.mapping);
  const preview = await readablePreview(upload, 0);
  const problems = mappingProblems(mapping, preview.headers);
  if (problems.length > 0) throw new ValidationError(problems.join("；"), { mapping: problems });
  const jobId = await createJob(database, {
    fileName: upload.fileName,
    format: upload.format,
    mapping,
    bytesTotal: upload.size,
    createdBy: actor.userId,
  });
  const actorOrgId = actor.grants.find((g) => g.orgId != null)?.orgId ?? null;
  void runImport(database, {
    path: upload.path,
    fileName: upload.fileName,
    format: upload.format,
    mapping,
    createdBy: actor.userId,
    actorOrgId,
    jobId,
  })
    .then((summary) => options.onDone?.(summary))
    .catch((error: unknown) => {
      console.error(`import job ${jobId} failed:`, error);
    })
    .finally(() => {
      void rm(upload.path, { force: true });
      void rm(`${upload.path}.json`, { force: true });
    });
  return jobId;
}

// ——— Jobs and their reports ———

/**
 * A running job whose heartbeat (every JOB_HEARTBEAT_MS) is older than this
 * was cut off: the process running it stopped. Four missed beats, so a busy
 * machine does not declare a live job dead.
 */
const STALE_MS = 4.5 * JOB_HEARTBEAT_MS;

/**
 * Records jobs whose process stopped as interrupted, so none stays "running"
 * forever (the portal runs this at start and every minute). By heartbeat, not
 * by "whatever was running before I started": another process — the command
 * line, a second portal on a shared database — may be running one right now.
 */
export async function interruptStaleJobs(database: Database, now = Date.now()): Promise<number> {
  const cutoff = new Date(now - STALE_MS);
  return database.write(async (tx) => {
    const stale = await tx
      .update(importJobs)
      .set({ status: "interrupted", finishedAt: sql`coalesce(${importJobs.updatedAt}, ${importJobs.startedAt})` })
      .where(
        and(
          eq(importJobs.status, "running"),
          lt(sql`coalesce(${importJobs.updatedAt}, ${importJobs.startedAt})`, cutoff.getTime()),
        ),
      )
      .returning({ id: importJobs.id });
    return stale.length;
  });
}

export type JobState = "running" | "done" | "failed" | "interrupted";

function jobView(row: typeof importJobs.$inferSelect & { createdByName: string | null }, now: number) {
  const stale = row.status === "running" && now - (row.updatedAt ?? row.startedAt).getTime() > STALE_MS;
  const state: JobState = stale ? "interrupted" : row.status;
  const percent =
    row.status === "done"
      ? 100
      : row.bytesTotal > 0
        ? Math.min(99, Math.floor((row.bytesRead / row.bytesTotal) * 100))
        : 0;
  const elapsed = ((row.finishedAt ?? row.updatedAt ?? row.startedAt).getTime() - row.startedAt.getTime()) / 1000;
  return {
    id: row.id,
    fileName: row.fileName,
    format: row.format,
    encoding: row.encoding,
    state,
    error: row.error,
    rowsRead: row.rowsRead,
    imported: row.imported,
    duplicates: row.duplicates,
    rejected: row.rejected,
    bytesRead: row.bytesRead,
    bytesTotal: row.bytesTotal,
    percent,
    rowsPerSecond: elapsed > 0 ? Math.round(row.rowsRead / elapsed) : null,
    startedAt: row.startedAt.toISOString(),
    finishedAt: row.finishedAt?.toISOString() ?? null,
    createdByName: row.createdByName,
    mapping: row.mapping ?? {},
  };
}
export type JobView = ReturnType<typeof jobView>;

export async function getJob(database: Database, actor: Actor, jobId: number, now = Date.now()): Promise<JobView> {
  requireImporter(actor);
  const row = await database.db
    .select({ job: importJobs, createdByName: users.displayName })
    .from(importJobs)
    .leftJoin(users, eq(importJobs.createdBy, users.id))
    .where(eq(importJobs.id, jobId))
    .get();
  if (!row) throw new NotFoundError("导入任务不存在");
  return jobView({ ...row.job, createdByName: row.createdByName }, now);
}

export async function listJobs(database: Database, actor: Actor, limit = 20, now = Date.now()) {
  requireImporter(actor);
  const rows = await database.db
    .select({ job: importJobs, createdByName: users.displayName })
    .from(importJobs)
    .leftJoin(users, eq(importJobs.createdBy, users.id))
    .orderBy(desc(importJobs.id))
    .limit(limit);
  return rows.map((r) => jobView({ ...r.job, createdByName: r.createdByName }, now));
}

/** The first rejections of a job, for the summary page. */
export async function sampleRejections(database: Database, actor: Actor, jobId: number, limit = 20) {
  requireImporter(actor);
  return database.db
    .select({ line: importRejections.line, reason: importRejections.reason, raw: importRejections.raw })
    .from(importRejections)
    .where(eq(importRejections.jobId, jobId))
    .orderBy(asc(importRejections.line), asc(importRejections.id))
    .limit(limit);
}

export const REPORT_HEADER = ["行号", "原因", "原始内容"];

/**
 * Every rejected row as CSV lines (line, reason, raw), in pages: a report of
 * a million rejections never sits in memory. A UTF-8 BOM first, so Excel
 * opens the Chinese correctly.
 */
export async function* rejectionReport(database: Database, actor: Actor | null, jobId: number) {
  if (actor) requireImporter(actor);
  const job = await database.db.select({ id: importJobs.id }).from(importJobs).where(eq(importJobs.id, jobId)).get();
  if (!job) throw new NotFoundError("导入任务不存在");
  yield `\uFEFF${csvLine(REPORT_HEADER)}\r\n`;
  let after = 0;
  for (;;) {
    const page = await database.db
      .select({
        id: importRejections.id,
        line: importRejections.line,
        reason: importRejections.reason,
        raw: importRejections.raw,
      })
      .from(importRejections)
      .where(and(eq(importRejections.jobId, jobId), gt(importRejections.id, after)))
      .orderBy(asc(importRejections.id))
      .limit(5_000);
    if (page.length === 0) return;
    yield page.map((r) => `${csvLine([String(r.line), r.reason, r.raw])}\r\n`).join("");
    after = page.at(-1)!.id;
  }
}

/** Counts for a job's report header line ("共 N 行被拒绝"). */
export async function rejectionCount(database: Database, jobId: number) {
  const [row] = await database.db
    .select({ n: sql<number>`count(*)` })
    .from(importRejections)
    .where(eq(importRejections.jobId, jobId));
  return Number(row?.n ?? 0);
}
