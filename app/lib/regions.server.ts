import type { Database } from "../../db/client";
import { placesFor } from "../../server/councils";
import type { Actor } from "../../server/identity";
import { listRegions, type RegionRow } from "../../server/regions";
import type { Place } from "~/components/councils/PlacePicker";
import { t } from "~/i18n";
import { flatAreas, regionGroups } from "~/lib/region-options";

/**
 * A region list per database, read and grouped once: regions are reference data the seed writes
 * before the portal serves and nothing changes after, and reading and grouping them (~400 rows) was
 * a third of the ticket queue page's time (load bench).
 */
function perDatabase<T>(group: (regions: RegionRow[]) => T): (database: Database) => Promise<T> {
  const byDatabase = new WeakMap<Database, Promise<T>>();
  return (database) => {
    let grouped = byDatabase.get(database);
    if (!grouped) {
      grouped = listRegions(database).then(group);
      byDatabase.set(database, grouped);
      // A failed read is not kept: the next request reads again.
      grouped.catch(() => byDatabase.delete(database));
    }
    return grouped;
  };
}

const belowCity = (regions: RegionRow[]) => regions.filter((r) => r.level !== "city");

/** The ticket filters' areas: every district (as a whole), street and community. */
export const areaChoices = perDatabase((regions) =>
  regionGroups(belowCity(regions), { district: t.tickets.list.wholeDistrict }),
);

/** The areas a ticket is placed in at intake (/tickets/regions): streets and communities by district. */
export const intakeAreas = perDatabase((regions) => regionGroups(belowCity(regions)));

/**
 * Where an organisation can sit (/admin/regions): the city, then each district as a whole, its
 * streets and communities.
 */
export const organisationAreas = perDatabase((regions) => [
  {
    label: t.admin.orgs.city,
    options: regions
      .filter((r) => r.level === "city")
      .map((r) => ({ code: r.code, label: `${r.name}（${t.admin.orgs.city}）`, lon: r.lon, lat: r.lat })),
  },
  ...regionGroups(belowCity(regions), { district: t.admin.orgs.wholeDistrict }),
]);

/**
 * The streets and communities the actor may whistle, convene or propose a topic in, labelled and
 * grouped by district as at intake (PlacePicker).
 */
export async function councilPlaces(
  database: Database,
  actor: Actor,
  permission: Parameters<typeof placesFor>[2],
): Promise<Place[]> {
  const [allowed, areas] = await Promise.all([placesFor(database, actor, permission), intakeAreas(database)]);
  const codes = new Set(allowed.map((p) => p.code));
  return flatAreas(areas).filter((o) => codes.has(o.code));
}
