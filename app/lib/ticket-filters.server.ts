import type { Database } from "../../db/client";
import { listRegions, type RegionRow } from "../../server/regions";
import { leafCategories } from "../../server/tickets";
import type { CategoryOption, FilterChoices } from "~/components/tickets/TicketFilterFields";
import { t } from "~/i18n";
import { regionGroups } from "~/lib/region-options";

/**
 * A region list per database, read and grouped once: regions are reference data the seed writes
 * before the portal serves and nothing changes after, and reading and grouping them (~400 rows) was
 * a third of the ticket queue page's time (load bench). Categories change in the rules admin, so
 * they are read each time.
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

/** The filters' areas: every district (as a whole), street and community. */
const areaChoices = perDatabase((regions) =>
  regionGroups(
    regions.filter((r) => r.level !== "city"),
    { district: t.tickets.list.wholeDistrict },
  ),
);

/** The areas a ticket is placed in at intake (/tickets/regions): streets and communities by district. */
export const intakeAreas = perDatabase((regions) => regionGroups(regions.filter((r) => r.level !== "city")));

const categoryOptions = async (database: Database) =>
  (await leafCategories(database)).map((c): CategoryOption => ({
    id: c.id,
    top: c.path[0] ?? "",
    label: c.path.slice(1).join(" › "),
  }));

/**
 * The choices of the shared ticket filters (TicketFilterFields): leaf categories by class, areas by
 * district. Served by /tickets/filter-choices; pages carry only `selectedFilterChoices`.
 */
export async function ticketFilterChoices(database: Database): Promise<FilterChoices> {
  const [categories, regions] = await Promise.all([categoryOptions(database), areaChoices(database)]);
  return { categories, regions };
}

/**
 * Only the choices the page's filters have selected, in the same shape: what the filter fields show
 * until (or, without JavaScript, instead of) the full lists.
 */
export async function selectedFilterChoices(
  database: Database,
  filters: { categoryId?: string; regionCode?: string },
): Promise<FilterChoices> {
  const [categories, regions] = await Promise.all([
    filters.categoryId
      ? categoryOptions(database).then((all) => all.filter((c) => String(c.id) === filters.categoryId))
      : [],
    filters.regionCode
      ? areaChoices(database).then((groups) =>
          groups
            .map((g) => ({ ...g, options: g.options.filter((o) => o.code === filters.regionCode) }))
            .filter((g) => g.options.length),
        )
      : [],
  ]);
  return { categories, regions };
}
