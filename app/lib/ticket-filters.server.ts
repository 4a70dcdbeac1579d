import type { Database } from "../../db/client";
import { listRegions, type RegionRow } from "../../server/regions";
import { leafCategories } from "../../server/tickets";
import type { CategoryOption } from "~/components/tickets/TicketFilterFields";
import { t } from "~/i18n";
import { regionGroups } from "~/lib/region-options";

const areaGroups = (regions: RegionRow[]) =>
  regionGroups(
    regions.filter((r) => r.level !== "city"),
    { district: t.tickets.list.wholeDistrict },
  );

/**
 * The area choices per database, read once: regions are reference data the seed writes before the
 * portal serves and nothing changes after, and reading and grouping them (~400 rows) was a third
 * of the ticket queue page's time (load bench). Categories change in the rules admin, so they are
 * read each time.
 */
const areasByDatabase = new WeakMap<Database, Promise<ReturnType<typeof areaGroups>>>();

function areaChoices(database: Database) {
  let areas = areasByDatabase.get(database);
  if (!areas) {
    areas = listRegions(database).then(areaGroups);
    areasByDatabase.set(database, areas);
    // A failed read is not kept: the next request reads again.
    areas.catch(() => areasByDatabase.delete(database));
  }
  return areas;
}

/**
 * The choices of the shared ticket filters (TicketFilterFields): leaf categories by class, areas by
 * district. A caller that has the regions already passes them in.
 */
export async function ticketFilterChoices(database: Database, loaded?: RegionRow[]) {
  const [categories, regions] = await Promise.all([
    leafCategories(database),
    loaded ? areaGroups(loaded) : areaChoices(database),
  ]);
  return {
    categories: categories.map((c): CategoryOption => ({
      id: c.id,
      top: c.path[0] ?? "",
      label: c.path.slice(1).join(" › "),
    })),
    regions,
  };
}
