/**
 * Viewport clusters on a real database: tickets created through the intake
 * service at known positions, then asked for at city and street zoom, with
 * filters, per role, and again after tickets change.
 */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { categories } from "../../db/schema";
import { actorOf, openTestDatabase, orgId, type TestDatabase } from "../../tests/helpers/database";
import { ForbiddenError, ValidationError } from "../errors";
import type { Actor } from "../identity/permissions";
import { act, createTicket } from "../tickets";
import { firstClusters, pointsOf, viewportClusters, type ViewportResult } from ".";
import { boundsAround, FIRST_SCREEN } from "./viewport";

let t: TestDatabase;
const actors: Record<string, Actor> = {};
let parking: number;
let trafficL1: number;
let noise: number;
const xiheyanIds: number[] = [];

const CITY = { west: 115.4, south: 39.4, east: 117.6, north: 41.1, zoom: 8 };
const XIHEYAN = { west: 116.385, south: 39.894, east: 116.4, north: 39.901, zoom: 18 };

async function ticketAt(lon: number, lat: number, extra: Record<string, unknown> = {}) {
  const { id } = await createTicket(
    t.database,
    actors.operator!,
    {
      type: "complaint",
      channel: "phone",
      urgency: "normal",
      categoryId: parking,
      description: "路边长期有车辆占道停放，早晚高峰堵塞",
      address: "西城区西河沿街",
      lon,
      lat,
      ...extra,
    },
    { now: new Date("2026-03-10T09:00:00+08:00") },
  );
  return id;
}

const clusters = (r: ViewportResult) => r.features.filter((f) => f.properties.cluster);
const singles = (r: ViewportResult) =>
  r.features.flatMap((f) => (f.properties.cluster ? [] : [f.properties.ticketId])).sort((a, b) => a - b);

beforeAll(async () => {
  t = await openTestDatabase({ demo: true });
  for (const u of ["admin", "operator", "street", "housing", "resident"]) actors[u] = await actorOf(t.database, u);
  const leaf = await t.database.db.query.categories.findFirst({ where: eq(categories.name, "占道停车") });
  parking = leaf!.id;
  let at = leaf!;
  while (at.parentId != null)
    at = (await t.database.db.query.categories.findFirst({ where: eq(categories.id, at.parentId) }))!;
  trafficL1 = at.id;
  const noiseLeaf = await t.database.db.query.categories.findFirst({ where: eq(categories.name, "车库噪音") });
  noise = noiseLeaf!.id;
  // Six tickets along 西河沿街, ~60 m apart (大栅栏街道, 西城); three at 曙光花园 (海淀), one of them noise.
  for (let k = 0; k < 6; k++) xiheyanIds.push(await ticketAt(116.3895 + k * 0.0007, 39.8975));
  await ticketAt(116.2838, 39.9585, { address: "海淀区曙光花园" });
  await ticketAt(116.2841, 39.9587, { address: "海淀区曙光花园" });
  await ticketAt(116.2838, 39.9585, { address: "海淀区曙光花园", categoryId: noise, type: "report" });
  // Thirty more far out in 延庆, so a street-level view meets a small share of the city and is
  // answered bucket by bucket, while a filtered city-wide view is one pass over every ticket.
  for (let k = 0; k < 30; k++) await ticketAt(115.97 + (k % 6) * 0.001, 40.46 + Math.floor(k / 6) * 0.001);
});
afterAll(() => t?.close());

describe("viewport clusters", () => {
  it("gathers the city into a few clusters with their counts, centred on their tickets", async () => {
    const r = await viewportClusters(t.database, actors.operator!, CITY);
    expect(r.total).toBe(39);
    const counts = clusters(r)
      .map((f) => f.properties.count)
      .sort((a, b) => a - b);
    expect(counts).toEqual([3, 6, 30]);
    const xiheyan = clusters(r).find((f) => f.properties.count === 6)!;
    expect(xiheyan.geometry.coordinates[0]).toBeCloseTo(116.3895 + 2.5 * 0.0007, 4);
    expect(xiheyan.geometry.coordinates[1]).toBeCloseTo(39.8975, 4);
    expect(xiheyan.properties).toMatchObject({ expansionZoom: 10, stacked: false });
  });

  it("splits into single tickets at street zoom and leaves out what is outside the viewport", async () => {
    const r = await viewportClusters(t.database, actors.operator!, XIHEYAN);
    expect(clusters(r)).toEqual([]);
    expect(singles(r)).toEqual(xiheyanIds);
    expect(r.total).toBe(6);
  });

  it("marks tickets at one position as a stack that zooming cannot split", async () => {
    const r = await viewportClusters(t.database, actors.operator!, {
      west: 116.28,
      south: 39.955,
      east: 116.29,
      north: 39.962,
      zoom: 18,
    });
    expect(clusters(r).map((f) => f.properties)).toEqual([
      { cluster: true, count: 2, expansionZoom: 18, stacked: true },
    ]);
    expect(singles(r)).toHaveLength(1);
  });

  it("filters by category family, type, area and time", async () => {
    const total = async (filters: Record<string, unknown>) =>
      (await viewportClusters(t.database, actors.operator!, { ...CITY, ...filters })).total;
    expect(await total({ categoryId: trafficL1 })).toBe(38);
    expect(await total({ categoryId: noise })).toBe(1);
    expect(await total({ type: "report" })).toBe(1);
    expect(await total({ regionCode: "110108" })).toBe(3);
    expect(await total({ regionCode: "110102" })).toBe(6);
    expect(await total({ regionCode: "110000" })).toBe(39);
    expect(await total({ from: "2026-03-10", to: "2026-03-10" })).toBe(39);
    expect(await total({ from: "2026-03-11" })).toBe(0);
    expect(await total({ to: "2026-03-09" })).toBe(0);
  });

  it("shows each role only the tickets it may read", async () => {
    // The street office sees its own area (大栅栏街道); a department sees what it handles (none
    // yet); a resident sees only what they filed; someone signed in without read:map nothing.
    expect((await viewportClusters(t.database, actors.street!, CITY)).total).toBe(6);
    expect((await viewportClusters(t.database, actors.housing!, CITY)).total).toBe(0);
    expect((await viewportClusters(t.database, actors.resident!, CITY)).total).toBe(0);
    const nobody: Actor = { ...actors.resident!, grants: [] };
    await expect(viewportClusters(t.database, nobody, CITY)).rejects.toBeInstanceOf(ForbiddenError);
  });

  it("follows tickets as they change: new ones appear, a status filter sees the new status", async () => {
    const housing = await orgId(t.database, "西城区住房和城市建设委员会");
    await act(
      t.database,
      actors.operator!,
      xiheyanIds[0]!,
      { kind: "dispatch", orgId: housing },
      new Date("2026-03-10T10:00:00+08:00"),
    );
    const added = await ticketAt(116.39, 39.8976);
    await pointsOf(t.database, { force: true });
    const r = await viewportClusters(t.database, actors.operator!, { ...XIHEYAN, status: "dispatched" });
    expect(singles(r)).toEqual([xiheyanIds[0]]);
    expect((await viewportClusters(t.database, actors.operator!, XIHEYAN)).total).toBe(7);
    expect(singles(await viewportClusters(t.database, actors.housing!, CITY))).toEqual([xiheyanIds[0]]);
    expect(added).toBeGreaterThan(xiheyanIds[0]!);
    const own = await createTicket(t.database, actors.resident!, {
      type: "complaint",
      categoryId: parking,
      description: "楼下夜间车辆乱停，堵住消防通道",
      address: "西城区西河沿街 8 号",
      lon: 116.3921,
      lat: 39.8974,
    });
    await pointsOf(t.database, { force: true });
    expect(singles(await viewportClusters(t.database, actors.resident!, XIHEYAN))).toEqual([own.id]);
  });

  it("starts a page with the clusters of a large screen around its view, for the actor and the filters", async () => {
    const view = { lon: 116.4, lat: 40.1, zoom: 8 };
    // 1,280 pixels at zoom 8 are 1,280 / (512 × 2⁸) of the world's 360°.
    const b = boundsAround(view, { width: 1280, height: 900 });
    expect(b.east - b.west).toBeCloseTo((1280 / (512 * 2 ** 8)) * 360, 6);
    expect((b.east + b.west) / 2).toBeCloseTo(view.lon, 6);
    expect(b.north).toBeGreaterThan(view.lat);
    expect(b.south).toBeLessThan(view.lat);
    // Mercator: the north half of the screen spans fewer degrees than the south half.
    expect(b.north - view.lat).toBeLessThan(view.lat - b.south);
    const screen = boundsAround(view, FIRST_SCREEN);
    expect(screen.west).toBeLessThan(b.west);
    expect(screen.north).toBeGreaterThan(b.north);

    // What a viewport of that screen would answer, less its total (it would count what no one sees).
    for (const [actor, filters] of [
      [actors.operator!, {}],
      [actors.street!, {}],
      [actors.operator!, { type: "report" }],
    ] as const) {
      const first = await firstClusters(t.database, actor, filters, view);
      const whole = await viewportClusters(t.database, actor, { ...filters, ...screen, zoom: 8 });
      expect(first).toEqual({ ...screen, zoom: 8, features: whole.features });
    }
    const sum = async (actor: Actor, filters: Record<string, string> = {}) =>
      (await firstClusters(t.database, actor, filters, view)).features.reduce((n, f) => n + f.properties.count, 0);
    expect(await sum(actors.operator!)).toBe((await viewportClusters(t.database, actors.operator!, CITY)).total);
    // The street office sees only its own street; a filter applies as it does to any viewport.
    expect(await sum(actors.street!)).toBe((await viewportClusters(t.database, actors.street!, CITY)).total);
    expect(await sum(actors.street!)).toBeLessThan(await sum(actors.operator!));
    expect(await sum(actors.operator!, { type: "report" })).toBe(1);
  });

  it("refuses a malformed viewport with field errors", async () => {
    await expect(viewportClusters(t.database, actors.operator!, { ...CITY, zoom: "far" })).rejects.toBeInstanceOf(
      ValidationError,
    );
    // The whole world at street zoom is millions of cells: refused, not computed.
    await expect(
      viewportClusters(t.database, actors.operator!, { west: -180, south: -85, east: 180, north: 85, zoom: 18 }),
    ).rejects.toBeInstanceOf(ValidationError);
  });
});
