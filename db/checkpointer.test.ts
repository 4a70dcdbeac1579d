/**
 * The background checkpointer (decision 0030): with it, the process's connections leave the WAL to
 * a worker thread (their own threshold is only a safety net), the worker copies every committed page
 * back, the WAL is then reused from its start instead of growing, and closing the database stops it.
 */
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { afterEach, expect, it } from "vitest";
import { SAFETY_NET_PAGES } from "./checkpointer";
import { openDatabase, type Database } from "./client";

const dirs: string[] = [];
const opened: Database[] = [];
afterEach(() => {
  for (const database of opened.splice(0)) database.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function open(checkpointInBackground: boolean) {
  const dir = mkdtempSync(join(tmpdir(), "roundtable-checkpoint-"));
  dirs.push(dir);
  const path = join(dir, "db.sqlite");
  const database = await openDatabase(`file:${path}`, undefined, { checkpointInBackground, migrate: false });
  opened.push(database);
  await database.client.execute("create table pages (id integer primary key, body blob not null)");
  return { database, wal: () => statSync(`${path}-wal`).size };
}

/** `megabytes` of rows, one write transaction per 256 KB, through the portal's write queue. */
async function fill(database: Database, megabytes: number) {
  for (let i = 0; i < megabytes * 4; i++) {
    await database.write((tx) =>
      tx.run(
        sql`with recursive n(i) as (select 1 union all select i + 1 from n where i < 32) insert into pages (body) select randomblob(8192) from n`,
      ),
    );
  }
}

const autocheckpoint = async (database: Database) =>
  Number((await database.client.execute("pragma wal_autocheckpoint")).rows[0]![0]);

it("leaves checkpoints to the worker, which copies back every committed page", async () => {
  const { database } = await open(true);
  expect(database.checkpointer).not.toBeNull();
  expect(await autocheckpoint(database)).toBe(SAFETY_NET_PAGES);
  await fill(database, 6);
  const result = await database.checkpointer!.now();
  expect(result.busy).toBe(0);
  expect(result.log).toBeGreaterThan(0);
  expect(result.checkpointed).toBe(result.log);
});

it("keeps the WAL from growing: once copied back, it is written again from its start", async () => {
  const { database, wal } = await open(true);
  await fill(database, 8);
  await database.checkpointer!.now();
  const after8 = wal();
  // A first write after a complete checkpoint restarts the WAL; these 8 MB land where the first 8 did.
  await fill(database, 8);
  expect(wal()).toBeLessThanOrEqual(after8 * 1.1);
  expect(wal()).toBeLessThan(16 * 1024 * 1024);
});

it("is off unless asked for: the connections keep SQLite's own threshold", async () => {
  const { database } = await open(false);
  expect(database.checkpointer).toBeNull();
  expect(await autocheckpoint(database)).toBe(1000);
});

it("stops when the database closes", async () => {
  const { database } = await open(true);
  const checkpointer = database.checkpointer!;
  await checkpointer.now();
  opened.splice(opened.indexOf(database), 1);
  database.close();
  await expect(checkpointer.now()).rejects.toThrow(/stopped/);
});
