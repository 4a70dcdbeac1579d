/**
 * The embedded client's kept statements (the @libsql/client patch, decision
 * 0026 "Session 25"): a reading statement is prepared once per connection and
 * run again with each execution's own arguments. What it must not change:
 * every execution answers as a fresh statement would, after an error, after a
 * schema change on the same connection or on another, and the cache stays
 * bounded. Native prepares are counted on the `libsql` class the client uses.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient, type Client } from "@libsql/client";
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from "vitest";

const require = createRequire(import.meta.url);
// The class the client itself loads: resolved from the client's own folder.
const Database = createRequire(require.resolve("@libsql/client"))("libsql") as {
  prototype: { prepare(sql: string): unknown };
};

const dir = mkdtempSync(join(tmpdir(), "roundtable-statements-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let file = 0;
let client: Client;
let url: string;
const prepares = () => vi.spyOn(Database.prototype, "prepare");

beforeEach(async () => {
  url = `file:${join(dir, `t${++file}.db`)}`;
  client = createClient({ url });
  await client.executeMultiple(`
    create table t (a integer, b text);
    insert into t values (1, 'x'), (2, 'y'), (3, null);
    create virtual table f using fts5(body);
    insert into f values ('hello world');`);
});
afterEach(() => {
  vi.restoreAllMocks();
  client.close();
});

const rowsOf = async (sql: string, args: (string | number)[] = []) =>
  (await client.execute({ sql, args })).rows.map((r) => ({ ...r }));

describe("kept statements of the embedded client (the @libsql/client patch)", () => {
  it("prepares a read once and runs it with each execution's own arguments", async () => {
    const spy = prepares();
    const sql = "select a, b from t where a = ?";
    expect(await rowsOf(sql, [1])).toEqual([{ a: 1, b: "x" }]);
    expect(await rowsOf(sql, [2])).toEqual([{ a: 2, b: "y" }]);
    expect(await rowsOf(sql, [9])).toEqual([]);
    expect(await rowsOf(sql, [3])).toEqual([{ a: 3, b: null }]);
    expect(spy.mock.calls.filter(([s]) => s === sql)).toHaveLength(1);
  });

  it("prepares writes every time, as before", async () => {
    const spy = prepares();
    const sql = "update t set b = ? where a = ?";
    await client.execute({ sql, args: ["p", 1] });
    await client.execute({ sql, args: ["q", 1] });
    expect(spy.mock.calls.filter(([s]) => s === sql)).toHaveLength(2);
    expect(await rowsOf("select b from t where a = 1")).toEqual([{ b: "q" }]);
  });

  it("answers again after an execution of the same statement failed", async () => {
    const sql = "select rowid from f where f match ?";
    expect(await rowsOf(sql, ["hello"])).toHaveLength(1);
    await expect(client.execute({ sql, args: ['"unterminated'] })).rejects.toThrow(/unterminated string/);
    await expect(client.execute({ sql, args: ["AND OR"] })).rejects.toThrow(/syntax error/);
    expect(await rowsOf(sql, ["world"])).toHaveLength(1);
    expect(await rowsOf(sql, ["absent"])).toHaveLength(0);
  });

  it("forgets its statements when this connection changes the schema", async () => {
    expect(await rowsOf("select * from t where a = 1")).toEqual([{ a: 1, b: "x" }]);
    await client.execute("alter table t add column c text default 'c'");
    expect(await rowsOf("select * from t where a = 1")).toEqual([{ a: 1, b: "x", c: "c" }]);
    await client.executeMultiple("alter table t add column d integer default 4;");
    expect(await rowsOf("select * from t where a = 1")).toEqual([{ a: 1, b: "x", c: "c", d: 4 }]);
  });

  // Stock code failed this too, even preparing afresh: the connection's schema was read anew only at the
  // statement's first step, after its columns had been named ("undefined" for the new one).
  it("answers with the new columns when another connection changed the schema", async () => {
    expect(await rowsOf("select * from t where a = 2")).toEqual([{ a: 2, b: "y" }]);
    const other = createClient({ url });
    try {
      await other.execute("alter table t add column e text default 'e'");
    } finally {
      other.close();
    }
    expect(await rowsOf("select * from t where a = 2")).toEqual([{ a: 2, b: "y", e: "e" }]);
  });

  it("keeps at most 256 statements a connection, the least recently used leaving first", async () => {
    const spy = prepares();
    const nth = (k: number) => `select ${k} as k`;
    await rowsOf(nth(0));
    for (let k = 1; k <= 256; k++) {
      await rowsOf(nth(k));
      await rowsOf(nth(0)); // kept in use: never the one to leave
    }
    await rowsOf(nth(0));
    await rowsOf(nth(256));
    await rowsOf(nth(1)); // the least recently used: it had left
    const times = (k: number) => spy.mock.calls.filter(([s]) => s === nth(k)).length;
    expect([times(0), times(256), times(1)]).toEqual([1, 1, 2]);
  });

  it("holds no read between executions: another connection checkpoints the whole log, and its write is seen", async () => {
    await client.execute("pragma journal_mode = wal");
    const sql = "select count(*) as n from t";
    expect(await rowsOf(sql)).toEqual([{ n: 3 }]);
    expect(await rowsOf(sql)).toEqual([{ n: 3 }]);
    const other = createClient({ url });
    try {
      await other.execute("insert into t values (4, 'z')");
      const [checkpoint] = (await other.execute("pragma wal_checkpoint(TRUNCATE)")).rows;
      expect(checkpoint!.busy).toBe(0);
    } finally {
      other.close();
    }
    expect(await rowsOf(sql)).toEqual([{ n: 4 }]);
  });

  it("shares its column lists frozen, so no caller can change the next one's", async () => {
    const first = await client.execute("select a, b from t");
    expect(() => (first.columns as string[]).push("z")).toThrow(TypeError);
    expect((await client.execute("select a, b from t")).columns).toEqual(["a", "b"]);
  });
});
