/**
 * The centre's unit table: ranks from the best-first list, then a name filter, an order and a page.
 */
import { expect, it } from "vitest";
import { emptyCounts, unitTable, type Rates } from "./scorecards";

/** `n` units ranked best first: unit i scores 100 − i and handled i + 1 tickets; `unscored` at the end. */
function ranked(n: number, unscored: string[] = []) {
  const rates = (composite: number | null): Rates => ({
    scored: 1,
    resolvedCredited: 0,
    satisfiedCredited: 0,
    response: null,
    resolution: null,
    satisfaction: null,
    composite,
    partial: false,
  });
  return [
    ...Array.from({ length: n }, (_, i) => ({
      name: `第${i + 1}社区居委会`,
      rates: rates(100 - i),
      counts: { ...emptyCounts(), dispatched: i + 1 },
    })),
    ...unscored.map((name) => ({ name, rates: rates(null), counts: { ...emptyCounts(), dispatched: 500 } })),
  ];
}

it("pages the best-first list, each unit keeping its rank; a page past the end shows the last", () => {
  const first = unitTable(ranked(120), {}, 50);
  expect(first).toMatchObject({ order: "best", query: "", page: 1, pages: 3, total: 120 });
  expect(first.rows.map((u) => u.rank)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
  const last = unitTable(ranked(120), { page: "99" }, 50);
  expect(last.page).toBe(3);
  expect(last.rows.map((u) => u.rank)).toEqual(Array.from({ length: 20 }, (_, i) => 101 + i));
});

it("puts the worst first, and units with no score yet last whatever the order", () => {
  const worst = unitTable(ranked(120, ["未评分街道"]), { order: "worst" }, 50);
  expect(worst.rows[0]).toMatchObject({ rank: 120, name: "第120社区居委会" });
  const lastPage = unitTable(ranked(120, ["未评分街道"]), { order: "worst", page: 3 }, 50);
  expect(lastPage.rows.at(-1)).toMatchObject({ rank: 121, name: "未评分街道" });
});

it("orders by volume with the rank breaking ties, and finds units by part of their name", () => {
  const volume = unitTable(ranked(10, ["未评分街道"]), { order: "volume" }, 50);
  expect(volume.rows.map((u) => u.rank)).toEqual([11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
  const found = unitTable(ranked(120), { query: " 第12社区 " }, 50);
  expect(found).toMatchObject({ total: 1, pages: 1, query: "第12社区" });
  expect(found.rows[0]).toMatchObject({ rank: 12 });
  expect(unitTable(ranked(120), { query: "没有的单位" }, 50)).toMatchObject({ total: 0, pages: 1, rows: [] });
});

it("falls back to the defaults for values that are not its own", () => {
  const odd = unitTable(ranked(3), { order: "random", page: "-2", query: "x".repeat(80) }, 50);
  expect(odd).toMatchObject({ order: "best", page: 1, query: "", total: 3 });
});
