/**
 * Lists select in the database what the permission module allows, page after
 * page: for every demo role, the councils page's councils and whistles, the
 * plans list and the map's open cases are exactly what `can` (through the
 * owners' targets) lets it read — its own included when the rest of the city
 * has filled a page many times over — with nothing repeated or skipped across
 * pages.
 */
import { eq, inArray, isNotNull } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoUsers } from "../../db/seed/demo";
import { seedDemoCouncils } from "../../db/seed/demo-councils";
import { seedDemoProblems } from "../../db/seed/demo-problems";
import { seedDemoTickets } from "../../db/seed/demo-tickets";
import { councilParties, councils, decisions, organisations, plans, whistles, whistleUnits } from "../../db/schema";
import {
  casesForMap,
  listCouncils,
  listPublicCouncils,
  listWhistles,
  MAP_CASES_BOUND,
  type CaseScope,
} from "../../server/councils";
import { listReadablePlans, readablePlan } from "../../server/plans";
import { loadCouncil, loadWhistle, mayOnCouncil, whistleTarget } from "../../server/councils/access";
import { can, type Actor } from "../../server/identity";
import { zhCN } from "../../app/i18n/zh-CN";
import { actorOf, openTestDatabase, userId, type TestDatabase } from "../helpers/database";
import { signIn, startPortal } from "../helpers/portal";

let t: TestDatabase;
const actors: Record<string, Actor> = {};
/** Councils and whistles of another district, all newer than anything the demo's roles own. */
const ELSEWHERE = "110108025901";
const MANY = 75;

async function allPages<T>(list: (cursor: string | null) => Promise<{ rows: T[]; next: string | null }>) {
  const out: T[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const page = await list(cursor);
    out.push(...page.rows);
    cursor = page.next;
    pages++;
  } while (cursor && pages < 100);
  return { rows: out, pages };
}

beforeAll(async () => {
  t = await openTestDatabase({ demo: true });
  // The whole demo: its councils and whistles with their parties, and plans of councils and of monthly problems.
  await seedDemoTickets(t.database);
  await seedDemoCouncils(t.database);
  await seedDemoProblems(t.database);
  for (const { username } of demoUsers) actors[username] = await actorOf(t.database, username);
  const operator = await userId(t.database, "operator");
  const resident = await userId(t.database, "resident");
  const [housing] = await t.database.db
    .select({ id: organisations.id })
    .from(organisations)
    .where(eq(organisations.name, "西城区住房和城市建设委员会"));
  const [property] = await t.database.db
    .select({ id: organisations.id })
    .from(organisations)
    .where(eq(organisations.name, "北京宣房大德物业管理有限公司"));
  const db = t.database.db;
  // The secretary's own council, in 西河沿, older than all the others.
  const before = new Date(Date.now() - 86_400_000);
  await db.insert(councils).values({
    title: "西河沿议事",
    description: "本社区的议事",
    regionCode: "110102013901",
    address: "西河沿街",
    stage: "deliberation",
    createdBy: operator,
    createdAt: before,
    updatedAt: before,
  });
  const soon = Date.now() + 86_400_000;
  for (let i = 0; i < MANY; i++) {
    // Later than the demo's own, one second apart, some at the same instant (ties are ordered by id).
    const at = new Date(soon + Math.floor(i / 3) * 1000);
    const [council] = await db
      .insert(councils)
      .values({
        title: `海淀议事 ${i}`,
        description: "别处的议事",
        regionCode: ELSEWHERE,
        address: "别处",
        stage: i % 5 === 0 ? "closed" : "deliberation",
        createdBy: operator,
        createdAt: at,
        updatedAt: at,
      })
      .returning({ id: councils.id });
    // A few name the housing department as a party, one the demo resident as a representative.
    if (i % 10 === 3)
      await db
        .insert(councilParties)
        .values({ councilId: council!.id, role: "cooperating", orgId: housing!.id, addedAt: at });
    if (i % 2 === 0)
      await db.insert(plans).values({
        ownerKind: "council",
        ownerId: council!.id,
        template: "three_lists",
        lists: [],
        signerRoles: ["lead"],
        createdBy: operator,
        createdAt: at,
      });
    if (i === 11)
      await db
        .insert(councilParties)
        .values({ councilId: council!.id, role: "lead", orgId: property!.id, addedAt: at });
    if (i === 7)
      await db
        .insert(councilParties)
        .values({ councilId: council!.id, role: "resident_rep", userId: resident, addedAt: at });
    const [whistle] = await db
      .insert(whistles)
      .values({
        ground: "recurring_problem",
        problem: `海淀吹哨 ${i}`,
        regionCode: ELSEWHERE,
        initiatorUserId: operator,
        reportDeadlineAt: at,
        createdAt: at,
      })
      .returning({ id: whistles.id });
    if (i % 10 === 5) await db.insert(whistleUnits).values({ whistleId: whistle!.id, orgId: housing!.id });
  }
});
afterAll(() => t?.close());

describe("lists filtered by the permission module, in the database", () => {
  it.each(demoUsers.map((u) => u.username))(
    "councils for %s: all that `can` allows, across pages",
    async (username) => {
      const actor = actors[username]!;
      const ids = (await t.database.db.select({ id: councils.id }).from(councils)).map((r) => r.id);
      const allowed: number[] = [];
      for (const id of ids)
        if (mayOnCouncil(actor, "read:council", (await loadCouncil(t.database.db, id))!)) allowed.push(id);
      const { rows, pages } = await allPages(async (cursor) => {
        const page = await listCouncils(t.database, actor, cursor);
        return { rows: page.councils.map((c) => c.id), next: page.next };
      });
      expect(new Set(rows).size, "no council listed twice").toBe(rows.length);
      expect([...rows].sort((x, y) => x - y)).toEqual(allowed.sort((x, y) => x - y));
      expect(pages).toBe(Math.max(1, Math.ceil(allowed.length / 30)));
    },
  );

  it.each(demoUsers.map((u) => u.username))(
    "whistles for %s: all that `can` allows, across pages",
    async (username) => {
      const actor = actors[username]!;
      const ids = (await t.database.db.select({ id: whistles.id }).from(whistles)).map((r) => r.id);
      const allowed: number[] = [];
      for (const id of ids) {
        const { whistle, units } = (await loadWhistle(t.database.db, id))!;
        if (can(actor, "read:council", whistleTarget(whistle, units))) allowed.push(id);
      }
      const { rows } = await allPages(async (cursor) => {
        const page = await listWhistles(t.database, actor, new Date(), cursor);
        return { rows: page.whistles.map((w) => w.id), next: page.next };
      });
      expect(new Set(rows).size).toBe(rows.length);
      expect([...rows].sort((x, y) => x - y)).toEqual(allowed.sort((x, y) => x - y));
    },
  );

  it.each(demoUsers.map((u) => u.username))("plans for %s: all it may read, across pages", async (username) => {
    const actor = actors[username]!;
    const ids = (await t.database.db.select({ id: plans.id }).from(plans)).map((r) => r.id);
    const allowed: number[] = [];
    for (const id of ids) {
      const readable = await readablePlan(t.database.db, actor, id).then(
        () => true,
        () => false,
      );
      if (readable) allowed.push(id);
    }
    const { rows } = await allPages(async (cursor) => {
      const page = await listReadablePlans(t.database, actor, cursor);
      return { rows: page.plans.map((p) => p.id), next: page.next };
    });
    expect(new Set(rows).size).toBe(rows.length);
    expect([...rows].sort((x, y) => x - y)).toEqual(allowed.sort((x, y) => x - y));
  });

  it("a community's own council is on its first page however many newer ones the city has", async () => {
    const mine = await listCouncils(t.database, actors.secretary!);
    expect(mine.councils.map((c) => c.title)).toContain("西河沿议事");
    expect(mine.councils.every((c) => c.regionCode !== ELSEWHERE)).toBe(true);
    // The centre's first page is the newest 30, the others follow.
    const centre = await listCouncils(t.database, actors.operator!);
    expect(centre.councils).toHaveLength(30);
    expect(centre.councils.every((c) => c.regionCode === ELSEWHERE)).toBe(true);
    expect(centre.next).not.toBeNull();
    // A cursor no page produced starts from the top rather than failing.
    expect((await listCouncils(t.database, actors.operator!, "not-a-cursor")).councils[0]!.id).toBe(
      centre.councils[0]!.id,
    );
  });

  it("the map's open cases: the councils and whistles the actor may read, none closed", async () => {
    for (const username of ["operator", "housing", "property", "resident", "committee", "secretary"]) {
      const actor = actors[username]!;
      const { cases, bounded } = await casesForMap(t.database, actor);
      expect(bounded).toBe(false);
      for (const c of cases) {
        if (c.kind === "council") {
          const loaded = (await loadCouncil(t.database.db, c.id))!;
          expect(loaded.council.stage).not.toBe("closed");
          expect(mayOnCouncil(actor, "read:council", loaded), `${username} council ${c.id}`).toBe(true);
        } else {
          const { whistle, units } = (await loadWhistle(t.database.db, c.id))!;
          expect(can(actor, "read:council", whistleTarget(whistle, units)), `${username} whistle ${c.id}`).toBe(true);
        }
      }
      const elsewhere = cases.filter((c) => c.kind === "council" && c.title.startsWith("海淀议事")).length;
      const expected = { operator: MANY - MANY / 5, housing: 8, property: 1, resident: 1, committee: 0, secretary: 0 }[
        username
      ];
      expect(elsewhere, username).toBe(expected);
    }
  });

  it("the map's cases within an area and dates are chosen in the query: a street keeps its own past the bound", async () => {
    const operator = actors.operator!;
    const cases = async (scope?: CaseScope) => (await casesForMap(t.database, operator, scope)).cases;
    const all = await cases();
    const haidian = await cases({ regionPrefix: "110108" });
    const key = (c: { kind: string; id: number }) => `${c.kind}:${c.id}`;
    expect(haidian.map(key).sort()).toEqual(
      all
        .filter((c) => c.regionCode.startsWith("110108"))
        .map(key)
        .sort(),
    );
    expect(haidian.length).toBeGreaterThan(0);
    const later = new Date(Date.now() + 2 * 86_400_000);
    expect(await cases({ regionPrefix: "110108", from: later })).toEqual([]);
    expect((await cases({ to: later })).length).toBe(all.length);

    // The city fills the bound with newer councils elsewhere: the unscoped map loses 西河沿's, the street's does not.
    const createdBy = await userId(t.database, "operator");
    const at = new Date(Date.now() + 3 * 86_400_000);
    const flood = Array.from({ length: MAP_CASES_BOUND }, (_, i) => ({
      title: `海淀新议事 ${i}`,
      description: "别处的议事",
      regionCode: ELSEWHERE,
      address: "别处",
      stage: "deliberation" as const,
      createdBy,
      createdAt: at,
      updatedAt: at,
    }));
    const added: number[] = [];
    try {
      for (let i = 0; i < flood.length; i += 500)
        added.push(
          ...(
            await t.database.db
              .insert(councils)
              .values(flood.slice(i, i + 500))
              .returning({ id: councils.id })
          ).map((r) => r.id),
        );
      const own = async (scope?: CaseScope) => {
        const found = await casesForMap(t.database, operator, scope);
        return { own: found.cases.filter((c) => c.title === "西河沿议事").length, bounded: found.bounded };
      };
      expect(await own()).toEqual({ own: 0, bounded: true });
      expect(await own({ regionPrefix: "110102013" })).toEqual({ own: 1, bounded: false });
      // The map page says its counts stop at the bound, and a street's map has nothing to say.
      const portal = await startPortal({ DATABASE_URL: t.url, SEED_DEMO: "0", HOT_SPOT_DETECTION: "0" });
      try {
        const cookie = await signIn(portal.url, "operator");
        const map = async (query: string) => (await fetch(`${portal.url}/map${query}`, { headers: { cookie } })).text();
        const note = zhCN.map.flow.bounded(MAP_CASES_BOUND);
        expect(await map("")).toContain(note);
        expect(await map("?regionCode=110102013")).not.toContain(note);
      } finally {
        await portal.close();
      }
    } finally {
      await t.database.db.delete(councils).where(inArray(councils.id, added));
    }
  });

  it("the councils page pages each list on its own, keeping the other's place", async () => {
    const portal = await startPortal({ DATABASE_URL: t.url, SEED_DEMO: "0", HOT_SPOT_DETECTION: "0" });
    try {
      const cookie = await signIn(portal.url, "operator");
      const page = async (path: string) => (await fetch(portal.url + path, { headers: { cookie } })).text();
      const councilLinks = (html: string) => [...html.matchAll(/href="\/councils\/(\d+)"/g)].map((m) => m[1]);
      const olderLink = (html: string, list: string) =>
        [...html.matchAll(/<a\b([^>]*)>([^<]*)<\/a>/g)]
          .filter(([, attrs, text]) => attrs!.includes('rel="next"') && text === zhCN.common.older)
          .map(([, attrs]) => /href="([^"]*)"/.exec(attrs!)![1]!.replace(/&amp;/g, "&"))
          .find((href) => href.endsWith(`#${list}-heading`));
      const first = await page("/councils");
      expect(councilLinks(first)).toHaveLength(30);
      const whistlesOlder = olderLink(first, "whistles")!;
      expect(whistlesOlder).toMatch(/^\/councils\?whistles=/);
      // The whistles' next page leaves the councils where they were.
      expect(councilLinks(await page(whistlesOlder))).toEqual(councilLinks(first));
      const second = await page(olderLink(first, "councils")!);
      expect(councilLinks(second)).toHaveLength(30);
      expect(councilLinks(second).filter((id) => councilLinks(first).includes(id))).toEqual([]);
      expect(second).toContain(`>${zhCN.common.latest}<`);
    } finally {
      await portal.close();
    }
  });
});

describe("the public list of published decisions", () => {
  it("holds the councils with a published decision, by district, latest first", async () => {
    const published = await t.database.db
      .selectDistinct({ id: councils.id, regionCode: councils.regionCode })
      .from(councils)
      .innerJoin(decisions, eq(decisions.councilId, councils.id))
      .where(isNotNull(decisions.publishedAt));
    expect(published.length).toBeGreaterThan(0);
    const all = await allPages(async (cursor) => {
      const page = await listPublicCouncils(t.database, { cursor: cursor ?? undefined });
      return { rows: page.councils, next: page.next };
    });
    expect(all.rows.map((c) => c.id).sort((x, y) => x - y)).toEqual(published.map((c) => c.id).sort((x, y) => x - y));
    const times = all.rows.map((c) => c.updatedAt.getTime());
    expect(times).toEqual([...times].sort((x, y) => y - x));
    // By district: 西城区 and 海淀区 hold the demo's, 密云区 none.
    for (const district of ["110102", "110108", "110228"]) {
      const listed = (await listPublicCouncils(t.database, { district })).councils.map((c) => c.id);
      const expected = published.filter((c) => c.regionCode.startsWith(district)).map((c) => c.id);
      expect(listed.sort(), district).toEqual(expected.sort());
    }
  });
});
