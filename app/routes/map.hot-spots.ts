import type { LoaderFunctionArgs } from "@remix-run/node";
import { requirePermission } from "~/lib/auth.server";
import { loadOrThrow } from "~/lib/forms.server";
import { can } from "../../server/identity";
import { hotSpotFeatures } from "../../server/insights";

/**
 * The case map's hot-spot layer (decisions 0013, 0014): the hot spots the actor
 * may read under the map's area, category and time filters, as GeoJSON. Someone
 * who may see the map but not insights gets an empty layer, not an error.
 */
export async function loader({ context, request }: LoaderFunctionArgs) {
  const actor = requirePermission(context, request, "read:map");
  const headers = { "Cache-Control": "no-store" };
  if (!can(actor, "read:insight")) return Response.json({ type: "FeatureCollection", features: [] }, { headers });
  const { regionCode, categoryId, from, to } = Object.fromEntries(new URL(request.url).searchParams);
  // The hot spots as last detected (the per-minute run, decision 0014): a detection run in the request
  // would hold the first map of a large city for as long as the run takes.
  const result = await loadOrThrow(() =>
    hotSpotFeatures(context.database, actor, { regionCode, categoryId, from, to }),
  );
  return Response.json(result, { headers });
}
