/** Tag inheritance on the category tree (docs/decisions/0018): own tags win, otherwise the nearest tagged ancestor's. */
import { describe, expect, it } from "vitest";
import type { CategoryTag } from "../../db/schema";
import { effectiveTags } from "./tags";

// 1 劳动和社会保障 › 2 养老服务 › 3 养老驿站, 4 养老补贴; 1 › 5 劳动就业 › 6 拖欠工资; 7 农业农村 › 8 › 9
const tree = [
  { id: 1, parentId: null },
  { id: 2, parentId: 1 },
  { id: 3, parentId: 2 },
  { id: 4, parentId: 2 },
  { id: 5, parentId: 1 },
  { id: 6, parentId: 5 },
  { id: 7, parentId: null },
  { id: 8, parentId: 7 },
  { id: 9, parentId: 8 },
];

describe("effective tags", () => {
  it("inherit from the nearest tagged ancestor, unless the category has its own", () => {
    const own = new Map<number, CategoryTag[]>([
      [1, ["work"]],
      [2, ["elderly"]],
      [4, ["fairness", "vulnerable"]],
    ]);
    const tags = effectiveTags(tree, own);
    expect(tags.get(1)).toEqual(["work"]);
    expect(tags.get(2)).toEqual(["elderly"]);
    // 养老驿站 inherits from 养老服务, not from the top level.
    expect(tags.get(3)).toEqual(["elderly"]);
    // A category with its own tags carries exactly those: none of its parent's.
    expect(tags.get(4)).toEqual(["fairness", "vulnerable"]);
    // Two levels up.
    expect(tags.get(5)).toEqual(["work"]);
    expect(tags.get(6)).toEqual(["work"]);
    // No tag anywhere above: none.
    expect(tags.get(9)).toEqual([]);
  });

  it("treats an empty own list as no own tags, and does not depend on the order categories come in", () => {
    const own = new Map<number, CategoryTag[]>([
      [7, ["livability"]],
      [8, []],
    ]);
    const forward = effectiveTags(tree, own);
    const backward = effectiveTags([...tree].reverse(), own);
    expect(forward.get(9)).toEqual(["livability"]);
    expect([...backward].sort((a, b) => a[0] - b[0])).toEqual([...forward].sort((a, b) => a[0] - b[0]));
  });
});
