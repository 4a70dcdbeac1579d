/**
 * Realtime across processes (docs/decisions/0022): two real realtime
 * processes on one SQLite file and a real redis-server; stock y-websocket
 * clients on either. Edits and awareness cross over; a burst spread over
 * both is stored exactly once and survives both stopping; a process killed
 * mid-burst behind one address leaves its clients to reconnect to the other
 * and converge; Redis restarted mid-session loses nothing for long.
 */
import { rmSync } from "node:fs";
import { afterAll, beforeAll, expect, it } from "vitest";
import * as Y from "yjs";
import { openDatabase } from "../../db/client";
import { createDocumentStore } from "../../realtime/store";
import { startBalancer } from "../helpers/balancer";
import { openTestDatabase, orgId } from "../helpers/database";
import { ask, spawnPortal, type PortalProcess } from "../helpers/process";
import { connectClient, eventually, sessionCookieFor, until, type TestClient } from "../helpers/realtime";
import { startRedis, type TestRedis } from "../helpers/redis";

interface RealtimeProcess {
  proc: PortalProcess;
  port: number;
}

let redis: TestRedis;
let url: string;
let cookie: string;
let base: string;
const cleanup: (() => unknown)[] = [];
const clients: TestClient[] = [];

function client(port: number, name: string): TestClient {
  const c = connectClient(port, name, cookie);
  clients.push(c);
  return c;
}

async function startRealtime(options: object = {}): Promise<RealtimeProcess> {
  const proc = spawnPortal(
    { DATABASE_URL: url, PORT: "0", REDIS_URL: redis.url, REALTIME_OPTIONS: JSON.stringify(options) },
    { entry: "tests/helpers/realtime-server.ts", ipc: true },
  );
  cleanup.push(() => proc.kill());
  await proc.waitForOutput(/realtime listening on \d+/);
  return { proc, port: Number(/realtime listening on (\d+)/.exec(proc.stdout())![1]) };
}

/** The process's document-server counters (over IPC, see realtime-server.ts). */
async function metricsOf(p: RealtimeProcess): Promise<Record<string, number>> {
  return (await ask<{ metrics: Record<string, number> }>(p.proc, { type: "stats" }, "stats")).metrics;
}

async function stop(p: RealtimeProcess) {
  p.proc.child.kill("SIGTERM");
  expect(await p.proc.exited).toEqual({ code: 0, signal: null });
}

/** The document as the database holds it, and how many log rows it has. */
async function stored(name: string): Promise<{ doc: Y.Doc; rows: number }> {
  const database = await openDatabase(url);
  try {
    const found = await createDocumentStore(database).load(name);
    const doc = new Y.Doc();
    if (found.snapshot) Y.applyUpdate(doc, found.snapshot);
    for (const row of found.updates) Y.applyUpdate(doc, row.update);
    return { doc, rows: found.updates.length };
  } finally {
    database.close();
  }
}

/** No process said it failed to store updates (SQLITE_BUSY under contention would). */
function expectNoStorageFailures(...processes: RealtimeProcess[]) {
  for (const p of processes) {
    expect(p.proc.stdout()).not.toMatch(/failed/);
    expect(p.proc.stderr()).toBe("");
  }
}

const expected = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => `${prefix}${i}`);

beforeAll(async () => {
  redis = await startRedis();
  const prepared = await openTestDatabase({ demo: true });
  url = prepared.url;
  base = `test:${await orgId(prepared.database, "西河沿社区居委会")}`;
  cookie = await sessionCookieFor(prepared.database, "secretary");
  prepared.database.close();
  cleanup.push(() => rmSync(prepared.dir, { recursive: true, force: true }));
});

afterAll(async () => {
  for (const c of clients) c.destroy();
  for (const fn of cleanup.reverse()) await fn();
  await redis?.close();
});

it(
  "an edit on process A reaches a client on process B, and awareness from B reaches A",
  { timeout: 60_000 },
  async () => {
    const [a, b] = await Promise.all([startRealtime(), startRealtime()]);
    const name = `${base}:cross`;
    const onA = client(a.port, name);
    const onB = client(b.port, name);
    await Promise.all([onA.synced(), onB.synced()]);

    onA.doc.getText("t").insert(0, "甲方");
    await until(onB.doc, () => onB.doc.getText("t").toString() === "甲方");
    onB.doc.getText("t").insert(2, "乙方");
    await until(onA.doc, () => onA.doc.getText("t").toString() === "甲方乙方");

    onB.provider.awareness.setLocalStateField("user", { name: "乙" });
    await eventually(
      () =>
        (onA.provider.awareness.getStates().get(onB.doc.clientID) as { user?: { name: string } })?.user?.name === "乙",
    );
    // A newcomer on A learns B's client from A, which keeps it for newcomers.
    const late = client(a.port, name);
    await eventually(() => late.provider.awareness.getStates().has(onB.doc.clientID));
    // B's client leaves: A's clients are told it is gone.
    onB.destroy();
    await eventually(() => !onA.provider.awareness.getStates().has(onB.doc.clientID));

    await Promise.all([stop(a), stop(b)]);
    expectNoStorageFailures(a, b);
  },
);

it(
  "a burst of edits over both processes is stored exactly once and survives both stopping",
  { timeout: 120_000 },
  async () => {
    const [a, b] = await Promise.all([startRealtime(), startRealtime()]);
    const name = `${base}:burst`;
    const writers = [client(a.port, name), client(b.port, name), client(a.port, name), client(b.port, name)];
    await Promise.all(writers.map((w) => w.synced()));
    const perWriter = 200;
    for (let i = 0; i < perWriter; i++) {
      for (const [k, w] of writers.entries()) w.doc.getArray<string>(`w${k}`).push([`w${k}-${i}`]);
      if (i % 20 === 0) await new Promise((r) => setTimeout(r, 1));
    }
    // Everyone sees everyone's edits, whichever process they are on.
    for (const w of writers) {
      await until(w.doc, () => writers.every((_, k) => w.doc.getArray(`w${k}`).length === perWriter));
    }
    await Promise.all([stop(a), stop(b)]);
    expectNoStorageFailures(a, b);

    const { doc, rows } = await stored(name);
    for (const k of writers.keys()) expect(doc.getArray(`w${k}`).toArray()).toEqual(expected(`w${k}-`, perWriter));
    // One row per edit: the process that accepted an edit stored it, the other only applied it.
    expect(rows).toBe(writers.length * perWriter);

    // One process again: a newcomer gets every edit.
    const c = await startRealtime();
    const fresh = client(c.port, name);
    await until(fresh.doc, () => writers.every((_, k) => fresh.doc.getArray(`w${k}`).length === perWriter));
    await stop(c);
  },
);

it(
  "both processes compact the document again and again mid-burst; no update either stored is lost, even if both die",
  { timeout: 120_000 },
  async () => {
    // Thresholds so small that each process compacts many times while the other appends.
    const options = { compactAfterUpdates: 5, compactLagRows: 30, unloadAfterMs: 300 };
    const [a, b] = await Promise.all([startRealtime(options), startRealtime(options)]);
    const name = `${base}:compacted`;
    const writers = [client(a.port, name), client(b.port, name)];
    await Promise.all(writers.map((w) => w.synced()));
    // Write in rounds until each process has compacted at least twice mid-burst. How many rounds
    // that takes depends on how fast compaction is (slower over a libsql server), so the test
    // drives the burst by what happened, not by a count that assumes a speed.
    const perRound = 25;
    let perWriter = 0;
    const compactedTwice = async () =>
      (await Promise.all([a, b].map(metricsOf))).every((m) => (m.compactions ?? 0) >= 2);
    do {
      for (let i = 0; i < perRound; i++, perWriter++) {
        for (const [k, w] of writers.entries()) w.doc.getArray<string>(`w${k}`).push([`w${k}-${perWriter}`]);
        if (i % 5 === 0) await new Promise((r) => setTimeout(r, 2));
      }
    } while (perWriter < 150 || (perWriter < 2_000 && !(await compactedTwice())));
    for (const w of writers) {
      await until(w.doc, () => writers.every((_, k) => w.doc.getArray(`w${k}`).length === perWriter));
    }
    // Each process compacted mid-burst, again and again, and applied the other's updates.
    for (const p of [a, b]) {
      const m = await metricsOf(p);
      expect(m.compactions).toBeGreaterThan(1);
      expect(m.remoteUpdatesApplied).toBe(perWriter);
    }
    // Killed, so no last compaction can mend what an earlier one dropped: the database must
    // already hold every update either process stored (and both told their clients about).
    for (const p of [a, b]) p.proc.child.kill("SIGKILL");
    await Promise.all([a.proc.exited, b.proc.exited]);
    for (const w of writers) w.destroy();
    expectNoStorageFailures(a, b);
    const { doc } = await stored(name);
    for (const k of writers.keys()) expect(doc.getArray(`w${k}`).toArray()).toEqual(expected(`w${k}-`, perWriter));
  },
);

it(
  "a process killed mid-burst: its clients reconnect through the same address to the other and converge",
  { timeout: 120_000 },
  async () => {
    const a = await startRealtime();
    const b = await startRealtime();
    let alive = [a.port, b.port];
    const front = await startBalancer(() => alive);
    cleanup.push(() => front.close());
    const name = `${base}:killed`;
    // Connections alternate between the processes: x lands on A, y on B.
    const x = client(front.port, name);
    await x.synced();
    const y = client(front.port, name);
    await y.synced();

    let made = 0;
    const burst = setInterval(() => {
      for (let k = 0; k < 5; k++) {
        x.doc.getArray<string>("x").push([`x${made}`]);
        y.doc.getArray<string>("y").push([`y${made}`]);
        made++;
      }
    }, 2);
    await until(y.doc, () => y.doc.getArray("x").length >= 200);
    a.proc.child.kill("SIGKILL");
    alive = [b.port];
    expect(await a.proc.exited).toEqual({ code: null, signal: "SIGKILL" });
    await new Promise((r) => setTimeout(r, 50));
    clearInterval(burst);

    await Promise.all([
      until(x.doc, () => x.doc.getArray("y").length === made && x.doc.getArray("x").length === made),
      until(y.doc, () => y.doc.getArray("x").length === made && y.doc.getArray("y").length === made),
    ]);
    expect(x.doc.getArray("y").toArray()).toEqual(expected("y", made));
    expect(y.doc.getArray("x").toArray()).toEqual(expected("x", made));
    await stop(b);
    const { doc } = await stored(name);
    expect(doc.getArray("x").toArray()).toEqual(expected("x", made));
    expect(doc.getArray("y").toArray()).toEqual(expected("y", made));
  },
);

it(
  "Redis restarted mid-session: both processes reconnect and their clients converge",
  { timeout: 120_000 },
  async () => {
    const [a, b] = await Promise.all([startRealtime(), startRealtime()]);
    const name = `${base}:outage`;
    const onA = client(a.port, name);
    const onB = client(b.port, name);
    await Promise.all([onA.synced(), onB.synced()]);
    onA.doc.getText("t").insert(0, "before ");
    await until(onB.doc, () => onB.doc.getText("t").toString() === "before ");

    await redis.stop();
    // Edits while Redis is away are stored by the process that took them, but cannot cross.
    onA.doc.getText("t").insert(7, "a-during ");
    onB.doc.getArray<string>("b").push(["b-during"]);
    await eventually(async () => (await stored(name)).doc.getArray("b").length === 1);
    await eventually(async () => (await stored(name)).doc.getText("t").toString().includes("a-during"));
    await redis.start();

    await until(onB.doc, () => onB.doc.getText("t").toString() === "before a-during ");
    await until(onA.doc, () => onA.doc.getArray("b").length === 1);
    // And live again afterwards.
    onB.doc.getText("t").insert(0, "after ");
    await until(onA.doc, () => onA.doc.getText("t").toString().startsWith("after "));
    await Promise.all([stop(a), stop(b)]);
    for (const p of [a, b]) expect(p.proc.stdout()).toMatch(/Redis (publisher|subscriber) connection back/);
  },
);
