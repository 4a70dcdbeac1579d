import type { LoaderFunctionArgs } from "@remix-run/node";
import { requirePermission } from "~/lib/auth.server";
import { loadOrThrow } from "~/lib/forms.server";
import { mapCases } from "../../server/map";

/** The flow's cases and the band's counts for the filters (decision 0013), as JSON. */
export async function loader({ context, request }: LoaderFunctionArgs) {
  const actor = requirePermission(context, request, "read:map");
  const params = Object.fromEntries(new URL(request.url).searchParams);
  const result = await loadOrThrow(() => mapCases(context.database, actor, params));
  return Response.json(result, { headers: { "Cache-Control": "no-store" } });
}
