/**
 * Open311 GeoReport v2 (/api/open311/v2) against a real portal, in JSON and
 * XML: discovery, services and definitions (public), service requests and
 * tokens (with a key), the spec's filters and limits, the mapping of our
 * tickets (deadline, lead unit, latest reply), and no personal data out.
 */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../db/client";
import { categories, tickets } from "../../db/schema";
import { act } from "../../server/tickets";
import { callJson, newApiKey, streetLeaf } from "../helpers/api";
import { actorOf, orgId } from "../helpers/database";
import { startPortal, type TestPortal } from "../helpers/portal";
import { parseXml, textAt } from "../helpers/xml";

let p: TestPortal;
let db: Database;
let key: string;
let leaf: Awaited<ReturnType<typeof streetLeaf>>;
const BASE = "/api/open311/v2";
const NAME = { first_name: "三", last_name: "李" };
const PHONE = "13700001111";

const get = (path: string, headers: Record<string, string> = {}) => fetch(`${p.url}${BASE}${path}`, { headers });

/** POST Service Request as the spec sends it: a urlencoded form with api_key inside. */
function post(path: string, form: Record<string, string>) {
  return fetch(`${p.url}${BASE}${path}`, { method: "POST", body: new URLSearchParams(form) });
}

async function xmlOf(res: Response) {
  expect(res.headers.get("content-type")).toBe("text/xml; charset=utf-8");
  const text = await res.text();
  return { ...parseXml(text), text };
}

function newRequest(overrides: Record<string, string> = {}) {
  return post("/requests.json", {
    api_key: key,
    service_code: leaf.code,
    lat: "39.8965",
    long: "116.3913",
    address_string: "西城区大栅栏西河沿街 8 号",
    description: "路边井盖松动，行人经过有危险",
    ...NAME,
    phone: PHONE,
    email: "li.san@example.com",
    ...overrides,
  });
}

async function createdId(res: Response): Promise<string> {
  expect(res.status).toBe(201);
  const body = (await res.json()) as { service_request_id: string }[];
  return body[0]!.service_request_id;
}

async function ticketOf(number: string) {
  return (await db.db.select().from(tickets).where(eq(tickets.number, number)).get())!;
}

beforeAll(async () => {
  p = await startPortal();
  db = p.portal.database;
  key = await newApiKey(db);
  leaf = await streetLeaf(db);
});
afterAll(() => p?.close());

describe("discovery", () => {
  it("describes the endpoint in JSON", async () => {
    const res = await get("/discovery.json");
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown> & { endpoints: Record<string, unknown>[] };
    expect(Object.keys(body)).toEqual(["changeset", "contact", "key_service", "endpoints"]);
    expect(body.contact).toContain("北京市12345市民服务热线中心");
    expect(body.endpoints).toEqual([
      {
        specification: "http://wiki.open311.org/GeoReport_v2",
        url: `${p.url}${BASE}`,
        changeset: body.changeset,
        type: "production",
        formats: ["text/xml", "application/json"],
      },
    ]);
  });

  it("and in XML, under <discovery>", async () => {
    const { root, declaration } = await xmlOf(await get("/discovery.xml"));
    expect(declaration).toBe('<?xml version="1.0" encoding="utf-8"?>');
    expect(root.name).toBe("discovery");
    expect(textAt(root, "endpoints/endpoint/specification")).toBe("http://wiki.open311.org/GeoReport_v2");
    const formats = root.children
      .find((c) => c.name === "endpoints")!
      .children[0]!.children.find((c) => c.name === "formats")!;
    expect(formats.children.map((f) => f.text)).toEqual(["text/xml", "application/json"]);
  });
});

describe("services", () => {
  it("lists every active leaf category, grouped by its level-1 name", async () => {
    const res = await get("/services.json");
    expect(res.status).toBe(200);
    const services = (await res.json()) as Record<string, unknown>[];
    const leaves = await db.db.select().from(categories);
    const active = leaves.filter((c) => c.active && c.limitClass);
    expect(services).toHaveLength(active.length);
    const mine = services.find((s) => s.service_code === leaf.code)!;
    const top = leaves.find((c) => c.code === leaf.code.split(".")[0])!;
    expect(mine).toEqual({
      service_code: leaf.code,
      service_name: leaf.name,
      description: expect.stringContaining(`${top.name} > `),
      metadata: false,
      type: "realtime",
      keywords: expect.stringContaining(leaf.name),
      group: top.name,
    });
  });

  it("in XML, as <services><service>…", async () => {
    const { root } = await xmlOf(await get("/services.xml"));
    expect(root.name).toBe("services");
    expect(root.children.length).toBeGreaterThan(10);
    expect(root.children.every((c) => c.name === "service")).toBe(true);
    expect(textAt(root, "service/metadata")).toBe("false");
    expect(textAt(root, "service/type")).toBe("realtime");
  });

  it("defines one service, with no attributes", async () => {
    const res = await get(`/services/${leaf.code}.json`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ service_code: leaf.code, attributes: [] });
    const { root } = await xmlOf(await get(`/services/${leaf.code}.xml`));
    expect(root.name).toBe("service_definition");
    expect(textAt(root, "service_code")).toBe(leaf.code);
  });

  it("404s an unknown service in the spec's error format", async () => {
    const res = await get("/services/99.99.99.json");
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual([{ code: 404, description: expect.stringContaining("99.99.99") }]);
    const xml = await get("/services/99.99.99.xml");
    expect(xml.status).toBe(404);
    const { root } = await xmlOf(xml);
    expect(root.name).toBe("errors");
    expect(textAt(root, "error/code")).toBe("404");
  });
});

describe("service requests need a key", () => {
  it.each(["/requests.json", "/requests/BJ0001.json", "/tokens/BJ0001.json"])(
    "GET %s without one is 403",
    async (path) => {
      const res = await get(path);
      expect(res.status).toBe(403);
      const body = (await res.json()) as { code: number; description: string }[];
      expect(body[0]!.code).toBe(403);
    },
  );

  it("an invalid key is 403 in XML too", async () => {
    const res = await get(`/requests.xml?api_key=rt_${"z".repeat(32)}`);
    expect(res.status).toBe(403);
    const { root } = await xmlOf(res);
    expect(root.name).toBe("errors");
    expect(textAt(root, "error/code")).toBe("403");
  });

  it("POST without one is 403", async () => {
    const res = await newRequest({ api_key: "" });
    expect(res.status).toBe(403);
  });

  it("the key may come as api_key or as a Bearer header", async () => {
    expect((await get(`/requests.json?api_key=${key}`)).status).toBe(200);
    expect((await get("/requests.json", { authorization: `Bearer ${key}` })).status).toBe(200);
  });

  it("answers web pages on other origins (the key, not a cookie, is what grants access)", async () => {
    const preflight = await fetch(`${p.url}${BASE}/requests.json`, {
      method: "OPTIONS",
      headers: {
        origin: "https://reports.example.org",
        "access-control-request-method": "GET",
        "access-control-request-headers": "authorization",
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe("*");
    expect(preflight.headers.get("access-control-allow-headers")).toContain("Authorization");
    expect(preflight.headers.get("access-control-allow-credentials")).toBeNull();
    const res = await get("/requests.json", { authorization: `Bearer ${key}`, origin: "https://reports.example.org" });
    expect(res.status).toBe(200);
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    // A refusal carries the header too, so the page can read the reason.
    expect(
      (await get("/requests.json", { origin: "https://x.example" })).headers.get("access-control-allow-origin"),
    ).toBe("*");
  });
});

describe("POST service request", () => {
  it("creates a ticket and answers with its number (realtime, no token)", async () => {
    const res = await newRequest();
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    const body = (await res.clone().json()) as Record<string, unknown>[];
    const id = await createdId(res);
    expect(body).toEqual([{ service_request_id: id, service_notice: expect.stringContaining(id), account_id: null }]);
    const ticket = await ticketOf(id);
    expect(ticket).toMatchObject({
      source: "api",
      channel: "api",
      type: "help",
      status: "received",
      reporterName: "李三",
      reporterPhone: PHONE,
      address: "西城区大栅栏西河沿街 8 号",
      lat: 39.8965,
      lon: 116.3913,
    });
  });

  it("answers in XML under <service_requests><request>", async () => {
    const res = await post("/requests.xml", {
      api_key: key,
      service_code: leaf.code,
      address_string: "西城区大栅栏煤市街 20 号",
      description: "共享单车堆放堵塞人行道",
    });
    expect(res.status).toBe(201);
    const { root } = await xmlOf(res);
    expect(root.name).toBe("service_requests");
    expect(root.children.map((c) => c.name)).toEqual(["request"]);
    const id = textAt(root, "request/service_request_id")!;
    expect(await ticketOf(id)).toBeDefined();
    expect(textAt(root, "request/token")).toBeUndefined();
  });

  it("needs a location, a known service and a valid phone", async () => {
    const noPlace = await newRequest({ lat: "", long: "", address_string: "" });
    expect(noPlace.status).toBe(400);
    expect(((await noPlace.json()) as { description: string }[])[0]!.description).toMatch(/address_string/);
    expect((await newRequest({ service_code: "99.99.99" })).status).toBe(404);
    expect((await newRequest({ service_code: "" })).status).toBe(400);
    const badPhone = await newRequest({ phone: "call me" });
    expect(badPhone.status).toBe(400);
    expect(((await badPhone.json()) as { description: string }[])[0]!.description).toMatch(/^phone:/);
    const outside = await newRequest({ lat: "31.23", long: "121.47" });
    expect(outside.status).toBe(400);
  });
});

describe("GET service requests", () => {
  let openId: string;
  let closedId: string;

  beforeAll(async () => {
    openId = await createdId(await newRequest({ description: "小区路灯不亮，晚上出行不便" }));
    // One ticket all the way to closed: dispatch and close by the API, handling by the street.
    closedId = await createdId(await newRequest({ description: "楼道堆放杂物，存在消防隐患" }));
    const id = (await ticketOf(closedId)).id;
    const street = await actorOf(db, "street");
    const v1 = (body: unknown) => callJson(p.url, `/api/v1/tickets/${closedId}/actions`, { key, body });
    expect((await v1({ kind: "dispatch", orgId: await orgId(db, "大栅栏街道办事处") })).status).toBe(200);
    await act(db, street, id, { kind: "accept" });
    await act(db, street, id, { kind: "contact", note: "已电话联系居民" });
    await act(db, street, id, { kind: "reply", content: "杂物已清理，已告知物业定期巡查" });
    const callback = {
      kind: "callback",
      resolution: "resolved",
      satisfaction: "satisfied",
      speed: 5,
      effect: 5,
      attitude: 5,
    };
    expect((await v1(callback)).status).toBe(200);
    expect((await v1({ kind: "close", note: "回访满意，办结" })).status).toBe(200);
  });

  it("lists requests of the last 90 days, newest first, in the spec's shape", async () => {
    const res = await get(`/requests.json?api_key=${key}`);
    expect(res.status).toBe(200);
    const list = (await res.json()) as Record<string, unknown>[];
    expect(list.map((r) => r.service_request_id)).toEqual(expect.arrayContaining([openId, closedId]));
    expect(list.length).toBeLessThanOrEqual(1000);
    const times = list.map((r) => Date.parse(r.requested_datetime as string));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(Object.keys(list[0]!)).toEqual([
      "service_request_id",
      "status",
      "status_notes",
      "service_name",
      "service_code",
      "description",
      "agency_responsible",
      "service_notice",
      "requested_datetime",
      "updated_datetime",
      "expected_datetime",
      "address",
      "lat",
      "long",
    ]);
  });

  it("filters by status", async () => {
    type Row = Record<string, string>;
    const closed = (await (await get(`/requests.json?api_key=${key}&status=closed`)).json()) as Row[];
    expect(closed.map((r) => r.service_request_id)).toContain(closedId);
    expect(closed.map((r) => r.service_request_id)).not.toContain(openId);
    expect(closed.every((r) => r.status === "closed")).toBe(true);
    const open = (await (await get(`/requests.json?api_key=${key}&status=open`)).json()) as Row[];
    expect(open.map((r) => r.service_request_id)).toContain(openId);
    expect(open.map((r) => r.service_request_id)).not.toContain(closedId);
    expect(open.every((r) => r.status === "open")).toBe(true);
    const both = (await (await get(`/requests.json?api_key=${key}&status=open,closed`)).json()) as Row[];
    expect(both.map((r) => r.service_request_id)).toEqual(expect.arrayContaining([openId, closedId]));
    expect((await get(`/requests.json?api_key=${key}&status=pending`)).status).toBe(400);
  });

  it("filters by service_code and by service_request_id (which overrides the rest)", async () => {
    const byCode = (await (await get(`/requests.json?api_key=${key}&service_code=${leaf.code}`)).json()) as Record<
      string,
      string
    >[];
    expect(byCode.length).toBeGreaterThan(1);
    expect(byCode.every((r) => r.service_code === leaf.code)).toBe(true);
    const none = (await (await get(`/requests.json?api_key=${key}&service_code=99.99.99`)).json()) as unknown[];
    expect(none).toEqual([]);
    const ids = (await (
      await get(`/requests.json?api_key=${key}&service_request_id=${openId},${closedId}&status=closed`)
    ).json()) as Record<string, string>[];
    expect(ids.map((r) => r.service_request_id).sort()).toEqual([openId, closedId].sort());
  });

  it("filters by start_date and end_date, at most 90 days apart", async () => {
    const q = (params: Record<string, string>) =>
      get(`/requests.json?${new URLSearchParams({ api_key: key, ...params })}`);
    const hourAgo = new Date(Date.now() - 3_600_000).toISOString();
    const inAnHour = new Date(Date.now() + 3_600_000).toISOString();
    const now = (await (await q({ start_date: hourAgo, end_date: inAnHour })).json()) as unknown[];
    expect(now.length).toBeGreaterThanOrEqual(2);
    const past = (await (
      await q({ start_date: "2020-01-01T00:00:00+08:00", end_date: "2020-03-01T00:00:00+08:00" })
    ).json()) as unknown[];
    expect(past).toEqual([]);
    const tooLong = await q({ start_date: "2020-01-01T00:00:00Z", end_date: "2020-06-01T00:00:00Z" });
    expect(tooLong.status).toBe(400);
    expect(((await tooLong.json()) as { description: string }[])[0]!.description).toMatch(/90/);
    expect((await q({ start_date: "last tuesday" })).status).toBe(400);
    expect((await q({ start_date: inAnHour, end_date: hourAgo })).status).toBe(400);
  });

  it("reads one request by its number, in JSON and XML", async () => {
    const res = await get(`/requests/${openId}.json?api_key=${key}`);
    expect(res.status).toBe(200);
    const [one] = (await res.json()) as Record<string, unknown>[];
    expect(one).toMatchObject({
      service_request_id: openId,
      status: "open",
      status_notes: "已受理",
      service_code: leaf.code,
      service_name: leaf.name,
      agency_responsible: null,
      expected_datetime: null,
      lat: 39.8965,
      long: 116.3913,
    });
    const { root } = await xmlOf(await get(`/requests/${openId}.xml?api_key=${key}`));
    expect(root.name).toBe("service_requests");
    expect(root.children.map((c) => c.name)).toEqual(["request"]);
    expect(textAt(root, "request/service_request_id")).toBe(openId);
    expect(textAt(root, "request/expected_datetime")).toBe("");
    expect((await get(`/requests/NOPE-404.json?api_key=${key}`)).status).toBe(404);
  });

  it("maps the deadline, the lead unit, the latest reply and the times after dispatch and acceptance", async () => {
    const ticket = await ticketOf(closedId);
    const [one] = (await (await get(`/requests/${closedId}.json?api_key=${key}`)).json()) as Record<string, string>[];
    const beijing = (d: Date) => `${new Date(d.getTime() + 8 * 3_600_000).toISOString().slice(0, 19)}+08:00`;
    expect(ticket.deadlineAt).toBeInstanceOf(Date);
    expect(one).toMatchObject({
      status: "closed",
      agency_responsible: "大栅栏街道办事处",
      expected_datetime: beijing(ticket.deadlineAt!),
      requested_datetime: beijing(ticket.receivedAt),
      updated_datetime: beijing(ticket.updatedAt),
      status_notes: "杂物已清理，已告知物业定期巡查",
    });
    const { root } = await xmlOf(await get(`/requests/${closedId}.xml?api_key=${key}`));
    expect(textAt(root, "request/expected_datetime")).toBe(beijing(ticket.deadlineAt!));
    expect(textAt(root, "request/agency_responsible")).toBe("大栅栏街道办事处");
  });

  it("resolves a token (a realtime id) in JSON and XML, and 404s an unknown one", async () => {
    const res = await get(`/tokens/${openId}.json?api_key=${key}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual([{ service_request_id: openId, token: openId }]);
    const { root } = await xmlOf(await get(`/tokens/${openId}.xml?api_key=${key}`));
    expect(root.name).toBe("service_requests");
    expect(textAt(root, "request/token")).toBe(openId);
    const missing = await get(`/tokens/NOPE-404.xml?api_key=${key}`);
    expect(missing.status).toBe(404);
    expect((await xmlOf(missing)).root.name).toBe("errors");
  });

  it("never lets a reporter's name or phone out", async () => {
    const paths = [
      `/requests.json?api_key=${key}`,
      `/requests.xml?api_key=${key}`,
      `/requests/${openId}.json?api_key=${key}`,
      `/requests/${openId}.xml?api_key=${key}`,
      `/tokens/${openId}.json?api_key=${key}`,
    ];
    for (const path of paths) {
      const text = await (await get(path)).text();
      expect(text).not.toContain(PHONE);
      expect(text).not.toContain("李三");
      expect(text).not.toContain("li.san@example.com");
      expect(text).not.toMatch(/first_name|last_name|phone|email/);
    }
    const sync = await callJson(p.url, "/api/v1/tickets?limit=500", { key });
    expect(sync.text).not.toContain(PHONE);
    expect(sync.text).not.toContain("李三");
  });

  it("lists at most 1,000 requests", async () => {
    const ids = Array.from({ length: 1001 }, (_, i) => `X${String(i).padStart(4, "0")}`).join(",");
    expect((await get(`/requests.json?api_key=${key}&service_request_id=${ids}`)).status).toBe(400);
  });
});
