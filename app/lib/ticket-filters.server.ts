import type { Database } from "../../db/client";
import { leafCategories } from "../../server/tickets";
import type { CategoryOption, FilterChoices } from "~/components/tickets/TicketFilterFields";
import { areaChoices } from "~/lib/regions.server";

/** Categories change in the rules admin, so they are read each time; regions are kept (regions.server.ts). */
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
