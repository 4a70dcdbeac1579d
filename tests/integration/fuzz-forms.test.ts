/**
 * Every form action under fuzz (issue 8, item 5): generated hostile forms —
 * wrong types, missing and unknown fields, oversized and injected strings,
 * invalid UTF-8, fields repeated thousands of times, wrong content types —
 * posted by a person who may use the form (so validation is what answers,
 * not the permission check). Each is answered without a server error and
 * without the validator's English defaults, and an answer of 4xx has stored
 * nothing in any table.
 *
 * Seeded and bounded: FUZZ_SEED=<n> reproduces a run, FUZZ_RUNS=<n> widens it.
 * A new route with an action fails the first test until it is listed in
 * tests/helpers/form-targets.ts.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoIds, FORM_TARGETS, type DemoIds, type FormTarget } from "../helpers/form-targets";
import {
  BACKGROUND_CHANGES,
  bodyOf,
  ChangeLedger,
  describeCase,
  formCases,
  fuzzParameters,
  inputsOf,
  routesWithActions,
  type FormCase,
} from "../helpers/fuzz";
import { uploadCsv } from "../helpers/imports";
import { signIn, startPortal, type TestPortal } from "../helpers/portal";

let portal: TestPortal;
let ledger: ChangeLedger;
let ids: DemoIds;
const cookies = new Map<string, string>();

const ALWAYS_IGNORED = BACKGROUND_CHANGES;

beforeAll(async () => {
  portal = await startPortal({ SEED_DEMO: "1", HOT_SPOT_DETECTION: "0", BACKGROUND_SWEEPS: "0" });
  ids = await demoIds(portal.portal.database);
  for (const user of new Set(Object.values(FORM_TARGETS).map((t) => t.user))) {
    if (user) cookies.set(user, await signIn(portal.url, user));
  }
  ids.uploadToken = await uploadCsv(portal.url, cookies.get("operator")!, "工单编号,受理时间\nA1,2026-01-05 09:00\n");
  ledger = await ChangeLedger.install(portal.portal.database);
});
afterAll(() => portal?.close());

/** Posts a case as a same-origin browser form would arrive. */
async function post(target: FormTarget, c: FormCase) {
  const { body, contentType } = bodyOf(c);
  const headers: Record<string, string> = { origin: portal.url };
  if (contentType) headers["content-type"] = contentType;
  if (target.user) headers.cookie = cookies.get(target.user)!;
  const response = await fetch(portal.url + target.path(ids), { method: "POST", body, headers, redirect: "manual" });
  return { status: response.status, type: response.headers.get("content-type") ?? "", text: await response.text() };
}

describe("the fuzz covers every form", () => {
  it("lists every route with an action, and nothing else", () => {
    expect(Object.keys(FORM_TARGETS).sort()).toEqual(routesWithActions());
  });

  it("finds the fields and intents of each route in its source", () => {
    const inputs = inputsOf("tickets.$ticketId.tsx");
    expect(inputs.intents).toEqual(expect.arrayContaining(["act", "reveal", "appeal", "review-appeal"]));
    expect(inputs.fields).toEqual(expect.arrayContaining(["intent", "kind", "appealId", "orgId"]));
  });
});

describe.each(routesWithActions())("fuzzed posts to %s", (file) => {
  it("never fail the server, and store nothing when refused", async () => {
    const target = FORM_TARGETS[file]!;
    const own = inputsOf(file);
    const inputs = { ...own, fields: [...own.fields, ...(target.fields ?? [])] };
    const ignore = [...ALWAYS_IGNORED, ...(target.ignore ?? [])];
    // A page may set up what it shows on first view (a plan's live document): do that before watching.
    const headers: Record<string, string> = target.user ? { cookie: cookies.get(target.user)! } : {};
    await (await fetch(portal.url + target.path(ids), { headers })).arrayBuffer();
    await fc.assert(
      fc.asyncProperty(formCases(inputs), async (c) => {
        await ledger.reset();
        const answer = await post(target, c);
        const label = `${file} ${answer.status} ${describeCase(c)}\n${answer.text.slice(0, 300)}`;
        expect(answer.status, label).toBeLessThan(500);
        // A page that answers shows what was sent as text, never as markup.
        expect(answer.text, label).not.toContain("<script>alert(1)</script>");
        expect(answer.text, label).not.toContain("<img src=x onerror");
        // A refusal says what is wrong in the page's language, never in the validator's English.
        expect(answer.text, label).not.toMatch(/Invalid (input|option|string|number)|Too (small|big)|Unrecognized key/);
        if (answer.status >= 400) {
          expect(await ledger.changes(ignore), label).toEqual({});
        }
      }),
      fuzzParameters(25),
    );
  });
});
