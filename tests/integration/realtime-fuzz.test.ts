/**
 * Fuzz: random frames, truncated and bit-flipped real messages, and raw
 * garbage below the WebSocket framing, thrown at the realtime server of a
 * real portal by a signed-in editor. Each bad frame may close its own
 * connection (with one of our close codes) and nothing else: two stock
 * clients on the same document keep converging, the portal keeps answering,
 * and nothing is logged to console.error (which fails the test).
 */
import { connect } from "node:net";
import { afterAll, beforeAll, expect, it } from "vitest";
import { WebSocket } from "ws";
import * as Y from "yjs";
import { encodeAwareness, encodeSyncStep1, encodeSyncStep2, encodeUpdate } from "../../realtime/protocol";
import { CloseCode } from "../../realtime/documents";
import { orgId } from "../helpers/database";
import { signIn, startPortal, type TestPortal } from "../helpers/portal";
import { connectClient, testKind, until } from "../helpers/realtime";

let p: TestPortal;
let cookie: string;
let name: string;

beforeAll(async () => {
  p = await startPortal({}, { kinds: [testKind], realtime: { maxMessageBytes: 64 * 1024 } });
  cookie = await signIn(p.url, "secretary");
  name = `test:${await orgId(p.portal.database, "西河沿社区居委会")}`;
});
afterAll(() => p?.close());

/** mulberry32: a small seeded generator, so a failure replays. */
function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Real messages a client sends, to truncate and corrupt. */
function realMessages(): Uint8Array[] {
  const doc = new Y.Doc();
  const before = Y.encodeStateVector(doc);
  doc.getText("t").insert(0, "一方案三清单");
  doc.getArray("rows").push([{ party: 1, task: "清运" }, 42, true, null]);
  doc.getMap("m").set("k", new Uint8Array([1, 2, 3]));
  doc.getText("t").delete(1, 2);
  const other = new Y.Doc();
  return [
    encodeSyncStep1(doc),
    encodeSyncStep2(doc, Y.encodeStateVector(other)),
    encodeUpdate(Y.encodeStateAsUpdate(doc, before)),
    encodeAwareness([{ clientId: 7, clock: 1, json: JSON.stringify({ user: { name: "张丽华", color: "#f00" } }) }]),
    new Uint8Array([3]),
  ];
}

function frames(seed: number, count: number): Uint8Array[] {
  const rnd = random(seed);
  const int = (n: number) => Math.floor(rnd() * n);
  const real = realMessages();
  const out: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const base = real[int(real.length)]!;
    switch (int(6)) {
      case 0: // random bytes
        out.push(Uint8Array.from({ length: int(200) }, () => int(256)));
        break;
      case 1: // truncated
        out.push(base.slice(0, int(base.length)));
        break;
      case 2: {
        // bit flips
        const copy = base.slice();
        for (let k = 0; k <= int(4); k++) {
          const at = int(copy.length);
          copy[at] = copy[at]! ^ (1 << int(8));
        }
        out.push(copy);
        break;
      }
      case 3: // a valid header with a random body
        out.push(Uint8Array.from([int(4), int(4), ...Array.from({ length: int(64) }, () => int(256))]));
        break;
      case 4: // over the size limit
        out.push(new Uint8Array(64 * 1024 + 1 + int(1000)).fill(int(256)));
        break;
      default: {
        // a real message with random bytes appended, or a huge declared length
        const tail = int(2) === 0 ? [int(256), int(256)] : [0xff, 0xff, 0xff, 0xff, 0x0f];
        out.push(Uint8Array.from([...base, ...tail]));
      }
    }
  }
  return out;
}

function openSocket() {
  const ws = new WebSocket(`ws://127.0.0.1:${p.port}/realtime/${name}`, { headers: { cookie } });
  ws.on("error", () => undefined);
  const closed = new Promise<number>((r) => ws.once("close", (code) => r(code)));
  const opened = new Promise<void>((r) => ws.once("open", () => r()));
  return { ws, closed, opened };
}

/** Sends `frame`, then a sync step 1: the answer to it proves the frame was handled and the connection lives. */
function throwFrame(socket: ReturnType<typeof openSocket>, frame: Uint8Array): Promise<number | "alive"> {
  return new Promise((resolveThrow) => {
    const probe = encodeSyncStep1(new Y.Doc());
    const onMessage = (data: Buffer) => {
      // Sync step 2 (0, 1): the answer to the probe.
      if (data[0] === 0 && data[1] === 1) {
        socket.ws.off("message", onMessage);
        resolveThrow("alive");
      }
    };
    socket.ws.on("message", onMessage);
    void socket.closed.then((code) => {
      socket.ws.off("message", onMessage);
      resolveThrow(code);
    });
    socket.ws.send(frame);
    socket.ws.send(probe);
  });
}

it("random and truncated frames close only their own connection", { timeout: 120_000 }, async () => {
  const a = connectClient(p.port, name, cookie);
  const b = connectClient(p.port, name, cookie);
  await Promise.all([a.synced(), b.synced()]);

  const outcomes = new Map<number | "alive", number>();
  let socket = openSocket();
  await socket.opened;
  for (const frame of frames(20261121, 1500)) {
    const outcome = await throwFrame(socket, frame);
    outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    if (outcome !== "alive") {
      socket = openSocket();
      await socket.opened;
    }
  }
  socket.ws.close();
  const codes = [...outcomes.keys()].filter((k) => k !== "alive");
  expect(codes.every((c) => c === CloseCode.malformed || c === CloseCode.tooBig)).toBe(true);
  expect(outcomes.get(CloseCode.malformed)).toBeGreaterThan(500);
  expect(outcomes.get(CloseCode.tooBig)).toBeGreaterThan(100);
  expect(outcomes.get("alive")).toBeGreaterThan(0);
  expect(p.portal.realtime.metrics()).toMatchObject({
    closedMalformed: outcomes.get(CloseCode.malformed),
    closedTooBig: outcomes.get(CloseCode.tooBig),
  });

  // The clients that were there all along still edit together.
  a.doc.getText("after").insert(0, "仍在同步");
  await until(b.doc, () => b.doc.getText("after").toString() === "仍在同步");
  expect(a.provider.wsconnected && b.provider.wsconnected).toBe(true);
  a.destroy();
  b.destroy();
});

it("garbage below the WebSocket framing closes that socket; the server carries on", { timeout: 60_000 }, async () => {
  const rnd = random(7);
  for (let i = 0; i < 50; i++) {
    const socket = connect(p.port, "127.0.0.1");
    socket.on("error", () => undefined);
    const upgraded = new Promise<void>((r) => socket.once("data", () => r()));
    const closed = new Promise<void>((r) => socket.once("close", () => r()));
    socket.write(
      [
        `GET /realtime/${name} HTTP/1.1`,
        `Host: 127.0.0.1:${p.port}`,
        "Upgrade: websocket",
        "Connection: Upgrade",
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
        "Sec-WebSocket-Version: 13",
        `Cookie: ${cookie}`,
        "",
        "",
      ].join("\r\n"),
    );
    await upgraded;
    // Unmasked, reserved-bit or truncated frames: ws refuses them (1002) or waits for the rest until we hang up.
    socket.end(Buffer.from(Array.from({ length: 1 + Math.floor(rnd() * 40) }, () => Math.floor(rnd() * 256))));
    await closed;
  }
  const res = await fetch(`${p.url}/healthz`);
  expect(res.status).toBe(200);
  const c = connectClient(p.port, name, cookie);
  await c.synced();
  expect(c.doc.getText("after").toString()).toBe("仍在同步");
  c.destroy();
});
