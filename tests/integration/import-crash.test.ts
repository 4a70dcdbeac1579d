/**
 * An import killed mid-way loses nothing it reported (issue 8, item 4): a
 * real portal process imports a hotline export of tens of thousands of rows
 * through the web flow (upload, mapping, start), and is killed with SIGKILL
 * while the job is half done. Every row the job's progress had acknowledged
 * is in the database; the restarted portal reports the job interrupted,
 * never "running" forever; re-importing the same file completes it, each
 * hotline number once (decision 0008: idempotent by number).
 */
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, expect, it, onTestFailed } from "vitest";
import { openDatabase } from "../../db/client";
import { suggestMapping } from "../../server/tickets/import";
import { fileInputs } from "../bench/fixtures";
import { FILE_HEADERS, writeTicketFile } from "../bench/ticket-file";
import { openTestDatabase } from "../helpers/database";
import { tokenOf, uploadFile } from "../helpers/imports";
import { signIn } from "../helpers/portal";
import { freePort, spawnPortal, type PortalProcess } from "../helpers/process";

const ROWS = 30_000;

const cleanup: (() => void)[] = [];
afterAll(() => {
  for (const fn of cleanup.reverse()) fn();
});

interface Status {
  state: string;
  imported: number;
  duplicates: number;
  rejected: number;
  rowsRead: number;
  bytesRead: number;
  bytesTotal: number;
}

/** Uploads the file and starts its import through the pages, as a person would; returns the job id. */
async function startImport(base: string, cookie: string, file: string): Promise<number> {
  const token = tokenOf(await uploadFile(base, cookie, readFileSync(file), "hotline-export.csv"));
  expect(token).toBeTruthy();
  const mapping = Object.entries(suggestMapping(FILE_HEADERS)).map(([field, header]) => [`map.${field}`, header]);
  const started = await fetch(`${base}/tickets/import/map/${token}`, {
    method: "POST",
    body: new URLSearchParams([["intent", "start"], ...mapping]),
    headers: { cookie, origin: base },
    redirect: "manual",
  });
  expect(started.status).toBe(302);
  return Number(/\/tickets\/import\/(\d+)$/.exec(started.headers.get("location")!)![1]);
}

async function statusOf(base: string, cookie: string, jobId: number): Promise<Status> {
  const response = await fetch(`${base}/tickets/import/${jobId}/status`, { headers: { cookie } });
  expect(response.status).toBe(200);
  return (await response.json()) as Status;
}

async function poll<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
  for (let k = 0; k < 2_400; k++) {
    const value = await read();
    if (done(value)) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`gave up waiting for ${what}`);
}

it(
  "SIGKILL mid-import keeps every acknowledged row; the job is reported interrupted; re-importing completes it once",
  { timeout: 300_000 },
  async () => {
    const prepared = await openTestDatabase({ demo: true });
    const { url, dir } = prepared;
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, "hotline-export.csv");
    const expected = await writeTicketFile(file, { rows: ROWS, ...(await fileInputs(prepared.database)) });
    prepared.database.close();

    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    // What each portal printed, for a failure to show (a reset connection alone does not say whether the portal died).
    const started: PortalProcess[] = [];
    onTestFailed(() => {
      for (const [k, proc] of started.entries()) {
        const state = proc.child.exitCode ?? proc.child.signalCode ?? "still running";
        console.error(`portal ${k + 1} (${state}), stdout:\n${proc.stdout()}\nstderr:\n${proc.stderr()}`);
      }
    });
    const start = async () => {
      const proc = spawnPortal({
        NODE_ENV: "production",
        DATABASE_URL: url,
        PORT: String(port),
        HOST: "127.0.0.1",
        SEED_DEMO: "0",
        HOT_SPOT_DETECTION: "0",
      });
      started.push(proc);
      cleanup.push(() => proc.kill());
      await proc.waitForOutput(/listening on/);
      return proc;
    };

    let portal: PortalProcess = await start();
    let cookie = await signIn(base, "operator");
    const first = await startImport(base, cookie, file);

    // The last progress the portal acknowledged before it died: some chunks in, far from the end.
    const acknowledged = await poll(
      () => statusOf(base, cookie, first),
      (s) => s.imported >= 4_000,
      "the import to get going",
    );
    portal.child.kill("SIGKILL");
    expect(await portal.exited).toEqual({ code: null, signal: "SIGKILL" });
    expect(acknowledged.state).toBe("running");
    expect(acknowledged.rowsRead).toBeLessThan(ROWS);

    // Straight from the file: every acknowledged row is there, and the job row agrees with what was committed.
    const database = await openDatabase(url);
    const count = async (sql: string, args: (string | number)[] = []) =>
      Number((await database.client.execute({ sql, args })).rows[0]![0]);
    const stored = await count(
      "SELECT count(*) FROM ticket_events WHERE kind = 'imported' AND json_extract(data, '$.jobId') = ?",
      [first],
    );
    const jobRow = (await database.client.execute({ sql: "SELECT * FROM import_jobs WHERE id = ?", args: [first] }))
      .rows[0]!;
    database.close();
    expect(stored).toBeGreaterThanOrEqual(acknowledged.imported);
    expect(stored).toBe(Number(jobRow.imported));

    // Restarted, the portal tells the truth about the job once its heartbeat has gone quiet (under a
    // minute): interrupted, with its committed counts — never "running" forever.
    portal = await start();
    cookie = await signIn(base, "operator");
    const after = await poll(
      () => statusOf(base, cookie, first),
      (s) => s.state !== "running",
      "the job to be reported interrupted",
    );
    expect(after.state).toBe("interrupted");
    expect(after.imported).toBe(stored);

    // The recovery is importing the file again: what was committed is skipped, the rest is added, once.
    const second = await startImport(base, cookie, file);
    const done = await poll(
      () => statusOf(base, cookie, second),
      (s) => s.state !== "running",
      "the re-import to finish",
    );
    expect(done.state).toBe("done");
    expect(done.imported + stored).toBe(expected.good);
    expect(done.duplicates).toBeGreaterThanOrEqual(stored);
    portal.child.kill("SIGTERM");
    await portal.exited;

    // The test database holds no tickets but the file's.
    const check = await openDatabase(url);
    const numbers = await check.client.execute("SELECT count(*) AS n, count(DISTINCT number) AS d FROM tickets");
    check.close();
    expect(Number(numbers.rows[0]!.n)).toBe(expected.good);
    expect(Number(numbers.rows[0]!.d)).toBe(expected.good);
  },
);
