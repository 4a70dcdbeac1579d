/**
 * Sessions the way the Lucia guide describes them now that the `lucia`
 * package is retired (docs/decisions/0002): a random token in an httpOnly
 * cookie, its SHA-256 as the row id, sliding expiry, revocation by deletion.
 */
import { eq, lt, sql } from "drizzle-orm";
import { preparedQuery, type Database, type Tx } from "../../db/client";
import { sessions, users } from "../../db/schema";
import type { Actor, ActorGrant } from "./permissions";
import { generateToken, hashToken } from "./tokens";

export const SESSION_COOKIE = "rt_session";
const DAY = 24 * 60 * 60 * 1000;
export const SESSION_LIFETIME_MS = 30 * DAY;
/** Past half its life, a used session is extended: active people stay signed in. */
const RENEW_WHEN_LEFT_MS = 15 * DAY;

export interface SessionInfo {
  id: string;
  userId: number;
  expiresAt: Date;
}

export interface ValidatedSession {
  session: SessionInfo;
  actor: Actor;
  /** True when the expiry moved and the cookie must be sent again. */
  renewed: boolean;
}

/** Creates a session inside the caller's transaction (with its audit row). */
export async function insertSession(
  tx: Tx,
  userId: number,
  meta: { ip?: string | null; userAgent?: string | null } = {},
  now = new Date(),
): Promise<{ token: string; session: SessionInfo }> {
  const token = generateToken();
  const session = { id: hashToken(token), userId, expiresAt: new Date(now.getTime() + SESSION_LIFETIME_MS) };
  await tx.insert(sessions).values({
    ...session,
    createdAt: now,
    ip: meta.ip ?? null,
    userAgent: meta.userAgent?.slice(0, 300) ?? null,
  });
  return { token, session };
}

/**
 * An actor's user columns and grants, read in one statement: sessions are
 * checked on every request, and each statement costs a prepare and a trip
 * through the driver (decision 0026). The grants come back as one JSON array
 * of [role, org id, org kind, region, manager] tuples.
 */
const actorColumns = {
  userId: users.id,
  username: users.username,
  displayName: users.displayName,
  status: users.status,
  // Spelt out in SQL: drizzle leaves columns unqualified in a one-table select, and the
  // subquery's tables share column names with each other and with users.
  grants: sql<string>`(select json_group_array(json_array(m.role, m.org_id, o.kind, coalesce(o.region_code, m.region_code), m.manager))
    from memberships m left join organisations o on o.id = m.org_id
    where m.user_id = "users"."id")`,
};

type GrantTuple = [ActorGrant["role"], number | null, ActorGrant["orgKind"], string | null, 0 | 1];

function actorOf(row: { userId: number; username: string; displayName: string; status: string; grants: string }) {
  if (row.status !== "active") return null;
  const tuples = JSON.parse(row.grants) as GrantTuple[];
  return {
    userId: row.userId,
    username: row.username,
    displayName: row.displayName,
    grants: tuples.map(([role, orgId, orgKind, regionCode, manager]) => ({
      role,
      orgId,
      orgKind,
      regionCode,
      manager: manager === 1,
    })),
  } satisfies Actor;
}

export async function loadActor(database: Database, userId: number): Promise<Actor | null> {
  const [row] = await database.db.select(actorColumns).from(users).where(eq(users.id, userId)).limit(1);
  return row ? actorOf(row) : null;
}

/** Every request's statement: built once (db/client.ts `preparedQuery`). */
const sessionById = preparedQuery((db) =>
  db
    .select({ expiresAt: sessions.expiresAt, ...actorColumns })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(eq(sessions.id, sql.placeholder("id")))
    .limit(1)
    .prepare(),
);

export async function validateSessionToken(
  database: Database,
  token: string,
  now = new Date(),
): Promise<ValidatedSession | null> {
  const id = hashToken(token);
  const [row] = await sessionById(database.db).all({ id });
  if (!row) return null;
  if (row.expiresAt.getTime() <= now.getTime()) {
    await database.write((tx) => tx.delete(sessions).where(eq(sessions.id, id)));
    return null;
  }
  const actor = actorOf(row);
  if (!actor) return null;
  let expiresAt = row.expiresAt;
  let renewed = false;
  if (expiresAt.getTime() - now.getTime() < RENEW_WHEN_LEFT_MS) {
    expiresAt = new Date(now.getTime() + SESSION_LIFETIME_MS);
    renewed = true;
    await database.write((tx) => tx.update(sessions).set({ expiresAt }).where(eq(sessions.id, id)));
  }
  return { session: { id, userId: actor.userId, expiresAt }, actor, renewed };
}

export async function deleteExpiredSessions(database: Database, now = new Date()): Promise<void> {
  await database.write((tx) => tx.delete(sessions).where(lt(sessions.expiresAt, now)));
}

export function sessionCookie(token: string, expiresAt: Date, secure: boolean): string {
  const maxAge = Math.max(0, Math.floor((expiresAt.getTime() - Date.now()) / 1000));
  return [
    `${SESSION_COOKIE}=${token}`,
    "Path=/",
    "HttpOnly",
    "SameSite=Lax",
    `Max-Age=${maxAge}`,
    ...(secure ? ["Secure"] : []),
  ].join("; ");
}

export function clearSessionCookie(secure: boolean): string {
  return [`${SESSION_COOKIE}=`, "Path=/", "HttpOnly", "SameSite=Lax", "Max-Age=0", ...(secure ? ["Secure"] : [])].join(
    "; ",
  );
}

export function readSessionToken(cookieHeader: string | undefined | null): string | null {
  if (!cookieHeader) return null;
  for (const part of cookieHeader.split(";")) {
    const eqAt = part.indexOf("=");
    if (eqAt < 0) continue;
    if (part.slice(0, eqAt).trim() === SESSION_COOKIE) {
      const value = part.slice(eqAt + 1).trim();
      return /^[a-z2-7]{32}$/.test(value) ? value : null;
    }
  }
  return null;
}
