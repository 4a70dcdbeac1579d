/**
 * The insights read side on the demo seed (real SQLite, real detection): each
 * role sees the hot spots of its own area and nothing else, the filters narrow
 * the list, the map export carries the same hot spots, rising categories and
 * recurring places stay inside the actor's area.
 */
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { categories } from "../../db/schema";
import { seedDemoTickets } from "../../db/seed/demo-tickets";
import { actorOf, openTestDatabase, type TestDatabase } from "../../tests/helpers/database";
import { ForbiddenError, NotFoundError, ValidationError } from "../errors";
import type { Actor } from "../identity/permissions";
import { createTicket } from "../tickets";
import {
  detectHotSpots,
  getHotSpot,
  hotSpotFeatures,
  listHotSpots,
  recurringPlacesFor,
  risingCategories,
  shiftHalfMonth,
  halfMonthOf,
} from ".";

const SEED_NOW = new Date("2026-11-21T10:00:00+08:00");
let t: TestDatabase;
const a: Record<string, Actor> = {};
let parkingFamily: number;
let noiseFamily: number;

beforeAll(async () => {
  t = await openTestDatabase({ demo: true });
  await seedDemoTickets(t.database, SEED_NOW);
  await detectHotSpots(t.database, { full: true, now: SEED_NOW });
  for (const u of [
    "admin",
    "operator",
    "street",
    "secretary",
    "worker",
    "housing",
    "property",
    "committee",
    "resident",
  ])
    a[u] = await actorOf(t.database, u);
  const parentOf = async (leaf: string) =>
    (await t.database.db.query.categories.findFirst({ where: eq(categories.name, leaf) }))!.parentId!;
  parkingFamily = await parentOf("占道停车");
  noiseFamily = await parentOf("车库噪音");
});
afterAll(() => t?.close());

const regionsSeen = async (who: string, filters: Record<string, unknown> = {}) =>
  (await listHotSpots(t.database, a[who]!, filters)).map((h) => h.regionCode!);

describe("who sees which hot spots", () => {
  it("the centre and the administrator see every area's, strongest first", async () => {
    for (const who of ["admin", "operator"]) {
      const rows = await listHotSpots(t.database, a[who]!);
      expect(rows.length).toBeGreaterThanOrEqual(2);
      expect(rows.map((r) => r.score)).toEqual([...rows.map((r) => r.score)].sort((x, y) => y - x));
      expect(rows.slice(0, 2).map((r) => r.familyId)).toEqual([parkingFamily, noiseFamily]);
      expect(rows[0]!.regionCode).toBe("110102013901");
      expect(rows[0]!.place).toBeTruthy();
    }
  });

  it("a street officer and a community secretary see only their own area's", async () => {
    const street = await regionsSeen("street");
    expect(street.length).toBeGreaterThan(0);
    expect(street.every((r) => r.startsWith("110102013"))).toBe(true);
    const secretary = await regionsSeen("secretary");
    expect(secretary.length).toBeGreaterThan(0);
    expect(secretary.every((r) => r === "110102013901")).toBe(true);
    // The district department sees its district's: both demo problems are in 西城.
    const housing = await regionsSeen("housing");
    expect(housing).toEqual(expect.arrayContaining(["110102013901", "110102019901"]));
    expect(housing.every((r) => r.startsWith("110102"))).toBe(true);
  });

  it("roles without read:insight are refused", async () => {
    for (const who of ["worker", "property", "committee", "resident"]) {
      await expect(listHotSpots(t.database, a[who]!)).rejects.toBeInstanceOf(ForbiddenError);
      await expect(hotSpotFeatures(t.database, a[who]!)).rejects.toBeInstanceOf(ForbiddenError);
      await expect(risingCategories(t.database, a[who]!)).rejects.toBeInstanceOf(ForbiddenError);
    }
  });

  it("a hot spot outside the actor's area is not found, inside it comes with its tickets and weeks", async () => {
    const [noise] = await listHotSpots(t.database, a.operator!, { categoryId: noiseFamily });
    await expect(getHotSpot(t.database, a.street!, noise!.id)).rejects.toBeInstanceOf(NotFoundError);
    const [parking] = await listHotSpots(t.database, a.street!, { categoryId: parkingFamily });
    const detail = await getHotSpot(t.database, a.street!, parking!.id);
    expect(detail.tickets).toHaveLength(parking!.ticketCount);
    expect(detail.weekly.reduce((s, w) => s + w.count, 0)).toBe(parking!.ticketCount);
    // Consecutive weeks, gaps filled.
    for (let i = 1; i < detail.weekly.length; i++)
      expect(Date.parse(detail.weekly[i]!.week) - Date.parse(detail.weekly[i - 1]!.week)).toBe(7 * 86_400_000);
    expect(detail.categories.reduce((s, c) => s + c.count, 0)).toBe(parking!.ticketCount);
    // The street reads its own area's tickets: the links work.
    expect(detail.tickets.filter((x) => x.readable).length).toBeGreaterThan(parking!.ticketCount / 2);
  });
});

describe("filters", () => {
  it("narrow by region, category, time, status, review and rule version", async () => {
    expect(await regionsSeen("operator", { regionCode: "110102019" })).toEqual(
      expect.arrayContaining(["110102019901"]),
    );
    expect((await regionsSeen("operator", { regionCode: "110102019" })).every((r) => r.startsWith("110102019"))).toBe(
      true,
    );
    const parking = await listHotSpots(t.database, a.operator!, { categoryId: parkingFamily });
    expect(parking.length).toBeGreaterThan(0);
    expect(parking.every((h) => h.familyId === parkingFamily)).toBe(true);
    // A level-1 category takes in the families under it.
    const top = await t.database.db.query.categories.findFirst({ where: eq(categories.id, parkingFamily) });
    const underTop = await listHotSpots(t.database, a.operator!, { categoryId: top!.parentId! });
    expect(underTop.map((h) => h.id)).toEqual(expect.arrayContaining(parking.map((h) => h.id)));
    expect(await listHotSpots(t.database, a.operator!, { to: "2020-01-01" })).toEqual([]);
    expect(
      (await listHotSpots(t.database, a.operator!, { from: "2026-11-01", to: "2026-11-21" })).length,
    ).toBeGreaterThan(0);
    expect(await listHotSpots(t.database, a.operator!, { status: "gone" })).toEqual([]);
    expect(await listHotSpots(t.database, a.operator!, { review: "dismissed" })).toEqual([]);
    const all = await listHotSpots(t.database, a.operator!);
    expect(await listHotSpots(t.database, a.operator!, { ruleVersionId: all[0]!.ruleVersionId })).toHaveLength(
      all.length,
    );
    expect(await listHotSpots(t.database, a.operator!, { ruleVersionId: 999 })).toEqual([]);
  });

  it("refuse malformed filters field by field", async () => {
    const error = await listHotSpots(t.database, a.operator!, { from: "21/11/2026", status: "maybe" }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect(Object.keys((error as ValidationError).fieldErrors).sort()).toEqual(["from", "status"]);
  });
});

describe("the map export", () => {
  it("is the list as GeoJSON points at the centres, with links to the hot spots", async () => {
    const list = await listHotSpots(t.database, a.street!);
    const features = await hotSpotFeatures(t.database, a.street!);
    expect(features.type).toBe("FeatureCollection");
    expect(features.features.map((f) => f.id)).toEqual(list.map((h) => h.id));
    const [first] = features.features;
    expect(first!.geometry.coordinates).toEqual([list[0]!.centreLon, list[0]!.centreLat]);
    expect(first!.properties).toMatchObject({
      ticketCount: list[0]!.ticketCount,
      link: `/insights/hot-spots/${list[0]!.id}`,
    });
  });
});

describe("rising categories and recurring places", () => {
  it("flag a street's category that jumps above its own baseline, for the street and the centre", async () => {
    const noiseLeaf = (await t.database.db.query.categories.findFirst({ where: eq(categories.name, "车库噪音") }))!.id;
    // 西河沿 (大栅栏街道) had no garage-noise calls; eight arrive this half-month.
    for (let i = 0; i < 8; i++) {
      await createTicket(
        t.database,
        a.operator!,
        {
          type: "complaint",
          categoryId: noiseLeaf,
          description: "夜间地下车库施工噪音很大",
          address: "西城区西河沿街",
          regionCode: "110102013901",
        },
        { now: new Date(SEED_NOW.getTime() - (i + 1) * 3_600_000) },
      );
    }
    for (const who of ["operator", "street"]) {
      const flagged = await risingCategories(t.database, a[who]!, { now: SEED_NOW });
      expect(flagged).toContainEqual(
        expect.objectContaining({ streetCode: "110102013", familyId: noiseFamily, observed: 8, rising: true }),
      );
    }
    // Not the 新安中里 street's concern, and not flagged for it.
    const housing = await risingCategories(t.database, a.housing!, { now: SEED_NOW, regionCode: "110102019" });
    expect(housing.some((r) => r.streetCode === "110102013")).toBe(false);
  });

  it("stay inside the actor's area", async () => {
    const all = await risingCategories(t.database, a.operator!, { now: SEED_NOW });
    const street = await risingCategories(t.database, a.street!, { now: SEED_NOW });
    expect(street.every((r) => r.streetCode === "110102013")).toBe(true);
    expect(all.length).toBeGreaterThanOrEqual(street.length);
    for (const r of all) {
      expect(r.rising).toBe(true);
      expect(r.observed).toBeGreaterThan(r.baseline);
      expect(r.period).toBe(halfMonthOf(SEED_NOW));
    }
    const places = await recurringPlacesFor(t.database, a.operator!, { now: SEED_NOW });
    // The demo's two problems call again and again after closures.
    expect(places.slice(0, 2).map((p) => [p.familyName, p.regionCode])).toEqual([
      ["停车管理", "110102013901"],
      ["噪音", "110102019901"],
    ]);
    const streetPlaces = await recurringPlacesFor(t.database, a.street!, { now: SEED_NOW });
    expect(streetPlaces.every((p) => p.regionCode?.startsWith("110102013"))).toBe(true);
    expect(places.length).toBeGreaterThanOrEqual(streetPlaces.length);
  });

  it("read a rollup the triggers keep equal to counting the tickets, through inserts and moves", async () => {
    const counted = sql`select strftime('%Y-%m', received_at / 1000, 'unixepoch', '+8 hours') || '-' ||
        (case when cast(strftime('%d', received_at / 1000, 'unixepoch', '+8 hours') as integer) <= 15 then 1 else 2 end) as period,
        coalesce(community_code, street_code, district_code) as place, category_id as categoryId, count(*) as n
      from tickets where place is not null group by 1, 2, 3 order by 1, 2, 3`;
    const rolled = sql`select period, place, category_id as categoryId, n from ticket_volume_rollups where n <> 0 order by 1, 2, 3`;
    expect(await t.database.db.all(rolled)).toEqual(await t.database.db.all(counted));
    // A correction outside the services (a ticket moved to another community and another half-month).
    await t.database.write(async (tx) => {
      await tx.run(sql`update tickets set community_code = '110102019901', street_code = '110102019',
        received_at = received_at - 20 * 86400000 where id in (select id from tickets order by id limit 25)`);
    });
    expect(await t.database.db.all(rolled)).toEqual(await t.database.db.all(counted));
  });

  it("count half-months across year ends", () => {
    expect(shiftHalfMonth("2026-01-1", -1)).toBe("2025-12-2");
    expect(shiftHalfMonth("2025-12-2", 1)).toBe("2026-01-1");
    expect(shiftHalfMonth("2026-03-2", -24)).toBe("2025-03-2");
    expect(halfMonthOf(new Date("2026-03-15T23:59:00+08:00"))).toBe("2026-03-1");
    expect(halfMonthOf(new Date("2026-03-15T16:30:00Z"))).toBe("2026-03-2");
  });
});
