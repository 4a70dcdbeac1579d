/**
 * Compaction and truncation while people type: with thresholds small enough
 * that documents are compacted many times mid-burst (by update count and by
 * how far behind the log's head they fall), and unloaded as soon as they are
 * idle, nothing anyone typed goes missing and the log keeps only what no
 * snapshot holds yet.
 */
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { realtimeUpdates } from "../../db/schema";
import { orgId } from "../helpers/database";
import { signIn, startPortal, type TestPortal } from "../helpers/portal";
import { connectClient, eventually, testKind, until } from "../helpers/realtime";

let p: TestPortal;
let cookie: string;
let base: string;

beforeAll(async () => {
  p = await startPortal(
    {},
    { kinds: [testKind], realtime: { compactAfterUpdates: 7, compactLagRows: 40, unloadAfterMs: 200 } },
  );
  cookie = await signIn(p.url, "secretary");
  base = `test:${await orgId(p.portal.database, "西河沿社区居委会")}`;
});
afterAll(() => p?.close());

it("documents compacted again and again mid-burst, then unloaded, come back whole", async () => {
  const names = ["c-1", "c-2", "c-3"].map((n) => `${base}:${n}`);
  const clients = names.flatMap((name) => [connectClient(p.port, name, cookie), connectClient(p.port, name, cookie)]);
  await Promise.all(clients.map((c) => c.synced()));
  for (let i = 0; i < 150; i++) {
    for (const [k, c] of clients.entries()) c.doc.getArray<string>("typed").push([`${k}-${i}`]);
    // Every fifth round (30 updates: past a document's threshold) waits for the next compaction, so they
    // happen mid-burst however fast the store commits (a libsql server takes longer than a file).
    if (i % 5 === 4) {
      const before = p.portal.realtime.metrics().compactions;
      await eventually(() => p.portal.realtime.metrics().compactions > before);
    }
  }
  for (const c of clients) await until(c.doc, () => c.doc.getArray("typed").length === 300);
  expect(p.portal.realtime.metrics().compactions).toBeGreaterThan(20);
  for (const c of clients) c.destroy();

  await eventually(() => p.portal.realtime.metrics().documentsInMemory === 0);
  await p.portal.realtime.settle();
  const logged = await p.portal.database.db.select({ rows: sql<number>`count(*)` }).from(realtimeUpdates);
  expect(logged[0]!.rows).toBe(0);

  for (const [d, name] of names.entries()) {
    const fresh = connectClient(p.port, name, cookie);
    await until(fresh.doc, () => fresh.doc.getArray("typed").length === 300);
    const typed = fresh.doc.getArray<string>("typed").toArray();
    for (const k of [2 * d, 2 * d + 1]) {
      expect(typed.filter((t) => t.startsWith(`${k}-`))).toEqual(Array.from({ length: 150 }, (_, i) => `${k}-${i}`));
    }
    fresh.destroy();
  }
});
