import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { documentContent, listRows, newRow, PLAN_TEXT_FIELD } from "../../realtime/plan-document";
import { diffContents, diffRows, diffSequences, diffText, diffWords, readableBlocks, textBlocks } from "./diff";

/** A plan document typed the way y-prosemirror stores TipTap paragraphs and headings. */
function docWith(paragraphs: (string | { heading: string })[], tasks: Record<string, string>[] = []) {
  const doc = new Y.Doc();
  const fragment = doc.getXmlFragment(PLAN_TEXT_FIELD);
  fragment.insert(
    0,
    paragraphs.map((p) => {
      const el = new Y.XmlElement(typeof p === "string" ? "paragraph" : "heading");
      if (typeof p !== "string") el.setAttribute("level", "2");
      const text = new Y.XmlText();
      text.insert(0, typeof p === "string" ? p : p.heading);
      el.insert(0, [text]);
      return el;
    }),
  );
  listRows(doc, "tasks").push(tasks.map((t) => newRow(t, t.id)));
  return documentContent(doc, ["tasks"]);
}

describe("diffSequences", () => {
  it("is a shortest edit script: replaying it gives both sides", () => {
    const a = "甲乙丙丁戊".split("");
    const b = "甲丙丁己戊庚".split("");
    const script = diffSequences(a, b);
    expect(script.filter((s) => s.op !== "added").map((s) => s.value)).toEqual(a);
    expect(script.filter((s) => s.op !== "removed").map((s) => s.value)).toEqual(b);
    expect(script.filter((s) => s.op === "same").map((s) => s.value)).toEqual(["甲", "丙", "丁", "戊"]);
  });

  it("handles empty sides", () => {
    expect(diffSequences([], ["x"])).toEqual([{ op: "added", value: "x" }]);
    expect(diffSequences(["x"], [])).toEqual([{ op: "removed", value: "x" }]);
    expect(diffSequences([], [])).toEqual([]);
  });
});

describe("text", () => {
  it("reads paragraphs and headings out of the stored XML, marks and all", () => {
    const xml =
      '<heading level="2">一、问题</heading><paragraph>夜间<bold>停车</bold>难</paragraph><paragraph></paragraph><bulletList><listItem><paragraph>一条</paragraph></listItem></bulletList>';
    expect(textBlocks(xml)).toEqual(["一、问题", "夜间停车难", "一条"]);
  });

  it("finds Chinese words inserted and deleted inside a paragraph", () => {
    const pieces = diffWords("物业在地下车库施划临时泊位", "物业在地面施划临时泊位四十个");
    expect(pieces.filter((p) => p.op === "removed").map((p) => p.text)).toEqual(["地下车库"]);
    expect(pieces.filter((p) => p.op === "added").map((p) => p.text)).toEqual(["地面", "四十个"]);
    expect(
      pieces
        .filter((p) => p.op !== "added")
        .map((p) => p.text)
        .join(""),
    ).toBe("物业在地下车库施划临时泊位");
  });

  it("pairs an edited paragraph, and lists whole paragraphs added and removed", () => {
    const before = docWith([{ heading: "工作目标" }, "错时停车三十个", "旧的一段"]).text;
    const after = docWith([{ heading: "工作目标" }, "错时停车四十个", "新的一段", "再加一段"]).text;
    const diff = diffText(before, after);
    expect(diff[0]).toEqual({ op: "same", text: "工作目标" });
    expect(diff.filter((d) => d.op === "changed")).toHaveLength(2);
    expect(diff.at(-1)).toEqual({ op: "added", text: "再加一段" });
    expect(diffText(before, before).every((d) => d.op === "same")).toBe(true);
  });
});

describe("lists", () => {
  it("matches rows by id: added, removed, and changed cells", () => {
    const before: Record<string, string>[] = [
      { id: "a", task: "施划泊位", target: "40个" },
      { id: "b", task: "协调错时", target: "2处" },
    ];
    const after: Record<string, string>[] = [
      { id: "a", task: "施划泊位", target: "45个", deadline: "2026-06-30" },
      { id: "c", task: "安装道闸", target: "1处" },
    ];
    expect(diffRows(before, after)).toEqual({
      added: [after[1]],
      removed: [before[1]],
      changed: [
        {
          id: "a",
          row: after[0],
          cells: [
            { column: "deadline", before: "", after: "2026-06-30" },
            { column: "target", before: "40个", after: "45个" },
          ],
        },
      ],
    });
  });

  it("compares whole versions per document, keeping which party the rows belong to", () => {
    const before = { "plan:1": docWith(["方案"]), "plan:1:party:7": docWith([], [{ id: "r1", task: "巡查" }]) };
    const after = {
      "plan:1": docWith(["方案"]),
      "plan:1:party:7": docWith([], [{ id: "r1", task: "每日巡查" }]),
      "plan:1:party:9": docWith([], [{ id: "r2", task: "清运" }]),
    };
    const diff = diffContents(before, after);
    expect(diff.same).toBe(false);
    expect(diff.text).toEqual([{ op: "same", text: "方案" }]);
    expect(diff.lists.map((l) => [l.partyOrgId, l.key, l.added.length, l.removed.length, l.changed.length])).toEqual([
      [7, "tasks", 0, 0, 1],
      [9, "tasks", 1, 0, 0],
    ]);
    expect(diffContents(after, after).same).toBe(true);
  });
});

describe("readableBlocks", () => {
  it("keeps headings with their level and list items apart from paragraphs; markup typed as text stays text", () => {
    const xml =
      '<heading level="3">目标</heading><paragraph>甲 &lt; 乙 <italic>要</italic></paragraph><bulletList><listItem><paragraph>一条</paragraph></listItem></bulletList><horizontalRule></horizontalRule><paragraph>尾</paragraph>';
    expect(readableBlocks(xml)).toEqual([
      { kind: "heading", level: 3, text: "目标" },
      { kind: "paragraph", level: 0, text: "甲 &lt; 乙 要" },
      { kind: "item", level: 0, text: "一条" },
      { kind: "paragraph", level: 0, text: "尾" },
    ]);
  });
});
