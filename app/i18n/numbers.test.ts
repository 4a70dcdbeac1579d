import { describe, expect, it } from "vitest";
import { formatCount } from "./numbers";

describe("formatCount", () => {
  it("groups integers as zh-CN's Intl does", () => {
    const values = [0, 7, 42, 999, 1000, 1001, 12_345, 100_000, 999_999, 1_000_000, 1_234_567, -1, -1000, -987_654_321];
    for (const n of values) expect(formatCount(n)).toBe(n.toLocaleString("zh-CN"));
    for (let n = 1; n < 10 ** 15; n = n * 7 + 3) expect(formatCount(n)).toBe(n.toLocaleString("zh-CN"));
    expect(formatCount(1_234_567)).toBe("1,234,567");
  });

  it("leaves other numbers to Intl", () => {
    expect(formatCount(1234.5)).toBe((1234.5).toLocaleString("zh-CN"));
    expect(formatCount(Number.NaN)).toBe("NaN");
    expect(formatCount(2 ** 60)).toBe((2 ** 60).toLocaleString("zh-CN"));
  });
});
