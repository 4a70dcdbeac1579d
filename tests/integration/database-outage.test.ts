/**
 * The portal, as `npm start` runs it, over a real libsql server that goes
 * away and comes back (issue 8, item 4): killed, then frozen (SIGSTOP — the
 * port stays open and nothing answers). While it is away /healthz and every
 * page and API request answer 503 and the process stays up; once the server
 * is back on the same port and data folder, the portal serves again without
 * a restart and the data is all there. Runs against sqld in both
 * configurations of the suite: an embedded file cannot go away.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { t } from "~/i18n";
import { get, postForm } from "../helpers/http";
import { BUILD_DIR, signIn } from "../helpers/portal";
import { freePort, spawnPortal, type PortalProcess } from "../helpers/process";
import { startSqld, type Sqld } from "../helpers/sqld";

/** Polls /healthz until it answers `status` (bounded: the probe runs every second). */
async function healthBecomes(base: string, status: number) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const res = await get(`${base}/healthz`);
    if (res.status === status) return (await res.json()) as unknown;
    await res.body?.cancel();
    if (Date.now() > deadline) throw new Error(`/healthz still answers ${res.status}, not ${status}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function expectUnavailable({ base, cookie, portal }: Running) {
  expect(await healthBecomes(base, 503)).toEqual({ ok: false, database: "unavailable" });

  const page = await get(`${base}/tickets`, { cookie, accept: "text/html" });
  expect(page.status).toBe(503);
  expect(page.headers.get("content-type")).toMatch(/^text\/html/);
  const html = await page.text();
  expect(html).toContain(t.errors.unavailableTitle);
  expect(html).toContain(t.errors.unavailable);

  const login = await postForm(`${base}/login`, { username: "operator", password: "roundtable-demo" });
  expect(login.status).toBe(503);
  await login.body?.cancel();

  const api = await get(`${base}/api/v1/tickets`, { authorization: "Bearer whatever" });
  expect(api.status).toBe(503);
  expect(await api.json()).toEqual({ error: { code: "database_unavailable", message: t.errors.unavailable } });

  expect(portal.child.exitCode).toBeNull();
}

async function expectServing({ base, cookie }: Running) {
  expect(await healthBecomes(base, 200)).toEqual({ ok: true, database: "up" });
  const page = await get(`${base}/tickets`, { cookie });
  expect(page.status).toBe(200);
  // The demo tickets written before the outage are all still there.
  expect(await page.text()).toContain("西河沿");
  expect(await signIn(base, "operator")).toMatch(/^rt_session=/);
}

interface Running {
  sqld: Sqld;
  portal: PortalProcess;
  base: string;
  cookie: string;
}

// Both transports a libsql URL can mean: HTTP (what libsql:// means in Node) and a WebSocket.
describe.each(["http", "ws"])("a libsql server that goes away, over %s", (scheme) => {
  const r = {} as Running;
  beforeAll(async () => {
    r.sqld = await startSqld();
    const port = await freePort();
    r.base = `http://127.0.0.1:${port}`;
    r.portal = spawnPortal({
      NODE_ENV: "production",
      ROUNDTABLE_BUILD_DIR: BUILD_DIR,
      PORT: String(port),
      HOST: "127.0.0.1",
      DATABASE_URL: r.sqld.url.replace(/^http:/, `${scheme}:`),
      HOT_SPOT_DETECTION: "0",
    });
    await r.portal.waitForOutput(/listening on/);
    r.cookie = await signIn(r.base, "admin");
  });

  afterAll(async () => {
    r.portal?.kill();
    await r.sqld?.close();
  });

  it("serves while the server answers", async () => {
    await expectServing(r);
  });

  it("answers 503 while the server is killed and serves again once it restarts on the same data", async () => {
    await r.sqld.kill();
    await expectUnavailable(r);
    await r.sqld.start();
    await expectServing(r);
  });

  it("answers 503 while the server is frozen (nothing answers) and serves again once it thaws", async () => {
    r.sqld.freeze();
    await expectUnavailable(r);
    r.sqld.thaw();
    await expectServing(r);
    expect(r.portal.child.exitCode).toBeNull();
    expect(r.portal.stderr()).toBe("");
  });
});
