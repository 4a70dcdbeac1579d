/**
 * The signals around the clusters, on constructed inputs with known answers:
 * a hot spot's centre, extent, trend and score; the Poisson test behind
 * rising categories; address normalisation and recurring places.
 */
import { describe, expect, it } from "vitest";
import { projectX, projectY } from "./projection";
import { normaliseAddress, recurringPlaces, type RecurringTicket } from "./recurring";
import { poissonUpperTail, risingVerdict } from "./rising";
import { summarise, trendOf } from "./summary";

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
    const s = summarise(columns, NOW, 7 * DAY);
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
