/**
 * Keys for the hotline platform's integration API (docs/decisions/0009).
 * A key is `rt_` + a random token, shown once at creation; the database keeps
 * its SHA-256 and a short prefix to tell keys apart. Each key acts through its
 * own system account (「接口：<name>」) holding an operator grant on the hotline
 * centre, so every ticket event it causes names the key.
 */
import { and, asc, eq, isNull, sql } from "drizzle-orm";
import { z } from "zod";
import type { Database, Queryable } from "../../../db/client";
import { apiKeys, organisations, users } from "../../../db/schema";
import { ConflictError, ForbiddenError, NotFoundError, ServiceError } from "../../errors";
import { insertSystemUser, parseOrThrow } from "../../identity/accounts";
import { audit } from "../../identity/audit";
import { can, type Actor } from "../../identity/permissions";
import { generateToken, hashToken } from "../../identity/tokens";

export const API_KEY_PREFIX = "rt_";
/** `rt_` and the first six characters: enough to tell a handful of keys apart, far too little to guess one. */
const SHOWN_PREFIX_LENGTH = API_KEY_PREFIX.length + 6;
/** last_used_at is written at most this often per key: a busy integration does not turn every read into a write. */
export const LAST_USED_RESOLUTION_MS = 60_000;

/** 401: no key, an unknown key or a revoked one. The message is safe to show the caller. */
export class UnauthorizedError extends ServiceError {
  constructor(
    message: string,
    /** RFC 6750 error code for the WWW-Authenticate header; absent when no credentials were sent. */
    readonly bearerError?: "invalid_token" | "invalid_request",
  ) {
    super(401, "unauthorized", message);
  }
}

/** 503: the portal has no hotline centre for the integration to act as. */
export class IntegrationUnavailableError extends ServiceError {
  constructor() {
    super(503, "integration_unavailable", "系统中没有热线中心组织，接口暂不可用：请管理员先创建热线中心");
  }
}

export const apiKeyCreateSchema = z.object({
  name: z.string().trim().min(2, "请填写密钥名称（至少 2 个字）").max(40, "名称不能超过 40 字"),
});

/** The username of a key's system account: the colon keeps it out of reach of registration. */
const SYSTEM_USERNAME_PREFIX = "api-key:";
const systemUsername = (keyId: number) => `${SYSTEM_USERNAME_PREFIX}${keyId}`;
const systemDisplayName = (name: string) => `接口：${name}`;

/**
 * The hotline centre the integration acts as: the city-level one (shortest
 * region code), the oldest if several. Null when there is none.
 */
export async function hotlineCentre(db: Queryable) {
  const row = await db
    .select({ id: organisations.id, name: organisations.name, regionCode: organisations.regionCode })
    .from(organisations)
    .where(eq(organisations.kind, "hotline_centre"))
    .orderBy(sql`length(${organisations.regionCode})`, asc(organisations.id))
    .limit(1)
    .get();
  return row ?? null;
}

function requireManager(actor: Actor | null): asserts actor is Actor {
  if (!can(actor, "manage:api-key")) throw new ForbiddenError();
}

/** Creates a key. The secret is in the result and nowhere else: it cannot be shown again. */
export async function createApiKey(
  database: Database,
  actor: Actor,
  input: unknown,
  meta: { ip?: string | null } = {},
) {
  requireManager(actor);
  const { name } = parseOrThrow(apiKeyCreateSchema, input);
  const secret = `${API_KEY_PREFIX}${generateToken()}`;
  const prefix = secret.slice(0, SHOWN_PREFIX_LENGTH);
  return database.write(async (tx) => {
    if (!(await hotlineCentre(tx))) {
      throw new ConflictError("系统中没有热线中心组织，无法创建接口密钥：请先在「组织」中创建热线中心");
    }
    const [row] = await tx
      .insert(apiKeys)
      .values({ name, prefix, keyHash: hashToken(secret), createdBy: actor.userId })
      .returning();
    await insertSystemUser(tx, systemUsername(row!.id), systemDisplayName(name));
    await audit(tx, {
      actorUserId: actor.userId,
      action: "api_key.created",
      entity: "api_key",
      entityId: row!.id,
      detail: { name, prefix },
      ip: meta.ip ?? null,
    });
    return { id: row!.id, name, prefix, createdAt: row!.createdAt, secret };
  });
}

export async function listApiKeys(database: Database, actor: Actor) {
  requireManager(actor);
  return database.db
    .select({
      id: apiKeys.id,
      name: apiKeys.name,
      prefix: apiKeys.prefix,
      createdAt: apiKeys.createdAt,
      createdByName: users.displayName,
      lastUsedAt: apiKeys.lastUsedAt,
      revokedAt: apiKeys.revokedAt,
    })
    .from(apiKeys)
    .leftJoin(users, eq(apiKeys.createdBy, users.id))
    .orderBy(sql`${apiKeys.revokedAt} is not null`, asc(apiKeys.id));
}

/** Revokes a key at once: its next request is refused. Revocation cannot be undone — create a new key. */
export async function revokeApiKey(database: Database, actor: Actor, keyId: number, meta: { ip?: string | null } = {}) {
  requireManager(actor);
  return database.write(async (tx) => {
    const key = await tx.select().from(apiKeys).where(eq(apiKeys.id, keyId)).get();
    if (!key) throw new NotFoundError("密钥不存在");
    if (key.revokedAt) throw new ConflictError("该密钥已撤销");
    const now = new Date();
    await tx
      .update(apiKeys)
      .set({ revokedAt: now })
      .where(and(eq(apiKeys.id, keyId), isNull(apiKeys.revokedAt)));
    await audit(tx, {
      actorUserId: actor.userId,
      action: "api_key.revoked",
      entity: "api_key",
      entityId: keyId,
      detail: { name: key.name, prefix: key.prefix },
      ip: meta.ip ?? null,
    });
    return { id: keyId, revokedAt: now };
  });
}

export interface ApiPrincipal {
  actor: Actor;
  key: { id: number; name: string; prefix: string };
}

/** The token in `Authorization: Bearer <token>`, or null when the header is missing or of another scheme. */
export function bearerToken(header: string | undefined | null): string | null {
  const match = /^Bearer[ \t]+([^\s]+)[ \t]*$/i.exec(header ?? "");
  return match ? match[1]! : null;
}

/**
 * Who a key is: the actor the integration acts as. Throws UnauthorizedError
 * for a missing, unknown or revoked key and IntegrationUnavailableError when
 * the portal has no hotline centre. Marks the key used (at most once a minute).
 */
export async function authenticateApiKey(
  database: Database,
  secret: string | null | undefined,
  now = new Date(),
): Promise<ApiPrincipal> {
  if (!secret) throw new UnauthorizedError("缺少接口密钥：请在 Authorization 头中以 Bearer 方式提供");
  if (!secret.startsWith(API_KEY_PREFIX) || secret.length > 100) {
    throw new UnauthorizedError("接口密钥无效", "invalid_token");
  }
  const row = await database.db
    .select({
      id: apiKeys.id,
      name: apiKeys.name,
      prefix: apiKeys.prefix,
      revokedAt: apiKeys.revokedAt,
      lastUsedAt: apiKeys.lastUsedAt,
      userId: users.id,
      username: users.username,
      displayName: users.displayName,
    })
    .from(apiKeys)
    .leftJoin(users, eq(users.username, sql`${SYSTEM_USERNAME_PREFIX} || ${apiKeys.id}`))
    .where(eq(apiKeys.keyHash, hashToken(secret)))
    .get();
  if (!row || row.userId == null) throw new UnauthorizedError("接口密钥无效", "invalid_token");
  if (row.revokedAt) throw new UnauthorizedError("接口密钥已撤销", "invalid_token");
  const centre = await hotlineCentre(database.db);
  if (!centre) throw new IntegrationUnavailableError();
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS) {
    await database.write((tx) => tx.update(apiKeys).set({ lastUsedAt: now }).where(eq(apiKeys.id, row.id)));
  }
  return {
    key: { id: row.id, name: row.name, prefix: row.prefix },
    actor: {
      userId: row.userId,
      username: row.username!,
      displayName: row.displayName!,
      // Exactly the centre's operator grant: the permission table, not this module, says what that allows.
      grants: [
        {
          role: "operator",
          orgId: centre.id,
          orgKind: "hotline_centre",
          regionCode: centre.regionCode,
          manager: false,
        },
      ],
    },
  };
}
