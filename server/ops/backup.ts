/**
 * Online backup and restore of the embedded database (docs/decisions/0016).
 *
 * Backup is SQLite's `VACUUM INTO`: it reads the database inside one read
 * transaction, so the copy is the state of one moment however many writes
 * the running portal commits meanwhile (WAL lets them proceed), and it writes
 * a compact file with no WAL beside it. Restore checks the copy first — an
 * intact SQLite file that is a Roundtable database — then replaces the
 * target in one rename, removing the target's WAL and shared-memory files,
 * which belong to the old database and would otherwise be replayed onto the
 * new one. The portal must be stopped for a restore; it migrates the
 * restored file forward when it starts.
 */
import { existsSync, mkdirSync, renameSync, rmSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { createClient } from "@libsql/client";

export class BackupError extends Error {}

/** The path of an embedded database URL, or an error naming what is supported. */
export function embeddedPath(url: string): string {
  if (!url.startsWith("file:")) {
    throw new BackupError(
      "npm run backup copies the embedded database (DATABASE_URL=file:…); back up a libsql server with its own snapshots",
    );
  }
  const path = url.slice("file:".length).split("?")[0]!;
  if (path === "" || path === ":memory:") throw new BackupError("an in-memory database has nothing to back up");
  return resolve(path);
}

/** Writes a consistent copy of the database at `url` to `target` (which must not exist yet). */
export async function backupDatabase(url: string, target: string): Promise<{ path: string; bytes: number }> {
  const source = embeddedPath(url);
  if (!existsSync(source)) throw new BackupError(`no database at ${source}`);
  const path = resolve(target);
  if (existsSync(path)) throw new BackupError(`${path} exists already; a backup never overwrites a file`);
  mkdirSync(dirname(path), { recursive: true });
  // Waits for the portal's write lock like any other connection (it only needs a read snapshot).
  const client = createClient({ url: `file:${source}`, timeout: 10_000 });
  try {
    await client.execute({ sql: "VACUUM INTO ?", args: [path] });
  } finally {
    client.close();
  }
  return { path, bytes: statSync(path).size };
}

/** Why `path` is not a Roundtable backup, or null when it is one. */
async function problemWith(path: string): Promise<string | null> {
  if (!existsSync(path)) return `no file at ${path}`;
  const client = createClient({ url: `file:${path}` });
  try {
    const integrity = await client.execute("PRAGMA integrity_check");
    if (integrity.rows[0]?.[0] !== "ok") return `${path} is damaged: ${String(integrity.rows[0]?.[0])}`;
    const tables = await client.execute(
      "select name from sqlite_master where type = 'table' and name in ('__drizzle_migrations', 'tickets', 'users')",
    );
    if (tables.rows.length < 3) return `${path} is not a Roundtable database`;
    return null;
  } catch (error) {
    return `${path} is not a SQLite database (${error instanceof Error ? error.message : String(error)})`;
  } finally {
    client.close();
  }
}

/**
 * Puts the backup at `backup` in place of the database at `url`. Refuses a
 * damaged or foreign file, and an existing database unless `force` is set;
 * on refusal the target is untouched.
 */
export async function restoreDatabase(backup: string, url: string, options: { force?: boolean } = {}) {
  const target = embeddedPath(url);
  const from = resolve(backup);
  const problem = await problemWith(from);
  if (problem) throw new BackupError(problem);
  if (existsSync(target) && !options.force) {
    throw new BackupError(`${target} exists; stop the portal and pass --force to replace it`);
  }
  mkdirSync(dirname(target), { recursive: true });
  // Copied next to the target first (same file system), so the switch is one rename.
  const staging = `${target}.restoring`;
  rmSync(staging, { force: true });
  const client = createClient({ url: `file:${from}` });
  try {
    await client.execute({ sql: "VACUUM INTO ?", args: [staging] });
  } finally {
    client.close();
  }
  for (const suffix of ["-wal", "-shm"]) rmSync(`${target}${suffix}`, { force: true });
  renameSync(staging, target);
  return { path: target, bytes: statSync(target).size };
}
