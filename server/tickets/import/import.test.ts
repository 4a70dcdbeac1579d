import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { and, asc, count, eq, sql } from "drizzle-orm";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importRejections, tickets, ticketEvents, ticketUnits } from "../../../db/schema";
import { encodeGbk } from "../../../tests/helpers/gbk";
import { actorOf, openTestDatabase, orgId, type TestDatabase } from "../../../tests/helpers/database";
import { ForbiddenError } from "../../errors";
import type { Actor } from "../../identity/permissions";
import { act, createTicket, listTickets } from "..";
import {
  getJob,
  getMapping,
  listMappings,
  newUploadToken,
  registerUpload,
  rejectionReport,
  runImport,
  saveMapping,
  startImport,
  suggestMapping,
  uploadPath,
  ensureUploadDirectory,
  type ImportSummary,
} from ".";

const HEADERS = [
  "工单编号",
  "受理时间",
  "诉求类型",
  "渠道",
  "紧急程度",
  "诉求分类",
  "诉求内容",
  "事发地址",
  "经度",
  "纬度",
  "所属街道",
  "所属社区",
  "来电人",
  "联系电话",
  "工单状态",
  "派单时间",
  "承办单位",
  "签收时间",
  "先行联系时间",
  "回复时间",
  "回访时间",
  "解决情况",
  "满意度",
  "办结时间",
];
const mapping = suggestMapping(HEADERS);

type Row = Partial<Record<(typeof HEADERS)[number], string>>;
function line(row: Row): string {
  return HEADERS.map((h) => {
    const v = row[h] ?? "";
    return /[",\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v;
  }).join(",");
}

const base: Row = {
  受理时间: "2024-03-05 09:12:00",
  诉求类型: "投诉",
  渠道: "电话",
  紧急程度: "一般",
  诉求分类: "城乡建设/物业管理/物业服务",
  诉求内容: "小区物业长期不清理楼道垃圾，影响居民生活",
  事发地址: "西城区大栅栏街道西河沿社区3号楼",
  所属街道: "大栅栏街道",
  所属社区: "西河沿社区",
  来电人: "李女士",
  联系电话: "13800001111",
};

/** The full loop, as the hotline recorded it. */
const history: Row = {
  工单状态: "已办结",
  派单时间: "2024-03-05 09:40:00",
  承办单位: "大栅栏街道办事处",
  签收时间: "2024-03-05 10:05:00",
  先行联系时间: "2024-03-05 15:30:00",
  回复时间: "2024-03-08 16:00:00",
  回访时间: "2024-03-09 10:00:00",
  解决情况: "已解决",
  满意度: "满意",
  办结时间: "2024-03-09 10:30:00",
};

// Line numbers are the file's physical lines (the header is line 1).
const brokenFile = [
  HEADERS.join(","),
  line({ ...base, 工单编号: "T0001" }), // 2
  line({ ...base, 工单编号: "" }), // 3: no number
  line({ ...base, 工单编号: "T0003", 受理时间: "2024-02-30 10:00" }), // 4: no such day
  line({ ...base, 工单编号: "T0004", 诉求分类: "城乡建设/物业管理/不存在的分类" }), // 5
  line({ ...base, 工单编号: "T0005", 经度: "200.1", 纬度: "39.9" }), // 6: not in Beijing
  line({ ...base, 工单编号: "T0006", 诉求内容: '楼道里"堆物"严重，\n请尽快清理' }), // 7–8: quotes and a line break
  line({ ...base, 工单编号: "T0007", ...history }), // 9
  line({ ...base, 工单编号: "T0001", 诉求内容: "重复的编号" }), // 10: repeats line 2
  line({ ...base, 工单编号: "T0008", 诉求类型: "咨询", 回复时间: "2024-03-05 09:20:00", 工单状态: "已办结" }), // 11
  line({
    ...base,
    工单编号: "T0009",
    派单时间: "2024-03-05 09:40:00",
    承办单位: "大栅栏街道办事处",
    回复时间: "2024-03-06 09:00:00",
  }), // 12
  line({ ...base, 工单编号: "T0010", 诉求分类: "电梯", 经度: "116.3921", 纬度: "39.8979", 所属街道: "", 所属社区: "" }), // 13
].join("\r\n");

let t: TestDatabase;
let operator: Actor;
let resident: Actor;

beforeAll(async () => {
  t = await openTestDatabase({ demo: true });
  operator = await actorOf(t.database, "operator");
  resident = await actorOf(t.database, "resident");
});
afterAll(() => t.close());

async function importText(name: string, content: string | Buffer, extra: { threads?: "auto" | "off" } = {}) {
  const path = join(t.dir, name);
  await writeFile(path, content);
  return runImport(t.database, {
    path,
    fileName: name,
    format: name.endsWith(".xlsx") ? "xlsx" : "csv",
    mapping,
    createdBy: operator.userId,
    threads: extra.threads,
  });
}

async function ticketByNumber(number: string) {
  return t.database.db.select().from(tickets).where(eq(tickets.number, number)).get();
}

async function report(jobId: number): Promise<string> {
  let text = "";
  for await (const part of rejectionReport(t.database, operator, jobId)) text += part;
  return text;
}

describe("importing a file with broken rows", () => {
  let first: ImportSummary;

  beforeAll(async () => {
    first = await importText("broken.csv", `\uFEFF${brokenFile}\r\n`);
  });

  it("keeps every good row and counts the rest", () => {
    expect(first).toMatchObject({
      status: "done",
      rowsRead: 11,
      imported: 5,
      duplicates: 1,
      rejected: 5,
      encoding: "utf-8",
    });
    expect(first.bytesRead).toBe(first.bytesTotal);
  });

  it("reports every bad row with its line, reason and raw text", async () => {
    const rows = await t.database.db
      .select()
      .from(importRejections)
      .where(eq(importRejections.jobId, first.jobId))
      .orderBy(asc(importRejections.line));
    expect(rows.map((r) => r.line)).toEqual([3, 4, 5, 6, 12]);
    const byLine = new Map(rows.map((r) => [r.line, r]));
    expect(byLine.get(3)!.reason).toBe("缺少工单编号");
    expect(byLine.get(4)!.reason).toContain("受理时间「2024-02-30 10:00」无法识别");
    expect(byLine.get(5)!.reason).toBe("未找到诉求分类「城乡建设/物业管理/不存在的分类」");
    expect(byLine.get(6)!.reason).toBe("坐标「200.1, 39.9」超出北京范围");
    expect(byLine.get(12)!.reason).toBe("有回复时间但缺少签收时间");
    expect(byLine.get(3)!.raw.startsWith(",2024-03-05 09:12:00,投诉")).toBe(true);
    const csv = await report(first.jobId);
    expect(csv.startsWith("\uFEFF行号,原因,原始内容\r\n")).toBe(true);
    expect(csv).toContain("3,缺少工单编号,");
  });

  it("imports quoted text with its quotes and line breaks", async () => {
    const row = await ticketByNumber("T0006");
    expect(row?.description).toBe('楼道里"堆物"严重，\n请尽快清理');
  });

  it("writes one imported event and a search row per ticket", async () => {
    const row = (await ticketByNumber("T0007"))!;
    const events = await t.database.db.select().from(ticketEvents).where(eq(ticketEvents.ticketId, row.id));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ kind: "imported", toStatus: "closed", actorUserId: operator.userId });
    expect(events[0]!.data).toMatchObject({
      jobId: first.jobId,
      line: 9,
      dispatchedAt: "2024-03-05T01:40:00.000Z",
      leadUnit: "大栅栏街道办事处",
      resolution: "resolved",
      satisfaction: "satisfied",
    });
    const found = await listTickets(t.database, operator, { q: "堆物" });
    expect(found.rows.map((r) => r.number)).toEqual(["T0006"]);
    const units = await t.database.db.select().from(ticketUnits).where(eq(ticketUnits.ticketId, row.id));
    expect(units).toMatchObject([{ orgId: await orgId(t.database, "大栅栏街道办事处"), role: "lead" }]);
  });

  it("places tickets by names, or by coordinates like intake", async () => {
    expect(await ticketByNumber("T0001")).toMatchObject({
      communityCode: "110102013901",
      streetCode: "110102013",
      districtCode: "110102",
      status: "received",
      source: "import",
      channel: "phone",
    });
    // Next to 西河沿社区's centre: the same community `locate` finds.
    expect(await ticketByNumber("T0010")).toMatchObject({ communityCode: "110102013901", lon: 116.3921 });
  });

  it("takes an inquiry with a reply and no dispatch as answered on the call", async () => {
    expect(await ticketByNumber("T0008")).toMatchObject({
      status: "closed",
      dispatchedAt: null,
      dispatchMonth: null,
      repliedAt: new Date("2024-03-05T01:20:00Z"),
      closedAt: new Date("2024-03-05T01:20:00Z"),
    });
  });

  it("derives the state the portal's own steps would have left", async () => {
    // The same history, taken through the services one step at a time.
    const street = await actorOf(t.database, "street");
    const at = (text: string) => new Date(`${text.replace(" ", "T")}+08:00`);
    const created = await createTicket(
      t.database,
      operator,
      {
        type: "complaint",
        channel: "phone",
        urgency: "normal",
        categoryId: (await ticketByNumber("T0007"))!.categoryId,
        description: base.诉求内容,
        address: base.事发地址,
        regionCode: "110102013901",
        number: "SVC0007",
      },
      { now: at(base.受理时间!) },
    );
    const dashilar = await orgId(t.database, "大栅栏街道办事处");
    await act(t.database, operator, created.id, { kind: "dispatch", orgId: dashilar }, at(history.派单时间!));
    await act(t.database, street, created.id, { kind: "accept" }, at(history.签收时间!));
    await act(t.database, street, created.id, { kind: "contact", note: "已联系" }, at(history.先行联系时间!));
    await act(t.database, street, created.id, { kind: "reply", content: "已清理" }, at(history.回复时间!));
    await act(
      t.database,
      operator,
      created.id,
      { kind: "callback", resolution: "resolved", satisfaction: "satisfied", speed: 5, effect: 5, attitude: 5 },
      at(history.回访时间!),
    );
    await act(t.database, operator, created.id, { kind: "close" }, at(history.办结时间!));

    const viaServices = (await ticketByNumber("SVC0007"))!;
    const imported = (await ticketByNumber("T0007"))!;
    const derived = (row: typeof imported) => ({
      status: row.status,
      leadOrgId: row.leadOrgId,
      firstReceiverOrgId: row.firstReceiverOrgId,
      dispatchedAt: row.dispatchedAt,
      dispatchMonth: row.dispatchMonth,
      contactDeadlineAt: row.contactDeadlineAt,
      acceptedAt: row.acceptedAt,
      firstContactAt: row.firstContactAt,
      clockStartedAt: row.clockStartedAt,
      deadlineAt: row.deadlineAt,
      timeLimitId: row.timeLimitId,
      repliedAt: row.repliedAt,
      calledBackAt: row.calledBackAt,
      closedAt: row.closedAt,
      resolution: row.resolution,
      satisfaction: row.satisfaction,
      receivedAt: row.receivedAt,
      communityCode: row.communityCode,
    });
    expect(derived(imported)).toEqual(derived(viaServices));
    expect(imported.deadlineAt).not.toBeNull();
    expect(imported.dispatchMonth).toBe("2024-03");
  });

  it("creates no duplicates when the same file comes again", async () => {
    const [before] = await t.database.db.select({ n: count() }).from(tickets);
    const again = await importText("broken-again.csv", `\uFEFF${brokenFile}\r\n`);
    expect(again).toMatchObject({ status: "done", rowsRead: 11, imported: 0, duplicates: 6, rejected: 5 });
    const [after] = await t.database.db.select({ n: count() }).from(tickets);
    expect(after!.n).toBe(before!.n);
    const events = await t.database.db
      .select({ n: count() })
      .from(ticketEvents)
      .where(and(eq(ticketEvents.kind, "imported")));
    expect(events[0]!.n).toBe(5);
  });

  it("counts a number repeated within one file once, across chunks too", async () => {
    const rows = [HEADERS.join(",")];
    for (let i = 0; i < 30; i++) rows.push(line({ ...base, 工单编号: `C${String(i % 10).padStart(4, "0")}` }));
    const path = join(t.dir, "repeats.csv");
    await writeFile(path, rows.join("\n"));
    const summary = await runImport(t.database, {
      path,
      fileName: "repeats.csv",
      format: "csv",
      mapping,
      chunkRows: 7,
    });
    expect(summary).toMatchObject({ rowsRead: 30, imported: 10, duplicates: 20, rejected: 0 });
  });

  it("adds imported tickets to the rates' counters as the per-ticket trigger would, and defers nothing past the chunk", async () => {
    // The import writes the counters in one grouped statement per chunk (migration 0006); a
    // recount straight from the ticket columns must agree, street by street and month by month.
    const recount = await t.database.db.all<{
      month: string;
      street: string;
      n: number;
      responded: number;
      callbacks: number;
    }>(
      sql`select dispatch_month as month, street_code as street, count(*) as n,
        sum(excluded = 0 and first_contact_at <= contact_deadline_at) as responded,
        sum(excluded = 0 and resolution is not null) as callbacks
        from tickets where dispatch_month is not null and street_code is not null
        group by 1, 2 order by 1, 2`,
    );
    const rolled = await t.database.db.all<{
      month: string;
      street: string;
      n: number;
      responded: number;
      callbacks: number;
    }>(
      sql`select month, scope_key as street, sum(dispatched) as n, sum(responded) as responded, sum(callbacks) as callbacks
        from ticket_rate_rollups where scope = 'street' group by 1, 2 having sum(dispatched) > 0 order by 1, 2`,
    );
    expect(recount.length).toBeGreaterThan(0);
    expect(rolled).toEqual(recount);
    expect(await t.database.db.all(sql`select * from ticket_rate_rollups_deferred`)).toEqual([]);
  });
});

describe("encodings and formats", () => {
  const small = (number: string) =>
    [HEADERS.join(","), line({ ...base, 工单编号: number, 诉求内容: "夜间施工噪音扰民严重" })].join("\n");

  it("reads a GBK file", async () => {
    const summary = await importText("gbk.csv", encodeGbk(small("G0001")));
    expect(summary).toMatchObject({ status: "done", imported: 1, rejected: 0, encoding: "gb18030" });
    expect((await ticketByNumber("G0001"))?.description).toBe("夜间施工噪音扰民严重");
  });

  it("reads the same file in this thread and in a worker", async () => {
    const inThread = await importText("thread-a.csv", small("W0001"), { threads: "off" });
    const inWorker = await importText("thread-b.csv", small("W0002"), { threads: "auto" });
    expect(inThread.timings.threaded).toBe(false);
    expect(inWorker.timings.threaded).toBe(true);
    expect([inThread.imported, inWorker.imported]).toEqual([1, 1]);
  });

  it("reads an Excel workbook, dates and numbers included", async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet("工单");
    sheet.addRow(HEADERS);
    const wallClock = (y: number, m: number, d: number, h: number, min: number) =>
      new Date(Date.UTC(y, m - 1, d, h, min));
    const values = (row: Row, received: Date) =>
      HEADERS.map((h) =>
        h === "受理时间"
          ? received
          : h === "经度" || h === "纬度"
            ? row[h]
              ? Number(row[h])
              : null
            : (row[h] ?? null),
      );
    sheet.addRow(values({ ...base, 工单编号: "X0001" }, wallClock(2024, 3, 5, 14, 23)));
    sheet.addRow(values({ ...base, 工单编号: "X0002", 诉求类型: "表扬" }, wallClock(2024, 3, 6, 8, 0)));
    sheet.addRow(
      values({ ...base, 工单编号: "X0003", 经度: "116.3925", 纬度: "39.8975" }, wallClock(2024, 3, 7, 9, 30)),
    );
    sheet.getColumn(2).numFmt = "yyyy-mm-dd hh:mm";
    const path = join(t.dir, "workbook.xlsx");
    await workbook.xlsx.writeFile(path);
    const summary = await runImport(t.database, { path, fileName: "workbook.xlsx", format: "xlsx", mapping });
    expect(summary).toMatchObject({ status: "done", rowsRead: 3, imported: 2, rejected: 1 });
    expect((await ticketByNumber("X0001"))?.receivedAt).toEqual(new Date("2024-03-05T06:23:00Z"));
    expect((await ticketByNumber("X0003"))?.lat).toBe(39.8975);
    const [rejection] = await t.database.db
      .select()
      .from(importRejections)
      .where(eq(importRejections.jobId, summary.jobId));
    expect(rejection).toMatchObject({ line: 3, reason: expect.stringContaining("无法识别的诉求类型「表扬」") });
  });

  it("fails a job, not the server, on a file it cannot read", async () => {
    const summary = await importText("empty.csv", "");
    expect(summary).toMatchObject({ status: "failed", error: "文件是空的：没有表头行" });
    const unmapped = await runImport(t.database, {
      path: join(t.dir, "gbk.csv"),
      fileName: "gbk.csv",
      format: "csv",
      mapping: { number: "没有这一列" },
    });
    expect(unmapped.status).toBe("failed");
    expect(unmapped.error).toContain("文件中没有「没有这一列」列");
  });
});

describe("saved mappings", () => {
  it("round-trips by name and replaces on save", async () => {
    await saveMapping(t.database, operator, {
      name: "西城区导出",
      mapping: { ...mapping, bogus: "x", districtName: "" },
    });
    const loaded = await getMapping(t.database, operator, { name: "西城区导出" });
    expect(loaded.mapping).toEqual(mapping);
    await saveMapping(t.database, operator, { name: "西城区导出", mapping: { number: "编号" } });
    expect((await getMapping(t.database, operator, { name: "西城区导出" })).mapping).toEqual({ number: "编号" });
    expect((await listMappings(t.database, operator)).map((m) => m.name)).toContain("西城区导出");
  });

  it("is for those who may import", async () => {
    await expect(saveMapping(t.database, resident, { name: "x", mapping })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(listMappings(t.database, resident)).rejects.toBeInstanceOf(ForbiddenError);
  });
});

describe("the web flow", () => {
  it("starts an upload in the background and reports progress on the job", async () => {
    await ensureUploadDirectory();
    const token = newUploadToken();
    await writeFile(uploadPath(token), [HEADERS.join(","), line({ ...base, 工单编号: "U0001" })].join("\n"));
    await registerUpload(operator, token, "upload.csv");
    await expect(startImport(t.database, resident, { token, mapping })).rejects.toBeInstanceOf(ForbiddenError);
    const done = new Promise<ImportSummary>((resolve) => {
      void startImport(t.database, operator, { token, mapping }, { onDone: resolve });
    });
    const summary = await done;
    const job = await getJob(t.database, operator, summary.jobId);
    expect(job).toMatchObject({ state: "done", imported: 1, percent: 100, fileName: "upload.csv" });
    // The upload is gone once imported.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(existsSync(uploadPath(token))).toBe(false);
  });
});

describe("the command line", () => {
  it("imports a file, prints a summary and writes the report next to it", async () => {
    const path = join(t.dir, "cli.csv");
    await writeFile(path, [brokenFile.replaceAll("T00", "L00")].join("\n"));
    await saveMapping(t.database, operator, { name: "命令行", mapping });
    const output = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(
        process.execPath,
        ["--import", "tsx", "server/tickets/import/cli.ts", path, "--mapping", "命令行", "--database", t.url],
        { cwd: process.cwd(), env: { ...process.env, NO_COLOR: "1" } },
      );
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
      child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
      child.on("close", (code) => resolve({ code, stdout, stderr }));
    });
    expect(output.stderr).toBe("");
    expect(output.code).toBe(0);
    expect(output.stdout).toContain("导入 5");
    expect(output.stdout).toContain("拒绝 5");
    const reportPath = join(t.dir, "cli.rejections.csv");
    const text = await readFile(reportPath, "utf8");
    expect(text.split("\r\n").filter(Boolean)).toHaveLength(6);
    expect(text).toContain("12,有回复时间但缺少签收时间,");
  }, 60_000);
});
