/**
 * `writeStatements`, the journal's write path on the embedded file: one transaction per call on a
 * native connection of its own, rolled back when `fn` throws, and serialised with `write`.
 */
import { asc } from "drizzle-orm";
import { afterEach, beforeEach, expect, it } from "vitest";
import { openTestDatabase, type TestDatabase } from "../tests/helpers/database";
import { testDatabaseKind } from "../tests/helpers/sqld";
import { openDatabase } from "./client";
import { realtimeDocuments } from "./schema";

const INSERT = "INSERT INTO realtime_documents (name, created_at) VALUES (?, 0)";

let t: TestDatabase;
beforeEach(async () => {
  t = await openTestDatabase();
});
afterEach(() => t.close());

const names = async () =>
  (await t.database.db.select().from(realtimeDocuments).orderBy(asc(realtimeDocuments.id))).map((d) => d.name);

it.skipIf(testDatabaseKind === "sqld")("commits what fn wrote, and nothing of a call that threw", async () => {
  const writeStatements = t.database.writeStatements!;
  expect(writeStatements).toBeTypeOf("function");
  await writeStatements((statement) => {
    statement(INSERT).run("a");
    statement(INSERT).run("b");
  });
  await expect(
    writeStatements((statement) => {
      statement(INSERT).run("c");
      throw new Error("half way");
    }),
  ).rejects.toThrow("half way");
  // The same text is the same prepared statement.
  await writeStatements((statement) => expect(statement(INSERT)).toBe(statement(INSERT)));
  expect(await names()).toEqual(["a", "b"]);
});

it.skipIf(testDatabaseKind === "sqld")("waits for a write under way, and the next write waits for it", async () => {
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  const first = t.database.write(async (tx) => {
    await tx.insert(realtimeDocuments).values({ name: "first" });
    await held;
  });
  const second = t.database.writeStatements!((statement) => statement(INSERT).run("second"));
  const third = t.database.write((tx) => tx.insert(realtimeDocuments).values({ name: "third" }));
  release();
  await Promise.all([first, second, third]);
  expect(await names()).toEqual(["first", "second", "third"]);
});

it("is not offered without a file of our own: in memory, or on a libsql server", async () => {
  const memory = await openDatabase(":memory:");
  expect(memory.writeStatements).toBeNull();
  memory.close();
  if (testDatabaseKind === "sqld") expect(t.database.writeStatements).toBeNull();
});
