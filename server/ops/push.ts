/**
 * Moves an embedded database to a libsql server (issue 8; README "Moving to a
 * libsql server"): `npm run db:push-to-server -- <file>` with DATABASE_URL
 * (and DATABASE_AUTH_TOKEN) naming the server.
 *
 * The source is first copied with `VACUUM INTO` (one moment's state, as a
 * backup — the portal may keep running until the switch) and migrated to
 * this version's schema. The copy is then replayed onto the server, which
 * must be empty: every table as the source created it (virtual tables create
 * their own shadow tables), every row — the full-text index's shadow tables
 * too, since a contentless index cannot be rebuilt from itself — then the
 * indexes and last the triggers, so the rollup triggers do not count the
 * copied tickets a second time. Rows go in chunks, each one request and one
 * transaction with foreign-key checks off (a chunk may refer to rows of a
 * later one); the finished copy is checked for foreign-key violations and
 * per-table row counts.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient, type Client, type InValue } from "@libsql/client";
import { openDatabase } from "../../db/client";
import { backupDatabase, BackupError } from "./backup";

/** Bound parameters per INSERT: well under SQLite's 32,766 and small enough for one HTTP request. */
const PARAMETERS_PER_CHUNK = 20_000;

interface SchemaObject {
  type: string;
  name: string;
  sql: string;
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** The shadow tables a virtual table made for itself (fts5: _data, _idx, _content, _docsize, _config). */
function shadowOf(objects: SchemaObject[]) {
  const virtual = objects.filter((o) => o.type === "table" && /^create virtual table/i.test(o.sql)).map((o) => o.name);
  return (name: string) => virtual.some((v) => name.startsWith(`${v}_`));
}

async function userTables(client: Client): Promise<string[]> {
  const result = await client.execute(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name NOT LIKE '\\_litestream%' ESCAPE '\\'",
  );
  return result.rows.map((r) => String(r.name));
}

export interface PushResult {
  tables: number;
  rows: number;
}

/** Copies the embedded database at `sourceUrl` (file:…) to the empty libsql server at `targetUrl`. */
export async function pushToServer(
  sourceUrl: string,
  targetUrl: string,
  options: { authToken?: string; log?: (line: string) => void } = {},
): Promise<PushResult> {
  if (targetUrl.startsWith("file:")) {
    throw new BackupError("DATABASE_URL must name the libsql server to push to (libsql://, http(s)://, ws(s)://)");
  }
  const log = options.log ?? (() => undefined);
  const target = createClient({ url: targetUrl, authToken: options.authToken, intMode: "bigint" });
  const staging = mkdtempSync(join(tmpdir(), "roundtable-push-"));
  try {
    const existing = await target.execute(
      "SELECT count(*) AS n FROM sqlite_master WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\'",
    );
    if (Number(existing.rows[0]!.n) > 0) {
      throw new BackupError(`${targetUrl} already holds a database; push only to an empty one`);
    }
    const snapshot = (await backupDatabase(sourceUrl, join(staging, "snapshot.db"))).path;
    // Brought to this version's schema, as the portal would at start.
    (await openDatabase(`file:${snapshot}`)).close();
    const source = createClient({ url: `file:${snapshot}`, intMode: "bigint" });
    try {
      const objects = (
        await source.execute(
          "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY rowid",
        )
      ).rows.map((r) => ({ type: String(r.type), name: String(r.name), sql: String(r.sql) }));
      const isShadow = shadowOf(objects);
      const ofType = (type: string) => objects.filter((o) => o.type === type);

      for (const table of ofType("table")) if (!isShadow(table.name)) await target.execute(table.sql);
      // What the virtual tables wrote into their fresh shadow tables is replaced by the source's.
      const shadows = ofType("table").filter((o) => isShadow(o.name));
      if (shadows.length)
        await target.batch(
          shadows.map((o) => `DELETE FROM ${quote(o.name)}`),
          "write",
        );

      let rows = 0;
      const tables = (await userTables(source)).filter(
        (name) => !objects.some((o) => o.name === name && /^create virtual table/i.test(o.sql)),
      );
      for (const table of tables) {
        const withoutRowid = objects.some((o) => o.name === table && /without\s+rowid\s*;?\s*$/i.test(o.sql));
        const copied = await copyTable(source, target, table, withoutRowid);
        rows += copied;
        log(`${table}: ${copied} rows`);
      }
      for (const type of ["index", "view", "trigger"]) {
        for (const object of ofType(type)) await target.execute(object.sql);
      }

      const violations = await target.execute("PRAGMA foreign_key_check");
      if (violations.rows.length > 0) {
        throw new BackupError(
          `the copy breaks ${violations.rows.length} foreign keys (first: ${JSON.stringify(violations.rows[0])})`,
        );
      }
      for (const table of tables) {
        const [a, b] = await Promise.all(
          [source, target].map(async (c) =>
            Number((await c.execute(`SELECT count(*) AS n FROM ${quote(table)}`)).rows[0]!.n),
          ),
        );
        if (a !== b) throw new BackupError(`${table}: ${a} rows in the source, ${b} on the server`);
      }
      return { tables: tables.length, rows };
    } finally {
      source.close();
    }
  } finally {
    target.close();
    rmSync(staging, { recursive: true, force: true });
  }
}

async function copyTable(source: Client, target: Client, table: string, withoutRowid: boolean): Promise<number> {
  const columns = (await source.execute({ sql: "SELECT name FROM pragma_table_info(?)", args: [table] })).rows.map(
    (r) => String(r.name),
  );
  const perRow = columns.length;
  const chunkRows = Math.max(1, Math.floor(PARAMETERS_PER_CHUNK / perRow));
  const columnList = columns.map(quote).join(", ");
  const rowTuple = `(${columns.map(() => "?").join(", ")})`;
  let copied = 0;
  // Paged by rowid, so memory holds one chunk at a time. A WITHOUT ROWID table
  // (the rate rollups: small) is paged by offset in its primary key's order;
  // the snapshot does not change underneath.
  let after: InValue = -(2n ** 63n);
  for (;;) {
    const page = await source.execute(
      withoutRowid
        ? { sql: `SELECT 0, ${columnList} FROM ${quote(table)} LIMIT ? OFFSET ?`, args: [chunkRows, copied] }
        : {
            sql: `SELECT rowid, ${columnList} FROM ${quote(table)} WHERE rowid > ? ORDER BY rowid LIMIT ?`,
            args: [after, chunkRows],
          },
    );
    if (page.rows.length === 0) return copied;
    const args: InValue[] = [];
    for (const row of page.rows) for (let c = 1; c <= perRow; c++) args.push(row[c] as InValue);
    // `migrate` runs the statement with foreign-key enforcement off, in one transaction and one request.
    await target.migrate([
      {
        sql: `INSERT INTO ${quote(table)} (${columnList}) VALUES ${page.rows.map(() => rowTuple).join(", ")}`,
        args,
      },
    ]);
    copied += page.rows.length;
    after = page.rows[page.rows.length - 1]![0] as InValue;
  }
}
