import type { LoaderFunctionArgs } from "@remix-run/node";
import { requirePermission } from "~/lib/auth.server";
import { listJson } from "~/lib/forms.server";
import { intakeAreas } from "~/lib/regions.server";

/**
 * The areas a ticket can be placed in at intake — each district's streets and
 * communities, with their positions — as JSON. The intake form fetches them
 * when the area picker or the map is first used: a city has thousands of
 * communities, which were otherwise in every intake page.
 */
export async function loader({ context, request }: LoaderFunctionArgs) {
  requirePermission(context, request, "create:ticket");
  return listJson(await intakeAreas(context.database));
}
