/**
 * 七有五性 tags on categories (docs/decisions/0018). A category carries its
 * own tags when it has any, otherwise its parent's (and so on up): tagging 养老服务
 * tags every leaf under it, and a leaf that is really about something else
 * says so with its own tags. Pure, so the rule is tested without a database.
 */
import type { CategoryTag } from "../../db/schema";

export interface TaggedCategory {
  id: number;
  parentId: number | null;
}

/** Each category's effective tags: its own, else its nearest tagged ancestor's, else none. */
export function effectiveTags(
  categories: readonly TaggedCategory[],
  own: ReadonlyMap<number, readonly CategoryTag[]>,
): Map<number, readonly CategoryTag[]> {
  const parentOf = new Map(categories.map((c) => [c.id, c.parentId]));
  const out = new Map<number, readonly CategoryTag[]>();
  const resolve = (id: number, depth: number): readonly CategoryTag[] => {
    const known = out.get(id);
    if (known) return known;
    const mine = own.get(id);
    const parent = parentOf.get(id) ?? null;
    // The tree is three levels; the depth bound only guards against a cycle in bad data.
    const tags = mine && mine.length > 0 ? mine : parent == null || depth > 8 ? [] : resolve(parent, depth + 1);
    out.set(id, tags);
    return tags;
  };
  for (const c of categories) resolve(c.id, 0);
  return out;
}
