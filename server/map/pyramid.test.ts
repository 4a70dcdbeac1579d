/**
 * The pyramids against the plainest possible count: every accepted point in
 * the view dropped into its cell one by one. Random tickets (spread over the
 * city, crowded into a few spots, some sharing a position), random views at
 * every zoom the pyramid serves, filters, and then a storm of changes that a
 * filter's index must catch up with by replaying the log.
 */
import { describe, expect, it } from "vitest";
import { ticketStatuses } from "../../db/schema";
import { filterIndex } from "./filter-index";
import { latitudeOf, longitudeOf, mercatorX, mercatorY, TicketPoints } from "./points";
import { clustersOf, type ViewportResult } from "./viewport";

function seeded(seed: number) {
  return () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
}

const statuses = ["received", "dispatched", "closed"] as const;

function randomRow(random: () => number, id: number): Parameters<TicketPoints["upsert"]>[0] {
  const spot = random();
  let lon: number;
  let lat: number;
  if (spot < 0.5) {
    // Crowded around three places, a few hundred metres across.
    const centre = [
      [116.39, 39.9],
      [116.28, 39.96],
      [116.45, 39.93],
    ][Math.floor(random() * 3)]!;
    lon = centre[0]! + (random() - 0.5) * 0.01;
    lat = centre[1]! + (random() - 0.5) * 0.01;
  } else if (spot < 0.6) {
    [lon, lat] = [116.3838, 39.9011]; // one address, many calls
  } else {
    lon = 115.5 + random() * 2;
    lat = 39.5 + random() * 1.5;
  }
  const status = statuses[Math.floor(random() * statuses.length)]!;
  return [id, lon, lat, Date.parse("2026-03-01T08:00:00+08:00"), 1, "complaint", status, null, null, null, null];
}

/** Each cell's count and centroid, and the single tickets, from the view's points one by one. */
function naive(points: TicketPoints, accept: (i: number) => boolean, v: View) {
  const cells = 2 ** Math.floor(v.zoom) * 4;
  const box = { x0: mercatorX(v.west), x1: mercatorX(v.east), y0: mercatorY(v.north), y1: mercatorY(v.south) };
  const byCell = new Map<string, number[]>();
  for (let i = 0; i < points.size; i++) {
    const x = points.x[i]!;
    const y = points.y[i]!;
    if (x < box.x0 || x > box.x1 || y < box.y0 || y > box.y1 || !accept(i)) continue;
    const key = `${Math.floor(x * cells)}:${Math.floor(y * cells)}`;
    byCell.set(key, [...(byCell.get(key) ?? []), i]);
  }
  const clusters: { count: number; lon: number; lat: number }[] = [];
  const singles: number[] = [];
  for (const members of byCell.values()) {
    if (members.length === 1) singles.push(points.ids[members[0]!]!);
    else {
      const mean = (column: Float32Array) => members.reduce((sum, i) => sum + column[i]!, 0) / members.length;
      clusters.push({ count: members.length, lon: longitudeOf(mean(points.x)), lat: latitudeOf(mean(points.y)) });
    }
  }
  return { clusters, singles: singles.sort((a, b) => a - b) };
}

function shape(result: ViewportResult) {
  const clusters: { count: number; lon: number; lat: number }[] = [];
  const singles: number[] = [];
  for (const f of result.features) {
    if (f.properties.cluster) {
      clusters.push({ count: f.properties.count, lon: f.geometry.coordinates[0], lat: f.geometry.coordinates[1] });
    } else singles.push(f.properties.ticketId);
  }
  return { clusters, singles: singles.sort((a, b) => a - b) };
}

const byPlace = (a: { lon: number; lat: number }, b: { lon: number; lat: number }) => a.lon - b.lon || a.lat - b.lat;

interface View {
  west: number;
  south: number;
  east: number;
  north: number;
  zoom: number;
}

function randomView(random: () => number): View {
  const zoom = 8 + Math.floor(random() * 9); // 8–16: the pyramid's levels and below the finest
  const half = 1.6 / 2 ** (zoom - 8);
  const lon = 115.6 + random() * 1.8;
  const lat = 39.6 + random() * 1.2;
  return { west: lon - half, east: lon + half, south: lat - half / 2, north: lat + half / 2, zoom };
}

function expectSame(actual: ViewportResult, expected: ReturnType<typeof naive>) {
  const got = shape(actual);
  expect(got.singles).toEqual(expected.singles);
  const a = got.clusters.sort(byPlace);
  const e = expected.clusters.sort(byPlace);
  expect(a.map((c) => c.count)).toEqual(e.map((c) => c.count));
  a.forEach((c, k) => {
    expect(c.lon).toBeCloseTo(e[k]!.lon, 5);
    expect(c.lat).toBeCloseTo(e[k]!.lat, 5);
  });
}

function storeOf(random: () => number, count: number) {
  const points = new TicketPoints();
  for (let id = 1; id <= count; id++) points.upsert(randomRow(random, id));
  return points;
}

const closedIndex = ticketStatuses.indexOf("closed");

describe("viewport pyramids", () => {
  it("count every view exactly as visiting its points would", () => {
    const random = seeded(7);
    const points = storeOf(random, 6_000);
    const all = { kind: "pyramid" as const, pyramid: points.pyramid, accept: null };
    for (let k = 0; k < 120; k++) {
      const v = randomView(random);
      expectSame(
        clustersOf(points, all, v),
        naive(points, () => true, v),
      );
    }
  });

  it("count a filtered view from the filter's own pyramid, and from a test per point", () => {
    const random = seeded(11);
    const points = storeOf(random, 6_000);
    const closed = (i: number) => points.status[i] === closedIndex;
    const index = filterIndex(points, "closed", closed);
    // About a third of the tickets pass: the filter means something.
    expect(index.accepted.reduce((n, a) => n + a, 0)).toBeGreaterThan(1_500);
    const indexed = {
      kind: "pyramid" as const,
      pyramid: index.pyramid,
      accept: (i: number) => index.accepted[i] === 1,
    };
    for (let k = 0; k < 80; k++) {
      const v = randomView(random);
      const expected = naive(points, closed, v);
      expectSame(clustersOf(points, indexed, v), expected);
      expectSame(clustersOf(points, { kind: "points", accept: closed }, v), expected);
    }
  });

  it("keep a filter's pyramid right through moves, status changes and new tickets", () => {
    const random = seeded(23);
    const points = storeOf(random, 5_000);
    const closed = (i: number) => points.status[i] === closedIndex;
    const before = filterIndex(points, "closed", closed);
    // Moves and status changes of existing tickets, some twice, and new ones.
    for (let k = 0; k < 4_000; k++) {
      const id = random() < 0.8 ? 1 + Math.floor(random() * 5_000) : 5_001 + k;
      points.upsert(randomRow(random, id));
    }
    const after = filterIndex(points, "closed", closed);
    expect(after).toBe(before); // caught up by replaying the log, not rebuilt
    const fresh = filterIndex(points, "closed (fresh)", closed);
    fresh.pyramid.levels.forEach((level, l) => {
      const replayed = after.pyramid.levels[l]!;
      expect([...replayed.keys()].sort((a, b) => a - b)).toEqual([...level.keys()].sort((a, b) => a - b));
      for (const [key, sums] of level) expect(replayed.get(key)!.count).toBe(sums.count);
    });
    const indexed = {
      kind: "pyramid" as const,
      pyramid: after.pyramid,
      accept: (i: number) => after.accepted[i] === 1,
    };
    for (let k = 0; k < 60; k++) {
      const v = randomView(random);
      expectSame(clustersOf(points, indexed, v), naive(points, closed, v));
      expectSame(
        clustersOf(points, { kind: "pyramid", pyramid: points.pyramid, accept: null }, v),
        naive(points, () => true, v),
      );
    }
  });

  it("rebuild a filter's pyramid once the change log no longer reaches back to it", () => {
    const random = seeded(31);
    const points = storeOf(random, 2_000);
    const closed = (i: number) => points.status[i] === closedIndex;
    const before = filterIndex(points, "closed", closed);
    for (let k = 0; k < 120_000; k++) points.upsert(randomRow(random, 1 + (k % 2_000)));
    const after = filterIndex(points, "closed", closed);
    expect(after).not.toBe(before);
    const v = { west: 115.4, south: 39.4, east: 117.6, north: 41.1, zoom: 9 };
    expectSame(
      clustersOf(points, { kind: "pyramid", pyramid: after.pyramid, accept: (i) => after.accepted[i] === 1 }, v),
      naive(points, closed, v),
    );
  });
});
