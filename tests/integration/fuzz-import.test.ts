/**
 * Hostile files through the whole import flow (issue 8, item 5): random
 * bytes under any name, malformed CSV and workbooks, a workbook that inflates
 * to far more than it weighs (a zip bomb within the upload limit). Each is
 * refused at the upload with a clear 4xx, or previewed without a server
 * error; an import that starts ends as done or failed with a reason; and the
 * tickets it stored are exactly the ones its job row counts.
 */
import { deflateRawSync } from "node:zlib";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BACKGROUND_CHANGES, ChangeLedger, fuzzParameters } from "../helpers/fuzz";
import { tokenOf, uploadFile } from "../helpers/imports";
import { signIn, startPortal, type TestPortal } from "../helpers/portal";

let portal: TestPortal;
let cookie: string;
let ledger: ChangeLedger;

beforeAll(async () => {
  portal = await startPortal({ SEED_DEMO: "1", HOT_SPOT_DETECTION: "0", BACKGROUND_SWEEPS: "0" });
  cookie = await signIn(portal.url, "operator");
  ledger = await ChangeLedger.install(portal.portal.database);
});
afterAll(() => portal?.close());

/** A zip archive (stored with deflate) of the given entries: enough of the format for a workbook. */
function zip(entries: Record<string, Buffer>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, data] of Object.entries(entries)) {
    const packed = deflateRawSync(data);
    const nameBytes = Buffer.from(name);
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(packed.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, packed);
    centrals.push(central, nameBytes);
    offset += local.length + nameBytes.length + packed.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(entries).length, 8);
  end.writeUInt16LE(Object.keys(entries).length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

function crc32(data: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of data) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return (crc ^ 0xffffffff) >>> 0;
}

const CONTENT_TYPES = Buffer.from(
  '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
    '<Default Extension="xml" ContentType="application/xml"/>' +
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>' +
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
);
const WORKBOOK = Buffer.from(
  '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="s" sheetId="1" r:id="rId1"/></sheets></workbook>',
);
const WORKBOOK_RELS = Buffer.from(
  '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
);
const ROOT_RELS = Buffer.from(
  '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
);

function workbook(sheet: Buffer): Buffer {
  return zip({
    "[Content_Types].xml": CONTENT_TYPES,
    "_rels/.rels": ROOT_RELS,
    "xl/workbook.xml": WORKBOOK,
    "xl/_rels/workbook.xml.rels": WORKBOOK_RELS,
    "xl/worksheets/sheet1.xml": sheet,
  });
}

/** A sheet of `rows` rows, each one inline string that is not a ticket: it inflates ~1,000× on unpacking. */
function bombSheet(rows: number): Buffer {
  const row = (r: number) => `<row r="${r}"><c r="A${r}" t="inlineStr"><is><t>${"炸".repeat(40)}</t></is></c></row>`;
  const body = Array.from({ length: rows }, (_, i) => row(i + 1)).join("");
  return Buffer.from(
    `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${body}</sheetData></worksheet>`,
  );
}

const count = async (table: string) =>
  Number((await portal.portal.database.client.execute(`SELECT count(*) AS n FROM ${table}`)).rows[0]!.n);

interface Outcome {
  upload: number;
  preview?: number;
  start?: number;
  state?: string;
}

/**
 * Takes a file as far as the portal lets it: upload, the mapping page, and a
 * start with the page's suggested mapping. Checks at each step that nothing
 * failed on the server and nothing was stored half-way.
 */
async function throughTheFlow(content: Uint8Array | string, fileName: string): Promise<Outcome> {
  await ledger.reset();
  const uploaded = await uploadFile(portal.url, cookie, content, fileName);
  const text = await uploaded.text();
  const outcome: Outcome = { upload: uploaded.status };
  expect(uploaded.status, `${fileName}: ${text.slice(0, 200)}`).toBeLessThan(500);
  const token = tokenOf(uploaded);
  if (!token) {
    expect(uploaded.status, fileName).toBe(400);
    expect(await ledger.changes(BACKGROUND_CHANGES)).toEqual({});
    return outcome;
  }
  const page = await fetch(`${portal.url}/tickets/import/map/${token}`, { headers: { cookie } });
  outcome.preview = page.status;
  const html = await page.text();
  expect(page.status, `${fileName} preview: ${html.slice(0, 300)}`).toBeLessThan(500);
  if (page.status !== 200) return outcome;
  // Start with the mapping the page suggests: the selects' chosen options.
  const mapping = [...html.matchAll(/<select[^>]*name="(map\.\w+)"[^>]*>([\s\S]*?)<\/select>/g)]
    .map(([, name, options]) => [name!, /<option[^>]*value="([^"]*)"[^>]*selected/.exec(options!)?.[1] ?? ""])
    .filter(([, value]) => value);
  const ticketsBefore = await count("tickets");
  const started = await fetch(`${portal.url}/tickets/import/map/${token}`, {
    method: "POST",
    body: new URLSearchParams([["intent", "start"], ...mapping] as [string, string][]),
    headers: { cookie, origin: portal.url },
    redirect: "manual",
  });
  outcome.start = started.status;
  await started.arrayBuffer();
  expect(started.status, `${fileName} start`).toBeLessThan(500);
  if (started.status !== 302) {
    expect(await count("tickets")).toBe(ticketsBefore);
    return outcome;
  }
  const jobId = /\/tickets\/import\/(\d+)$/.exec(started.headers.get("location")!)![1];
  let job: { state: string; imported: number; error: string | null } = { state: "running", imported: 0, error: null };
  for (let k = 0; k < 600 && job.state === "running"; k++) {
    await new Promise((r) => setTimeout(r, 50));
    job = (await (
      await fetch(`${portal.url}/tickets/import/${jobId}/status`, { headers: { cookie } })
    ).json()) as typeof job;
  }
  outcome.state = job.state;
  expect(["done", "failed"], `${fileName}: ${JSON.stringify(job)}`).toContain(job.state);
  if (job.state === "failed") expect(job.error, fileName).toBeTruthy();
  expect(await count("tickets")).toBe(ticketsBefore + job.imported);
  return outcome;
}

const NAMES = [
  "export.csv",
  "export.xlsx",
  "export.tsv",
  "export.txt",
  "../../../etc/passwd.csv",
  "a\u0000b.csv",
  "x.exe",
  "无扩展名",
];

describe("hostile files", () => {
  it("random bytes under any name: refused or handled, never a server error", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ maxLength: 4096 }),
          fc.string({ unit: "binary", maxLength: 2000 }).map((s) => `工单编号,受理时间,诉求内容\n${s}`),
          fc
            .array(fc.array(fc.constantFrom('"', ",", "\n", "\r", "a", "编", "\t", ";", '""'), { maxLength: 20 }), {
              maxLength: 50,
            })
            .map((rows) => `工单编号,诉求内容\n${rows.map((r) => r.join("")).join("\n")}`),
        ),
        fc.constantFrom(...NAMES),
        async (content, name) => {
          await throughTheFlow(content, name);
        },
      ),
      fuzzParameters(20),
    );
  });

  it("an empty file, a file of another kind and a nameless part are refused at the upload", async () => {
    expect((await throughTheFlow("", "export.csv")).upload).toBe(400);
    expect((await throughTheFlow("MZ\u0090\u0000", "setup.exe")).upload).toBe(400);
    expect((await throughTheFlow("a,b\n1,2\n", "")).upload).toBe(400);
  });

  it("a workbook that is not a zip, or a truncated one, fails with a reason", async () => {
    for (const content of [
      Buffer.from("PK\u0003\u0004 not really a zip"),
      workbook(bombSheet(10)).subarray(0, 300),
      zip({ "hello.txt": Buffer.from("no workbook here") }),
    ]) {
      const outcome = await throughTheFlow(content, "export.xlsx");
      // Refused at some step with a 400, or a job that failed with a reason.
      const refused = [outcome.upload, outcome.preview, outcome.start].includes(400) || outcome.state === "failed";
      expect(refused, JSON.stringify(outcome)).toBe(true);
    }
  });

  it("a zip bomb within the limit (a few hundred KB inflating to ~60 MB) is read without a server error", async () => {
    const bomb = workbook(bombSheet(400_000 / 4));
    expect(bomb.length).toBeLessThan(2 * 1024 ** 2);
    const outcome = await throughTheFlow(bomb, "export.xlsx");
    expect(outcome.upload).toBe(302);
  });

  it("a CSV of one endless line, ten thousand columns (refused: no export is that wide) or UTF-16 is handled", async () => {
    await throughTheFlow(`工单编号,诉求内容\nA1,"${"长".repeat(3_000_000)}`, "endless.csv");
    const wide = `${Array.from({ length: 10_000 }, (_, i) => `列${i}`).join(",")}\n1,2,3\n`;
    expect((await throughTheFlow(wide, "wide.csv")).preview).toBe(400);
    await throughTheFlow(
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from("工单编号\n1\n", "utf16le")]),
      "utf16.csv",
    );
  });
});
