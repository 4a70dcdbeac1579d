/** What the form of a year's monthly problem offers (new and edit): categories of any level, the actor's areas, units. */
import { t } from "~/i18n";
import type { Database } from "../../db/client";
import type { Actor } from "../../server/identity";
import { manageableAreas, problemUnits } from "../../server/insights";
import { listRegions } from "../../server/regions";
import { categoryPaths } from "../../server/tickets";

export async function problemFormChoices(database: Database, actor: Actor) {
  const [categories, regions, units] = await Promise.all([
    categoryPaths(database),
    listRegions(database),
    problemUnits(database),
  ]);
  const names = new Map(regions.map((r) => [r.code, r.name]));
  const areas = manageableAreas(
    actor,
    regions.filter((r) => r.level === "district" || r.level === "street" || r.level === "community"),
  );
  return {
    categories: categories.map((c) => ({ id: c.id, code: c.code, path: c.path })),
    // Grouped by district; a community is found by its street's name too.
    areas: areas.map((r) => ({
      value: r.code,
      label: r.level === "community" ? `${names.get(r.code.slice(0, 9)) ?? ""} › ${r.name}` : r.name,
      group: names.get(r.code.slice(0, 6)) ?? r.code.slice(0, 6),
      keywords: r.code,
    })),
    units: units.map((u) => ({ value: u.id, label: u.name, group: t.orgKinds[u.kind] })),
  };
}

/** The form's fields that carry several values. */
export const PROBLEM_LISTS = ["categoryIds", "regionCodes", "orgIds"] as const;

/** The years a problem can be drawn up for: last year (late entries) to next (planning ahead), and its own. */
export function yearChoices(current: number, own?: number) {
  return [...new Set([current + 1, current, current - 1, ...(own ? [own] : [])])].sort((a, b) => b - a);
}
