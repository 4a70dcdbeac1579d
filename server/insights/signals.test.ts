/**
 * The signals around the clusters, on constructed inputs with known answers:
 * a hot spot's centre, extent, trend and score; the Poisson test behind
 * rising categories; address normalisation and recurring places.
 */
import { describe, expect, it } from "vitest";
import { projectX, projectY } from "./projection";
import { normaliseAddress, recurringPlaces, type RecurringTicket } from "./recurring";
import { poissonUpperTail, risingVerdict } from "./rising";
import { completeHull, convexHull, summarise, trendOf, withdraw } from "./summary";

const DAY = 86_400_000;
const NOW = Date.parse("2026-06-30T12:00:00+08:00");

describe("hot spot summary", () => {
  it("gives centre, extent, trend and a score that fades with age", () => {
    const x0 = projectX(116.3925);
    const y0 = projectY(39.8975);
    const points = [
      { x: x0 - 30, y: y0, t: NOW - 1 * DAY },
      { x: x0 + 30, y: y0, t: NOW - 2 * DAY },
      { x: x0, y: y0 + 40, t: NOW - 3 * DAY },
      { x: x0, y: y0 - 40, t: NOW - 10 * DAY },
    ];
    const columns = { xs: points.map((p) => p.x), ys: points.map((p) => p.y), ts: points.map((p) => p.t) };
    const s = summarise(columns, NOW, 7 * DAY).summary;
    expect(s.count).toBe(4);
    expect(s.centreLon).toBeCloseTo(116.3925, 6);
    expect(s.centreLat).toBeCloseTo(39.8975, 6);
    expect(s.radiusM).toBeCloseTo(40, 6);
    expect(s.west).toBeLessThan(116.3925);
    expect(s.east).toBeGreaterThan(116.3925);
    expect([s.recent, s.previous]).toEqual([3, 1]);
    expect(s.score).toBeCloseTo(2 ** (-1 / 7) + 2 ** (-2 / 7) + 2 ** (-3 / 7) + 2 ** (-10 / 7), 9);
    expect(s.firstAt).toBe(NOW - 10 * DAY);
    expect(s.lastAt).toBe(NOW - 1 * DAY);
  });

  it("calls a trend only when the difference beats two standard deviations", () => {
    expect(trendOf(3, 1)).toBe("steady");
    expect(trendOf(20, 5)).toBe("rising"); // 15 > 2·√25 = 10
    expect(trendOf(12, 5)).toBe("steady"); // 7 < 2·√17 ≈ 8.2
    expect(trendOf(1, 20)).toBe("falling"); // 19 > 2·√21 ≈ 9.2
  });

  /** A small seeded generator: the same sets on every run. */
  const random = (seed: number) => () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;

  it("finds the convex hull: every point inside or on it, every corner a point, on blobs, lines and repeats", () => {
    const r = random(5);
    const sets = [
      Array.from({ length: 2000 }, () => [r() * 400 - 200, r() * 300]),
      // A blob: most points deep inside the octagon of extremes, dropped before the sort.
      Array.from({ length: 2000 }, () => {
        const [a, d] = [r() * 2 * Math.PI, Math.sqrt(r()) * 150];
        return [d * Math.cos(a), d * Math.sin(a)];
      }),
      Array.from({ length: 50 }, (_, i) => [i * 3, i * 2]), // all on one line
      Array.from({ length: 30 }, () => [7, -3]), // all in one place
      [[1, 2]],
    ];
    for (const set of sets) {
      const xs = set.map(([x]) => x!);
      const ys = set.map(([, y]) => y!);
      const hull = convexHull(xs, ys, set.length);
      const corners = Array.from({ length: hull.length / 2 }, (_, i) => [hull[2 * i]!, hull[2 * i + 1]!]);
      expect(corners.length).toBeGreaterThan(0);
      for (const [x, y] of corners) expect(set.some(([px, py]) => px === x && py === y)).toBe(true);
      // Counter-clockwise: every point is left of or on every edge.
      for (let i = 0; i < corners.length && corners.length > 2; i++) {
        const [ax, ay] = corners[i]!;
        const [bx, by] = corners[(i + 1) % corners.length]!;
        for (const [px, py] of set)
          expect((bx! - ax!) * (py! - ay!) - (by! - ay!) * (px! - ax!)).toBeGreaterThanOrEqual(-1e-9);
      }
      // The farthest point from any centre is a corner.
      const [cx, cy] = [12.5, -40];
      const far = Math.max(...set.map(([x, y]) => Math.hypot(x! - cx, y! - cy)));
      expect(Math.max(...corners.map(([x, y]) => Math.hypot(x! - cx, y! - cy)))).toBe(far);
    }
  });

  it("extends a summary with new tickets to what summarising them all gives, later", () => {
    const r = random(9);
    const make = (n: number, from: number, to: number) =>
      Array.from({ length: n }, () => ({ x: r() * 500, y: r() * 500, t: from + r() * (to - from) }));
    const columnsOf = (points: { x: number; y: number; t: number }[]) => ({
      xs: points.map((p) => p.x),
      ys: points.map((p) => p.y),
      ts: points.map((p) => p.t),
    });
    const window = 14 * DAY;
    // Written at NOW − 3 days; then new calls (one far out, moving the hull), summarised at NOW.
    const before = make(3000, NOW - 200 * DAY, NOW - 3 * DAY);
    const after = [...make(40, NOW - 3 * DAY, NOW), { x: 900, y: -300, t: NOW - DAY }];
    const { state } = summarise(columnsOf(before), NOW - 3 * DAY, window);
    completeHull(state, columnsOf(before));
    // A few tickets inside the hull went to a neighbouring hot spot in the meantime.
    const inside = before.filter((p) => p.x > 200 && p.x < 300 && p.y > 200 && p.y < 300).slice(0, 5);
    const kept = before.filter((p) => !inside.includes(p));
    const less = withdraw(state, columnsOf(inside), window)!;
    expect(less.count).toBe(before.length - inside.length);
    const extended = summarise(columnsOf(after), NOW, window, less).summary;
    const whole = summarise(columnsOf([...kept, ...after]), NOW, window).summary;
    expect(extended.count).toBe(whole.count);
    for (const key of ["centreLon", "centreLat", "radiusM", "score"] as const)
      expect(extended[key]).toBeCloseTo(whole[key], 9);
    for (const key of ["west", "east", "south", "north", "firstAt", "lastAt", "recent", "previous", "trend"] as const)
      expect(extended[key]).toBe(whole[key]);
    expect(extended.radiusM).toBeGreaterThan(700);
    // A ticket on the edge cannot be taken out of a state: what remains is summarised whole.
    const westmost = before.reduce((a, b) => (b.x < a.x ? b : a));
    expect(withdraw(state, columnsOf([westmost]), window)).toBeNull();
  });
});

describe("rising categories: the Poisson tail", () => {
  it("computes P(X ≥ k) exactly for small cases", () => {
    expect(poissonUpperTail(0, 3)).toBe(1);
    expect(poissonUpperTail(1, 2)).toBeCloseTo(1 - Math.exp(-2), 12);
    expect(poissonUpperTail(2, 1)).toBeCloseTo(1 - 2 * Math.exp(-1), 12);
    // Far in the tail stays positive and tiny rather than 0 or negative.
    const far = poissonUpperTail(60, 5);
    expect(far).toBeGreaterThan(0);
    expect(far).toBeLessThan(1e-30);
    // Large λ: the median is near λ.
    expect(poissonUpperTail(1000, 1000)).toBeGreaterThan(0.49);
    expect(poissonUpperTail(1000, 1000)).toBeLessThan(0.52);
  });

  it("flags a street far above its own baseline, not one at its usual level", () => {
    const rule = { baselinePeriods: 6, significance: 0.01, minCount: 5 };
    const history = [4, 6, 5, 3, 5, 7]; // λ = 5
    expect(risingVerdict(6, history, rule).rising).toBe(false);
    const high = risingVerdict(14, history, rule);
    expect(high.baseline).toBe(5);
    expect(high.pValue).toBeLessThan(0.01);
    expect(high.rising).toBe(true);
    // A busy street's 14 is its normal.
    expect(risingVerdict(14, [13, 15, 14, 12, 16, 14], rule).rising).toBe(false);
    // A quiet street: 3 calls are surprising but below the minimum count.
    expect(risingVerdict(3, [0, 0, 0, 0, 0, 0], rule).rising).toBe(false);
    expect(risingVerdict(5, [0, 0, 0, 0, 0, 0], rule).rising).toBe(true);
  });
});

describe("recurring addresses", () => {
  it("normalises an address to its building or compound", () => {
    expect(normaliseAddress("北京市西城区新安中里5号楼3单元201")).toBe("新安中里5号楼");
    expect(normaliseAddress("西城区 新安中里 五号楼 东侧")).toBe("新安中里5号楼");
    expect(normaliseAddress("西城区新安中里５号楼")).toBe("新安中里5号楼");
    expect(normaliseAddress("海淀区曙光花园望塔园")).toBe("曙光花园望塔园");
    expect(normaliseAddress("西城区黄寺大街24号院内道路")).toBe("黄寺大街24号院");
    expect(normaliseAddress("西城区黄寺大街二十四号院")).toBe("黄寺大街24号院");
  });

  const base = { family: 1, x: null, y: null };
  const t = (id: number, address: string, day: number, closedDay: number | null, extra = {}): RecurringTicket => ({
    ...base,
    id,
    address,
    receivedAt: NOW + day * DAY,
    closedAt: closedDay == null ? null : NOW + closedDay * DAY,
    ...extra,
  });

  it("counts calls from the same building after an earlier call was closed", () => {
    const tickets = [
      t(1, "西城区新安中里5号楼2单元", 0, 5),
      t(2, "新安中里五号楼", 3, 9), // before any closure: not a repeat
      t(3, "北京市西城区新安中里5号楼", 12, null), // after closure
      t(4, "西城区新安中里5号楼401", 20, null),
      t(5, "西城区新安中里7号楼", 21, null), // another building
    ];
    expect(recurringPlaces(tickets, { sameplaceM: 15, minRepeats: 2 })).toEqual([
      { family: 1, address: "新安中里5号楼", ticketIds: [1, 2, 3, 4], repeats: 2 },
    ]);
    expect(recurringPlaces(tickets, { sameplaceM: 15, minRepeats: 3 })).toEqual([]);
  });

  it("joins differently written addresses by position, but never across families", () => {
    const at = (dx: number) => ({ x: 1000 + dx, y: 2000 });
    const tickets = [
      t(1, "车库出口", 0, 2, at(0)),
      t(2, "地下车库", 5, 6, at(8)),
      t(3, "小区东门", 10, null, at(14)), // 14 m from 1, 6 m from 2
      t(4, "小区东门", 11, null, { ...at(1), family: 2 }), // same spot, another family
      t(5, "远处", 12, null, at(40)),
    ];
    const places = recurringPlaces(tickets, { sameplaceM: 15, minRepeats: 2 });
    expect(places.map((p) => p.ticketIds)).toEqual([[1, 2, 3]]);
  });
});
