import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import type { signedVersion } from "../../server/plans";
import { buildPlanWorkbook } from "./plan-export.server";

type Signed = Awaited<ReturnType<typeof signedVersion>>;

const signed = (titles: string[]): Signed => ({
  plan: { id: 1, title: "测试方案" },
  version: { number: 1, hash: "a".repeat(64), frozenAt: new Date(), frozenBy: "张丽华" },
  complete: false,
  text: [],
  lists: titles.map((title, i) => ({
    key: `custom${i + 1}`,
    title,
    scope: "plan",
    columns: [{ key: "c1", title: "内容", kind: "text" }],
    rows: [{ party: null, row: { id: `r${i}`, c1: `第${i + 1}行` } }],
  })),
  signatures: [{ orgName: "西河沿社区居委会", signed: null }],
});

describe("the plan workbook", () => {
  it("turns list titles people typed into sheet names Excel accepts, each one distinct", async () => {
    const long = "居民提出的其他需要跟进协调解决的事项以及相关单位的答复意见汇总";
    const workbook = new ExcelJS.Workbook();
    const body = await buildPlanWorkbook(signed(["车位/道闸[一期]", long, long, "签署"]));
    await workbook.xlsx.load(new Uint8Array(body).buffer);
    const names = workbook.worksheets.map((s) => s.name);
    expect(names[0]).toBe("车位 道闸 一期");
    expect(names[1]).toBe(long.slice(0, 28));
    expect(names[2]).toBe(`${long.slice(0, 28)}(2)`);
    // A list titled like the signatures sheet does not take its place.
    expect(names.slice(3)).toEqual(["签署", "签署(2)"]);
    expect(names.every((n) => n.length <= 31)).toBe(true);
    expect(workbook.getWorksheet("签署(2)")!.getRow(2).values).toEqual([undefined, "西河沿社区居委会", "", "", ""]);
  });
});
