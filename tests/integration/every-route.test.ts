/**
 * Every route, not a sample (issue 8, item 5): each page for each demo role
 * and signed out, error pages, the API, static files and a refused realtime
 * upgrade carry the security headers; and every form action and API write
 * refuses a cross-site post without touching the database.
 */
import { readdirSync } from "node:fs";
import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoUsers } from "../../db/seed/demo";
import { demoIds, FORM_TARGETS, urlOf, type DemoIds } from "../helpers/form-targets";
import { BACKGROUND_CHANGES, ChangeLedger, ROUTES_DIR, routesWithActions } from "../helpers/fuzz";
import { signIn, startPortal, type TestPortal } from "../helpers/portal";

let portal: TestPortal;
let ledger: ChangeLedger;
let ids: DemoIds;
const cookies = new Map<string, string>();

beforeAll(async () => {
  portal = await startPortal({ SEED_DEMO: "1", HOT_SPOT_DETECTION: "0" });
  ids = await demoIds(portal.portal.database);
  for (const { username } of demoUsers) cookies.set(username, await signIn(portal.url, username));
  ledger = await ChangeLedger.install(portal.portal.database);
});
afterAll(() => portal?.close());

function expectSecurityHeaders(headers: Headers | Record<string, string | string[] | undefined>, what: string) {
  const get = (name: string) => (headers instanceof Headers ? headers.get(name) : ([headers[name]].flat()[0] ?? null));
  expect(get("content-security-policy"), what).toContain("frame-ancestors 'none'");
  expect(get("x-content-type-options"), what).toBe("nosniff");
  // The effective policy is the last one listed; a page may tighten it (an invitation link: no-referrer).
  expect(get("referrer-policy"), what).toMatch(/(^|, )(same-origin|no-referrer)$/);
  expect(get("x-frame-options"), what).toBe("DENY");
}

const routeFiles = () =>
  readdirSync(ROUTES_DIR)
    .filter((f) => /\.tsx?$/.test(f))
    .sort();

describe("security headers on every route", () => {
  it.each([null, ...demoUsers.map((u) => u.username)])("for %s, on every page and resource", async (user) => {
    const headers: Record<string, string> = user ? { cookie: cookies.get(user)! } : {};
    const statuses: string[] = [];
    for (const file of routeFiles()) {
      const url = urlOf(file, ids);
      const response = await fetch(portal.url + url, { headers, redirect: "manual" });
      await response.arrayBuffer();
      statuses.push(`${response.status} ${url}`);
      expect(response.status, `${user} GET ${url}`).toBeLessThan(500);
      expectSecurityHeaders(response.headers, `${user} GET ${url} (${response.status})`);
    }
    // The walk reached pages, not only sign-in redirects.
    if (user) expect(statuses.filter((s) => s.startsWith("200")).length).toBeGreaterThan(5);
  });

  it("on errors, the API, static files, other methods and malformed URLs", async () => {
    const cookie = cookies.get("operator")!;
    const checks: [string, RequestInit][] = [
      ["/no/such/page", {}],
      [`/tickets/999999999`, { headers: { cookie } }],
      ["/tickets/%E0%A4%A", { headers: { cookie } }],
      ["/%", {}],
      ["/api/openapi.json", {}],
      ["/api/v1/tickets", {}],
      ["/api/v1/nowhere", {}],
      ["/api/open311/v2/services.json", {}],
      ["/api/open311/v2/services.xml", {}],
      ["/api/open311/v2/requests.json", {}],
      ["/favicon.svg", {}],
      ["/healthz", {}],
      ["/login", { method: "HEAD" }],
      ["/login", { method: "OPTIONS" }],
      ["/api/open311/v2/requests.json", { method: "OPTIONS" }],
      ["/tickets", { method: "DELETE", headers: { cookie, origin: portal.url } }],
    ];
    for (const [path, init] of checks) {
      const response = await fetch(portal.url + path, { redirect: "manual", ...init });
      await response.arrayBuffer();
      expect(response.status, `${init.method ?? "GET"} ${path}`).toBeLessThan(500);
      expectSecurityHeaders(response.headers, `${init.method ?? "GET"} ${path} (${response.status})`);
    }
    // A built asset, whatever its fingerprint.
    const html = await (await fetch(`${portal.url}/login`)).text();
    const asset = /href="(\/assets\/[^"]+\.css)"/.exec(html)![1]!;
    const response = await fetch(portal.url + asset);
    expect(response.status).toBe(200);
    expectSecurityHeaders(response.headers, asset);
  });

  it("on refused realtime upgrades", async () => {
    for (const [path, cookie, status] of [
      ["/realtime/plan:1", null, 401],
      ["/realtime/nothing:1", cookies.get("resident")!, 404],
      ["/elsewhere", null, 404],
    ] as const) {
      const answer = await new Promise<{ status: number; headers: Record<string, string | string[] | undefined> }>(
        (resolve, reject) => {
          const req = request({
            host: "127.0.0.1",
            port: portal.port,
            path,
            headers: {
              connection: "Upgrade",
              upgrade: "websocket",
              "sec-websocket-version": "13",
              "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==",
              ...(cookie ? { cookie } : {}),
            },
          });
          req.on("response", (res) => {
            res.resume();
            resolve({ status: res.statusCode!, headers: res.headers });
          });
          req.on("upgrade", () => reject(new Error(`${path} was upgraded`)));
          req.on("error", reject);
          req.end();
        },
      );
      expect(answer.status, path).toBe(status);
      expectSecurityHeaders(answer.headers, `upgrade ${path}`);
    }
  });
});

describe("cross-site posts are refused without side effects", () => {
  const foreign = "https://evil.example";
  /** What a browser sends on a cross-site form post, and what other clients might send instead. */
  const crossSite: [string, Record<string, string>][] = [
    ["a foreign Origin", { origin: foreign }],
    ["Origin: null (a sandboxed frame)", { origin: "null" }],
    ["Sec-Fetch-Site: cross-site without Origin", { "sec-fetch-site": "cross-site" }],
    ["a foreign Referer without Origin", { referer: `${foreign}/page` }],
    ["a look-alike Origin", { origin: "http://127.0.0.1.evil.example" }],
  ];

  it("covers every route with an action", () => {
    expect(Object.keys(FORM_TARGETS).sort()).toEqual(routesWithActions());
  });

  it.each(routesWithActions())("%s", async (file) => {
    const target = FORM_TARGETS[file]!;
    // The signed-in person's cookie rides along, as it would if SameSite did not stop it.
    const cookie = cookies.get(target.user ?? "operator")!;
    // A form that would succeed from the portal's own page: the refusal must not depend on it being invalid.
    const body = new URLSearchParams({ intent: "x", username: "street", password: "roundtable-demo" });
    for (const [what, headers] of crossSite) {
      await ledger.reset();
      const response = await fetch(portal.url + target.path(ids), {
        method: "POST",
        body,
        headers: { cookie, "content-type": "application/x-www-form-urlencoded", ...headers },
        redirect: "manual",
      });
      expect(response.status, `${file}: ${what}`).toBe(403);
      expect(response.headers.get("set-cookie"), `${file}: ${what}`).toBeNull();
      await response.arrayBuffer();
      expect(await ledger.changes(BACKGROUND_CHANGES), `${file}: ${what}`).toEqual({});
    }
  });

  it("and the same sign-in from the portal's own page is accepted (the refusal is the origin's doing)", async () => {
    const response = await fetch(`${portal.url}/login`, {
      method: "POST",
      body: new URLSearchParams({ username: "street", password: "roundtable-demo" }),
      headers: { origin: portal.url, "content-type": "application/x-www-form-urlencoded" },
      redirect: "manual",
    });
    expect(response.status).toBe(302);
  });

  it("the session cookie is SameSite=Lax and HttpOnly, so a cross-site post does not carry it at all", async () => {
    const response = await fetch(`${portal.url}/login`, {
      method: "POST",
      body: new URLSearchParams({ username: "worker", password: "roundtable-demo" }),
      redirect: "manual",
    });
    const cookie = response.headers.get("set-cookie")!;
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).toMatch(/HttpOnly/i);
  });

  it("the APIs take no cookie: a cross-site write with a session is unauthorised and stores nothing", async () => {
    const cookie = cookies.get("admin")!;
    for (const [path, contentType, body] of [
      ["/api/v1/tickets", "application/json", JSON.stringify({ number: "X1", description: "cross-site" })],
      ["/api/v1/tickets/X1/actions", "application/json", JSON.stringify({ kind: "close" })],
      [
        "/api/open311/v2/requests.json",
        "application/x-www-form-urlencoded",
        "service_code=1&description=x&lat=39.9&long=116.4",
      ],
    ]) {
      await ledger.reset();
      const response = await fetch(portal.url + path!, {
        method: "POST",
        body,
        headers: { cookie, origin: foreign, "content-type": contentType! },
      });
      expect([401, 403], path).toContain(response.status);
      await response.arrayBuffer();
      expect(await ledger.changes(BACKGROUND_CHANGES), path).toEqual({});
    }
  });
});
