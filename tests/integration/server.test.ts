/**
 * The server as a whole: health, static files, the 404 page, the realtime
 * door, and the process's boot and graceful shutdown.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { request } from "node:http";
import { connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { WebSocket } from "ws";
import { t } from "~/i18n";
import { sessions, tickets, ticketSearchState } from "../../db/schema";
import { seedDemoTickets } from "../../db/seed/demo-tickets";
import { SEARCH_TOKENS_VERSION } from "../../server/tickets/search";
import { openTestDatabase, userId, type TestDatabase } from "../helpers/database";
import { get } from "../helpers/http";
import { BUILD_DIR, signIn, startPortal, type TestPortal } from "../helpers/portal";
import { freePort, spawnPortal, START_NODE_FLAGS, type PortalProcess } from "../helpers/process";

describe("HTTP", () => {
  let p: TestPortal;
  beforeAll(async () => {
    p = await startPortal();
  });
  afterAll(() => p?.close());

  it("answers /healthz with 200 {ok:true} while the database answers", async () => {
    const res = await get(`${p.url}/healthz`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({ ok: true, database: "up" });
  });

  it("renders the Chinese 404 page for a path no route claims", async () => {
    const res = await get(`${p.url}/no/such/page`);
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toContain('<html lang="zh-CN"');
    expect(html).toContain(t.errors.notFoundTitle);
    expect(html).toContain(t.errors.notFound);
  });

  it("serves the favicon from public/", async () => {
    const res = await get(`${p.url}/favicon.svg`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^image\/svg\+xml/);
    expect(await res.text()).toBe(readFileSync("public/favicon.svg", "utf8"));
  });

  it("sends a browser's /favicon.ico to the SVG icon", async () => {
    const res = await get(`${p.url}/favicon.ico`);
    expect(res.status).toBe(301);
    expect(res.headers.get("location")).toBe("/favicon.svg");
  });

  it("serves the build's scripts as the brotli copies the build made, not compressed per request", async () => {
    const html = await (await get(`${p.url}/login`)).text();
    const script = /(\/assets\/[\w-]+\.js)/.exec(html)![1]!;
    const res = await get(`${p.url}${script}`, { "accept-encoding": "gzip, deflate, br" });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-encoding")).toBe("br");
    expect(res.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    // What fetch decoded is the file itself, and the copy is what the build wrote.
    expect(await res.text()).toBe(readFileSync(join(BUILD_DIR, "client", script), "utf8"));
    expect(Number(res.headers.get("content-length"))).toBe(statSync(join(BUILD_DIR, "client", `${script}.br`)).size);
  });

  it("answers the ticket filters' choices to a signed-in user only, cacheable by that browser", async () => {
    const signedOut = await get(`${p.url}/tickets/filter-choices`);
    expect(signedOut.status).toBe(302);
    expect(signedOut.headers.get("location")).toMatch(/^\/login/);
    const res = await get(`${p.url}/tickets/filter-choices`, { cookie: await signIn(p.url, "operator") });
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("private, max-age=300");
    const body = (await res.json()) as { categories: unknown[]; regions: unknown[] };
    expect(body.categories.length).toBeGreaterThan(100);
    expect(body.regions.length).toBeGreaterThan(10);
  });

  it("answers a ticket's unit choices to whoever may pick a unit for it, and leaves them out of the page", async () => {
    const ticket = await p.portal.database.db.query.tickets.findFirst({ where: eq(tickets.status, "received") });
    const url = `${p.url}/tickets/${ticket!.id}/unit-choices`;
    const signedOut = await get(url);
    expect(signedOut.status).toBe(302);
    expect(signedOut.headers.get("location")).toMatch(/^\/login/);
    const operator = await signIn(p.url, "operator");
    const res = await get(url, { cookie: operator });
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("private, max-age=300");
    const body = (await res.json()) as Record<
      "dispatch" | "redispatch",
      { suggested: unknown[]; others: { name: string }[] }
    >;
    expect(body.dispatch.suggested.length + body.dispatch.others.length).toBeGreaterThan(100);
    // The page names the suggestions and where the rest are, not the rest.
    const page = await (await get(`${p.url}/tickets/${ticket!.id}`, { cookie: operator })).text();
    expect(page).toContain(`/tickets/${ticket!.id}/unit-choices?v=${ticket!.updatedAt.getTime()}`);
    const unlisted = body.dispatch.others.filter((u) => !page.includes(u.name));
    expect(unlisted.length).toBeGreaterThan(body.dispatch.others.length * 0.9);
    // A resident may not read the ticket: not found, as the page itself.
    expect((await get(url, { cookie: await signIn(p.url, "resident") })).status).toBe(404);
    expect((await get(`${p.url}/tickets/${ticket!.id + 1_000_000}/unit-choices`, { cookie: operator })).status).toBe(
      404,
    );
  });

  it("answers the units to dispatch to at intake to the centre only, and leaves them out of the intake page", async () => {
    const signedOut = await get(`${p.url}/tickets/units`);
    expect(signedOut.status).toBe(302);
    const operator = await signIn(p.url, "operator");
    const res = await get(`${p.url}/tickets/units`, { cookie: operator });
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("private, max-age=300");
    const units = (await res.json()) as { name: string; kind: string; regionCode: string }[];
    expect(units.length).toBeGreaterThan(100);
    expect(units.find((u) => u.name === "白纸坊街道办事处")).toMatchObject({
      kind: "street_office",
      regionCode: "110102019",
    });
    const page = await (await get(`${p.url}/tickets/new`, { cookie: operator })).text();
    expect(page).not.toContain("白纸坊街道办事处");
    // A street office neither dispatches nor sees the catalogue.
    expect((await get(`${p.url}/tickets/units`, { cookie: await signIn(p.url, "street") })).status).toBe(403);
  });

  it("answers the areas to place a ticket in to whoever files tickets, and leaves them out of the intake page", async () => {
    expect((await get(`${p.url}/tickets/regions`)).status).toBe(302);
    for (const who of ["operator", "resident"]) {
      const cookie = await signIn(p.url, who);
      const res = await get(`${p.url}/tickets/regions`, { cookie });
      expect(res.status).toBe(200);
      expect(res.headers.get("cache-control")).toBe("private, max-age=300");
      const groups = (await res.json()) as { label: string; options: { code: string; label: string }[] }[];
      expect(groups.find((g) => g.label === "西城区")?.options).toContainEqual(
        expect.objectContaining({ code: "110102013901", label: "大栅栏街道 › 西河沿社区" }),
      );
      const page = await (await get(`${p.url}/tickets/new`, { cookie })).text();
      expect(page).not.toContain("西河沿社区");
    }
    // A street office files no tickets.
    expect((await get(`${p.url}/tickets/regions`, { cookie: await signIn(p.url, "street") })).status).toBe(403);
  });

  it("answers where an organisation can sit to those who create organisations, and leaves it out of their list page", async () => {
    expect((await get(`${p.url}/admin/regions`)).status).toBe(302);
    const admin = await signIn(p.url, "admin");
    const res = await get(`${p.url}/admin/regions`, { cookie: admin });
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("private, max-age=300");
    const groups = (await res.json()) as { label: string; options: { code: string; label: string }[] }[];
    expect(groups[0]!.options).toEqual([expect.objectContaining({ code: "110000", label: "北京市（全市）" })]);
    expect(groups.find((g) => g.label === "西城区")?.options).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ code: "110102", label: "西城区（全区）" }),
        expect.objectContaining({ code: "110102013901", label: "大栅栏街道 › 西河沿社区" }),
      ]),
    );
    expect(await (await get(`${p.url}/admin/orgs`, { cookie: admin })).text()).not.toContain("大栅栏街道 › 西河沿社区");
    // A community secretary manages their own organisation, and creates none.
    expect((await get(`${p.url}/admin/regions`, { cookie: await signIn(p.url, "secretary") })).status).toBe(403);
  });

  it("leaves no timer of its own behind a page it finished serving", async () => {
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === "Timeout").length;
    await (await get(`${p.url}/login`)).text();
    const before = timers();
    for (let i = 0; i < 20; i++) await (await get(`${p.url}/login`)).text();
    // Remix keeps one per page until it fires (its single-fetch stream timeout, 4.95 s, cleared
    // only when a request is aborted); our render's abort timer must not add a second.
    expect(timers() - before).toBeLessThanOrEqual(20);
  });

  it("does not announce Express", async () => {
    const res = await get(`${p.url}/healthz`);
    expect(res.headers.get("x-powered-by")).toBeNull();
  });
});

describe("search tokens from an earlier version", () => {
  const opened: TestDatabase[] = [];
  const processes: PortalProcess[] = [];
  let p: TestPortal | undefined;
  afterAll(async () => {
    for (const proc of processes) proc.kill();
    await p?.close();
    for (const t of opened) await t.close();
  });

  /** The demo's tickets, indexed under version 1 as far as the portal is told. */
  async function underVersion1(): Promise<TestDatabase> {
    const t = await openTestDatabase({ demo: true });
    opened.push(t);
    await seedDemoTickets(t.database);
    await t.database.db.update(ticketSearchState).set({ version: 1, through: 0 });
    return t;
  }

  /** Once current: the new index alone, each ticket in it once, and a lone character finds every ticket holding it. */
  async function expectRebuilt(t: TestDatabase) {
    await vi.waitFor(
      async () => {
        const [state] = await t.database.db.select().from(ticketSearchState);
        expect(state).toMatchObject({ version: SEARCH_TOKENS_VERSION, through: 0 });
      },
      { timeout: 60_000, interval: 200 },
    );
    const { rows } = await t.database.client.execute("select name from sqlite_master where name like 'ticket_fts%'");
    expect(rows.map((r) => String(r.name))).not.toContain("ticket_fts_next");
    for (const ch of ["灯", "堵", "水"]) {
      const found = await t.database.client.execute({
        sql: "select rowid from ticket_fts where ticket_fts match ? order by rowid",
        args: [`"${ch}"*`],
      });
      const holding = await t.database.client.execute({
        sql: `select t.id from tickets t join categories c on c.id = t.category_id
              where t.description like ?1 or t.address like ?1 or c.name like ?1 order by t.id`,
        args: [`%${ch}%`],
      });
      expect(holding.rows.length).toBeGreaterThan(0);
      expect({ ch, ids: found.rows.map((r) => Number(r.rowid)) }).toEqual({
        ch,
        ids: holding.rows.map((r) => Number(r.id)),
      });
    }
  }

  it("are indexed again by the portal in the background once it starts, and it still serves meanwhile", async () => {
    const t = await underVersion1();
    p = await startPortal({ DATABASE_URL: t.url, SEED_DEMO: "0", HOT_SPOT_DETECTION: "0" });
    expect((await get(`${p.url}/healthz`)).status).toBe(200);
    await expectRebuilt(t);
  });

  it("are indexed again once, together, by two portal processes that start at the same time", async () => {
    const t = await underVersion1();
    const start = async () => {
      const proc = spawnPortal({
        NODE_ENV: "production",
        DATABASE_URL: t.url,
        PORT: String(await freePort()),
        HOST: "127.0.0.1",
        SEED_DEMO: "0",
        HOT_SPOT_DETECTION: "0",
        BACKGROUND_SWEEPS: "0",
      });
      processes.push(proc);
      await proc.waitForOutput(/listening on/);
    };
    await Promise.all([start(), start()]);
    await expectRebuilt(t);
  }, 90_000);
});

describe("/healthz with the database gone", () => {
  let p: TestPortal;
  beforeAll(async () => {
    p = await startPortal({ SEED_DEMO: "0" });
  });
  afterAll(() => p?.close());

  it("answers 503 {ok:false} once the database client is closed (two failed pings in a row)", async () => {
    expect((await get(`${p.url}/healthz`)).status).toBe(200);
    p.portal.database.close();
    // Each /healthz pings, as does the probe every second: the second failure in a row closes the portal.
    let res = await get(`${p.url}/healthz`);
    for (let tries = 0; res.status === 200 && tries < 10; tries++) {
      await res.body?.cancel();
      await new Promise((r) => setTimeout(r, 300));
      res = await get(`${p.url}/healthz`);
    }
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ ok: false, database: "unavailable" });
  });
});

/** Opens a WebSocket and reports the HTTP status it was refused with, or "open". */
function tryUpgrade(url: string, headers: Record<string, string> = {}): Promise<number | "open"> {
  return new Promise((resolveUpgrade, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.on("unexpected-response", (req, res) => {
      res.resume();
      ws.on("error", () => undefined); // the aborted handshake reports itself; we already know why
      req.destroy();
      resolveUpgrade(res.statusCode ?? 0);
    });
    ws.on("open", () => {
      ws.close();
      resolveUpgrade("open");
    });
    ws.on("error", reject);
  });
}

/** A raw TCP client that records everything the server writes and whether it hung up. */
function rawUpgrade(port: number, path: string) {
  const socket: Socket = connect(port, "127.0.0.1");
  let received = "";
  let closed = false;
  socket.setEncoding("utf8");
  socket.on("data", (chunk: string) => (received += chunk));
  socket.on("close", () => (closed = true));
  socket.on("error", () => undefined);
  socket.write(
    [
      `GET ${path} HTTP/1.1`,
      `Host: 127.0.0.1:${port}`,
      "Upgrade: websocket",
      "Connection: Upgrade",
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
      "Sec-WebSocket-Version: 13",
      "",
      "",
    ].join("\r\n"),
  );
  return {
    socket,
    received: () => received,
    closed: () => closed,
    /** Resolves once the server has written something (hang guard: the test timeout). */
    answered: () =>
      new Promise<string>((resolveAnswer) => {
        if (received) return resolveAnswer(received);
        socket.once("data", () => resolveAnswer(received));
      }),
  };
}

describe("the realtime door", () => {
  let p: TestPortal;
  let ws: string;
  beforeAll(async () => {
    p = await startPortal();
    ws = `ws://127.0.0.1:${p.port}`;
  });
  afterAll(() => p?.close());

  it("refuses an upgrade without a session with HTTP 401, before upgrading", async () => {
    expect(await tryUpgrade(`${ws}/realtime/plan:1`)).toBe(401);
  });

  it("refuses a malformed, unknown or expired session cookie with 401", async () => {
    expect(await tryUpgrade(`${ws}/realtime/plan:1`, { cookie: "rt_session=nonsense" })).toBe(401);
    expect(await tryUpgrade(`${ws}/realtime/plan:1`, { cookie: `rt_session=${"a".repeat(32)}` })).toBe(401);

    const cookie = await signIn(p.url, "worker");
    const workerId = await userId(p.portal.database, "worker");
    await p.portal.database.write((tx) =>
      tx
        .update(sessions)
        .set({ expiresAt: new Date(Date.now() - 1000) })
        .where(eq(sessions.userId, workerId)),
    );
    expect(await tryUpgrade(`${ws}/realtime/plan:1`, { cookie })).toBe(401);
  });

  it("answers 404 to a signed-in user for a document no kind claims", async () => {
    const cookie = await signIn(p.url, "street");
    expect(await tryUpgrade(`${ws}/realtime/survey:1`, { cookie })).toBe(404);
    expect(await tryUpgrade(`${ws}/realtime/unknown-kind?x=1`, { cookie })).toBe(404);
    // plan: is claimed (decision 0015); a plan that does not exist is refused by its kind, not unknown.
    expect(await tryUpgrade(`${ws}/realtime/plan:999999`, { cookie })).toBe(403);
  });

  it("answers 404 to a name that is not valid percent-encoding", async () => {
    const raw = rawUpgrade(p.port, "/realtime/%E0%A4%A");
    expect(await raw.answered()).toMatch(/^HTTP\/1\.1 404 /);
    raw.socket.destroy();
  });

  it("in production, answers 404 to upgrades on other paths instead of leaving them hanging", async () => {
    const other = rawUpgrade(p.port, "/other");
    expect(await other.answered()).toMatch(/^HTTP\/1\.1 404 /);
    other.socket.destroy();
  });
});

describe("the process", () => {
  let proc: PortalProcess | undefined;
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "roundtable-proc-"));
  });
  afterEach(() => {
    proc?.kill();
    proc = undefined;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("is started by the tests with the flags npm start gives it", () => {
    const start = (JSON.parse(readFileSync("package.json", "utf8")) as { scripts: Record<string, string> }).scripts
      .start!;
    expect(start).toContain(`node ${START_NODE_FLAGS.join(" ")} --import tsx server/main.ts`);
  });

  it(
    "on SIGTERM stops accepting, finishes the in-flight request, closes the database and exits 0",
    { timeout: 120_000 },
    async () => {
      const port = await freePort();
      proc = spawnPortal({
        NODE_ENV: "production",
        PORT: String(port),
        HOST: "127.0.0.1",
        DATABASE_URL: `file:${join(dir, "shutdown.db")}`,
      });
      await proc.waitForOutput(/listening on http:\/\/localhost:\d+/);
      expect(proc.stdout()).toContain(`listening on http://localhost:${port}`);

      // A sign-in whose body is still on its way when the signal arrives. Expect: 100-continue
      // makes the server confirm it has the request before we send the signal.
      const body = new URLSearchParams({ username: "street", password: "roundtable-demo" }).toString();
      const req = request({
        host: "127.0.0.1",
        port,
        method: "POST",
        path: "/login",
        agent: false,
        headers: {
          "Content-Type": "application/x-www-form-urlencoded",
          "Content-Length": Buffer.byteLength(body),
          Expect: "100-continue",
        },
      });
      const response = new Promise<{ status: number; cookie: string | undefined }>((resolveRes, reject) => {
        req.on("response", (res) => {
          res.resume();
          res.on("end", () => resolveRes({ status: res.statusCode ?? 0, cookie: res.headers["set-cookie"]?.[0] }));
        });
        req.on("error", reject);
      });
      response.catch(() => undefined); // awaited below; keeps a failed run from also reporting it unhandled
      const serverHasIt = new Promise<void>((r) => req.once("continue", () => r()));
      req.flushHeaders();
      await serverHasIt;

      proc.child.kill("SIGTERM");
      await proc.waitForOutput(/SIGTERM: finishing in-flight requests/);

      // No longer accepting, while the request is still in flight (its body is not sent yet).
      // The log line is printed just before the listener closes, so poll until refused.
      let refused = false;
      while (!refused) {
        refused = await new Promise<boolean>((r) => {
          const s = connect(port, "127.0.0.1");
          s.on("connect", () => {
            s.destroy();
            setTimeout(() => r(false), 20);
          });
          s.on("error", (e: NodeJS.ErrnoException) => r(e.code === "ECONNREFUSED"));
        });
      }

      // The in-flight request completes, against a database that is still open.
      req.end(body);
      const res = await response;
      expect(res.status).toBe(302);
      expect(res.cookie).toMatch(/^rt_session=[a-z2-7]{32};/);

      expect(await proc.exited).toEqual({ code: 0, signal: null });
      expect(proc.stdout()).toContain("closed the database");
      expect(proc.stderr()).toBe("");
    },
  );

  it.each([
    ["PORT", { PORT: "abc" }],
    ["PORT", { PORT: "70000" }],
    ["DATABASE_URL", { DATABASE_URL: "ftp://x" }],
    ["COOKIE_SECURE", { COOKIE_SECURE: "sometimes" }],
    ["SEED_DEMO", { SEED_DEMO: "yes" }],
  ])(
    "refuses to start with a bad %s: exit 1 and one line on stderr naming it",
    { timeout: 120_000 },
    async (name, env) => {
      proc = spawnPortal({
        NODE_ENV: "production",
        HOST: "127.0.0.1",
        DATABASE_URL: `file:${join(dir, "never.db")}`,
        ...env,
      });
      const { code } = await proc.exited;
      expect(code).toBe(1);
      const lines = proc.stderr().trimEnd().split("\n");
      expect(lines, proc.stderr()).toHaveLength(1);
      expect(lines[0]).toContain(name);
      expect(proc.stdout()).not.toContain("listening");
    },
  );
});
