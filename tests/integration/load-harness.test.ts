/**
 * The load benches' harness works, at a tiny scale (tests/bench/load.bench.ts,
 * realtime-load.bench.ts): autocannon's runs count what was answered, report
 * what failed and stay on loopback; the realtime clients deliver every edit
 * to every peer through our realtime server. No timing is asserted: the
 * numbers are the benches' business.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hit } from "../bench/load-client";
import { startLoadClient } from "../bench/load.bench";
import { runClients, startServer, stop } from "../bench/realtime-load.bench";
import { orgId, openTestDatabase, type TestDatabase } from "../helpers/database";
import { sessionCookieFor } from "../helpers/realtime";

let db: TestDatabase;
let server: Server;
let base: string;
let served = 0;
/** When the server took its first `/slow` request and finished its last answer (performance.now(), ms). */
let slow = { first: 0, last: 0 };

beforeAll(async () => {
  db = await openTestDatabase({ demo: true });
  server = createServer((req, res) => {
    served++;
    if (req.url === "/ok") res.writeHead(200).end("ok");
    else if (req.url === "/slow") {
      slow.first ||= performance.now();
      res.on("finish", () => (slow.last = performance.now()));
      setTimeout(() => res.writeHead(200).end("slow"), 50);
    } else res.writeHead(302, { location: "/login" }).end();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((r) => server.close(r));
  db.close();
});

describe("load harness", () => {
  it("makes the requests it is asked for and times each answered one", async () => {
    served = 0;
    const r = await hit(`${base}/ok`, { amount: 40, maxSeconds: 60, connections: 2 });
    expect(r.requests).toBe(40);
    expect(served).toBe(40);
    expect(r.failures).toBe(0);
    expect(r.p50).toBeGreaterThan(0);
    expect(r.p99).toBeGreaterThanOrEqual(r.p50);
  });

  it("times a run from its start to its last answer, not to autocannon's next whole-second sample", async () => {
    slow = { first: 0, last: 0 };
    // 22 answers of 50 ms each, one at a time: ~1.1 s, which autocannon itself reports as 2 s.
    const r = await hit(`${base}/slow`, { amount: 22, maxSeconds: 60, connections: 1 });
    const span = (slow.last - slow.first) / 1000;
    expect(r.requests).toBe(22);
    expect(r.seconds).toBeGreaterThanOrEqual(span);
    // What the client adds around the server's span is a connection and two loopback hops, not most of a second.
    expect(r.seconds - span).toBeLessThan(0.5);
    expect(r.perSecond).toBeCloseTo(22 / r.seconds);
  });

  it("counts answers other than 2xx as failures, not as throughput", async () => {
    const r = await hit(`${base}/elsewhere`, { amount: 10, maxSeconds: 60, connections: 1 });
    expect(r.requests).toBe(0);
    expect(r.failures).toBe(10);
  });

  it("refuses to load anything but loopback", () => {
    expect(() => hit("http://example.org/", { amount: 1, maxSeconds: 1 })).toThrow(/loopback/);
  });

  it("runs the same from the client's own process, one run after another, and passes its refusals on", async () => {
    const client = await startLoadClient();
    try {
      served = 0;
      const first = await client.hit(`${base}/ok`, { amount: 30, maxSeconds: 60, connections: 3 });
      const second = await client.hit(`${base}/elsewhere`, { amount: 5, maxSeconds: 60 });
      expect([first.requests, first.failures, first.latencies.length]).toEqual([30, 0, 30]);
      expect([second.requests, second.failures]).toEqual([0, 5]);
      expect(served).toBe(35);
      expect(client.proc.child.pid).not.toBe(process.pid);
      await expect(client.hit("http://example.org/", { amount: 1, maxSeconds: 1 })).rejects.toThrow(
        /load client: .*loopback/,
      );
    } finally {
      client.proc.kill();
    }
  });

  it("delivers every edit of the realtime clients to every peer through our server", async () => {
    const ours = await startServer("tests/helpers/realtime-server.ts", {
      DATABASE_URL: db.url,
      PORT: "0",
      REALTIME_QUIET: "1",
    });
    try {
      const org = await orgId(db.database, "西河沿社区居委会");
      const r = await runClients({
        urls: [0, 1].map((d) => `ws://127.0.0.1:${ours.port}/realtime/test:${org}:harness-${d}`),
        cookie: await sessionCookieFor(db.database, "secretary"),
        clientsPerDocument: 3,
        rate: 5,
        seconds: 1,
        warmupSeconds: 0,
      });
      expect(r.clients).toBe(6);
      expect(r.sent).toBeGreaterThan(0);
      expect(r.expected).toBe(r.sent * 2);
      expect(r.delivered).toBe(r.expected);
    } finally {
      await stop(ours.proc);
    }
  }, 120_000);
});
