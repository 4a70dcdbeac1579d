import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import {
  canonicalJson,
  contentHash,
  documentContent,
  listRows,
  newRow,
  parsePlanDocumentName,
  PLAN_TEXT_FIELD,
  planDocumentName,
  replaceContent,
} from "./plan-document";

function paragraph(text: string) {
  const p = new Y.XmlElement("paragraph");
  p.insert(0, [new Y.XmlText(text)]);
  return p;
}

describe("plan document names", () => {
  it("round-trips the shared document and a party's, and refuses anything else", () => {
    expect(parsePlanDocumentName(planDocumentName(7))).toEqual({ planId: 7, partyOrgId: null });
    expect(parsePlanDocumentName(planDocumentName(7, 12))).toEqual({ planId: 7, partyOrgId: 12 });
    for (const bad of ["plan:", "plan:0", "plan:7:", "plan:7:party:", "plan:7:party:x", "plan:07", "plan:7:party:3:x"])
      expect(parsePlanDocumentName(bad), bad).toBeNull();
  });
});

describe("content and its hash", () => {
  it("encodes keys in order, so equal content hashes equally whoever typed it and how", () => {
    expect(canonicalJson({ b: 1, a: [{ d: "x", c: null }] })).toBe('{"a":[{"c":null,"d":"x"}],"b":1}');
    const a = new Y.Doc();
    const b = new Y.Doc();
    a.getXmlFragment(PLAN_TEXT_FIELD).insert(0, [paragraph("目标")]);
    listRows(a, "problems").push([newRow({ problem: "占道", location: "街口" }, "r1")]);
    // b types the same content in another order, in several transactions.
    listRows(b, "problems").push([newRow({ location: "街口", problem: "占" }, "r1")]);
    listRows(b, "problems").get(0).set("problem", "占道");
    b.getXmlFragment(PLAN_TEXT_FIELD).insert(0, [paragraph("目标")]);
    const hashOf = (d: Y.Doc) => contentHash({ "plan:1": documentContent(d, ["problems"]) });
    expect(hashOf(a)).toBe(hashOf(b));
    expect(hashOf(a)).toMatch(/^[0-9a-f]{64}$/);
    listRows(b, "problems").get(0).set("cause", "车位少");
    expect(hashOf(a)).not.toBe(hashOf(b));
  });

  it("restores a version's content as new edits that peers merge", () => {
    const live = new Y.Doc();
    live.getXmlFragment(PLAN_TEXT_FIELD).insert(0, [paragraph("第一版")]);
    listRows(live, "tasks").push([newRow({ task: "巡查" }, "t1")]);
    const version = new Y.Doc();
    Y.applyUpdate(version, Y.encodeStateAsUpdate(live));
    live.getXmlFragment(PLAN_TEXT_FIELD).insert(1, [paragraph("后来加的")]);
    listRows(live, "tasks").get(0).set("task", "不巡查");

    const peer = new Y.Doc();
    Y.applyUpdate(peer, Y.encodeStateAsUpdate(live));
    const before = Y.encodeStateVector(live);
    replaceContent(live, version, ["tasks"]);
    Y.applyUpdate(peer, Y.encodeStateAsUpdate(live, before));
    const content = (d: Y.Doc) => documentContent(d, ["tasks"]);
    expect(content(peer)).toEqual(content(version));
    expect(content(live).text).toBe("<paragraph>第一版</paragraph>");
  });
});
