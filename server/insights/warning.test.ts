/**
 * The 预警约谈 rule on constructed rankings (docs/decisions/0018): competition
 * ranks, ties at the cut, the list as it stands at the month's end, and a
 * street that entered or left the list during the month.
 */
import { describe, expect, it } from "vitest";
import { governanceWarnings, listDateFor, listedOn, rankByVolume } from "./warning";

const streets = (volumes: number[]) =>
  volumes.map((volume, i) => ({ code: `1101010${String(i).padStart(2, "0")}`, volume }));

describe("ranking by volume", () => {
  it("gives equal volumes one rank and skips the next, and leaves streets without calls unranked", () => {
    const ranked = rankByVolume([
      { code: "c", volume: 5 },
      { code: "a", volume: 9 },
      { code: "b", volume: 5 },
      { code: "d", volume: 0 },
      { code: "e", volume: 2 },
    ]);
    expect(ranked.map((s) => [s.code, s.rank])).toEqual([
      ["a", 1],
      ["b", 2],
      ["c", 2],
      ["e", 4],
      ["d", null],
    ]);
  });
});

describe("the warning rule", () => {
  it("warns the streets in the top N that are not on the list", () => {
    const ranked = rankByVolume(streets([100, 90, 80, 70, 60, 50, 40, 30, 20, 10, 5]));
    const listed = new Set(["110101000", "110101002"]);
    const warned = governanceWarnings(ranked, listed, 10).map((s) => s.code);
    expect(warned).toEqual(["110101001", ...[3, 4, 5, 6, 7, 8, 9].map((i) => `1101010${String(i).padStart(2, "0")}`)]);
    // The eleventh street is outside the top ten whatever the list says.
    expect(warned).not.toContain("110101010");
  });

  it("warns every street tied at rank 10, even when that makes more than ten", () => {
    // Ranks 1–9, then three streets with 12 calls share rank 10; the next has rank 13.
    const ranked = rankByVolume(streets([90, 80, 70, 60, 50, 40, 30, 20, 15, 12, 12, 12, 11]));
    expect(ranked.map((s) => s.rank)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 10, 10, 13]);
    const warned = governanceWarnings(ranked, new Set(), 10);
    expect(warned).toHaveLength(12);
    expect(warned.every((s) => s.rank! <= 10)).toBe(true);
  });

  it("takes no street below a tie that crosses the cut", () => {
    // Two streets share rank 9 and two share rank 11: the cut at 10 takes the first pair, not the second.
    const ranked = rankByVolume(streets([90, 80, 70, 60, 50, 40, 30, 20, 15, 15, 12, 12]));
    expect(governanceWarnings(ranked, new Set(), 10).map((s) => s.rank)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 9]);
  });

  it("follows a configured N and never warns a street without calls", () => {
    const ranked = rankByVolume(streets([3, 2, 0, 0]));
    expect(governanceWarnings(ranked, new Set(), 3).map((s) => s.volume)).toEqual([3, 2]);
    expect(governanceWarnings(ranked, new Set(), 1).map((s) => s.volume)).toEqual([3]);
  });
});

describe("the list a month is judged by", () => {
  const entries = [
    { streetCode: "A", enteredOn: "2026-01-10", leftOn: null },
    // Entered in the middle of October: it has been taken on, so October's ranking does not warn it.
    { streetCode: "B", enteredOn: "2026-10-15", leftOn: null },
    // Left in the middle of October: no longer on the list at the month's end.
    { streetCode: "C", enteredOn: "2025-03-01", leftOn: "2026-10-12" },
    // Enters in November: not on October's list.
    { streetCode: "D", enteredOn: "2026-11-02", leftOn: null },
  ];

  it("is the list at the month's last day, or today while the month runs", () => {
    expect(listDateFor("2026-10", "2026-11-21")).toBe("2026-10-31");
    expect(listDateFor("2026-02", "2026-11-21")).toBe("2026-02-28");
    expect(listDateFor("2026-11", "2026-11-21")).toBe("2026-11-21");
    expect([...listedOn(entries, listDateFor("2026-10", "2026-11-21"))].sort()).toEqual(["A", "B"]);
    // On the 11th of October, B had not yet entered and C had not yet left.
    expect([...listedOn(entries, "2026-10-11")].sort()).toEqual(["A", "C"]);
    // Leaving takes effect on its day.
    expect(listedOn(entries, "2026-10-12").has("C")).toBe(false);
  });

  it("warns the street that left mid-month and not the one that entered", () => {
    const ranked = rankByVolume([
      { code: "B", volume: 50 },
      { code: "C", volume: 40 },
      { code: "A", volume: 30 },
      { code: "D", volume: 20 },
    ]);
    const listed = listedOn(entries, listDateFor("2026-10", "2026-11-21"));
    expect(governanceWarnings(ranked, listed, 10).map((s) => s.code)).toEqual(["C", "D"]);
  });
});
