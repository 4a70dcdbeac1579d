import { eq } from "drizzle-orm";
import { z } from "zod";
import type { Database } from "../../db/client";
import { sessions, users } from "../../db/schema";
import { TooManyRequestsError, ValidationError } from "../errors";
import { audit } from "./audit";
import { verifyAgainstDummy, verifyPassword } from "./passwords";
import { insertSession } from "./sessions";
import {
  accountKey,
  accountPolicy,
  addressKey,
  addressPolicy,
  blockedFor,
  clearFailures,
  recordFailure,
} from "./throttle";

export const loginSchema = z.object({
  username: z.string().trim().min(1, "请输入用户名").max(64, "用户名过长"),
  password: z.string().min(1, "请输入密码").max(256, "密码过长"),
});

/** One message for an unknown user and a wrong password: never reveal which. */
export const BAD_CREDENTIALS = "用户名或密码错误";

export async function login(
  database: Database,
  input: { username: string; password: string },
  meta: { ip: string; userAgent?: string | null },
  now = new Date(),
): Promise<{ token: string; expiresAt: Date; userId: number }> {
  const username = input.username.trim().toLowerCase();
  const keys = [accountKey(username), addressKey(meta.ip)];
  const waits = await Promise.all(keys.map((k) => blockedFor(database, k, now)));
  const wait = Math.max(...waits);
  if (wait > 0) {
    const seconds = Math.ceil(wait / 1000);
    throw new TooManyRequestsError(`登录失败次数过多，请 ${Math.ceil(seconds / 60)} 分钟后再试`, seconds);
  }

  const user = await database.db.query.users.findFirst({ where: eq(users.username, username) });
  const ok = user ? await verifyPassword(user.passwordHash, input.password) : await verifyAgainstDummy(input.password);
  if (!user || !ok || user.status !== "active") {
    await database.write(async (tx) => {
      await recordFailure(tx, keys[0]!, accountPolicy, now);
      await recordFailure(tx, keys[1]!, addressPolicy, now);
      await audit(tx, {
        actorUserId: user?.id ?? null,
        action: "login.failed",
        entity: "user",
        entityId: user?.id ?? null,
        // The attempted name is kept for investigating attacks; it is not shown to the attacker.
        detail: { username },
        ip: meta.ip,
      });
    });
    throw new ValidationError(BAD_CREDENTIALS);
  }

  return database.write(async (tx) => {
    const { token, session } = await insertSession(tx, user.id, meta, now);
    await clearFailures(tx, keys[0]!);
    await audit(tx, {
      actorUserId: user.id,
      action: "login.succeeded",
      entity: "user",
      entityId: user.id,
      ip: meta.ip,
    });
    return { token, expiresAt: session.expiresAt, userId: user.id };
  });
}

/** Revokes the session: the cookie's token no longer opens anything, even if copied. */
export async function logout(database: Database, sessionId: string, userId: number, ip: string): Promise<void> {
  await database.write(async (tx) => {
    await tx.delete(sessions).where(eq(sessions.id, sessionId));
    await audit(tx, { actorUserId: userId, action: "logout", entity: "user", entityId: userId, ip });
  });
}
