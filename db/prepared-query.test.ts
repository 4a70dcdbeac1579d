/**
 * `preparedQuery`: a statement every request runs, built by drizzle once per
 * database and run with its placeholders. It answers with what the database
 * holds at each run, and each database gets a query of its own (embedded
 * file, or libsql server in the second pass).
 */
import { eq, sql } from "drizzle-orm";
import { afterEach, beforeEach, expect, it, vi } from "vitest";
import { openTestDatabase, type TestDatabase } from "../tests/helpers/database";
import { preparedQuery, type Db } from "./client";
import { realtimeDocuments } from "./schema";

let a: TestDatabase;
let b: TestDatabase;
beforeEach(async () => {
  [a, b] = await Promise.all([openTestDatabase(), openTestDatabase()]);
});
afterEach(async () => {
  await Promise.all([a.close(), b.close()]);
});

const insert = (t: TestDatabase, name: string) =>
  t.database.write((tx) => tx.insert(realtimeDocuments).values({ name, createdAt: new Date(0) }));

it("is built once per database and answers with what each one holds at every run", async () => {
  const build = vi.fn((db: Db) =>
    db
      .select({ name: realtimeDocuments.name })
      .from(realtimeDocuments)
      .where(eq(realtimeDocuments.name, sql.placeholder("name")))
      .prepare(),
  );
  const byName = preparedQuery(build);
  expect(await byName(a.database.db).all({ name: "one" })).toEqual([]);
  await insert(a, "one");
  await insert(b, "two");
  expect(await byName(a.database.db).all({ name: "one" })).toEqual([{ name: "one" }]);
  expect(await byName(a.database.db).all({ name: "two" })).toEqual([]);
  expect(await byName(b.database.db).all({ name: "two" })).toEqual([{ name: "two" }]);
  expect(build.mock.calls.map(([db]) => db)).toEqual([a.database.db, b.database.db]);
});
