/**
 * The integration APIs under fuzz (issue 8, item 5; decision 0009): bodies
 * built from a valid ticket with fields swapped for hostile values of any
 * JSON type, arbitrary JSON, broken JSON and bytes, wrong content types,
 * oversized bodies, hostile query strings. With a valid key, so validation
 * answers: never a 5xx, and a 4xx has changed no row.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoIds, type DemoIds } from "../helpers/form-targets";
import { newApiKey, streetLeaf } from "../helpers/api";
import { BACKGROUND_CHANGES, ChangeLedger, fuzzParameters, hostileString } from "../helpers/fuzz";
import { startPortal, type TestPortal } from "../helpers/portal";

let portal: TestPortal;
let ledger: ChangeLedger;
let key: string;
let ids: DemoIds;
let leaf: { id: number; code: string };
let ticketNumber: string;

/** A key's last use is written on every call, refused or not. */
const IGNORED = [...BACKGROUND_CHANGES, "api_keys:UPDATE"];

beforeAll(async () => {
  portal = await startPortal({ SEED_DEMO: "1", HOT_SPOT_DETECTION: "0", BACKGROUND_SWEEPS: "0" });
  const { database } = portal.portal;
  ids = await demoIds(database);
  key = await newApiKey(database);
  leaf = await streetLeaf(database);
  const { rows } = await database.client.execute(`SELECT number FROM tickets WHERE id = ${ids.ticket}`);
  ticketNumber = String(rows[0]!.number);
  ledger = await ChangeLedger.install(database);
});
afterAll(() => portal?.close());

/** Any JSON value, hostile strings included. */
const hostileJson: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: hostileString },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: fc.constantFrom(null, true, false, 0, -1, 1e308, -1e308, 2 ** 53 + 1, 0.5) },
  { weight: 1, arbitrary: fc.array(hostileString, { maxLength: 5 }) },
  { weight: 1, arbitrary: fc.integer({ min: 1000, max: 20_000 }).map((n) => Array.from({ length: n }, () => 1)) },
);

const validTicket = () => ({
  number: `FZ${Date.now()}${Math.floor(Math.random() * 1e6)}`,
  type: "complaint",
  channel: "phone",
  urgency: "normal",
  categoryId: leaf.id,
  description: "小区楼道堆放杂物，物业长期不清理",
  address: "西城区大栅栏西河沿街 12 号院",
  regionCode: "110102013901",
  reporterName: "张三",
  reporterPhone: "13912345678",
});

/** A valid body with one to three fields replaced, removed or added. */
function mutated(base: () => Record<string, unknown>): fc.Arbitrary<unknown> {
  const edit = fc.tuple(
    fc.oneof(fc.constantFrom(...Object.keys(base())), fc.constantFrom("__proto__", "constructor", "id", "status", "")),
    fc.option(hostileJson, { freq: 5 }),
  );
  return fc.oneof(
    {
      weight: 6,
      arbitrary: fc.array(edit, { minLength: 1, maxLength: 3 }).map((edits) => {
        const body: Record<string, unknown> = base();
        for (const [field, value] of edits) {
          if (value === null) delete body[field];
          else Object.defineProperty(body, field, { value, enumerable: true, configurable: true, writable: true });
        }
        return body;
      }),
    },
    { weight: 1, arbitrary: hostileJson },
  );
}

interface RawCase {
  body: string | Uint8Array<ArrayBuffer>;
  contentType: string | null;
}

/** Bodies no JSON client sends: broken JSON, invalid UTF-8, other types, JSON past the 256 KB limit. */
const rawBodies: fc.Arbitrary<RawCase> = fc.oneof(
  fc.constantFrom<RawCase>(
    { body: "{", contentType: "application/json" },
    { body: '{"number": "A1",}', contentType: "application/json" },
    { body: "", contentType: "application/json" },
    { body: "null", contentType: "application/json" },
    {
      body: new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]),
      contentType: "application/json",
    },
    { body: '{"a":1}', contentType: "application/json; charset=latin1" },
    { body: '{"a":1}', contentType: "application/json; charset=utf-16" },
    { body: '{"a":1}', contentType: "text/plain" },
    { body: "number=A1", contentType: "application/x-www-form-urlencoded" },
    { body: '{"a":1}', contentType: null },
    { body: `{"description":"${"长".repeat(200_000)}"}`, contentType: "application/json" },
    { body: `[${"[".repeat(5000)}${"]".repeat(5000)}]`, contentType: "application/json" },
  ),
  fc.string({ unit: "binary", maxLength: 200 }).map((body): RawCase => ({ body, contentType: "application/json" })),
);

async function call(method: string, path: string, body: RawCase | null) {
  const headers: Record<string, string> = { authorization: `Bearer ${key}` };
  if (body?.contentType) headers["content-type"] = body.contentType;
  const response = await fetch(portal.url + path, { method, headers, body: body?.body ?? undefined });
  return { status: response.status, text: await response.text() };
}

async function expectRefusedCleanly(answer: { status: number; text: string }, label: string) {
  expect(answer.status, `${label} → ${answer.status} ${answer.text.slice(0, 300)}`).toBeLessThan(500);
  if (answer.status >= 400) {
    expect(answer.text, label).not.toMatch(/\bat .+\.(ts|js):\d+/); // no stack trace
    expect(await ledger.changes(IGNORED), label).toEqual({});
  }
}

/**
 * A path segment: hostile text percent-encoded (a lone surrogate becomes
 * U+FFFD on the way, as a client's URL encoder would make it), or raw escapes
 * no encoder makes — invalid UTF-8, a bare %, an encoded traversal.
 */
const pathSegment: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: hostileString.map((s) => encodeURIComponent(Buffer.from(s).toString())) },
  { weight: 1, arbitrary: fc.constantFrom("%ED%A0%80", "%FF%FE", "%", "%zz", "..%2F..%2Fetc%2Fpasswd", "%00") },
);

const short = (value: unknown) => {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 300 ? `${text.slice(0, 300)}…(${text.length})` : text;
};

describe("the JSON API (/api/v1)", () => {
  it("POST /tickets with mutated and arbitrary bodies", async () => {
    await fc.assert(
      fc.asyncProperty(mutated(validTicket), async (body) => {
        await ledger.reset();
        const answer = await call("POST", "/api/v1/tickets", {
          body: JSON.stringify(body),
          contentType: "application/json",
        });
        await expectRefusedCleanly(answer, `POST /api/v1/tickets ${short(body)}`);
      }),
      fuzzParameters(40),
    );
  });

  it("POST /tickets/:number/actions with mutated and arbitrary bodies", async () => {
    const action = () => ({ kind: "supervise", note: "请加快办理", orgId: ids.org });
    await fc.assert(
      fc.asyncProperty(mutated(action), fc.oneof(fc.constant(ticketNumber), pathSegment), async (body, number) => {
        await ledger.reset();
        const path = `/api/v1/tickets/${number}/actions`;
        const answer = await call("POST", path, { body: JSON.stringify(body), contentType: "application/json" });
        await expectRefusedCleanly(answer, `POST ${path} ${short(body)}`);
      }),
      fuzzParameters(40),
    );
  });

  it("raw bodies no client should send", async () => {
    await fc.assert(
      fc.asyncProperty(
        rawBodies,
        fc.constantFrom("/api/v1/tickets", `/api/v1/tickets/X/actions`),
        async (raw, path) => {
          await ledger.reset();
          await expectRefusedCleanly(
            await call("POST", path, raw),
            `POST ${path} ${raw.contentType} ${short(raw.body)}`,
          );
        },
      ),
      fuzzParameters(30),
    );
  });

  it("GET with hostile query strings and numbers", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(fc.constantFrom("since", "cursor", "limit", "after", "status", "x"), hostileString, {
          maxKeys: 3,
        }),
        pathSegment,
        async (query, number) => {
          await ledger.reset();
          const qs = new URLSearchParams(query).toString();
          await expectRefusedCleanly(await call("GET", `/api/v1/tickets?${qs}`, null), `GET ?${qs}`);
          await expectRefusedCleanly(await call("GET", `/api/v1/tickets/${number}`, null), `GET /tickets/${number}`);
        },
      ),
      fuzzParameters(30),
    );
  });
});

describe("Open311 (/api/open311/v2)", () => {
  const validRequest = () => ({
    service_code: leaf.code,
    lat: "39.8965",
    long: "116.3913",
    address_string: "西城区大栅栏西河沿街 8 号",
    description: "路边井盖松动，行人经过有危险",
    first_name: "三",
    last_name: "李",
    phone: "13912345678",
    email: "li.san@example.com",
  });

  it("POST requests.json as a form and as JSON, mutated", async () => {
    await fc.assert(
      fc.asyncProperty(mutated(validRequest), fc.boolean(), async (body, asForm) => {
        await ledger.reset();
        const flat =
          body && typeof body === "object" && !Array.isArray(body)
            ? Object.entries(body).map(([k, v]) => [k, typeof v === "string" ? v : (JSON.stringify(v) ?? "")])
            : [["x", String(body)]];
        const raw: RawCase = asForm
          ? { body: new URLSearchParams(flat).toString(), contentType: "application/x-www-form-urlencoded" }
          : { body: JSON.stringify(body), contentType: "application/json" };
        await expectRefusedCleanly(await call("POST", "/api/open311/v2/requests.json", raw), `Open311 ${short(body)}`);
      }),
      fuzzParameters(40),
    );
  });

  it("GET requests, services and tokens with hostile parameters", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(
          fc.constantFrom("service_request_id", "service_code", "start_date", "end_date", "status", "page_size"),
          hostileString,
          { maxKeys: 3 },
        ),
        pathSegment,
        async (query, id) => {
          await ledger.reset();
          const qs = new URLSearchParams(query).toString();
          for (const path of [
            `/api/open311/v2/requests.json?${qs}`,
            `/api/open311/v2/requests.xml?${qs}`,
            `/api/open311/v2/requests/${id}.json`,
            `/api/open311/v2/services/${id}.xml`,
            `/api/open311/v2/tokens/${id}.json`,
          ]) {
            await expectRefusedCleanly(await call("GET", path, null), `GET ${path}`);
          }
        },
      ),
      fuzzParameters(20),
    );
  });
});
