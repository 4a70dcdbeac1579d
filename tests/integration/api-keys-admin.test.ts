/**
 * The admin page for API keys (/admin/api-keys): only `manage:api-key`
 * holders reach it; a created key is shown once and works at once; a revoked
 * one stops at once.
 */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiKeys } from "../../db/schema";
import { get, postForm } from "../helpers/http";
import { signIn, startPortal, type TestPortal } from "../helpers/portal";

let p: TestPortal;
let admin: string;
let operator: string;

beforeAll(async () => {
  p = await startPortal();
  admin = await signIn(p.url, "admin");
  operator = await signIn(p.url, "operator");
});
afterAll(() => p?.close());

describe("/admin/api-keys", () => {
  it("is refused to a non-admin, to read and to post", async () => {
    expect((await get(`${p.url}/admin/api-keys`, { cookie: operator })).status).toBe(403);
    const posted = await postForm(
      `${p.url}/admin/api-keys`,
      { intent: "create", name: "偷偷建的" },
      { cookie: operator },
    );
    expect(posted.status).toBe(403);
    expect(await p.portal.database.db.select().from(apiKeys).where(eq(apiKeys.name, "偷偷建的")).get()).toBeUndefined();
  });

  it("sends the signed-out to the login page", async () => {
    const res = await get(`${p.url}/admin/api-keys`);
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toMatch(/^\/login/);
  });

  it("is in the admin navigation for the admin only", async () => {
    expect(await (await get(`${p.url}/admin/orgs`, { cookie: admin })).text()).toContain('href="/admin/api-keys"');
    const forOperator = await get(`${p.url}/admin/orgs`, { cookie: operator });
    expect(forOperator.status).toBe(200);
    expect(await forOperator.text()).not.toContain('href="/admin/api-keys"');
  });

  it("creates a key shown once, which works at once; revoking stops it", async () => {
    const created = await postForm(
      `${p.url}/admin/api-keys`,
      { intent: "create", name: "区级平台" },
      { cookie: admin },
    );
    expect(created.status).toBe(200);
    const html = await created.text();
    const secret = /rt_[a-z2-7]{32}/.exec(html)?.[0];
    expect(secret).toBeDefined();
    const auth = { authorization: `Bearer ${secret}` };
    expect((await fetch(`${p.url}/api/v1/tickets?limit=1`, { headers: auth })).status).toBe(200);

    const listed = await (await get(`${p.url}/admin/api-keys`, { cookie: admin })).text();
    expect(listed).toContain("区级平台");
    expect(listed).toContain(secret!.slice(0, 9));
    expect(listed).not.toContain(secret);

    const row = (await p.portal.database.db.select().from(apiKeys).where(eq(apiKeys.name, "区级平台")).get())!;
    const revoked = await postForm(
      `${p.url}/admin/api-keys`,
      { intent: "revoke", targetId: String(row.id) },
      { cookie: admin },
    );
    expect(revoked.status).toBe(200);
    expect((await fetch(`${p.url}/api/v1/tickets?limit=1`, { headers: auth })).status).toBe(401);
  });

  it("shows a field error for a missing name", async () => {
    const res = await postForm(`${p.url}/admin/api-keys`, { intent: "create", name: "" }, { cookie: admin });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("请填写密钥名称");
  });
});
