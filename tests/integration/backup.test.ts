/**
 * Backup while the portal writes, and restore (issue "scale-out", item 4):
 * a real database file, tickets created through the intake service during
 * the backup, the copy checked for being one moment's state, and restores
 * that refuse what they should and leave the target untouched.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createClient } from "@libsql/client";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "../../db/client";
import { categories } from "../../db/schema";
import { backupDatabase, BackupError, restoreDatabase } from "../../server/ops/backup";
import { createTicket } from "../../server/tickets";
import { actorOf, openTestDatabase, type TestDatabase } from "../helpers/database";
import { testDatabaseKind } from "../helpers/sqld";

let t: TestDatabase;
let categoryId: number;

beforeAll(async () => {
  t = await openTestDatabase({ demo: true });
  categoryId = (await t.database.db.query.categories.findFirst({ where: eq(categories.name, "占道停车") }))!.id;
});
afterAll(() => t?.close());

async function fileTickets(database: Database, count: number, first = 0) {
  const operator = await actorOf(database, "operator");
  for (let k = first; k < first + count; k++) {
    await createTicket(database, operator, {
      type: "complaint",
      channel: "phone",
      urgency: "normal",
      categoryId,
      description: `楼下车辆占道停放，第 ${k} 次反映`,
      address: "西城区西河沿街",
    });
  }
}

/** Counts that must agree in any one moment's state: each ticket has its received event and its search row. */
async function consistency(database: Database) {
  const [row] = await database.db.all<{ tickets: number; received: number; searchable: number }>(
    `select (select count(*) from tickets) as tickets,
            (select count(distinct ticket_id) from ticket_events where kind = 'received') as received,
            (select count(*) from ticket_fts) as searchable`,
  );
  return row!;
}

// Embedded only: backup and restore copy the database file on this machine (decision 0016); a libsql
// server keeps its own snapshots, and refusing a server's URL is checked in the embedded pass.
describe.skipIf(testDatabaseKind === "sqld")("npm run backup / restore", () => {
  it("copies one moment's state while tickets are being written", async () => {
    const target = join(t.dir, "backups", "while-writing.db");
    // A writer that keeps filing tickets until told to stop, as a busy portal does.
    let stop = false;
    let written = 0;
    let failed: unknown = null;
    const writer = (async () => {
      while (!stop) {
        await fileTickets(t.database, 1, written);
        written++;
        // The embedded driver settles its promises without a trip through the event loop: yield,
        // as requests arriving at a portal would, so the test's own steps get their turn.
        await new Promise((resolve) => setImmediate(resolve));
      }
    })().catch((error: unknown) => {
      failed = error;
    });
    const until = async (n: number) => {
      while (written < n && failed === null) await new Promise((resolve) => setTimeout(resolve, 10));
      if (failed) throw failed;
    };
    await until(20);
    const { path, bytes } = await backupDatabase(t.url, target);
    const atBackup = written;
    await until(atBackup + 5);
    stop = true;
    await writer;
    expect(bytes).toBeGreaterThan(0);
    const copy = await openDatabase(`file:${path}`);
    try {
      const state = await consistency(copy);
      expect(state.received).toBe(state.tickets);
      expect(state.searchable).toBe(state.tickets);
      // The copy is a moment between the writer's start and its end.
      expect(state.tickets).toBeGreaterThanOrEqual(20);
      expect(state.tickets).toBeLessThan((await consistency(t.database)).tickets);
    } finally {
      copy.close();
    }
    await expect(backupDatabase(t.url, target)).rejects.toThrow(/exists already/);
  });

  it("restores a backup into place, and the restored database opens and reads", async () => {
    const backup = join(t.dir, "backups", "for-restore.db");
    await backupDatabase(t.url, backup);
    const url = `file:${join(t.dir, "restored", "roundtable.db")}`;
    await restoreDatabase(backup, url);
    const restored = await openDatabase(url);
    try {
      expect(await consistency(restored)).toEqual(await consistency(t.database));
    } finally {
      restored.close();
    }
  });

  it("refuses a damaged or foreign file and an existing database without --force, leaving the target as it was", async () => {
    const url = `file:${join(t.dir, "target.db")}`;
    (await openDatabase(url)).close();
    const before = readFileSync(join(t.dir, "target.db"));

    const garbage = join(t.dir, "garbage.db");
    writeFileSync(garbage, Buffer.alloc(8192, 7));
    await expect(restoreDatabase(garbage, url, { force: true })).rejects.toBeInstanceOf(BackupError);
    const foreign = join(t.dir, "foreign.db");
    const other = createClient({ url: `file:${foreign}` });
    await other.execute("create table notes (body text)");
    other.close();
    await expect(restoreDatabase(foreign, url, { force: true })).rejects.toThrow(/not a Roundtable database/);

    const backup = join(t.dir, "backups", "good.db");
    await backupDatabase(t.url, backup);
    await expect(restoreDatabase(backup, url)).rejects.toThrow(/--force/);
    expect(readFileSync(join(t.dir, "target.db")).equals(before)).toBe(true);

    await restoreDatabase(backup, url, { force: true });
    expect(existsSync(join(t.dir, "target.db-wal"))).toBe(false);
    const restored = await openDatabase(url);
    try {
      expect((await consistency(restored)).tickets).toBe((await consistency(t.database)).tickets);
    } finally {
      restored.close();
    }
  });

  it("says what it supports for a libsql server or an in-memory database", async () => {
    await expect(backupDatabase("libsql://db.example.org", "x.db")).rejects.toThrow(/libsql server/);
    await expect(backupDatabase("file::memory:", "x.db")).rejects.toThrow(/in-memory/);
  });

  it("runs as npm run backup and npm run restore, exiting non-zero with the reason when it refuses", () => {
    const run = (args: string[], url: string) =>
      spawnSync("npm", ["run", "--silent", ...args], {
        env: { ...process.env, DATABASE_URL: url, NODE_ENV: "production" },
        encoding: "utf8",
      });
    const backup = join(t.dir, "backups", "cli.db");
    const made = run(["backup", "--", backup], t.url);
    expect(made.stdout).toMatch(/backed up/);
    expect(made.status).toBe(0);
    const url = `file:${join(t.dir, "cli-restored.db")}`;
    expect(run(["restore", "--", backup], url).status).toBe(0);
    const refused = run(["restore", "--", backup], url);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/--force/);
    expect(run(["restore", "--", backup, "--force"], url).status).toBe(0);
  }, 120_000);
});
