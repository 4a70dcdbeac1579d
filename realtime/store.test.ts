/**
 * The update log on a real SQLite file: group commit (callbacks only after
 * the commit, many updates per transaction), retry after a real failure,
 * loading from snapshot + later log rows, truncation, and log ids that never
 * go back.
 */
import { eq, sql } from "drizzle-orm";
import { afterEach, beforeEach, expect, it } from "vitest";
import * as Y from "yjs";
import { realtimeUpdates } from "../db/schema";
import { openTestDatabase, type TestDatabase } from "../tests/helpers/database";
import { createDocumentStore, createJournal, type DocumentStore } from "./store";

let t: TestDatabase;
let store: DocumentStore;
beforeEach(async () => {
  t = await openTestDatabase();
  store = createDocumentStore(t.database);
});
afterEach(() => t.close());

/** `count` updates typed into a text, one character each. */
function typing(count: number): Uint8Array[] {
  const doc = new Y.Doc();
  const updates: Uint8Array[] = [];
  doc.on("update", (u: Uint8Array) => updates.push(u));
  for (let i = 0; i < count; i++) doc.getText("t").insert(i, String(i % 10));
  return updates;
}

function rebuild(stored: Awaited<ReturnType<DocumentStore["load"]>>): string {
  const doc = new Y.Doc();
  if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot);
  for (const row of stored.updates) Y.applyUpdate(doc, row.update);
  return doc.getText("t").toString();
}

async function logCount(): Promise<number> {
  const rows = await t.database.db.select({ n: sql<number>`count(*)` }).from(realtimeUpdates);
  return rows[0]!.n;
}

it("group commit: a burst goes into few transactions, and each callback runs after its row is stored", async () => {
  const doc = await store.load("a");
  const journal = createJournal(store, await store.head(), () => undefined);
  const updates = typing(500);
  const seen: number[] = [];
  const storedWhenCalled: boolean[] = [];
  const checks: Promise<void>[] = [];
  for (const update of updates) {
    journal.append(doc.id, update, (id) => {
      seen.push(id);
      checks.push(
        t.database.db.query.realtimeUpdates
          .findFirst({ where: eq(realtimeUpdates.id, id) })
          .then((row) => void storedWhenCalled.push(row !== undefined)),
      );
    });
  }
  await journal.drain();
  await Promise.all(checks);
  expect(seen).toEqual(Array.from({ length: 500 }, (_, i) => i + 1));
  expect(storedWhenCalled.every(Boolean)).toBe(true);
  expect(journal.stats().transactions).toBeLessThanOrEqual(3);
  expect(journal.durableId()).toBe(500);
  expect(rebuild(await store.load("a"))).toBe(rebuildText(500));
  const types = await t.database.client.execute('SELECT DISTINCT typeof("update") AS type FROM realtime_updates');
  expect(types.rows.map((r) => r.type)).toEqual(["blob"]);
});

function rebuildText(count: number): string {
  return Array.from({ length: count }, (_, i) => String(i % 10)).join("");
}

it("afterDurable waits for what was appended before it, and runs at once when nothing is pending", async () => {
  const doc = await store.load("a");
  const journal = createJournal(store, await store.head(), () => undefined);
  let immediate = false;
  journal.afterDurable(() => (immediate = true));
  expect(immediate).toBe(true);
  const order: string[] = [];
  journal.append(doc.id, typing(1)[0]!, () => order.push("stored"));
  journal.afterDurable(() => order.push("after"));
  expect(order).toEqual([]);
  await journal.drain();
  expect(order).toEqual(["stored", "after"]);
});

it("a failed transaction is retried; nothing is announced before it is stored and nothing is lost", async () => {
  const doc = await store.load("a");
  const lines: string[] = [];
  const journal = createJournal(store, await store.head(), (line) => lines.push(line));
  // A real failure: the table is gone for a moment.
  await t.database.client.execute("ALTER TABLE realtime_updates RENAME TO realtime_updates_away");
  const announced: number[] = [];
  for (const update of typing(20)) journal.append(doc.id, update, (id) => announced.push(id));
  while (journal.stats().failures === 0) await new Promise((r) => setTimeout(r, 5));
  expect(announced).toEqual([]);
  await t.database.client.execute("ALTER TABLE realtime_updates_away RENAME TO realtime_updates");
  await journal.drain();
  expect(announced).toHaveLength(20);
  expect(lines[0]).toMatch(/^realtime: storing 20 updates failed, retrying in 100 ms/);
  expect(rebuild(await store.load("a"))).toBe(rebuildText(20));
});

it("loads from the snapshot plus later rows; truncation keeps those rows; log ids never go back", async () => {
  const a = await store.load("a");
  const b = await store.load("b");
  const journal = createJournal(store, await store.head(), () => undefined);
  const updates = typing(30);
  const source = new Y.Doc();
  updates.forEach((u, i) => {
    journal.append(i % 2 === 0 ? a.id : b.id, u, () => undefined);
  });
  await journal.drain();
  // a has the odd ids; its ten up to id 20 become its snapshot, through log id 20.
  for (const [i, u] of updates.entries()) if (i % 2 === 0 && i < 20) Y.applyUpdate(source, u);
  await store.compact(a.id, Y.encodeStateAsUpdate(source), 20);
  expect(await store.truncate()).toBe(10);
  expect(await logCount()).toBe(20);

  const loaded = await store.load("a");
  expect(loaded.snapshotThrough).toBe(20);
  expect(loaded.updates.map((r) => r.id)).toEqual([21, 23, 25, 27, 29]);
  // Document b was never compacted: all 15 of its rows are still there.
  expect((await store.load("b")).updates).toHaveLength(15);

  // Snapshot everything, truncate everything: the next id still comes after all that was ever used.
  await store.compact(b.id, new Uint8Array([0, 0]), 30);
  await store.compact(a.id, new Uint8Array([0, 0]), 30);
  await store.truncate();
  expect(await logCount()).toBe(0);
  expect(await store.head()).toBe(30);

  // A document opened now starts at the head: its first load has no earlier row to scan.
  const c = await store.load("c");
  expect(c.snapshotThrough).toBe(30);
  expect(c.snapshot).toBeNull();
});
