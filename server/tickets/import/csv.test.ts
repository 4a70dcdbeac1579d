import { describe, expect, it } from "vitest";
import { csvLine, decodeStream, detectEncoding, parseCsv, type SourceRecord } from "./csv";
import { mappingProblems, suggestMapping } from "./fields";
import { parseBeijingTime, parseChannel, parseStatus, parseType } from "./values";
import { encodeGbk } from "../../../tests/helpers/gbk";

async function* chunksOf(text: string, size: number) {
  for (let i = 0; i < text.length; i += size) yield text.slice(i, i + size);
}

async function parseAll(text: string, size = text.length || 1): Promise<SourceRecord[]> {
  const out: SourceRecord[] = [];
  for await (const record of parseCsv(chunksOf(text, size))) out.push(record);
  return out;
}

describe("the CSV reader", () => {
  const text = ["a,b,c", '1,"x, ""y""",3', "", '"multi', 'line","",', ",,", "4,5,6"].join("\r\n");

  it("parses RFC 4180: quotes, escaped quotes, line breaks in fields, blank lines skipped", async () => {
    const records = await parseAll(text);
    expect(records.map((r) => [r.line, r.fields])).toEqual([
      [1, ["a", "b", "c"]],
      [2, ["1", 'x, "y"', "3"]],
      [4, ["multi\r\nline", "", ""]],
      [7, ["4", "5", "6"]],
    ]);
    expect(records[1]!.raw).toBe('1,"x, ""y""",3');
  });

  it("gives the same records whatever the chunk boundaries", async () => {
    const whole = await parseAll(text);
    for (let size = 1; size <= 12; size++) expect(await parseAll(text, size)).toEqual(whole);
  });

  it("flags stray and unclosed quotes instead of guessing", async () => {
    const records = await parseAll('a,b\n1,2"3\n"ab"c,d\n4,"open\nrest');
    expect(records[1]!.problem).toMatch(/引号/);
    expect(records[2]!.problem).toMatch(/引号/);
    expect(records[3]!.problem).toMatch(/引号未闭合/);
    expect(records[3]!.line).toBe(4);
  });

  it("detects tabs and semicolons as delimiters from the header", async () => {
    expect((await parseAll("a\tb\n1\t2"))[1]!.fields).toEqual(["1", "2"]);
    expect((await parseAll("a;b\n1;2"))[1]!.fields).toEqual(["1", "2"]);
  });

  it("reads UTF-8 with a BOM, and GBK by detection", async () => {
    async function* bytes(buffer: Buffer) {
      // Split inside a character to exercise streaming decoding.
      yield buffer.subarray(0, 5);
      yield buffer.subarray(5);
    }
    const source = "工单编号,诉求内容\n1001,楼道堆物影响通行\n";
    let encoding = "";
    const utf8: SourceRecord[] = [];
    for await (const r of parseCsv(decodeStream(bytes(Buffer.from(`\uFEFF${source}`))))) utf8.push(r);
    expect(utf8[0]!.fields[0]).toBe("工单编号");
    const gbk: SourceRecord[] = [];
    const stream = decodeStream(bytes(encodeGbk(source)), { onEncoding: (e) => (encoding = e) });
    for await (const r of parseCsv(stream)) gbk.push(r);
    expect(encoding).toBe("gb18030");
    expect(gbk.map((r) => r.fields)).toEqual(utf8.map((r) => r.fields));
    expect(detectEncoding(new Uint8Array([0xef, 0xbb, 0xbf, 0x41]))).toEqual({ encoding: "utf-8", bomLength: 3 });
  });

  it("quotes fields only when needed", () => {
    expect(csvLine(["a", "b,c", 'd"e', "f\ng"])).toBe('a,"b,c","d""e","f\ng"');
  });
});

describe("values and mapping", () => {
  it("reads Beijing times in the formats exports use", () => {
    const expected = "2024-03-05T06:23:00.000Z";
    for (const text of [
      "2024-03-05 14:23",
      "2024/3/5 14:23:00",
      "2024年3月5日 14时23分",
      "202403051423",
      "2024-03-05T14:23:00+08:00",
    ]) {
      expect(parseBeijingTime(text)?.toISOString(), text).toBe(expected);
    }
    expect(parseBeijingTime("45356.5")?.toISOString()).toBe("2024-03-05T04:00:00.000Z");
    for (const bad of ["2024-02-30", "2024-13-01 10:00", "昨天", "2024-03-05 25:00"])
      expect(parseBeijingTime(bad)).toBeNull();
  });

  it("reads Chinese labels and our codes", () => {
    expect(parseType("投诉")).toBe("complaint");
    expect(parseType("suggestion")).toBe("suggestion");
    expect(parseType("表扬")).toBeNull();
    expect(parseChannel("12345热线")).toBe("phone");
    expect(parseStatus("已办结")).toBe("closed");
  });

  it("suggests a mapping from Chinese and English headers", () => {
    expect(
      suggestMapping(["工单编号", "受理时间", "诉求类型", "诉求分类", "诉求内容", "工单状态", "所属社区"]),
    ).toEqual({
      number: "工单编号",
      receivedAt: "受理时间",
      type: "诉求类型",
      category: "诉求分类",
      description: "诉求内容",
      status: "工单状态",
      communityName: "所属社区",
    });
    expect(suggestMapping(["Ticket No", "Received at", "Type", "Category", "Description", "Lng", "Lat"])).toMatchObject(
      {
        number: "Ticket No",
        receivedAt: "Received at",
        lon: "Lng",
        lat: "Lat",
      },
    );
  });

  it("says what a mapping lacks", () => {
    expect(mappingProblems({ number: "编号" }, ["编号"])).toContain("请为「受理时间」选择对应的列");
    expect(mappingProblems({ number: "x" }, ["编号"]).join()).toMatch(/文件中没有「x」列/);
  });
});
