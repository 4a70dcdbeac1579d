/**
 * Signing in and out through the real portal: the login form's action, the
 * session cookie, the throttle, the cross-site guard and the audit log.
 */
import { and, count, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog, sessions } from "../../db/schema";
import { BAD_CREDENTIALS } from "../../server/identity/login";
import { userId } from "../helpers/database";
import { get, postForm, sessionCookieAttributes, sessionCookieOf } from "../helpers/http";
import { signIn, startPortal, type TestPortal } from "../helpers/portal";

const PASSWORD = "roundtable-demo";
const THROTTLED = "登录失败次数过多";

async function sessionCount(p: TestPortal): Promise<number> {
  const [row] = await p.portal.database.db.select({ n: count() }).from(sessions);
  return row!.n;
}

async function auditCount(p: TestPortal, action: string): Promise<number> {
  const [row] = await p.portal.database.db.select({ n: count() }).from(auditLog).where(eq(auditLog.action, action));
  return row!.n;
}

describe("login, logout and the cross-site guard", () => {
  let p: TestPortal;
  const login = (form: Record<string, string>, headers: Record<string, string> = {}) =>
    postForm(`${p.url}/login`, form, headers);

  beforeAll(async () => {
    p = await startPortal();
  });
  afterAll(() => p?.close());

  it("signs the demo user in: 302 home with an HttpOnly session cookie, and home greets them", async () => {
    const res = await login({ username: "street", password: PASSWORD });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/");
    const attributes = sessionCookieAttributes(res)!;
    expect(attributes[0]).toMatch(/^rt_session=[a-z2-7]{32}$/);
    expect(attributes).toEqual(expect.arrayContaining(["Path=/", "HttpOnly", "SameSite=Lax"]));
    // plain HTTP with COOKIE_SECURE=auto: no Secure, or the browser would drop the cookie
    expect(attributes).not.toContain("Secure");

    const home = await get(`${p.url}/`, { cookie: attributes[0]! });
    expect(home.status).toBe(200);
    expect(await home.text()).toContain("李建国");
  });

  it("sends a visitor without a session from home to the login page", async () => {
    const res = await get(`${p.url}/`);
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/login");
  });

  it("returns to a same-site redirectTo, never to another site", async () => {
    const back = await login({ username: "street", password: PASSWORD, redirectTo: "/admin?tab=users" });
    expect(back.status).toBe(302);
    expect(back.headers.get("location")).toBe("/admin?tab=users");
    for (const redirectTo of ["//evil.example/", "https://evil.example/", "/\\evil.example"]) {
      const res = await login({ username: "street", password: PASSWORD, redirectTo });
      expect(res.status, redirectTo).toBe(302);
      expect(res.headers.get("location"), redirectTo).toBe("/");
    }
  });

  it("answers a wrong password and an unknown user alike, without revealing which", async () => {
    const before = await sessionCount(p);
    const wrong = await login({ username: "housing", password: "not-the-password" });
    const unknown = await login({ username: "nosuchperson", password: "not-the-password" });
    expect(wrong.status).toBe(400);
    expect(unknown.status).toBe(wrong.status);
    expect(sessionCookieOf(wrong)).toBeNull();
    expect(sessionCookieOf(unknown)).toBeNull();
    const wrongPage = await wrong.text();
    const unknownPage = await unknown.text();
    expect(wrongPage).toContain(BAD_CREDENTIALS);
    expect(unknownPage).toContain(BAD_CREDENTIALS);
    // The same page, down to the byte, once the typed name and the per-response script nonce are set aside.
    const same = (page: string, name: string) => page.replaceAll(name, "NAME").replace(/nonce="[^"]*"/g, "nonce");
    expect(same(unknownPage, "nosuchperson")).toBe(same(wrongPage, "housing"));
    expect(await sessionCount(p)).toBe(before);
  });

  it("audits success and failure, keeping the attempted name of an unknown user", async () => {
    const db = p.portal.database.db;
    const streetId = await userId(p.portal.database, "street");
    const housingId = await userId(p.portal.database, "housing");
    const succeeded = await db.query.auditLog.findMany({
      where: and(eq(auditLog.action, "login.succeeded"), eq(auditLog.actorUserId, streetId)),
    });
    expect(succeeded.length).toBeGreaterThanOrEqual(1);
    expect(succeeded[0]).toMatchObject({ entity: "user", entityId: String(streetId), ip: "127.0.0.1" });

    const failed = await db.query.auditLog.findMany({ where: eq(auditLog.action, "login.failed") });
    expect(failed).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ actorUserId: housingId, detail: { username: "housing" }, ip: "127.0.0.1" }),
        expect.objectContaining({ actorUserId: null, detail: { username: "nosuchperson" }, ip: "127.0.0.1" }),
      ]),
    );
  });

  it("blocks an account after 5 failures, even with the right password, while others still sign in", async () => {
    for (let i = 1; i <= 5; i++) {
      const res = await login({ username: "worker", password: `wrong-${i}` });
      expect(res.status, `failure ${i}`).toBe(400);
      expect(await res.text()).toContain(BAD_CREDENTIALS);
    }
    const before = await sessionCount(p);
    const blocked = await login({ username: "worker", password: PASSWORD });
    expect(blocked.status).toBe(429);
    expect(await blocked.text()).toContain(THROTTLED);
    expect(sessionCookieOf(blocked)).toBeNull();
    // the block follows the name, however it is typed
    expect((await login({ username: " WORKER ", password: PASSWORD })).status).toBe(429);
    expect(await sessionCount(p)).toBe(before);

    // The address is not blocked by one account's failures.
    expect((await login({ username: "committee", password: PASSWORD })).status).toBe(302);
  });

  it("tells a throttled client when to retry (Retry-After, at most the 15-minute block)", async () => {
    for (let i = 1; i <= 5; i++) await login({ username: "property", password: `wrong-${i}` });
    const blocked = await login({ username: "property", password: PASSWORD });
    expect(blocked.status).toBe(429);
    const retryAfter = blocked.headers.get("retry-after");
    expect(retryAfter, "Retry-After header on the 429").not.toBeNull();
    expect(retryAfter).toMatch(/^\d+$/);
    expect(Number(retryAfter)).toBeGreaterThan(0);
    expect(Number(retryAfter)).toBeLessThanOrEqual(15 * 60);
  });

  it("refuses a cross-site form post (Origin of another site) with 403 and creates no session", async () => {
    const sessionsBefore = await sessionCount(p);
    const auditBefore = await auditCount(p, "login.succeeded");
    const res = await login({ username: "street", password: PASSWORD }, { Origin: "http://evil.example" });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain("跨站请求已拒绝");
    expect(sessionCookieOf(res)).toBeNull();
    expect(await sessionCount(p)).toBe(sessionsBefore);
    expect(await auditCount(p, "login.succeeded")).toBe(auditBefore);
  });

  it("refuses another port on the same host: an origin is scheme, host and port", async () => {
    const res = await login({ username: "street", password: PASSWORD }, { Origin: "http://127.0.0.1:1" });
    expect(res.status).toBe(403);
  });

  it("refuses Sec-Fetch-Site: cross-site when the browser sent no Origin", async () => {
    const before = await sessionCount(p);
    const res = await login({ username: "street", password: PASSWORD }, { "Sec-Fetch-Site": "cross-site" });
    expect(res.status).toBe(403);
    expect(sessionCookieOf(res)).toBeNull();
    expect(await sessionCount(p)).toBe(before);
  });

  it("accepts the portal's own origin and same-origin fetch metadata", async () => {
    const own = await login({ username: "street", password: PASSWORD }, { Origin: p.url });
    expect(own.status).toBe(302);
    expect(sessionCookieOf(own)).not.toBeNull();
    const sameOrigin = await login({ username: "street", password: PASSWORD }, { "Sec-Fetch-Site": "same-origin" });
    expect(sameOrigin.status).toBe(302);
  });

  it("ignores forwarded hosts unless TRUST_PROXY is set: a proxy's public address is refused", async () => {
    const res = await login(
      { username: "street", password: PASSWORD },
      { Origin: "https://roundtable.example", "X-Forwarded-Host": "roundtable.example", "X-Forwarded-Proto": "https" },
    );
    expect(res.status).toBe(403);
  });

  it("lets cross-site GETs through: the guard is for state-changing methods", async () => {
    const res = await get(`${p.url}/login`, { Origin: "http://evil.example", "Sec-Fetch-Site": "cross-site" });
    expect(res.status).toBe(200);
  });

  it("logout revokes the session: the old cookie no longer opens home", async () => {
    const cookie = await signIn(p.url, "secretary");
    expect((await get(`${p.url}/`, { cookie })).status).toBe(200);
    const logoutsBefore = await auditCount(p, "logout");

    const res = await postForm(`${p.url}/logout`, {}, { cookie });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/login");
    expect(sessionCookieAttributes(res)).toEqual(expect.arrayContaining(["rt_session=", "Max-Age=0"]));

    const after = await get(`${p.url}/`, { cookie });
    expect(after.status).toBe(302);
    expect(after.headers.get("location")).toBe("/login");

    const secretaryId = await userId(p.portal.database, "secretary");
    expect(await auditCount(p, "logout")).toBe(logoutsBefore + 1);
    const rows = await p.portal.database.db.query.auditLog.findMany({
      where: and(eq(auditLog.action, "logout"), eq(auditLog.actorUserId, secretaryId)),
    });
    expect(rows).toHaveLength(1);
  });

  it("refuses a cross-site logout: the session survives", async () => {
    const cookie = await signIn(p.url, "secretary");
    const res = await postForm(`${p.url}/logout`, {}, { cookie, Origin: "http://evil.example" });
    expect(res.status).toBe(403);
    expect((await get(`${p.url}/`, { cookie })).status).toBe(200);
  });

  it("renews a session in the second half of its life and sends the cookie again", async () => {
    const cookie = await signIn(p.url, "operator");
    const fresh = await get(`${p.url}/`, { cookie });
    expect(fresh.status).toBe(200);
    expect(sessionCookieOf(fresh)).toBeNull();

    // Age the session: ten days left of thirty.
    const operatorId = await userId(p.portal.database, "operator");
    await p.portal.database.write((tx) =>
      tx
        .update(sessions)
        .set({ expiresAt: new Date(Date.now() + 10 * 24 * 60 * 60 * 1000) })
        .where(eq(sessions.userId, operatorId)),
    );
    const renewed = await get(`${p.url}/`, { cookie });
    expect(renewed.status).toBe(200);
    const attributes = sessionCookieAttributes(renewed)!;
    expect(attributes[0]).toBe(cookie);
    const maxAge = Number(attributes.find((a) => a.startsWith("Max-Age="))!.slice("Max-Age=".length));
    expect(maxAge).toBeGreaterThan(29 * 24 * 60 * 60);
  });

  it("never adopts a session id the client brings: signing in issues a fresh one (no session fixation)", async () => {
    // An attacker plants a well-formed id of their choosing, or their own live session, in the victim's browser.
    const planted = "rt_session=abcdefghijklmnopqrstuvwxyz234567";
    const attacker = sessionCookieOf(await login({ username: "worker", password: PASSWORD }))!;
    for (const cookie of [planted, attacker]) {
      const res = await login({ username: "street", password: PASSWORD }, { cookie });
      expect(res.status).toBe(302);
      const issued = sessionCookieOf(res)!;
      expect(issued).not.toBe(cookie);
      // The id the attacker knows does not open the victim's account.
      const withKnown = await get(`${p.url}/`, { cookie });
      expect(await withKnown.text()).not.toContain("李建国");
      expect(await (await get(`${p.url}/`, { cookie: issued })).text()).toContain("李建国");
    }
  });

  it("ignores a malformed or unknown session cookie: the visitor is simply signed out", async () => {
    for (const cookie of ["rt_session=garbage", `rt_session=${"a".repeat(32)}`]) {
      const res = await get(`${p.url}/`, { cookie });
      expect(res.status, cookie).toBe(302);
      expect(res.headers.get("location")).toBe("/login");
    }
  });
});

describe("the per-address limit, behind a trusted proxy", () => {
  let p: TestPortal;
  beforeAll(async () => {
    p = await startPortal({ TRUST_PROXY: "1" });
  });
  afterAll(() => p?.close());

  const from = (ip: string, form: Record<string, string>, headers: Record<string, string> = {}) =>
    postForm(`${p.url}/login`, form, { "X-Forwarded-For": ip, ...headers });

  it("blocks an address after 30 failures over different names, even for a right password", async () => {
    const ip = "198.51.100.7";
    for (let i = 1; i <= 30; i++) {
      const res = await from(ip, { username: `sprayed-${i}`, password: "123456" });
      expect(res.status, `failure ${i}`).toBe(400);
    }
    const blocked = await from(ip, { username: "street", password: PASSWORD });
    expect(blocked.status).toBe(429);
    expect(await blocked.text()).toContain(THROTTLED);
    expect(sessionCookieOf(blocked)).toBeNull();

    // Another address, the same account: not blocked.
    const other = await from("198.51.100.8", { username: "street", password: PASSWORD });
    expect(other.status).toBe(302);

    const rows = await p.portal.database.db.query.auditLog.findMany({
      where: and(eq(auditLog.action, "login.failed"), eq(auditLog.ip, ip)),
    });
    expect(rows).toHaveLength(30);
  });

  it("accepts the public origin the proxy forwards and still refuses other origins", async () => {
    const ok = await from(
      "198.51.100.20",
      { username: "street", password: PASSWORD },
      {
        Origin: "https://roundtable.example",
        "X-Forwarded-Host": "roundtable.example",
        "X-Forwarded-Proto": "https",
      },
    );
    expect(ok.status).toBe(302);
    const refused = await from(
      "198.51.100.20",
      { username: "street", password: PASSWORD },
      {
        Origin: "https://evil.example",
        "X-Forwarded-Host": "roundtable.example",
        "X-Forwarded-Proto": "https",
      },
    );
    expect(refused.status).toBe(403);
  });

  it("trusts one proxy hop only: addresses a client prepends to X-Forwarded-For do not dodge the limit", async () => {
    const proxySaw = "198.51.100.30";
    for (let i = 1; i <= 30; i++) {
      const res = await from(`203.0.113.${i}, ${proxySaw}`, { username: `rotating-${i}`, password: "123456" });
      expect(res.status, `failure ${i}`).toBe(400);
    }
    const blocked = await from(`203.0.113.99, ${proxySaw}`, { username: "street", password: PASSWORD });
    expect(blocked.status).toBe(429);
  });

  it("marks the cookie Secure when the proxy says the request came over HTTPS", async () => {
    const https = await from(
      "198.51.100.21",
      { username: "street", password: PASSWORD },
      {
        "X-Forwarded-Proto": "https",
      },
    );
    expect(https.status).toBe(302);
    expect(sessionCookieAttributes(https)).toContain("Secure");
    const http = await from("198.51.100.21", { username: "street", password: PASSWORD });
    expect(sessionCookieAttributes(http)).not.toContain("Secure");
  });
});

describe("COOKIE_SECURE=always", () => {
  let p: TestPortal;
  beforeAll(async () => {
    p = await startPortal({ COOKIE_SECURE: "always" });
  });
  afterAll(() => p?.close());

  it("sets Secure even over plain HTTP", async () => {
    const res = await postForm(`${p.url}/login`, { username: "street", password: PASSWORD });
    expect(res.status).toBe(302);
    expect(sessionCookieAttributes(res)).toContain("Secure");
  });
});
