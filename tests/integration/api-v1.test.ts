/**
 * The hotline platform's JSON API (/api/v1) against a real portal: keys,
 * idempotent pushes, actions through the state machine, sync paging, and the
 * error contract ({error:{code,message,fields?}}, never a stack trace).
 */
import { count, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../db/client";
import { apiKeys, tickets } from "../../db/schema";
import { revokeApiKey } from "../../server/tickets";
import { callJson, newApiKey, streetLeaf } from "../helpers/api";
import { actorOf, orgId } from "../helpers/database";
import { startPortal, type TestPortal } from "../helpers/portal";

let p: TestPortal;
let db: Database;
let key: string;
let leaf: Awaited<ReturnType<typeof streetLeaf>>;
let seq = 0;

const REPORTER = { reporterName: "张三丰", reporterPhone: "13912345678" };

function payload(overrides: Record<string, unknown> = {}) {
  seq += 1;
  return {
    number: `BJ2026${String(seq).padStart(6, "0")}`,
    type: "complaint",
    channel: "phone",
    urgency: "normal",
    categoryId: leaf.id,
    description: "小区楼道堆放杂物，物业长期不清理，存在消防隐患",
    address: "西城区大栅栏西河沿街 12 号院 3 号楼",
    regionCode: "110102013901",
    ...REPORTER,
    ...overrides,
  };
}

const api = (path: string, options: Parameters<typeof callJson>[2] = {}) => callJson(p.url, path, { key, ...options });

/** The error contract: exactly {error:{code,message[,fields]}} and nothing that smells of a stack. */
function expectError(json: unknown, code: string) {
  expect(json).toMatchObject({ error: { code, message: expect.any(String) } });
  const { error } = json as { error: Record<string, unknown> };
  expect(Object.keys(json as object)).toEqual(["error"]);
  expect(Object.keys(error).every((k) => ["code", "message", "fields"].includes(k))).toBe(true);
  expect(JSON.stringify(json)).not.toMatch(/at .+\.(ts|js):\d+|node_modules|Error:/);
}

beforeAll(async () => {
  p = await startPortal();
  db = p.portal.database;
  key = await newApiKey(db);
  leaf = await streetLeaf(db);
});
afterAll(() => p?.close());

describe("authentication", () => {
  it("refuses a request without a key: 401 with a Bearer challenge", async () => {
    const { status, res, json } = await api("/api/v1/tickets", { key: null });
    expect(status).toBe(401);
    expect(res.headers.get("www-authenticate")).toBe('Bearer realm="roundtable"');
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expectError(json, "unauthorized");
  });

  it("refuses an unknown key and another scheme", async () => {
    const wrong = await api("/api/v1/tickets", { key: `rt_${"x".repeat(32)}` });
    expect(wrong.status).toBe(401);
    expect(wrong.res.headers.get("www-authenticate")).toBe('Bearer realm="roundtable", error="invalid_token"');
    expectError(wrong.json, "unauthorized");
    const basic = await api("/api/v1/tickets", { key: null, headers: { authorization: `Basic ${btoa(key)}` } });
    expect(basic.status).toBe(401);
  });

  it("refuses a revoked key at once", async () => {
    const doomed = await newApiKey(db, "即将撤销");
    expect((await api("/api/v1/tickets", { key: doomed })).status).toBe(200);
    const row = (await db.db
      .select()
      .from(apiKeys)
      .where(eq(apiKeys.prefix, doomed.slice(0, 9)))
      .get())!;
    await revokeApiKey(db, await actorOf(db, "admin"), row.id);
    const { status, json } = await api("/api/v1/tickets", { key: doomed });
    expect(status).toBe(401);
    expect(json.error.message).toBe("接口密钥已撤销");
  });

  it("refuses a body from someone without a key before reading it", async () => {
    const { status } = await api("/api/v1/tickets", { key: null, body: payload() });
    expect(status).toBe(401);
  });

  it("marks the key as used", async () => {
    const fresh = await newApiKey(db, "使用记录");
    await api("/api/v1/tickets", { key: fresh });
    const row = (await db.db
      .select()
      .from(apiKeys)
      .where(eq(apiKeys.prefix, fresh.slice(0, 9)))
      .get())!;
    expect(row.lastUsedAt).toBeInstanceOf(Date);
  });
});

describe("pushing tickets", () => {
  it("creates a ticket under the hotline's number, the API named as its actor", async () => {
    const body = payload();
    const { status, json } = await api("/api/v1/tickets", { body });
    expect(status).toBe(201);
    expect(json.created).toBe(true);
    expect(json.ticket).toMatchObject({
      number: body.number,
      status: "received",
      source: "api",
      type: "complaint",
      communityCode: "110102013901",
      streetCode: "110102013",
      reporterName: "张**",
      reporterPhone: "139****5678",
      category: { code: leaf.code, name: leaf.name },
    });
    expect(json.ticket.receivedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/);
    expect(json.ticket.events).toHaveLength(1);
    expect(json.ticket.events[0]).toMatchObject({
      kind: "received",
      actor: "接口：12345 市级平台",
      organisation: "北京市12345市民服务热线中心",
    });
    expect(json.ticket.actions).toContain("dispatch");
    expect(JSON.stringify(json)).not.toContain(REPORTER.reporterPhone);
    expect(JSON.stringify(json)).not.toContain(REPORTER.reporterName);
  });

  it("is idempotent: the same number again answers 200 with the same ticket, created false", async () => {
    const body = payload();
    const first = await api("/api/v1/tickets", { body });
    const again = await api("/api/v1/tickets", { body });
    expect(first.status).toBe(201);
    expect(again.status).toBe(200);
    expect(again.json.created).toBe(false);
    expect(again.json.ticket.number).toBe(body.number);
    expect(again.json.ticket.receivedAt).toBe(first.json.ticket.receivedAt);
    const [n] = await db.db.select({ n: count() }).from(tickets).where(eq(tickets.number, body.number));
    expect(n!.n).toBe(1);
  });

  it("stays one ticket when the same push arrives several times at once", async () => {
    const body = payload();
    const results = await Promise.all([1, 2, 3, 4].map(() => api("/api/v1/tickets", { body })));
    expect(results.map((r) => r.status).sort()).toEqual([200, 200, 200, 201]);
    const [n] = await db.db.select({ n: count() }).from(tickets).where(eq(tickets.number, body.number));
    expect(n!.n).toBe(1);
  });

  it("answers 409 when the same number arrives with other content, naming what differs", async () => {
    const body = payload();
    await api("/api/v1/tickets", { body });
    const { status, json } = await api("/api/v1/tickets", {
      body: { ...body, description: "另一件事情：路灯不亮已经一周了", urgency: "urgent" },
    });
    expect(status).toBe(409);
    expectError(json, "conflict");
    expect(json.error.message).toContain(body.number);
    expect(Object.keys(json.error.fields).sort()).toEqual(["description", "urgency"]);
  });

  it("does not compare a dispatch that came with the first push", async () => {
    const body = payload({ dispatchOrgId: await orgId(db, "大栅栏街道办事处") });
    expect((await api("/api/v1/tickets", { body })).json.ticket.status).toBe("dispatched");
    const again = await api("/api/v1/tickets", { body });
    expect(again.status).toBe(200);
    expect(again.json.ticket.leadUnit).toBe("大栅栏街道办事处");
  });

  it("wants the hotline's number", async () => {
    const { number: _n, ...body } = payload();
    const { status, json } = await api("/api/v1/tickets", { body });
    expect(status).toBe(400);
    expectError(json, "invalid");
    expect(json.error.fields.number).toBeDefined();
  });

  it("answers 400 with field errors for invalid input", async () => {
    const { status, json } = await api("/api/v1/tickets", {
      body: payload({ description: "短", type: "rant", lon: 200, lat: 39.9 }),
    });
    expect(status).toBe(400);
    expectError(json, "invalid");
    expect(Object.keys(json.error.fields)).toEqual(expect.arrayContaining(["description", "type", "lon"]));
    expect(json.error.fields.description[0]).toMatch(/至少 5 个字/);
  });

  it("answers 400 for malformed JSON", async () => {
    const { status, json } = await api("/api/v1/tickets", { body: '{"number": "BJ1", ' });
    expect(status).toBe(400);
    expectError(json, "invalid_json");
  });

  it("answers 413 for a body over 256 KB", async () => {
    const { status, json } = await api("/api/v1/tickets", {
      body: payload({ description: "很".repeat(100_000) }),
    });
    expect(status).toBe(413);
    expectError(json, "payload_too_large");
  });

  it("answers 415 for a body that is not JSON", async () => {
    const { status, json } = await api("/api/v1/tickets", {
      body: "number=BJ1",
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expect(status).toBe(415);
    expectError(json, "unsupported_media_type");
  });
});

describe("reading and acting", () => {
  it("reads a ticket by number, and 404s an unknown one", async () => {
    const body = payload();
    await api("/api/v1/tickets", { body });
    const { status, json } = await api(`/api/v1/tickets/${body.number}`);
    expect(status).toBe(200);
    expect(json).toMatchObject({ number: body.number, reporterName: "张**" });
    const missing = await api("/api/v1/tickets/NO-SUCH-1");
    expect(missing.status).toBe(404);
    expectError(missing.json, "not_found");
  });

  it("moves a ticket through the state machine as the centre; an illegal step is a 409 with the reason", async () => {
    const body = payload();
    await api("/api/v1/tickets", { body });
    const path = `/api/v1/tickets/${body.number}/actions`;
    const street = await orgId(db, "大栅栏街道办事处");

    const dispatched = await api(path, { body: { kind: "dispatch", orgId: street, note: "请街道核实处理" } });
    expect(dispatched.status).toBe(200);
    expect(dispatched.json).toMatchObject({ status: "dispatched", event: "dispatched" });
    expect(dispatched.json.ticket.leadUnit).toBe("大栅栏街道办事处");
    expect(dispatched.json.ticket.events.at(-1)).toMatchObject({
      kind: "dispatched",
      actor: "接口：12345 市级平台",
      organisation: "北京市12345市民服务热线中心",
    });

    const supervised = await api(path, { body: { kind: "supervise", note: "请加快办理" } });
    expect(supervised.status).toBe(200);
    expect(supervised.json.ticket.supervisionCount).toBe(1);

    const closing = await api(path, { body: { kind: "close" } });
    expect(closing.status).toBe(409);
    expectError(closing.json, "conflict");
    expect(closing.json.error.message).toMatch(/不能「办结」/);
    expect(closing.json.error.message).toMatch(/[\u4e00-\u9fff]/);

    // Accepting is the street's step, not the centre's.
    const accepting = await api(path, { body: { kind: "accept" } });
    expect(accepting.status).toBe(403);
    expectError(accepting.json, "forbidden");

    const state = await api(`/api/v1/tickets/${body.number}`);
    expect(state.json.status).toBe("dispatched");
  });

  it("validates an action: 400 with fields", async () => {
    const body = payload();
    await api("/api/v1/tickets", { body });
    const unknownKind = await api(`/api/v1/tickets/${body.number}/actions`, { body: { kind: "teleport" } });
    expect(unknownKind.status).toBe(400);
    expectError(unknownKind.json, "invalid");
    const noNote = await api(`/api/v1/tickets/${body.number}/actions`, { body: { kind: "supervise" } });
    expect(noNote.status).toBe(400);
    expect(noNote.json.error.fields.note).toBeDefined();
  });

  it("404s an action on an unknown ticket", async () => {
    const { status, json } = await api("/api/v1/tickets/NO-SUCH-2/actions", { body: { kind: "close" } });
    expect(status).toBe(404);
    expectError(json, "not_found");
  });
});

describe("sync", () => {
  it("pages through what changed since a moment, without reporter details", async () => {
    const since = new Date(Date.now() - 1000).toISOString();
    const numbers = [];
    for (let i = 0; i < 3; i++) {
      const body = payload();
      numbers.push(body.number);
      await api("/api/v1/tickets", { body });
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query = new URLSearchParams({ updatedSince: since, limit: "2", ...(cursor ? { cursor } : {}) });
      const { status, json, text } = await api(`/api/v1/tickets?${query}`);
      expect(status).toBe(200);
      expect(text).not.toContain(REPORTER.reporterPhone);
      expect(text).not.toContain(REPORTER.reporterName);
      expect(text).not.toContain("张**");
      for (const item of json.items) {
        expect(item).not.toHaveProperty("reporterName");
        expect(item).not.toHaveProperty("reporterPhone");
        seen.push(item.number);
      }
      cursor = json.nextCursor;
      pages += 1;
    } while (cursor && pages < 100);
    expect(seen).toEqual(expect.arrayContaining(numbers));
    expect(new Set(seen).size).toBe(seen.length);
    expect(pages).toBeGreaterThan(1);
  });

  it("lists changes oldest first with updatedAt in Beijing time", async () => {
    const { json } = await api("/api/v1/tickets?limit=500");
    const stamps = json.items.map((i: { updatedAt: string }) => Date.parse(i.updatedAt));
    expect(stamps).toEqual([...stamps].sort((a, b) => a - b));
    expect(json.items[0].updatedAt).toMatch(/\+08:00$/);
  });

  it("answers 400 for a bad updatedSince, limit or cursor", async () => {
    const bad = await api("/api/v1/tickets?updatedSince=yesterday");
    expect(bad.status).toBe(400);
    expect(bad.json.error.fields.updatedSince).toBeDefined();
    expect((await api("/api/v1/tickets?limit=5000")).status).toBe(400);
    expect((await api("/api/v1/tickets?cursor=bm9wZQ")).status).toBe(400);
  });
});

describe("the rest of /api", () => {
  it("answers JSON 404s for unknown paths", async () => {
    const v1 = await api("/api/v1/nothing-here");
    expect(v1.status).toBe(404);
    expectError(v1.json, "not_found");
    const root = await api("/api/nothing-here", { key: null });
    expect(root.status).toBe(404);
    expectError(root.json, "not_found");
  });

  it("publishes an OpenAPI 3.1 description of both APIs", async () => {
    const { status, json } = await api("/api/openapi.json", { key: null });
    expect(status).toBe(200);
    expect(json.openapi).toBe("3.1.0");
    expect(Object.keys(json.paths)).toEqual(
      expect.arrayContaining([
        "/api/v1/tickets",
        "/api/v1/tickets/{number}",
        "/api/v1/tickets/{number}/actions",
        "/api/open311/v2/discovery.{format}",
        "/api/open311/v2/services.{format}",
        "/api/open311/v2/services/{service_code}.{format}",
        "/api/open311/v2/requests.{format}",
        "/api/open311/v2/requests/{service_request_id}.{format}",
        "/api/open311/v2/tokens/{token}.{format}",
      ]),
    );
    expect(json.components.schemas.TicketPush.required).toEqual(expect.arrayContaining(["number", "categoryId"]));
    expect(json.components.schemas.Action.oneOf.length).toBeGreaterThan(10);
    // Every $ref points at something that exists.
    const refs = [...JSON.stringify(json).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]!);
    for (const name of refs) expect(json.components.schemas).toHaveProperty(name);
  });
});
