/**
 * Hot-spot detection on a real database: tickets created through the intake
 * service at known positions, a full run, then incremental runs fed by the
 * ticket events — ids stay while the cluster persists, a cluster that loses
 * its tickets is marked gone. Then the demo seed: detection finds the
 * 西河沿 parking and 新安中里 garage-noise problems from the data alone.
 */
import { eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { categories, hotSpots, hotSpotTickets, tickets } from "../../db/schema";
import { seedDemoTickets } from "../../db/seed/demo-tickets";
import { actorOf, openTestDatabase, orgId, type TestDatabase } from "../../tests/helpers/database";
import type { Actor } from "../identity/permissions";
import { createTicket } from "../tickets";
import { act } from "../tickets/workflow";
import { workerBundle } from "../worker-bundle";
import { detectHotSpots, detectionThreaded } from ".";
import { Clusterer, persistPlan } from "./detection";

const NOW = new Date("2026-03-20T12:00:00+08:00");
const HOUR = 3_600_000;

async function categoryId(t: TestDatabase, name: string) {
  const row = await t.database.db.query.categories.findFirst({ where: eq(categories.name, name) });
  return row!.id;
}

async function activeHotSpots(t: TestDatabase) {
  const rows = await t.database.db.select().from(hotSpots).where(eq(hotSpots.status, "active"));
  const members = await t.database.db.select().from(hotSpotTickets);
  return rows.map((h) => ({
    ...h,
    ticketIds: members
      .filter((m) => m.hotSpotId === h.id)
      .map((m) => m.ticketId)
      .sort((a, b) => a - b),
  }));
}

describe("detection on tickets from the intake service", () => {
  let t: TestDatabase;
  let operator: Actor;
  let parking: number;
  let noise: number;

  async function ticketAt(lon: number, lat: number, at: Date, category = parking) {
    const { id } = await createTicket(
      t.database,
      operator,
      {
        type: "complaint",
        channel: "phone",
        urgency: "normal",
        categoryId: category,
        description: "路边长期有车辆占道停放，早晚高峰堵塞",
        address: "西城区西河沿街",
        lon,
        lat,
      },
      { now: at },
    );
    return id;
  }

  beforeAll(async () => {
    t = await openTestDatabase({ demo: true });
    operator = await actorOf(t.database, "operator");
    parking = await categoryId(t, "占道停车");
    noise = await categoryId(t, "车库噪音");
  });
  afterAll(() => t?.close());

  const cluster: number[] = [];
  let firstId = 0;

  it("finds five parking calls within 200 m and two weeks, not the noise call among them", async () => {
    // ~40 m apart along 西河沿街, one a day.
    for (let i = 0; i < 5; i++) {
      cluster.push(await ticketAt(116.39 + i * 0.0005, 39.8975, new Date(NOW.getTime() - (10 - i) * 24 * HOUR)));
    }
    await ticketAt(116.391, 39.8975, new Date(NOW.getTime() - 9 * 24 * HOUR), noise);
    // The same kind of call 3 km away is not part of it.
    await ticketAt(116.43, 39.8975, new Date(NOW.getTime() - 5 * 24 * HOUR));
    const result = await detectHotSpots(t.database, { full: true, now: NOW });
    expect(result.full).toBe(true);
    // Seconds of clustering at a city's scale must not hold the portal's event loop.
    expect(detectionThreaded(t.database)).toBe(true);
    const found = await activeHotSpots(t);
    expect(found).toHaveLength(1);
    const [spot] = found;
    expect(spot!.ticketIds).toEqual(cluster);
    expect(spot!.ticketCount).toBe(5);
    expect(spot!.centreLon).toBeCloseTo(116.391, 4);
    expect(spot!.centreLat).toBeCloseTo(39.8975, 4);
    expect(spot!.radiusM).toBeGreaterThan(80);
    expect(spot!.radiusM).toBeLessThan(90);
    // The family is the level-2 ancestor of 占道停车.
    const family = await t.database.db.query.categories.findFirst({ where: eq(categories.id, spot!.familyId) });
    expect(family!.level).toBe(2);
    firstId = spot!.id;
  });

  it("grows the same hot spot when new calls arrive (from the event feed, incrementally)", async () => {
    cluster.push(await ticketAt(116.3912, 39.8977, new Date(NOW.getTime() - 1 * HOUR)));
    const result = await detectHotSpots(t.database, { now: NOW });
    expect(result.full).toBe(false);
    expect(result.updated).toEqual([firstId]);
    const [spot] = await activeHotSpots(t);
    expect(spot!.id).toBe(firstId);
    expect(spot!.ticketIds).toEqual([...cluster].sort((a, b) => a - b));
    // All six within the last window (14 days), none in the one before: rising beyond chance.
    expect([spot!.recent, spot!.previous, spot!.trend]).toEqual([6, 0, "rising"]);
  });

  it("changes no hot spot for events that leave its tickets where they were", async () => {
    const before = await activeHotSpots(t);
    // The centre dispatches one of them: an event, but the call stays where and when it was.
    const housing = await orgId(t.database, "西城区住房和城市建设委员会");
    await act(t.database, operator, cluster[0]!, { kind: "dispatch", orgId: housing }, NOW);
    expect(await detectHotSpots(t.database, { now: NOW })).toEqual({ full: false, updated: [], gone: [] });
    expect(await activeHotSpots(t)).toEqual(before);
  });

  it("keeps the id over a full rerun, and marks the hot spot gone when too few tickets remain", async () => {
    await detectHotSpots(t.database, { full: true, now: NOW });
    expect((await activeHotSpots(t)).map((h) => h.id)).toEqual([firstId]);
    // Two positions corrected 5 km away by a bulk fix outside the services: no ticket event.
    await t.database.write(async (tx) => {
      await tx
        .update(tickets)
        .set({ lon: 116.45 })
        .where(inArray(tickets.id, cluster.slice(0, 2)));
    });
    // The event feed is what incremental runs follow: nothing changed for them.
    expect(await detectHotSpots(t.database, { now: NOW })).toEqual({ full: false, updated: [], gone: [] });
    // A full run reads the tickets themselves: four calls are left, one short of a hot spot.
    const full = await detectHotSpots(t.database, { full: true, now: NOW });
    expect(full).toEqual({ full: true, updated: [], gone: [firstId] });
    expect(await activeHotSpots(t)).toEqual([]);
    const [kept] = await t.database.db.select().from(hotSpots).where(eq(hotSpots.id, firstId));
    expect(kept!.status).toBe("gone");
    expect(await t.database.db.select().from(hotSpotTickets).where(eq(hotSpotTickets.hotSpotId, firstId))).toHaveLength(
      6,
    );
  });
});

describe("detection over the demo seed", () => {
  let t: TestDatabase;
  const SEED_NOW = new Date("2026-11-21T10:00:00+08:00");

  beforeAll(async () => {
    t = await openTestDatabase({ demo: true });
    await seedDemoTickets(t.database, SEED_NOW);
  });
  afterAll(() => t?.close());

  it("ranks the 西河沿 parking calls and the 新安中里 garage noise as the two strongest hot spots", async () => {
    await detectHotSpots(t.database, { full: true, now: SEED_NOW });
    const [first, second] = (await activeHotSpots(t)).sort((a, b) => b.score - a.score);
    const familyOf = async (leafName: string) => {
      const leaf = await t.database.db.query.categories.findFirst({ where: eq(categories.name, leafName) });
      return leaf!.parentId;
    };
    /** The community most of a hot spot's tickets are in. */
    const communityOf = async (ids: number[]) => {
      const rows = await t.database.db
        .select({ code: tickets.communityCode })
        .from(tickets)
        .where(inArray(tickets.id, ids));
      const counts = new Map<string | null, number>();
      for (const r of rows) counts.set(r.code, (counts.get(r.code) ?? 0) + 1);
      return [...counts].sort((a, b) => b[1] - a[1])[0]![0];
    };
    // The seed put 180 parking calls around 西河沿 over 200 days and 90 noise calls at 新安中里 over 150.
    expect(await communityOf(first!.ticketIds)).toBe("110102013901");
    expect(first!.familyId).toBe(await familyOf("占道停车"));
    expect(first!.ticketCount).toBeGreaterThanOrEqual(150);
    expect(await communityOf(second!.ticketIds)).toBe("110102019901");
    expect(second!.familyId).toBe(await familyOf("车库噪音"));
    expect(second!.ticketCount).toBeGreaterThanOrEqual(80);
  });

  it("plans the same full run whether one thread reads the tickets or two", async () => {
    const alone = await new Clusterer(t.database).plan(true, SEED_NOW.getTime());
    const reader = workerBundle(import.meta.url, "server/insights", "ticket-reader.ts");
    expect(reader).not.toBeNull();
    // The demo has a few thousand tickets: read with two threads from the first.
    const paired = await new Clusterer(t.database, { reader, parallelFrom: 1 }).plan(true, SEED_NOW.getTime());
    expect(paired.items.length).toBeGreaterThan(1);
    expect(paired.items).toEqual(alone.items);
    expect(paired.gone).toEqual(alone.gone);
  });

  it("plans a hot spot that only gained calls from its state and the newcomers, as a full run would", async () => {
    const clusterer = new Clusterer(t.database);
    const full = await clusterer.plan(true, SEED_NOW.getTime());
    clusterer.confirm(full, await persistPlan(t.database, full));
    // Three new parking calls on 西河沿街, an hour later.
    const operator = await actorOf(t.database, "operator");
    const parking = await categoryId(t, "占道停车");
    const later = new Date(SEED_NOW.getTime() + HOUR);
    for (const dx of [0, 0.0003, 0.0006])
      await createTicket(
        t.database,
        operator,
        {
          type: "complaint",
          channel: "phone",
          urgency: "normal",
          categoryId: parking,
          description: "西河沿街又有车辆占道停放",
          address: "西城区西河沿街",
          lon: 116.3925 + dx,
          lat: 39.8975,
        },
        { now: later },
      );
    const read = vi.spyOn(clusterer.index!, "columnsOfSlots");
    const refresh = await clusterer.plan(false, later.getTime());
    const grown = refresh.items.find((item) => item.keep !== null && item.added.length === 3);
    expect(grown).toBeDefined();
    // Only the newcomers' columns were read for it.
    expect(read.mock.calls.some(([slots]) => slots.length === 3)).toBe(true);
    // A fresh full run over the same tickets says the same of that hot spot.
    const fresh = await new Clusterer(t.database).plan(true, later.getTime());
    const same = fresh.items.find((item) => item.keep === grown!.keep)!;
    const { updatedAt: _a, ...values } = grown!.values;
    const { updatedAt: _b, ...expected } = same.values;
    for (const key of ["centreLon", "centreLat", "radiusM", "score"] as const) {
      expect(values[key]).toBeCloseTo(expected[key], 9);
      delete values[key];
      delete (expected as Partial<typeof expected>)[key];
    }
    expect(values).toEqual(expected);
  });
});
