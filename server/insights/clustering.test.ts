/**
 * ST-DBSCAN on constructed point sets with known answers, the edges of the
 * neighbourhood (on the radius, across midnight, across a category family),
 * and random sets against the all-pairs reference — in one full run and
 * again after incremental inserts, moves and removals.
 */
import { describe, expect, it } from "vitest";
import { naiveClusters, sortClusters } from "../../tests/helpers/naive-dbscan";
import { StClusterIndex, type ClusterRule, type StPoint } from "./clustering";
import { projectX, projectY, unprojectLat, unprojectLon } from "./projection";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const rule: ClusterRule = { radiusM: 100, windowMs: 7 * DAY, minTickets: 3 };
const T0 = Date.parse("2026-03-01T00:00:00+08:00");

function run(points: StPoint[], r: ClusterRule = rule) {
  const index = new StClusterIndex(r);
  index.upsert(points);
  index.settle();
  return { index, clusters: sortClusters(index.clusters().values()) };
}

const p = (id: number, x: number, y: number, t = T0, family = 1): StPoint => ({ id, x, y, t, family });

describe("ST-DBSCAN, known answers", () => {
  it("finds two separate groups and leaves the noise out", () => {
    const points = [
      p(1, 0, 0),
      p(2, 30, 0),
      p(3, 0, 40),
      p(4, 20, 20),
      // 1 km east: a second group.
      p(5, 1000, 0),
      p(6, 1050, 0),
      p(7, 1000, 60),
      // Alone.
      p(8, 500, 500),
    ];
    expect(run(points).clusters).toEqual([
      [1, 2, 3, 4],
      [5, 6, 7],
    ]);
  });

  it("needs at least minTickets: two tickets are no hot spot", () => {
    expect(run([p(1, 0, 0), p(2, 10, 0)]).clusters).toEqual([]);
  });

  it("counts a point exactly on the radius as within it (straight and diagonal)", () => {
    // 100 m east and a 60/80/100 triangle: both exactly on the radius.
    expect(run([p(1, 0, 0), p(2, 100, 0), p(3, 60, 80)]).clusters).toEqual([[1, 2, 3]]);
    // A millimetre more and the third is out: only two left, no cluster.
    expect(run([p(1, 0, 0), p(2, 100.01, 0), p(3, 60, 80.02)]).clusters).toEqual([]);
  });

  it("keeps a point on the radius inside after projecting real coordinates", () => {
    const lon = 116.3925;
    const lat = 39.8975;
    const x0 = projectX(lon);
    const y0 = projectY(lat);
    const east = unprojectLon(x0 + 100);
    const north = unprojectLat(y0 + 100);
    const points = [p(1, x0, y0), p(2, projectX(east), y0), p(3, x0, projectY(north))];
    expect(run(points).clusters).toEqual([[1, 2, 3]]);
  });

  it("chains through core points: a line of tickets 90 m apart is one cluster", () => {
    const line = Array.from({ length: 10 }, (_, i) => p(i + 1, i * 90, 0));
    expect(run(line).clusters).toEqual([[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]]);
    // 110 m apart nobody has a neighbour.
    expect(run(line.map((q) => ({ ...q, x: (q.id - 1) * 110 }))).clusters).toEqual([]);
  });

  it("joins tickets across midnight: the window is |Δt|, not the calendar day", () => {
    const night = { ...rule, windowMs: 1 * HOUR };
    const midnight = Date.parse("2026-03-02T00:00:00+08:00");
    const points = [
      p(1, 0, 0, midnight - 20 * 60_000),
      p(2, 10, 0, midnight - 1 * 60_000),
      p(3, 0, 10, midnight + 25 * 60_000),
    ];
    expect(run(points, night).clusters).toEqual([[1, 2, 3]]);
    // The same calls a day apart are three separate events.
    const apart = points.map((q, i) => ({ ...q, t: q.t + i * DAY }));
    expect(run(apart, night).clusters).toEqual([]);
  });

  it("counts a ticket exactly one window away as within it", () => {
    const points = [p(1, 0, 0, T0), p(2, 5, 0, T0 + rule.windowMs), p(3, 0, 5, T0 + 2 * rule.windowMs)];
    // 1–2 and 2–3 are neighbours, 1–3 are not: only 2 has three (itself included).
    expect(run(points).clusters).toEqual([[1, 2, 3]]);
    expect(run(points.map((q) => ({ ...q, t: q.t + (q.id - 1) }))).clusters).toEqual([]);
  });

  it("never joins tickets across a category family", () => {
    const points = [p(1, 0, 0, T0, 1), p(2, 10, 0, T0, 1), p(3, 0, 10, T0, 2), p(4, 10, 10, T0, 2)];
    expect(run(points).clusters).toEqual([]);
    points.push(p(5, 5, 5, T0, 1));
    expect(run(points).clusters).toEqual([[1, 2, 5]]);
  });

  it("gives a border ticket to one cluster only: its nearest core's", () => {
    const four: ClusterRule = { ...rule, minTickets: 4 };
    const left = [p(1, 0, 0), p(2, -5, 30), p(3, -5, -30), p(4, -30, 0)];
    const right = [p(5, 190, 0), p(6, 195, 30), p(7, 195, -30), p(8, 220, 0)];
    // 96 m from 1 and 94 m from 5: three in its neighbourhood, so a border ticket of both groups.
    const between = p(9, 96, 0);
    expect(run([...left, ...right, between], four).clusters).toEqual([
      [1, 2, 3, 4],
      [5, 6, 7, 8, 9],
    ]);
  });

  it("never joins one family's last time slice to the next family's first", () => {
    // Sorted by family then slice, family 1's slice 0 is followed by family 2's slice 1: neighbours in
    // the sort, not in the data.
    const points = [
      p(1, 0, 0, T0, 1),
      p(2, 10, 0, T0, 1),
      p(3, 0, 10, T0 + rule.windowMs, 2),
      p(4, 5, 5, T0 + rule.windowMs, 2),
    ];
    expect(run(points).clusters).toEqual([]);
  });

  it("refuses a rule outside its range", () => {
    expect(() => new StClusterIndex({ ...rule, radiusM: 10 })).toThrow(RangeError);
    expect(() => new StClusterIndex({ ...rule, minTickets: 1 })).toThrow(RangeError);
  });
});

/** A seeded generator, so a failure reproduces. */
function random(seed: number) {
  // mulberry32: integer arithmetic only, so the sequence does not collapse the way a float LCG does.
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let z = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    z = (z + Math.imul(z ^ (z >>> 7), 61 | z)) ^ z;
    return ((z ^ (z >>> 14)) >>> 0) / 2 ** 32;
  };
}

function randomPoints(n: number, seed: number, firstId = 1): StPoint[] {
  const r = random(seed);
  const centres = Array.from({ length: 12 }, () => [r() * 3000, r() * 3000, T0 + r() * 60 * DAY] as const);
  return Array.from({ length: n }, (_, i) => {
    const [cx, cy, ct] = centres[Math.floor(r() * centres.length)]!;
    const spread = r() < 0.3 ? 1500 : 200;
    return p(
      firstId + i,
      cx + (r() - 0.5) * spread,
      cy + (r() - 0.5) * spread,
      ct + (r() - 0.5) * 30 * DAY,
      1 + Math.floor(r() * 3),
    );
  });
}

describe("what the index carries with each ticket", () => {
  it("returns each ticket's tag and mark with its cluster, through the full run's renumbering and a move", () => {
    const points = [p(5, 0, 0), p(3, 10, 0), p(9, 0, 10), p(4, 2000, 0)].map((q) => ({ ...q, tag: q.id * 10 }));
    const index = new StClusterIndex(rule);
    index.upsert(points);
    index.mark(9, 7);
    index.settle();
    const byId = (cluster: number) => {
      const c = index.columnsOf(cluster);
      return Object.fromEntries(Array.from(c.ids, (id, i) => [id, [c.tags[i], c.marks[i]]]));
    };
    expect(byId(index.clusterOfTicket(5))).toEqual({ 3: [30, 0], 5: [50, 0], 9: [90, 7] });
    // A move keeps the mark; a new ticket starts unmarked.
    index.upsert([
      { ...p(9, 5, 5), tag: 91 },
      { ...p(11, 5, 0), tag: 110 },
    ]);
    index.settle();
    expect(byId(index.clusterOfTicket(5))).toEqual({ 3: [30, 0], 5: [50, 0], 9: [91, 7], 11: [110, 0] });
  });
});

describe("ST-DBSCAN against the all-pairs reference", () => {
  it("agrees on random sets", () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const points = randomPoints(600, seed);
      expect(run(points).clusters).toEqual(naiveClusters(points, rule));
    }
  });

  it("agrees after incremental inserts, moves and removals", () => {
    const points = randomPoints(800, 7);
    const index = new StClusterIndex(rule);
    index.upsert(points.slice(0, 500));
    index.settle();
    const current = new Map(points.slice(0, 500).map((q) => [q.id, q]));
    const r = random(99);
    for (let step = 0; step < 6; step++) {
      // New tickets arrive, some move (an operator corrected the position), some leave.
      const arriving = points.slice(500 + step * 50, 550 + step * 50);
      const moved = [...current.values()]
        .filter(() => r() < 0.03)
        .map((q) => ({ ...q, x: q.x + (r() - 0.5) * 400, family: 1 + Math.floor(r() * 3) }));
      const leaving = [...current.keys()].filter(() => r() < 0.02);
      index.upsert([...arriving, ...moved]);
      index.remove(leaving);
      const { changed, removed } = index.settle();
      for (const q of [...arriving, ...moved]) current.set(q.id, q);
      for (const id of leaving) current.delete(id);
      const expected = naiveClusters([...current.values()], rule);
      expect(sortClusters(index.clusters().values())).toEqual(expected);
      // The change set names exactly the clusters that are new or different.
      for (const id of changed) expect(index.ticketsOf(id).length).toBeGreaterThanOrEqual(rule.minTickets);
      for (const id of removed) expect(index.ticketsOf(id)).toEqual([]);
    }
  });

  it("agrees when tickets only arrive (clusters grow and merge without being re-formed)", () => {
    for (const seed of [11, 12]) {
      const points = randomPoints(900, seed);
      const index = new StClusterIndex(rule);
      let upTo = 300;
      index.upsert(points.slice(0, upTo));
      index.settle();
      while (upTo < points.length) {
        const before = new Map([...index.clusters()].map(([id, ids]) => [id, ids.join()]));
        // New calls, and events about calls already there that leave them where they were.
        index.upsert([...points.slice(upTo, upTo + 60), ...points.slice(0, upTo).filter((_, i) => i % 7 === 0)]);
        upTo += 60;
        const { changed, removed } = index.settle();
        expect(sortClusters(index.clusters().values())).toEqual(naiveClusters(points.slice(0, upTo), rule));
        // Exactly the clusters whose tickets differ are reported.
        for (const [id, ids] of index.clusters()) expect(changed.has(id)).toBe(before.get(id) !== ids.join());
        for (const id of removed) expect(index.ticketsOf(id)).toEqual([]);
      }
    }
  });

  it("reports only the clusters near a change", () => {
    const far = [p(1, 0, 0), p(2, 10, 0), p(3, 0, 10)];
    const near = [p(11, 5000, 0), p(12, 5010, 0), p(13, 5000, 10)];
    const index = new StClusterIndex(rule);
    index.upsert([...far, ...near]);
    const first = index.settle();
    expect(first.changed.size).toBe(2);
    const farCluster = index.clusterOfTicket(1);
    index.upsert([p(14, 5005, 5)]);
    const second = index.settle();
    expect(second.changed.size).toBe(1);
    expect(second.changed.has(farCluster)).toBe(false);
    expect(index.clusterOfTicket(1)).toBe(farCluster);
    expect(index.ticketsOf(index.clusterOfTicket(14)).sort((a, b) => a - b)).toEqual([11, 12, 13, 14]);
  });
});
