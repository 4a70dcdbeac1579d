/**
 * Every link a role is shown opens for that role: for each demo user, a walk
 * from the home page through the links of each page it reaches (two pages per
 * route shape, e.g. two tickets, so the walk stays small), and every link
 * followed must answer 200 or a redirect that is not to the sign-in page. A
 * link to a page the role may not open (a monthly problem for a property
 * company, the ticket queues for an owners' committee) is a dead end for the
 * person who clicks it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoUsers } from "../../db/seed/demo";
import { signIn, startPortal, type TestPortal } from "../helpers/portal";

let portal: TestPortal;

beforeAll(async () => {
  portal = await startPortal({ SEED_DEMO: "1", HOT_SPOT_DETECTION: "0" });
});
afterAll(() => portal?.close());

/** Files and actions, not pages: downloads, the calendar file, signing out. */
const notPages = /^\/logout|\.(xlsx|csv|ics)(\?|$)|\/export/;
const PAGES_PER_SHAPE = 2;
const PAGES_PER_USER = 120;

/** The site-relative links of a page's anchors, in order, without fragments. */
function anchorsOf(html: string): string[] {
  const out: string[] = [];
  for (const [, href] of html.matchAll(/<a\b[^>]*?\shref="(\/[^"#]*)[^"]*"/g)) {
    out.push(href!.replace(/&amp;/g, "&"));
  }
  return out;
}

/** Two tickets, two plans, …: ids and query strings do not make a new shape. */
const shapeOf = (path: string) => path.replace(/\?.*/, "").replace(/\d+/g, "N");

describe("links", () => {
  it.each(demoUsers.map((u) => u.username))("every link %s is shown opens for them", async (username) => {
    const cookie = await signIn(portal.url, username);
    const seen = new Set<string>();
    const perShape = new Map<string, number>();
    const queue: { path: string; from: string }[] = [{ path: "/", from: "(start)" }];
    const dead: string[] = [];
    let visited = 0;
    while (queue.length > 0 && visited < PAGES_PER_USER) {
      const { path, from } = queue.shift()!;
      if (seen.has(path) || notPages.test(path)) continue;
      seen.add(path);
      const shape = shapeOf(path);
      if ((perShape.get(shape) ?? 0) >= PAGES_PER_SHAPE) continue;
      perShape.set(shape, (perShape.get(shape) ?? 0) + 1);
      visited++;
      const response = await fetch(portal.url + path, { headers: { cookie }, redirect: "manual" });
      const location = response.headers.get("location") ?? "";
      if (response.status >= 300 && response.status < 400) {
        await response.arrayBuffer();
        if (location.startsWith("/login")) dead.push(`${path} (linked from ${from}) → sign-in`);
        else queue.push({ path: location, from: path });
        continue;
      }
      if (response.status !== 200) {
        await response.arrayBuffer();
        dead.push(`${path} (linked from ${from}) → ${response.status}`);
        continue;
      }
      if (!response.headers.get("content-type")?.startsWith("text/html")) {
        await response.arrayBuffer();
        continue;
      }
      for (const href of anchorsOf(await response.text())) queue.push({ path: href, from: path });
    }
    expect(dead).toEqual([]);
    // The walk went beyond the home page: every role has somewhere to go.
    expect(visited).toBeGreaterThan(5);
  });
});
