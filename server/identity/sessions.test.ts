import { createHash } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../db/client";
import { auditLog, sessions, users } from "../../db/schema";
import { DEMO_PASSWORD } from "../../db/seed/demo";
import { openTestDatabase, orgId, userId, type TestDatabase } from "../../tests/helpers/database";
import { login, logout } from "./login";
import {
  clearSessionCookie,
  deleteExpiredSessions,
  insertSession,
  loadActor,
  readSessionToken,
  SESSION_COOKIE,
  SESSION_LIFETIME_MS,
  sessionCookie,
  validateSessionToken,
} from "./sessions";
import { generateToken } from "./tokens";

const DAY = 24 * 60 * 60 * 1000;
const meta = { ip: "203.0.113.5", userAgent: "vitest" };

let t: TestDatabase;
let database: Database;
let streetId: number;

beforeAll(async () => {
  t = await openTestDatabase({ demo: true });
  database = t.database;
  streetId = await userId(database, "street");
});
afterAll(() => t?.close());

function create(uid: number, now = new Date()) {
  return database.write((tx) => insertSession(tx, uid, meta, now));
}

async function storedRow(id: string) {
  return database.db.query.sessions.findFirst({ where: eq(sessions.id, id) });
}

describe("creating and validating a session", () => {
  it("validates a new session to the user's actor with their grants", async () => {
    const now = new Date();
    const { token, session } = await create(streetId, now);
    expect(session.expiresAt.getTime()).toBe(now.getTime() + 30 * DAY);

    const validated = await validateSessionToken(database, token, now);
    expect(validated).not.toBeNull();
    expect(validated!.renewed).toBe(false);
    expect(validated!.session).toEqual({ id: session.id, userId: streetId, expiresAt: session.expiresAt });
    expect(validated!.actor).toEqual({
      userId: streetId,
      username: "street",
      displayName: "李建国",
      grants: [
        {
          role: "street_officer",
          orgId: await orgId(database, "大栅栏街道办事处"),
          orgKind: "street_office",
          regionCode: "110102013",
          manager: true,
        },
      ],
    });
  });

  it("signs in through login() with the demo password, whatever the case and spacing of the name", async () => {
    const { token, userId: uid } = await login(database, { username: "  Street ", password: DEMO_PASSWORD }, meta);
    expect(uid).toBe(streetId);
    const validated = await validateSessionToken(database, token);
    expect(validated?.actor.username).toBe("street");
  });

  it("stores only the SHA-256 of the token, never the token itself", async () => {
    const { token, session } = await create(streetId);
    expect(token).toMatch(/^[a-z2-7]{32}$/);
    const sha256 = createHash("sha256").update(token).digest("hex");
    expect(session.id).toBe(sha256);

    const raw = await database.client.execute("SELECT * FROM sessions");
    const mine = raw.rows.filter((r) => r.id === sha256);
    expect(mine).toHaveLength(1);
    expect(mine[0]!.ip).toBe(meta.ip);
    expect(mine[0]!.user_agent).toBe(meta.userAgent);
    for (const row of raw.rows) {
      for (const value of Object.values(row)) expect(String(value)).not.toContain(token);
    }
  });

  it("loads a resident's actor with their community and no organisation", async () => {
    const actor = await loadActor(database, await userId(database, "resident"));
    expect(actor?.grants).toEqual([
      { role: "resident", orgId: null, orgKind: null, regionCode: "110102013901", manager: false },
    ]);
  });

  it("refuses unknown tokens", async () => {
    expect(await validateSessionToken(database, generateToken())).toBeNull();
    expect(await loadActor(database, 999_999)).toBeNull();
  });
});

describe("expiry and sliding renewal", () => {
  it("refuses an expired session and deletes its row", async () => {
    const t0 = new Date();
    const { token, session } = await create(streetId, t0);
    expect(await validateSessionToken(database, token, new Date(t0.getTime() + SESSION_LIFETIME_MS + 1))).toBeNull();
    expect(await storedRow(session.id)).toBeUndefined();
    // gone for good: even "now" no longer opens it
    expect(await validateSessionToken(database, token, t0)).toBeNull();
  });

  it("treats the expiry instant itself as expired", async () => {
    const t0 = new Date();
    const { token, session } = await create(streetId, t0);
    expect(await validateSessionToken(database, token, session.expiresAt)).toBeNull();
    expect(await storedRow(session.id)).toBeUndefined();
  });

  it("does not renew a session in the first half of its life", async () => {
    const t0 = new Date();
    const { token, session } = await create(streetId, t0);
    for (const days of [1, 10, 15]) {
      const validated = await validateSessionToken(database, token, new Date(t0.getTime() + days * DAY));
      expect(validated?.renewed, `day ${days}`).toBe(false);
      expect(validated?.session.expiresAt.getTime()).toBe(session.expiresAt.getTime());
    }
    expect((await storedRow(session.id))?.expiresAt.getTime()).toBe(session.expiresAt.getTime());
  });

  it("renews a session used in the second half of its life to a full lifetime from now", async () => {
    const t0 = new Date();
    const { token, session } = await create(streetId, t0);
    const later = new Date(t0.getTime() + 20 * DAY);
    const validated = await validateSessionToken(database, token, later);
    expect(validated?.renewed).toBe(true);
    expect(validated?.session.expiresAt.getTime()).toBe(later.getTime() + 30 * DAY);
    expect((await storedRow(session.id))?.expiresAt.getTime()).toBe(later.getTime() + 30 * DAY);

    // The renewal stuck: past the original expiry the session still opens, without renewing again.
    const pastOriginal = new Date(session.expiresAt.getTime() + DAY);
    const again = await validateSessionToken(database, token, pastOriginal);
    expect(again?.actor.userId).toBe(streetId);
    expect(again?.renewed).toBe(false);
  });

  it("sweeps expired sessions and keeps live ones", async () => {
    const t0 = new Date();
    const old = await create(streetId, new Date(t0.getTime() - 40 * DAY));
    const live = await create(streetId, t0);
    await deleteExpiredSessions(database, t0);
    expect(await storedRow(old.session.id)).toBeUndefined();
    expect(await storedRow(live.session.id)).toBeDefined();
  });
});

describe("revocation", () => {
  it("logout deletes the session: its token no longer validates, other sessions stay", async () => {
    const first = await create(streetId);
    const second = await create(streetId);
    await logout(database, first.session.id, streetId, meta.ip);
    expect(await validateSessionToken(database, first.token)).toBeNull();
    expect(await storedRow(first.session.id)).toBeUndefined();
    expect((await validateSessionToken(database, second.token))?.actor.userId).toBe(streetId);

    const rows = await database.db.query.auditLog.findMany({ where: eq(auditLog.action, "logout") });
    expect(rows.at(-1)).toMatchObject({
      actorUserId: streetId,
      entity: "user",
      entityId: String(streetId),
      ip: meta.ip,
    });
  });

  it("a disabled user's session does not validate", async () => {
    const workerId = await userId(database, "worker");
    const { token } = await create(workerId);
    expect(await validateSessionToken(database, token)).not.toBeNull();
    await database.write((tx) => tx.update(users).set({ status: "disabled" }).where(eq(users.id, workerId)));
    try {
      expect(await validateSessionToken(database, token)).toBeNull();
      expect(await loadActor(database, workerId)).toBeNull();
    } finally {
      await database.write((tx) => tx.update(users).set({ status: "active" }).where(eq(users.id, workerId)));
    }
  });
});

describe("readSessionToken", () => {
  const token = "abcdefghijklmnopqrstuvwxyz234567";

  it("reads the token from a cookie header", () => {
    expect(readSessionToken(`${SESSION_COOKIE}=${token}`)).toBe(token);
    expect(readSessionToken(`theme=dark; ${SESSION_COOKIE}=${token}; lang=zh`)).toBe(token);
    expect(readSessionToken(`theme=dark;${SESSION_COOKIE}= ${token} `)).toBe(token);
    expect(readSessionToken(`${SESSION_COOKIE}=${generateToken()}`)).toMatch(/^[a-z2-7]{32}$/);
  });

  it.each([
    ["no header", undefined],
    ["null", null],
    ["empty header", ""],
    ["another cookie only", "theme=dark"],
    ["a cookie whose name merely contains ours", `x${SESSION_COOKIE}=${token}`],
    ["empty value", `${SESSION_COOKIE}=`],
    ["too short", `${SESSION_COOKIE}=${token.slice(1)}`],
    ["too long", `${SESSION_COOKIE}=${token}a`],
    ["upper case", `${SESSION_COOKIE}=${token.toUpperCase()}`],
    ["digits outside base32", `${SESSION_COOKIE}=${token.slice(0, 31)}1`],
    ["quoted", `${SESSION_COOKIE}="${token}"`],
    ["a SQL-ish value", `${SESSION_COOKIE}=' OR 1=1 --aaaaaaaaaaaaaaaaaaaaaaaaa`],
    ["a name without a value", SESSION_COOKIE],
  ])("rejects %s", (_label, header) => {
    expect(readSessionToken(header)).toBeNull();
  });
});

describe("session cookies", () => {
  const token = "abcdefghijklmnopqrstuvwxyz234567";
  const attributes = (cookie: string) => cookie.split("; ");

  it("is HttpOnly, SameSite=Lax, site-wide, and lives until the session expires", () => {
    const expiresAt = new Date(Date.now() + 10 * DAY);
    const parts = attributes(sessionCookie(token, expiresAt, false));
    expect(parts[0]).toBe(`${SESSION_COOKIE}=${token}`);
    expect(parts).toContain("HttpOnly");
    expect(parts).toContain("SameSite=Lax");
    expect(parts).toContain("Path=/");
    expect(parts).not.toContain("Secure");
    const maxAge = Number(parts.find((p) => p.startsWith("Max-Age="))!.slice("Max-Age=".length));
    // Computed from the clock: allow for a slow machine, but not for a wrong unit.
    expect(maxAge).toBeLessThanOrEqual(10 * 24 * 60 * 60);
    expect(maxAge).toBeGreaterThan(10 * 24 * 60 * 60 - 600);
  });

  it("adds Secure only when asked", () => {
    const expiresAt = new Date(Date.now() + DAY);
    expect(attributes(sessionCookie(token, expiresAt, true))).toContain("Secure");
    expect(attributes(sessionCookie(token, expiresAt, false))).not.toContain("Secure");
  });

  it("never sets a negative Max-Age for a session already past", () => {
    expect(attributes(sessionCookie(token, new Date(Date.now() - DAY), false))).toContain("Max-Age=0");
  });

  it("clears the cookie with the same attributes", () => {
    const parts = attributes(clearSessionCookie(false));
    expect(parts[0]).toBe(`${SESSION_COOKIE}=`);
    expect(parts).toEqual(expect.arrayContaining(["Path=/", "HttpOnly", "SameSite=Lax", "Max-Age=0"]));
    expect(parts).not.toContain("Secure");
    expect(attributes(clearSessionCookie(true))).toContain("Secure");
  });
});
