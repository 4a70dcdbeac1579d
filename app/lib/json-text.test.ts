import { describe, expect, it } from "vitest";
import { fromJsonText, toJsonText, type JsonText } from "./json-text";

describe("JSON text", () => {
  const rows = [{ id: 7, number: "2611210007", deadlineAt: null, place: "东华门街道 › 多福巷社区", overdue: true }];

  it("reads back, where it was written, the very value it was written from", () => {
    const text = toJsonText(rows);
    expect(JSON.parse(text)).toEqual(rows);
    expect(fromJsonText(text)).toBe(rows);
  });

  it("hands the value over once, then parses the text like any other", () => {
    const text = toJsonText(rows);
    expect(fromJsonText(text)).toBe(rows);
    const again = fromJsonText(text);
    expect(again).not.toBe(rows);
    expect(again).toEqual(rows);
  });

  it("parses a text it did not write, as the browser does", () => {
    const text = JSON.stringify([{ id: 8 }]) as JsonText<{ id: number }[]>;
    expect(fromJsonText(text)).toEqual([{ id: 8 }]);
  });

  it("keeps only the latest few values, and still reads the older texts", () => {
    const first = [{ id: 1 }];
    const text = toJsonText(first);
    for (let i = 2; i < 40; i++) toJsonText([{ id: i }]);
    expect(fromJsonText(text)).not.toBe(first);
    expect(fromJsonText(text)).toEqual(first);
  });

  it("takes only what JSON keeps as it is", () => {
    // @ts-expect-error a date would reach the browser as a string
    toJsonText([{ at: new Date(0) }]);
    // @ts-expect-error undefined would be dropped
    toJsonText([{ leadName: undefined as string | undefined }]);
  });
});
