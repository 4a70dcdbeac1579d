import type { LoaderFunctionArgs } from "@remix-run/node";
import { requirePermission } from "~/lib/auth.server";
import { regionGroups } from "~/lib/region-options";
import { listRegions } from "../../server/regions";

/**
 * The areas a ticket can be placed in at intake — each district's streets and
 * communities, with their positions — as JSON. The intake form fetches them
 * when the area picker or the map is first used: a city has thousands of
 * communities, which were otherwise in every intake page, and a browser keeps
 * this for five minutes, across the calls an operator takes.
 */
export async function loader({ context, request }: LoaderFunctionArgs) {
  requirePermission(context, request, "create:ticket");
  const regions = await listRegions(context.database);
  const groups = regionGroups(
    regions.filter((r) => r.level === "district" || r.level === "street" || r.level === "community"),
  );
  return Response.json(groups, { headers: { "Cache-Control": "private, max-age=300" } });
}
