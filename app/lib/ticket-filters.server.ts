import type { Database } from "../../db/client";
import { listRegions, type RegionRow } from "../../server/regions";
import { leafCategories } from "../../server/tickets";
import type { CategoryOption } from "~/components/tickets/TicketFilterFields";
import { t } from "~/i18n";
import { regionGroups } from "~/lib/region-options";

/**
 * The choices of the shared ticket filters (TicketFilterFields): leaf categories by class, areas by
 * district. A caller that has the regions already passes them in.
 */
export async function ticketFilterChoices(database: Database, loaded?: RegionRow[]) {
  const [categories, regions] = await Promise.all([leafCategories(database), loaded ?? listRegions(database)]);
  return {
    categories: categories.map((c): CategoryOption => ({
      id: c.id,
      top: c.path[0] ?? "",
      label: c.path.slice(1).join(" › "),
    })),
    regions: regionGroups(
      regions.filter((r) => r.level !== "city"),
      { district: t.tickets.list.wholeDistrict },
    ),
  };
}
