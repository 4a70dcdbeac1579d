/**
 * Every route of the portal, addressable by a test: real ids from a demo
 * portal (so a page or action gets past "not found"), the URL of each route
 * file, and for each route with an action who may post to it. The fuzz and
 * cross-site suites take their list from here; a route added later fails
 * their coverage check until it is listed (one line in FORM_TARGETS).
 */
import type { Database } from "../../db/client";
import { sweepWhistleDeadlines } from "../../server/councils";
import { sweepGovernanceWarnings } from "../../server/insights";
import { createInvitation } from "../../server/identity";
import { produceDailyDigests } from "../../server/notifications";
import { createPlan, sweepOverdueCommitments } from "../../server/plans";
import { importFields } from "../../server/tickets/import/fields";
import { actorOf } from "./database";

export interface DemoIds {
  org: number;
  council: number;
  whistle: number;
  ticket: number;
  hotSpot: number;
  monthlyProblem: number;
  plan: number;
  meeting: number;
  invitation: string;
  /** An import upload waiting for its mapping (tests that post to the mapping step upload one first). */
  uploadToken: string;
}

async function firstId(database: Database, table: string, where = "1 = 1"): Promise<number | null> {
  const { rows } = await database.client.execute(`SELECT id FROM ${table} WHERE ${where} ORDER BY id LIMIT 1`);
  return rows[0] ? Number(rows[0].id) : null;
}

/**
 * Ids of the demo's rows (a plan and an open invitation are made when the
 * demo has none), and the minute's sweeps run once so they have nothing left
 * to write while a test watches the database.
 */
export async function demoIds(database: Database): Promise<DemoIds> {
  const need = (id: number | null, what: string) => {
    if (id == null) throw new Error(`the demo has no ${what}`);
    return id;
  };
  const org = need(await firstId(database, "organisations", "kind = 'community_committee'"), "community");
  const council = need(await firstId(database, "councils"), "council");
  const ticket = need(await firstId(database, "tickets", "status = 'dispatched'"), "dispatched ticket");
  const plan =
    (await firstId(database, "plans")) ??
    (await createPlan(
      database,
      await actorOf(database, "street"),
      { kind: "council", id: council },
      { template: "three_lists" },
    ));
  const { token: invitation } = await createInvitation(
    database,
    await actorOf(database, "admin"),
    org,
    { role: "community_worker" },
    { ip: "127.0.0.1" },
  );
  await sweepWhistleDeadlines(database);
  await sweepOverdueCommitments(database);
  await produceDailyDigests(database);
  await sweepGovernanceWarnings(database);
  return {
    org,
    council,
    whistle: need(await firstId(database, "whistles"), "whistle"),
    ticket,
    // Detection is off in tests that watch writes: an id that is not there still exercises the form.
    hotSpot: (await firstId(database, "hot_spots")) ?? 1,
    monthlyProblem: (await firstId(database, "monthly_problems")) ?? 1,
    plan,
    meeting: (await firstId(database, "meetings")) ?? 1,
    invitation,
    uploadToken: "0".repeat(32),
  };
}

/**
 * A route with an action: where to post and who posts (null: signed out).
 * `ignore` names the changes a refused post is meant to make: a failed
 * sign-in is counted by the throttle and written to the audit log.
 * `fields` adds names the route builds rather than spells out.
 */
export interface FormTarget {
  path: (ids: DemoIds) => string;
  user: string | null;
  ignore?: string[];
  fields?: string[];
}

const SIGN_IN_RECORDS = ["login_throttle", "audit_log:INSERT"];

export const FORM_TARGETS: Record<string, FormTarget> = {
  "admin.api-keys.tsx": { path: () => "/admin/api-keys", user: "admin" },
  "admin.orgs.$orgId.tsx": { path: (ids) => `/admin/orgs/${ids.org}`, user: "admin" },
  "admin.orgs._index.tsx": { path: () => "/admin/orgs?index", user: "admin" },
  "admin.rules.calendar.tsx": { path: () => "/admin/rules/calendar", user: "admin" },
  "admin.rules.categories.tsx": { path: () => "/admin/rules/categories", user: "admin" },
  "admin.rules.insights.tsx": { path: () => "/admin/rules/insights", user: "admin" },
  "admin.rules.time-limits.tsx": { path: () => "/admin/rules/time-limits", user: "admin" },
  "admin.rules.weights.tsx": { path: () => "/admin/rules/weights", user: "admin" },
  "admin.rules.whistles.tsx": { path: () => "/admin/rules/whistles", user: "admin" },
  "admin.users.tsx": { path: () => "/admin/users", user: "admin" },
  "councils.$councilId.tsx": { path: (ids) => `/councils/${ids.council}`, user: "street" },
  "councils._index.tsx": { path: () => "/councils?index", user: "street" },
  "councils.new.tsx": { path: () => "/councils/new", user: "street" },
  "councils.whistles.$whistleId.tsx": { path: (ids) => `/councils/whistles/${ids.whistle}`, user: "street" },
  "councils.whistles.new.tsx": { path: () => "/councils/whistles/new", user: "street" },
  "insights.governance-streets.tsx": { path: () => "/insights/governance-streets", user: "operator" },
  "insights.hot-spots.$id.tsx": { path: (ids) => `/insights/hot-spots/${ids.hotSpot}`, user: "operator" },
  "insights.monthly-problems.$id.tsx": {
    path: (ids) => `/insights/monthly-problems/${ids.monthlyProblem}`,
    user: "operator",
  },
  "insights.monthly-problems.$id_.edit.tsx": {
    path: (ids) => `/insights/monthly-problems/${ids.monthlyProblem}/edit`,
    user: "admin",
  },
  "insights.monthly-problems.new.tsx": { path: () => "/insights/monthly-problems/new", user: "admin" },
  "invite.$token.tsx": { path: (ids) => `/invite/${ids.invitation}`, user: null, ignore: SIGN_IN_RECORDS },
  "login.tsx": { path: () => "/login", user: null, ignore: SIGN_IN_RECORDS },
  "logout.tsx": { path: () => "/logout", user: null },
  "notifications.tsx": { path: () => "/notifications", user: "resident" },
  "plans.$planId.tsx": { path: (ids) => `/plans/${ids.plan}`, user: "street" },
  "plans.$planId_.commitments.tsx": { path: (ids) => `/plans/${ids.plan}/commitments`, user: "street" },
  "plans.$planId_.versions.tsx": { path: (ids) => `/plans/${ids.plan}/versions`, user: "street" },
  "public.councils.$councilId.tsx": { path: (ids) => `/public/councils/${ids.council}`, user: "resident" },
  "rates.tsx": { path: () => "/rates", user: "operator" },
  "register.tsx": { path: () => "/register", user: null, ignore: SIGN_IN_RECORDS },
  "tickets.$ticketId.tsx": { path: (ids) => `/tickets/${ids.ticket}`, user: "operator" },
  // The file itself is fuzzed in fuzz-import.test.ts; here the form's other fields and encodings.
  "tickets.import._index.tsx": { path: () => "/tickets/import?index", user: "operator" },
  "tickets.import.map.$token.tsx": {
    path: (ids) => `/tickets/import/map/${ids.uploadToken}`,
    user: "operator",
    fields: importFields.map((f) => `map.${f}`),
  },
  "tickets.new.tsx": { path: () => "/tickets/new", user: "operator" },
  "track.tsx": { path: () => "/track", user: null, ignore: SIGN_IN_RECORDS },
};

/**
 * The URL of a route file (Remix's flat-routes naming): `.` is `/`, `_index`
 * is its parent, a trailing `_` only escapes nesting, `[.]` is a literal dot,
 * `$param` takes a demo id, `$` (the splat) a path nobody serves.
 */
export function urlOf(file: string, ids: DemoIds): string {
  const params: Record<string, string> = {
    orgId: String(ids.org),
    councilId: String(ids.council),
    meetingId: String(ids.meeting),
    whistleId: String(ids.whistle),
    // Two routes name their id `$id`: a hot spot's and a monthly problem's.
    id: String(file.startsWith("insights.monthly-problems") ? ids.monthlyProblem : ids.hotSpot),
    token: file.startsWith("invite") ? ids.invitation : ids.uploadToken,
    planId: String(ids.plan),
    ticketId: String(ids.ticket),
    jobId: "1",
  };
  const name = file.replace(/\.tsx?$/, "");
  if (name === "$") return "/no/such/page";
  if (name === "_index") return "/";
  const segments = name
    // Brackets escape: a dot inside them is part of the segment ("[.csv]", "[.]").
    .replace(/\[([^\]]*)\]/g, (_, inner: string) => inner.replaceAll(".", "[dot]"))
    .split(".")
    .filter((s) => s !== "_index")
    .map((s) => s.replace(/_$/, "").replaceAll("[dot]", "."))
    .map((s) => s.replace(/\$(\w+)/g, (_, p: string) => params[p] ?? "1"));
  return `/${segments.join("/")}`;
}
