import type { ListboxOption } from "~/components/FilterListbox";
import type { RegionRow } from "../../server/regions";

export interface RegionOption {
  code: string;
  label: string;
  lon: number | null;
  lat: number | null;
}

export interface RegionGroup {
  label: string;
  options: RegionOption[];
}

/**
 * One <optgroup> per district holding its streets and each street's
 * communities (labelled 街道 › 社区), optionally the district itself first.
 * Codes sort parents before children, so one pass in code order suffices.
 */
export function regionGroups(
  rows: RegionRow[],
  labels: { district?: (name: string) => string; street?: (name: string) => string } = {},
): RegionGroup[] {
  const names = new Map(rows.map((r) => [r.code, r.name]));
  const groups: (RegionGroup & { code: string })[] = [];
  for (const r of [...rows].sort((a, b) => a.code.localeCompare(b.code))) {
    const option = (label: string): RegionOption => ({ code: r.code, label, lon: r.lon, lat: r.lat });
    if (r.level === "district") {
      groups.push({ code: r.code, label: r.name, options: labels.district ? [option(labels.district(r.name))] : [] });
      continue;
    }
    const group = groups[groups.length - 1];
    if (!group || !r.code.startsWith(group.code)) continue;
    if (r.level === "street") group.options.push(option(labels.street ? labels.street(r.name) : r.name));
    else if (r.level === "community") group.options.push(option(`${names.get(r.parentCode ?? "") ?? ""} › ${r.name}`));
  }
  return groups.map(({ label, options }) => ({ label, options }));
}

/** Every area of the groups, in list order, with its group's label (its district). */
export function flatAreas(groups: RegionGroup[]): (RegionOption & { group: string })[] {
  return groups.flatMap((g) => g.options.map((o) => ({ ...o, group: g.label })));
}

/** Areas as a filterable listbox's options; the code is searched too. */
export function areaOptions(areas: { code: string; label: string; group: string }[]): ListboxOption[] {
  return areas.map((o) => ({ value: o.code, label: o.label, group: o.group, keywords: o.code }));
}
