import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireActor } from "~/lib/auth.server";
import { loadOrThrow } from "~/lib/forms.server";
import { findResidents } from "../../server/councils";

/**
 * Residents a convener may name as representatives, by a part of their name (`q`), within a
 * community (`region`) when given: the council forms search as one types. 403 for anyone who does not
 * convene councils there.
 */
export async function loader({ context, request }: LoaderFunctionArgs) {
  const actor = requireActor(context, request);
  const url = new URL(request.url);
  const q = url.searchParams.get("q") ?? "";
  const regionCode = url.searchParams.get("region") || undefined;
  return Response.json(await loadOrThrow(() => findResidents(context.database, actor, { q, regionCode })));
}
