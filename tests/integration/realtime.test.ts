/**
 * The realtime server through its front door: the real portal on port 0 over
 * a temp SQLite file, stock y-websocket clients (WebsocketProvider over `ws`)
 * signed in as demo users. Documents are of the test kind, whose rights come
 * from the permission module (tests/helpers/realtime.ts).
 */
import { eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import * as Y from "yjs";
import { realtimeDocuments, realtimeUpdates } from "../../db/schema";
import { CloseCode } from "../../realtime/documents";
import { encodeAwareness, encodeUpdate } from "../../realtime/protocol";
import { orgId } from "../helpers/database";
import { signIn, startPortal, type TestPortal } from "../helpers/portal";
import { connectClient, eventually, testKind, tryUpgrade, until, type TestClient } from "../helpers/realtime";

let p: TestPortal;
let xiheyan: number;
let property: number;
const cookies: Record<string, string> = {};
const logLines: string[] = [];
let clients: TestClient[] = [];

function client(name: string, user: string): TestClient {
  const c = connectClient(p.port, name, cookies[user]!);
  clients.push(c);
  return c;
}

async function storedUpdates(name: string): Promise<Uint8Array[]> {
  const doc = await p.portal.database.db.query.realtimeDocuments.findFirst({
    where: eq(realtimeDocuments.name, name),
  });
  if (!doc) return [];
  const rows = await p.portal.database.db
    .select()
    .from(realtimeUpdates)
    .where(eq(realtimeUpdates.documentId, doc.id))
    .orderBy(realtimeUpdates.id);
  return rows.map((r) => new Uint8Array(r.update));
}

beforeAll(async () => {
  p = await startPortal({}, { kinds: [testKind], log: (line) => logLines.push(line) });
  xiheyan = await orgId(p.portal.database, "西河沿社区居委会");
  property = await orgId(p.portal.database, "北京宣房大德物业管理有限公司");
  for (const user of ["secretary", "worker", "resident", "property", "street"]) {
    cookies[user] = await signIn(p.url, user);
  }
});

afterEach(() => {
  for (const c of clients) c.destroy();
  clients = [];
});

afterAll(() => p?.close());

describe("clients converge", () => {
  it("two clients editing the same text at once end with the same text, stored", async () => {
    const name = `test:${xiheyan}`;
    const a = client(name, "secretary");
    const b = client(name, "secretary");
    await Promise.all([a.synced(), b.synced()]);
    a.doc.getText("t").insert(0, "甲方承诺");
    b.doc.getText("t").insert(0, "乙方承诺");
    a.doc.getMap("m").set("a", 1);
    b.doc.getMap("m").set("b", 2);
    const done = (d: Y.Doc) => d.getText("t").length === 8 && d.getMap("m").size === 2;
    await Promise.all([until(a.doc, () => done(a.doc)), until(b.doc, () => done(b.doc))]);
    expect(a.doc.getText("t").toString()).toBe(b.doc.getText("t").toString());
    expect(a.doc.getMap("m").toJSON()).toEqual({ a: 1, b: 2 });

    // What is stored rebuilds the same document.
    await eventually(async () => (await storedUpdates(name)).length >= 4);
    const rebuilt = new Y.Doc();
    for (const u of await storedUpdates(name)) Y.applyUpdate(rebuilt, u);
    expect(rebuilt.getText("t").toString()).toBe(a.doc.getText("t").toString());
  });

  it("three clients, each typing, converge; a late joiner gets everything", async () => {
    const name = `test:${xiheyan}:party:${xiheyan}`;
    const cs = [client(name, "secretary"), client(name, "secretary"), client(name, "secretary")];
    await Promise.all(cs.map((c) => c.synced()));
    for (let round = 0; round < 20; round++) {
      cs.forEach((c, i) => c.doc.getArray<string>("rows").push([`${i}-${round}`]));
    }
    await Promise.all(cs.map((c) => until(c.doc, () => c.doc.getArray("rows").length === 60)));
    const [first, ...rest] = cs.map((c) => c.doc.getArray("rows").toJSON());
    for (const r of rest) expect(r).toEqual(first);

    const late = client(name, "secretary");
    await late.synced();
    await until(late.doc, () => late.doc.getArray("rows").length === 60);
    expect(late.doc.getArray("rows").toJSON()).toEqual(first);
  });

  it("stores and sends on an edit that arrives before the one it builds on; once that one arrives all is whole", async () => {
    const name = `test:${xiheyan}:out-of-order`;
    const peer = client(name, "secretary");
    await peer.synced();
    // Two edits by one writer, sent the wrong way round: the second continues the first's text.
    const writer = new Y.Doc();
    const edits: Uint8Array[] = [];
    writer.on("update", (u: Uint8Array) => edits.push(u));
    writer.getText("t").insert(0, "一方案");
    writer.getText("t").insert(3, "三清单");
    const raw = new WebSocket(`ws://127.0.0.1:${p.port}/realtime/${name}`, { headers: { cookie: cookies.secretary! } });
    await new Promise((r) => raw.once("open", r));
    raw.send(encodeUpdate(edits[1]!));
    // Held pending by the server and the peer alike, and already stored: the edit that completes it
    // will not carry it again.
    await eventually(async () => (await storedUpdates(name)).length === 1);
    expect(peer.doc.getText("t").toString()).toBe("");
    raw.send(encodeUpdate(edits[0]!));
    await until(peer.doc, () => peer.doc.getText("t").toString() === "一方案三清单");
    raw.close();
    await eventually(async () => (await storedUpdates(name)).length === 2);
    const rebuilt = new Y.Doc();
    for (const u of await storedUpdates(name)) Y.applyUpdate(rebuilt, u);
    expect(rebuilt.getText("t").toString()).toBe("一方案三清单");
  });

  it("awareness flows between clients and is withdrawn when one leaves", async () => {
    const name = `test:${xiheyan}`;
    const a = client(name, "secretary");
    const b = client(name, "worker");
    await Promise.all([a.synced(), b.synced()]);
    a.provider.awareness.setLocalStateField("user", { name: "张丽华" });
    b.provider.awareness.setLocalStateField("user", { name: "赵明" });
    await eventually(
      () => (a.provider.awareness.getStates().get(b.doc.clientID) as { user?: unknown })?.user !== undefined,
    );
    await eventually(
      () => (b.provider.awareness.getStates().get(a.doc.clientID) as { user?: unknown })?.user !== undefined,
    );
    expect(a.provider.awareness.getStates().get(b.doc.clientID)).toEqual({ user: { name: "赵明" } });
    b.destroy();
    clients = clients.filter((c) => c !== b);
    await eventually(() => !a.provider.awareness.getStates().has(b.doc.clientID));
  });
});

describe("rights", () => {
  it("refuses an upgrade without a session (401), to a non-member (403), for an unclaimed name (404)", async () => {
    const base = `ws://127.0.0.1:${p.port}/realtime`;
    expect(await tryUpgrade(`${base}/test:${xiheyan}`)).toBe(401);
    // The resident and another street's officer may not read 西河沿's organisation.
    expect(await tryUpgrade(`${base}/test:${xiheyan}`, cookies.resident)).toBe(403);
    expect(await tryUpgrade(`${base}/test:${xiheyan}`, cookies.street)).toBe(403);
    expect(await tryUpgrade(`${base}/test:not-a-number`, cookies.secretary)).toBe(403);
    expect(await tryUpgrade(`${base}/nothing:${xiheyan}`, cookies.secretary)).toBe(404);
    expect(await tryUpgrade(`${base}/test:${xiheyan}`, cookies.worker)).toBe("open");
  });

  it("a read-only client's edits reach no one and nothing is stored; it is logged and counted; it still sees edits", async () => {
    const docName = `test:${xiheyan}`;
    const editor = client(docName, "secretary");
    const viewer = client(docName, "worker");
    await Promise.all([editor.synced(), viewer.synced()]);
    const before = p.portal.realtime.metrics().readOnlyUpdatesDropped;
    const storedBefore = (await storedUpdates(docName)).length;

    viewer.doc.getMap("ro").set("viewer", "篡改");
    await eventually(() => p.portal.realtime.metrics().readOnlyUpdatesDropped > before);
    // The editor's next edit reaches the viewer, so anything the viewer's edit would have
    // caused has had its chance to arrive first.
    editor.doc.getMap("ro").set("editor", "正常");
    await until(viewer.doc, () => viewer.doc.getMap("ro").get("editor") === "正常");
    await eventually(async () => (await storedUpdates(docName)).length === storedBefore + 1);
    expect(editor.doc.getMap("ro").get("viewer")).toBeUndefined();

    // A fresh client sees what the server holds: the editor's edit only.
    const fresh = client(docName, "secretary");
    await fresh.synced();
    await until(fresh.doc, () => fresh.doc.getMap("ro").get("editor") === "正常");
    expect(fresh.doc.getMap("ro").toJSON()).toEqual({ editor: "正常" });
    expect((await storedUpdates(docName)).length).toBe(storedBefore + 1);
    expect(logLines).toContain(`realtime: dropped a document update from worker, read-only on ${docName}`);
  });

  it("a tampered client cannot change another party's rows: its writes to that party's document are dropped", async () => {
    // 西河沿's secretary may read the property company's rows (same council document) but not edit them.
    const rows = `test:${xiheyan}:party:${property}`;
    const owner = client(rows, "property");
    const other = client(rows, "secretary");
    await Promise.all([owner.synced(), other.synced()]);
    owner.doc.getArray<string>("tasks").push(["清理楼道杂物"]);
    await until(other.doc, () => other.doc.getArray("tasks").length === 1);

    // The tampered client bypasses its editor and sends an update straight to the socket.
    const dropped = p.portal.realtime.metrics().readOnlyUpdatesDropped;
    const forged = new Y.Doc();
    Y.applyUpdate(forged, Y.encodeStateAsUpdate(other.doc));
    const sv = Y.encodeStateVector(forged);
    forged.getArray<string>("tasks").delete(0, 1);
    forged.getArray<string>("tasks").push(["物业不再负责"]);
    const raw = new WebSocket(`ws://127.0.0.1:${p.port}/realtime/${rows}`, { headers: { cookie: cookies.secretary! } });
    await new Promise((r) => raw.once("open", r));
    raw.send(encodeUpdate(Y.encodeStateAsUpdate(forged, sv)));
    await eventually(() => p.portal.realtime.metrics().readOnlyUpdatesDropped > dropped);
    raw.close();

    owner.doc.getArray<string>("tasks").push(["每周巡查"]);
    await until(other.doc, () => other.doc.getArray("tasks").length === 2);
    expect(owner.doc.getArray("tasks").toJSON()).toEqual(["清理楼道杂物", "每周巡查"]);
    expect(other.doc.getArray("tasks").toJSON()).toEqual(["清理楼道杂物", "每周巡查"]);
    const stored = new Y.Doc();
    for (const u of await storedUpdates(rows)) Y.applyUpdate(stored, u);
    expect(stored.getArray("tasks").toJSON()).toEqual(["清理楼道杂物", "每周巡查"]);

    // Her own party's document she edits.
    const mine = client(`test:${xiheyan}:party:${xiheyan}`, "secretary");
    await mine.synced();
    expect(
      await tryUpgrade(`ws://127.0.0.1:${p.port}/realtime/test:${xiheyan}:party:${property}`, cookies.street),
    ).toBe(403);
  });
});

describe("persistence", () => {
  it("compacts a document into a snapshot, unloads it when idle, and loads it back whole", async () => {
    const name = `test:${property}`;
    const a = client(name, "property");
    await a.synced();
    for (let i = 0; i < 50; i++) a.doc.getArray<number>("n").push([i]);
    await eventually(async () => (await storedUpdates(name)).length === 50);
    a.destroy();
    clients = [];
    await eventually(() => p.portal.realtime.metrics().connections === 0);

    await p.portal.realtime.settle();
    const doc = await p.portal.database.db.query.realtimeDocuments.findFirst({
      where: eq(realtimeDocuments.name, name),
    });
    // The snapshot holds the 50 updates; the log rows it holds are truncated.
    expect(doc?.snapshotThrough).toBeGreaterThanOrEqual(50);
    expect(doc?.snapshot).not.toBeNull();
    expect(await storedUpdates(name)).toEqual([]);
    const unloaded = p.portal.realtime.metrics().documentsUnloaded;
    expect(unloaded).toBeGreaterThan(0);

    const b = client(name, "property");
    await b.synced();
    await until(b.doc, () => b.doc.getArray("n").length === 50);
    expect(b.doc.getArray("n").toJSON()).toEqual([...Array(50).keys()]);
    b.doc.getArray<number>("n").push([50]);
    await eventually(async () => (await storedUpdates(name)).length === 1);
  });
});

describe("hostile input closes that connection only", () => {
  function open(name: string, user = "secretary") {
    const ws = new WebSocket(`ws://127.0.0.1:${p.port}/realtime/${name}`, { headers: { cookie: cookies[user]! } });
    const closed = new Promise<number>((r) => ws.once("close", (code) => r(code)));
    ws.on("error", () => undefined);
    return { ws, closed, opened: new Promise((r) => ws.once("open", r)) };
  }

  it("too big (1009), malformed (4400), text frames (4400), floods of messages or bytes (4429); others carry on", async () => {
    const name = `test:${xiheyan}`;
    const a = client(name, "secretary");
    const b = client(name, "secretary");
    await Promise.all([a.synced(), b.synced()]);
    const m = () => p.portal.realtime.metrics();
    const before = m();

    const big = open(name);
    await big.opened;
    big.ws.send(new Uint8Array(p.portal.realtime.options.maxMessageBytes + 1));
    expect(await big.closed).toBe(CloseCode.tooBig);

    const bad = open(name);
    await bad.opened;
    bad.ws.send(new Uint8Array([0, 2, 200, 1, 2, 3]));
    expect(await bad.closed).toBe(CloseCode.malformed);

    const text = open(name);
    await text.opened;
    text.ws.send("hello");
    expect(await text.closed).toBe(CloseCode.malformed);

    const flood = open(name);
    await flood.opened;
    const query = new Uint8Array([3]);
    // Twice the burst: far more than the sustained rate refills while they arrive.
    for (let i = 0; i < 2 * p.portal.realtime.options.messageBurst; i++) flood.ws.send(query);
    expect(await flood.closed).toBe(CloseCode.flood);

    // A flood of bytes in valid messages: awareness states of 1 MiB, past the byte burst.
    const heavy = open(name);
    await heavy.opened;
    const { bytesBurst } = p.portal.realtime.options;
    const state = encodeAwareness([{ clientId: 424242, clock: 1, json: JSON.stringify("满".repeat(350_000)) }]);
    // A few past the burst: the bucket refills (1 MiB/s) while they arrive.
    for (let i = 0; i < Math.ceil(bytesBurst / state.length) + 4; i++) heavy.ws.send(state);
    expect(await heavy.closed).toBe(CloseCode.flood);

    const after = m();
    expect(after.closedTooBig).toBe(before.closedTooBig + 1);
    expect(after.closedMalformed).toBe(before.closedMalformed + 2);
    expect(after.closedFlood).toBe(before.closedFlood + 2);

    a.doc.getText("after").insert(0, "仍然正常");
    await until(b.doc, () => b.doc.getText("after").toString() === "仍然正常");
    expect(a.provider.wsconnected && b.provider.wsconnected).toBe(true);
  });
});
