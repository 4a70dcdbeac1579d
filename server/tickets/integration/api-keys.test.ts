/**
 * API keys as a service: only `manage:api-key` holders create, list and
 * revoke; the secret is shown once and stored as a hash; a key acts as the
 * hotline centre's operator through its own system account, which nobody can
 * sign in as; use is recorded at most once a minute.
 */
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiKeys, auditLog, organisations } from "../../../db/schema";
import { actorOf, openTestDatabase, type TestDatabase } from "../../../tests/helpers/database";
import { ConflictError, ForbiddenError, ValidationError } from "../../errors";
import { can, login, loadActor } from "../../identity";
import {
  authenticateApiKey,
  bearerToken,
  createApiKey,
  IntegrationUnavailableError,
  LAST_USED_RESOLUTION_MS,
  listApiKeys,
  revokeApiKey,
  UnauthorizedError,
} from "./api-keys";

let t: TestDatabase;
beforeAll(async () => {
  t = await openTestDatabase({ demo: true });
});
afterAll(() => t?.close());

describe("who may manage keys", () => {
  it.each(["operator", "street", "secretary", "housing", "resident"])(
    "%s may not create, list or revoke",
    async (who) => {
      const actor = await actorOf(t.database, who);
      await expect(createApiKey(t.database, actor, { name: "试图创建" })).rejects.toBeInstanceOf(ForbiddenError);
      await expect(listApiKeys(t.database, actor)).rejects.toBeInstanceOf(ForbiddenError);
      await expect(revokeApiKey(t.database, actor, 1)).rejects.toBeInstanceOf(ForbiddenError);
    },
  );

  it("the admin may", async () => {
    const admin = await actorOf(t.database, "admin");
    const key = await createApiKey(t.database, admin, { name: "权限测试" });
    expect((await listApiKeys(t.database, admin)).map((k) => k.name)).toContain("权限测试");
    await revokeApiKey(t.database, admin, key.id);
  });
});

describe("creating a key", () => {
  it("returns the secret once and keeps only its hash and a short prefix", async () => {
    const admin = await actorOf(t.database, "admin");
    const key = await createApiKey(t.database, admin, { name: "12345 市级平台" }, { ip: "10.0.0.1" });
    expect(key.secret).toMatch(/^rt_[a-z2-7]{32}$/);
    expect(key.prefix).toBe(key.secret.slice(0, 9));
    const row = await t.database.db.select().from(apiKeys).where(eq(apiKeys.id, key.id)).get();
    expect(row!.keyHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(row)).not.toContain(key.secret);
    const listed = (await listApiKeys(t.database, admin)).find((k) => k.id === key.id)!;
    expect(listed).toMatchObject({ name: "12345 市级平台", prefix: key.prefix, lastUsedAt: null, revokedAt: null });
    expect(listed.createdByName).toBe(admin.displayName);
    expect(JSON.stringify(listed)).not.toContain(key.secret);
  });

  it("writes an audit row without the secret", async () => {
    const admin = await actorOf(t.database, "admin");
    const key = await createApiKey(t.database, admin, { name: "审计测试" }, { ip: "10.0.0.2" });
    const row = await t.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "api_key.created"), eq(auditLog.entityId, String(key.id))))
      .get();
    expect(row).toMatchObject({ actorUserId: admin.userId, entity: "api_key", ip: "10.0.0.2" });
    expect(row!.detail).toEqual({ name: "审计测试", prefix: key.prefix });
  });

  it("wants a name", async () => {
    const admin = await actorOf(t.database, "admin");
    await expect(createApiKey(t.database, admin, { name: " " })).rejects.toBeInstanceOf(ValidationError);
  });
});

describe("authenticating", () => {
  it("reads the Bearer scheme only", () => {
    expect(bearerToken("Bearer rt_abc")).toBe("rt_abc");
    expect(bearerToken("bearer   rt_abc ")).toBe("rt_abc");
    expect(bearerToken("Basic cnQ6YWJj")).toBeNull();
    expect(bearerToken(undefined)).toBeNull();
  });

  it("gives an actor with exactly the centre's operator grant, named after the key", async () => {
    const admin = await actorOf(t.database, "admin");
    const key = await createApiKey(t.database, admin, { name: "身份测试" });
    const { actor, key: info } = await authenticateApiKey(t.database, key.secret);
    const centre = await t.database.db.query.organisations.findFirst({
      where: eq(organisations.kind, "hotline_centre"),
    });
    expect(info).toEqual({ id: key.id, name: "身份测试", prefix: key.prefix });
    expect(actor.username).toBe(`api-key:${key.id}`);
    expect(actor.displayName).toBe("接口：身份测试");
    expect(actor.userId).not.toBe(admin.userId);
    expect(actor.grants).toEqual([
      { role: "operator", orgId: centre!.id, orgKind: "hotline_centre", regionCode: "110000", manager: false },
    ]);
    // What the permission table gives the centre, and nothing of the admin's.
    expect(can(actor, "create:ticket", {})).toBe(true);
    expect(can(actor, "dispatch:ticket", {})).toBe(true);
    expect(can(actor, "supervise:ticket", {})).toBe(true);
    expect(can(actor, "callback:ticket", {})).toBe(true);
    expect(can(actor, "handle:ticket")).toBe(false);
    expect(can(actor, "manage:api-key")).toBe(false);
    expect(can(actor, "manage:user")).toBe(false);
  });

  it("refuses a missing, malformed or unknown key", async () => {
    await expect(authenticateApiKey(t.database, null)).rejects.toMatchObject({ status: 401, bearerError: undefined });
    await expect(authenticateApiKey(t.database, "not-a-key")).rejects.toMatchObject({ bearerError: "invalid_token" });
    await expect(authenticateApiKey(t.database, `rt_${"a".repeat(32)}`)).rejects.toBeInstanceOf(UnauthorizedError);
  });

  it("refuses a revoked key at once, and revocation is audited and final", async () => {
    const admin = await actorOf(t.database, "admin");
    const key = await createApiKey(t.database, admin, { name: "撤销测试" });
    await authenticateApiKey(t.database, key.secret);
    await revokeApiKey(t.database, admin, key.id, { ip: "10.0.0.3" });
    await expect(authenticateApiKey(t.database, key.secret)).rejects.toMatchObject({
      status: 401,
      message: "接口密钥已撤销",
    });
    await expect(revokeApiKey(t.database, admin, key.id)).rejects.toBeInstanceOf(ConflictError);
    const row = await t.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "api_key.revoked"), eq(auditLog.entityId, String(key.id))))
      .get();
    expect(row).toMatchObject({ actorUserId: admin.userId, ip: "10.0.0.3" });
  });

  it("records use at most once a minute", async () => {
    const admin = await actorOf(t.database, "admin");
    const key = await createApiKey(t.database, admin, { name: "使用时间" });
    const lastUsed = async () =>
      (await t.database.db.select().from(apiKeys).where(eq(apiKeys.id, key.id)).get())!.lastUsedAt;
    const t0 = new Date("2026-03-02T01:00:00Z");
    await authenticateApiKey(t.database, key.secret, t0);
    expect(await lastUsed()).toEqual(t0);
    await authenticateApiKey(t.database, key.secret, new Date(t0.getTime() + 5_000));
    expect(await lastUsed()).toEqual(t0);
    const later = new Date(t0.getTime() + LAST_USED_RESOLUTION_MS);
    await authenticateApiKey(t.database, key.secret, later);
    expect(await lastUsed()).toEqual(later);
  });

  it("its system account cannot sign in or hold a session", async () => {
    const admin = await actorOf(t.database, "admin");
    const key = await createApiKey(t.database, admin, { name: "登录测试" });
    const { actor } = await authenticateApiKey(t.database, key.secret);
    await expect(
      login(t.database, { username: actor.username, password: "!" }, { ip: "10.0.0.4" }),
    ).rejects.toBeInstanceOf(ValidationError);
    expect(await loadActor(t.database, actor.userId)).toBeNull();
  });
});

describe("without a hotline centre", () => {
  it("refuses to create keys, and existing keys answer 503", async () => {
    const d = await openTestDatabase({ demo: true });
    try {
      const admin = await actorOf(d.database, "admin");
      const key = await createApiKey(d.database, admin, { name: "先建的密钥" });
      await d.database.db
        .update(organisations)
        .set({ kind: "department" })
        .where(eq(organisations.kind, "hotline_centre"));
      await expect(createApiKey(d.database, admin, { name: "没有中心" })).rejects.toThrow(/没有热线中心/);
      await expect(authenticateApiKey(d.database, key.secret)).rejects.toBeInstanceOf(IntegrationUnavailableError);
    } finally {
      d.close();
    }
  });
});
