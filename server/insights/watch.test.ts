/**
 * The arithmetic of a monthly problem's watch, on constructed counts with
 * answers worked out by hand: the half months listed, the two baselines, the
 * target, and the verdict — across a year boundary, with a ceiling, before the
 * start and with an empty baseline.
 */
import { describe, expect, it } from "vitest";
import { shiftHalfMonth } from "./periods";
import { problemWatch, watchRange } from "./watch";

const counts = (entries: Record<string, number>) => new Map(Object.entries(entries));

describe("half months", () => {
  it("step across a year boundary both ways", () => {
    expect(shiftHalfMonth("2025-12-2", 1)).toBe("2026-01-1");
    expect(shiftHalfMonth("2026-01-1", -1)).toBe("2025-12-2");
    expect(shiftHalfMonth("2026-01-1", -24)).toBe("2025-01-1");
    expect(shiftHalfMonth("2026-01-2", -5)).toBe("2025-11-1");
  });

  it("a watch needs counts from a year before its first baseline half month up to now", () => {
    expect(watchRange("2026-01", 4, "2026-03-1")).toEqual({ first: "2025-11-1", from: "2024-11-1", to: "2026-03-1" });
  });
});

describe("a problem started in January (its baseline is last year's November and December)", () => {
  const watch = problemWatch({
    month: "2026-01",
    current: "2026-03-1",
    baselinePeriods: 4,
    targetReductionPct: 30,
    ceilingPerHalfMonth: null,
    counts: counts({
      // The baseline: mean (10 + 20 + 30 + 40) / 4 = 25.
      "2025-11-1": 10,
      "2025-11-2": 20,
      "2025-12-1": 30,
      "2025-12-2": 40,
      // Running: 20 + 15 + 10 + 5 = 50 over four finished half months; the current one is still filling.
      "2026-01-1": 20,
      "2026-01-2": 15,
      "2026-02-1": 10,
      "2026-02-2": 5,
      "2026-03-1": 100,
      // The same half months a year earlier: 2025-01-1 … 2025-02-2 total 25 + 25 + 25 + 25 = 100.
      "2025-01-1": 25,
      "2025-01-2": 25,
      "2025-02-1": 25,
      "2025-02-2": 25,
      "2024-11-1": 7,
    }),
  });

  it("lists the baseline half months, then every half month since the start up to now", () => {
    expect(watch.start).toBe("2026-01-1");
    expect(watch.periods.map((p) => [p.period, p.phase])).toEqual([
      ["2025-11-1", "baseline"],
      ["2025-11-2", "baseline"],
      ["2025-12-1", "baseline"],
      ["2025-12-2", "baseline"],
      ["2026-01-1", "running"],
      ["2026-01-2", "running"],
      ["2026-02-1", "running"],
      ["2026-02-2", "running"],
      ["2026-03-1", "running"],
    ]);
    expect(watch.periods.filter((p) => p.partial).map((p) => p.period)).toEqual(["2026-03-1"]);
  });

  it("puts the same half month a year earlier next to each", () => {
    expect(watch.periods.map((p) => p.yearBefore)).toEqual([7, 0, 0, 0, 25, 25, 25, 25, 0]);
  });

  it("takes the baseline mean over the half months before the start, and the target from it", () => {
    expect(watch.baselineMean).toBe(25);
    expect(watch.baselineCount).toBe(4);
    // 25 less 30 %.
    expect(watch.target).toBe(17.5);
    expect(watch.periods.map((p) => p.target)).toEqual([null, null, null, null, 17.5, 17.5, 17.5, 17.5, 17.5]);
  });

  it("judges the finished running half months only", () => {
    expect(watch.running).toEqual({
      periods: 4,
      mean: 12.5,
      changePct: -50,
      yearChangePct: -50,
      overCeiling: 0,
      met: true,
    });
  });
});

describe("the verdict", () => {
  const base = {
    month: "2026-06",
    current: "2026-07-2",
    baselinePeriods: 2,
    targetReductionPct: 20,
    ceilingPerHalfMonth: null,
  };

  it("is missed when the reduction falls short", () => {
    const watch = problemWatch({
      ...base,
      counts: counts({ "2026-05-1": 10, "2026-05-2": 10, "2026-06-1": 9, "2026-06-2": 9, "2026-07-1": 9 }),
    });
    expect(watch.running).toMatchObject({ periods: 3, mean: 9, changePct: -10, met: false });
  });

  it("is missed when a half month exceeds the ceiling, even with the reduction reached", () => {
    const watch = problemWatch({
      ...base,
      ceilingPerHalfMonth: 6,
      counts: counts({ "2026-05-1": 10, "2026-05-2": 10, "2026-06-1": 7, "2026-06-2": 2, "2026-07-1": 3 }),
    });
    expect(watch.running).toMatchObject({ mean: 4, changePct: -60, overCeiling: 1, met: false });
  });

  it("cannot be judged before a half month since the start is over", () => {
    const watch = problemWatch({ ...base, current: "2026-06-1", counts: counts({ "2026-05-1": 4, "2026-06-1": 9 }) });
    expect(watch.periods.map((p) => p.period)).toEqual(["2026-05-1", "2026-05-2", "2026-06-1"]);
    expect(watch.baselineMean).toBe(2);
    expect(watch.running).toMatchObject({ periods: 0, mean: null, changePct: null, met: null });
  });

  it("of a problem drawn up ahead of its start uses the baseline half months that are over", () => {
    const watch = problemWatch({ ...base, current: "2026-05-2", counts: counts({ "2026-05-1": 4, "2026-05-2": 8 }) });
    // 2026-05-2 is still filling: the baseline so far is 2026-05-1 alone.
    expect(watch.baselineCount).toBe(1);
    expect(watch.baselineMean).toBe(4);
    expect(watch.periods.every((p) => p.phase === "baseline")).toBe(true);
  });

  it("with an empty baseline rests on the ceiling alone, or on nothing", () => {
    const quiet = counts({ "2026-06-1": 1, "2026-06-2": 0, "2026-07-1": 2 });
    expect(problemWatch({ ...base, counts: quiet }).running).toMatchObject({ changePct: null, met: null });
    expect(problemWatch({ ...base, ceilingPerHalfMonth: 3, counts: quiet }).running).toMatchObject({
      changePct: null,
      overCeiling: 0,
      met: true,
    });
  });
});
