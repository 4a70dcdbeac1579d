/**
 * Failed sign-ins are counted per account name and per client address, in
 * the database so that a restart or a second process does not reset them.
 * The numbers follow OWASP's authentication cheat sheet: a small budget per
 * account (slows guessing one password), a larger one per address (slows
 * spraying many accounts) — both temporary, so nobody is locked out for good.
 */
import { eq } from "drizzle-orm";
import type { Database, Tx } from "../../db/client";
import { loginThrottle } from "../../db/schema";

export interface ThrottlePolicy {
  maxFailures: number;
  windowMs: number;
  blockMs: number;
}

const MINUTE = 60_000;
export const accountPolicy: ThrottlePolicy = { maxFailures: 5, windowMs: 15 * MINUTE, blockMs: 15 * MINUTE };
export const addressPolicy: ThrottlePolicy = { maxFailures: 30, windowMs: 15 * MINUTE, blockMs: 15 * MINUTE };

export const accountKey = (username: string) => `account:${username.trim().toLowerCase()}`;
export const addressKey = (ip: string) => `ip:${ip}`;

/** Milliseconds until `key` may try again, or 0. */
export async function blockedFor(database: Database, key: string, now = new Date()): Promise<number> {
  const row = await database.db.query.loginThrottle.findFirst({ where: eq(loginThrottle.key, key) });
  const until = row?.blockedUntil?.getTime() ?? 0;
  return Math.max(0, until - now.getTime());
}

export async function recordFailure(tx: Tx, key: string, policy: ThrottlePolicy, now = new Date()): Promise<void> {
  const row = await tx.query.loginThrottle.findFirst({ where: eq(loginThrottle.key, key) });
  const fresh = !row || now.getTime() - row.windowStartedAt.getTime() > policy.windowMs;
  const failures = fresh ? 1 : row.failures + 1;
  const windowStartedAt = fresh ? now : row.windowStartedAt;
  const blockedUntil = failures >= policy.maxFailures ? new Date(now.getTime() + policy.blockMs) : null;
  await tx
    .insert(loginThrottle)
    .values({ key, failures, windowStartedAt, blockedUntil })
    .onConflictDoUpdate({ target: loginThrottle.key, set: { failures, windowStartedAt, blockedUntil } });
}

export async function clearFailures(tx: Tx, key: string): Promise<void> {
  await tx.delete(loginThrottle).where(eq(loginThrottle.key, key));
}
