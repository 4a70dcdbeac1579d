import type { LoaderFunctionArgs } from "@remix-run/node";
import { requirePermission } from "~/lib/auth.server";
import { listJson } from "~/lib/forms.server";
import { organisationAreas } from "~/lib/regions.server";

/**
 * Where a new organisation can sit, as JSON, for those who create organisations. The create form
 * fetches it when its area picker is first reached for: a city's thousands of communities were
 * otherwise in every view of the organisation list.
 */
export async function loader({ context, request }: LoaderFunctionArgs) {
  requirePermission(context, request, "manage:organisation");
  return listJson(await organisationAreas(context.database));
}
