import { describe, expect, it } from "vitest";
import { fromRowsText, toRowsText, type RowsText } from "./json-text";

describe("rows text", () => {
  const rows = [
    { id: 7, number: "2611210007", deadlineAt: null, place: "东华门街道 › 多福巷社区", overdue: true },
    { id: 8, number: "2611210008", deadlineAt: 1_795_000_000_000, place: "", overdue: false },
  ];

  it("names the keys once, then each row's values", () => {
    expect(JSON.parse(toRowsText(rows))).toEqual([
      ["id", "number", "deadlineAt", "place", "overdue"],
      [7, "2611210007", null, "东华门街道 › 多福巷社区", true],
      [8, "2611210008", 1_795_000_000_000, "", false],
    ]);
    expect(JSON.parse(toRowsText([]))).toEqual([[]]);
  });

  it("reads back, where it was written, the very rows it was written from", () => {
    expect(fromRowsText(toRowsText(rows))).toBe(rows);
  });

  // Texts that no earlier test wrote: a text written and not read stays counted.
  const unwritten = (tag: string) => rows.map((row) => ({ ...row, place: `${row.place} ${tag}` }));

  it("hands the rows over once, then parses the text like any other", () => {
    const rows = unwritten("once");
    const text = toRowsText(rows);
    expect(fromRowsText(text)).toBe(rows);
    const again = fromRowsText(text);
    expect(again).not.toBe(rows);
    expect(again).toEqual(rows);
  });

  it("hands each writer of the same text its rows, as two requests for one page interleave", () => {
    const rows = unwritten("twice");
    const second = rows.map((row) => ({ ...row }));
    const text = toRowsText(rows);
    expect(toRowsText(second)).toBe(text);
    // Neither render parses: both read the rows kept for the text (equal, so they may be the same).
    expect(fromRowsText(text)).toBe(rows);
    expect(fromRowsText(text)).toBe(rows);
    const third = fromRowsText(text);
    expect(third).not.toBe(rows);
    expect(third).toEqual(rows);
  });

  it("parses a text it did not write, as the browser does", () => {
    const text = JSON.stringify([
      ["id", "name"],
      [8, "甲"],
      [9, null],
    ]) as RowsText<{ id: number; name: string | null }>;
    expect(fromRowsText(text)).toEqual([
      { id: 8, name: "甲" },
      { id: 9, name: null },
    ]);
    expect(fromRowsText(JSON.stringify([[]]) as RowsText<{ id: number }>)).toEqual([]);
  });

  it("keeps only the latest few rows, and still reads the older texts", () => {
    const first = [{ id: 1 }];
    const text = toRowsText(first);
    for (let i = 2; i < 40; i++) toRowsText([{ id: i }]);
    expect(fromRowsText(text)).not.toBe(first);
    expect(fromRowsText(text)).toEqual(first);
  });

  it("refuses rows of different shapes, which would lose a field on the way", () => {
    expect(() => toRowsText([{ id: 1, name: "甲" }, { id: 2 }] as never)).toThrow(/first row's fields/);
    expect(() => toRowsText([{ id: 1 }, { id: 2, name: "乙" }] as never)).toThrow(/first row's fields/);
    expect(() =>
      toRowsText([
        { id: 1, a: 1 },
        { id: 2, b: 1 },
      ] as never),
    ).toThrow(/first row's fields/);
  });

  it("takes only what JSON keeps as it is", () => {
    // @ts-expect-error a date would reach the browser as a string
    expect(JSON.parse(toRowsText([{ at: new Date(0) }]))).toEqual([["at"], ["1970-01-01T00:00:00.000Z"]]);
    // @ts-expect-error undefined would be lost on the way; at run time it is refused
    expect(() => toRowsText([{ leadName: undefined as string | undefined }])).toThrow(/none undefined/);
  });
});
