/**
 * Persist before you promise, proven the hard way: the realtime server runs
 * in its own process, two stock y-websocket clients edit in a burst, the
 * server is killed with SIGKILL mid-burst and started again on the same port.
 * Every update a client had received from the server (so: broadcast) must be
 * in the database before anyone could resend it, and the clients must
 * reconnect and resync by themselves, edits made while it was down included.
 */
import { rmSync } from "node:fs";
import { afterAll, expect, it } from "vitest";
import * as Y from "yjs";
import { openDatabase } from "../../db/client";
import { createDocumentStore } from "../../realtime/store";
import { openTestDatabase, orgId } from "../helpers/database";
import { freePort, spawnPortal, type PortalProcess } from "../helpers/process";
import { connectClient, eventually, sessionCookieFor, until, type TestClient } from "../helpers/realtime";

const cleanup: (() => void)[] = [];
afterAll(() => {
  for (const fn of cleanup.reverse()) fn();
});

async function storedDocument(url: string, name: string): Promise<Y.Doc> {
  const database = await openDatabase(url);
  try {
    const stored = await createDocumentStore(database).load(name);
    const doc = new Y.Doc();
    if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot);
    for (const row of stored.updates) Y.applyUpdate(doc, row.update);
    return doc;
  } finally {
    database.close();
  }
}

it(
  "SIGKILL during a burst of edits loses no broadcast update; clients resync by themselves",
  { timeout: 120_000 },
  async () => {
    const prepared = await openTestDatabase({ demo: true });
    const { url, dir } = prepared;
    const xiheyan = await orgId(prepared.database, "西河沿社区居委会");
    const cookie = await sessionCookieFor(prepared.database, "secretary");
    prepared.database.close();
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));

    const port = await freePort();
    const start = async () => {
      const proc = spawnPortal(
        { DATABASE_URL: url, PORT: String(port), REALTIME_QUIET: "1" },
        { entry: "tests/helpers/realtime-server.ts" },
      );
      cleanup.push(() => proc.kill());
      await proc.waitForOutput(/realtime listening on \d+/);
      return proc;
    };
    let server: PortalProcess = await start();

    const name = `test:${xiheyan}`;
    const a: TestClient = connectClient(port, name, cookie);
    const b: TestClient = connectClient(port, name, cookie);
    cleanup.push(
      () => a.destroy(),
      () => b.destroy(),
    );
    await Promise.all([a.synced(), b.synced()]);

    // Both type as fast as they can, one update per item, each into its own list.
    let made = 0;
    const burst = setInterval(() => {
      for (let k = 0; k < 10; k++) {
        a.doc.getArray<string>("a").push([`a${made}`]);
        b.doc.getArray<string>("b").push([`b${made}`]);
        made++;
      }
    }, 1);
    await until(b.doc, () => b.doc.getArray("a").length >= 300);
    server.child.kill("SIGKILL");
    expect(await server.exited).toEqual({ code: null, signal: "SIGKILL" });
    await eventually(() => !a.provider.wsconnected && !b.provider.wsconnected);
    // Some more edits while the server is down.
    await new Promise((r) => setTimeout(r, 30));
    clearInterval(burst);

    // What each client received from the server was broadcast, so it must be stored.
    const broadcastToB = b.doc.getArray<string>("a").toArray();
    const broadcastToA = a.doc.getArray<string>("b").toArray();
    expect(broadcastToB.length).toBeGreaterThanOrEqual(300);
    expect(broadcastToB.length).toBeLessThan(made);
    const stored = await storedDocument(url, name);
    expect(stored.getArray<string>("a").toArray().slice(0, broadcastToB.length)).toEqual(broadcastToB);
    expect(stored.getArray<string>("b").toArray().slice(0, broadcastToA.length)).toEqual(broadcastToA);

    // Back up on the same port: the providers reconnect on their own and everything converges.
    server = await start();
    const expected = (prefix: string) => Array.from({ length: made }, (_, i) => `${prefix}${i}`);
    await Promise.all([
      until(a.doc, () => a.doc.getArray("b").length === made),
      until(b.doc, () => b.doc.getArray("a").length === made),
    ]);
    expect(a.doc.getArray("b").toArray()).toEqual(expected("b"));
    expect(b.doc.getArray("a").toArray()).toEqual(expected("a"));

    // A newcomer gets all of it from the server, which stored it.
    const c = connectClient(port, name, cookie);
    cleanup.push(() => c.destroy());
    await until(c.doc, () => c.doc.getArray("a").length === made && c.doc.getArray("b").length === made);
    expect(c.doc.getArray("a").toArray()).toEqual(expected("a"));
    expect(c.doc.getArray("b").toArray()).toEqual(expected("b"));
    server.child.kill("SIGTERM");
    expect(await server.exited).toEqual({ code: 0, signal: null });
    const final = await storedDocument(url, name);
    expect(final.getArray("a").length).toBe(made);
    expect(final.getArray("b").length).toBe(made);
  },
);
