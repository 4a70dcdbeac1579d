/**
 * The Redis fan-out on a real redis-server (tests/helpers/redis.ts): what one
 * process publishes on a document's channel reaches the others subscribed to
 * it, not itself, and nothing after it unsubscribed; a Redis restart is
 * survived, reported (so documents catch up), and what was published while
 * it was down is counted as dropped rather than queued.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { eventually } from "../tests/helpers/realtime";
import { startRedis, type TestRedis } from "../tests/helpers/redis";
import { createRedisFanout, decodeFanoutMessage, encodeFanoutMessage, type Fanout, type FanoutMessage } from "./fanout";

let redis: TestRedis;
const opened: Fanout[] = [];
const lines: string[] = [];

async function fanout(): Promise<Fanout> {
  const f = await createRedisFanout(redis.url, (line) => lines.push(line));
  opened.push(f);
  return f;
}

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await Promise.all(opened.map((f) => f.close()));
  await redis?.close();
});

it("encodes each kind of message with its sender", () => {
  const messages: FanoutMessage[] = [
    { type: "update", id: 123_456_789, update: new Uint8Array([1, 2, 3, 0, 255]) },
    { type: "awareness", frame: new Uint8Array([1, 9, 8]) },
    { type: "resync" },
  ];
  for (const message of messages) {
    expect(decodeFanoutMessage(encodeFanoutMessage("p-1", message))).toEqual({ sender: "p-1", message });
  }
  expect(() => decodeFanoutMessage(new Uint8Array([7, 0]))).toThrow();
});

it("delivers to the other processes holding the document, not to the sender, until it unsubscribes", async () => {
  const [a, b, c] = await Promise.all([fanout(), fanout(), fanout()]);
  const got: Record<string, FanoutMessage[]> = { a: [], b: [], c: [] };
  await a.subscribe("plan:1", (m) => got.a!.push(m));
  await b.subscribe("plan:1", (m) => got.b!.push(m));
  await c.subscribe("plan:2", (m) => got.c!.push(m));

  a.publish("plan:1", { type: "update", id: 7, update: new Uint8Array([4, 5]) });
  await eventually(() => got.b!.length === 1);
  expect(got.b![0]).toEqual({ type: "update", id: 7, update: new Uint8Array([4, 5]) });

  await b.unsubscribe("plan:1");
  c.publish("plan:1", { type: "resync" });
  await eventually(() => got.a!.length === 1);
  expect(got.a).toEqual([{ type: "resync" }]);
  expect(got.b).toHaveLength(1);
  expect(got.c).toEqual([]);
});

it("survives a Redis restart: reconnects, says so, drops what could not be published", async () => {
  const [a, b] = await Promise.all([fanout(), fanout()]);
  let reconnects = 0;
  a.onReconnect(() => reconnects++);
  const got: FanoutMessage[] = [];
  await b.subscribe("plan:3", (m) => got.push(m));

  await redis.stop();
  await eventually(() => !a.connected());
  a.publish("plan:3", { type: "resync" });
  // Dropped at once when the publishing connection knows it is down, else when the send fails.
  await eventually(() => a.metrics().dropped === 1);

  await redis.start();
  await eventually(() => reconnects >= 1 && b.connected());
  // The subscription came back with the connection.
  await eventually(() => {
    a.publish("plan:3", { type: "resync" });
    return got.length > 0;
  }, 100);
  expect(lines.some((l) => /connection lost/.test(l))).toBe(true);
  expect(lines.some((l) => /connection back/.test(l))).toBe(true);
});
