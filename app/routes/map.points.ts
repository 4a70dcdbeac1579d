import type { LoaderFunctionArgs } from "@remix-run/node";
import { requirePermission } from "~/lib/auth.server";
import { loadOrThrow } from "~/lib/forms.server";
import { viewportClusters } from "../../server/map";

/** The clusters for one viewport and the filters (decision 0013), as GeoJSON. */
export async function loader({ context, request }: LoaderFunctionArgs) {
  const actor = requirePermission(context, request, "read:map");
  const params = Object.fromEntries(new URL(request.url).searchParams);
  const result = await loadOrThrow(() => viewportClusters(context.database, actor, params));
  return Response.json(result, { headers: { "Cache-Control": "no-store" } });
}
