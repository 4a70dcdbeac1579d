import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireActor } from "~/lib/auth.server";
import { listJson, loadOrThrow, parseId } from "~/lib/forms.server";
import { ticketUnitChoices } from "../../server/tickets";

/**
 * Every unit a ticket's pickers may name, as JSON (UnitSelect): the ticket
 * page carries only the dispatch catalogue's suggestions, and fetches this
 * when someone reaches for a picker — a city has thousands of units, and
 * most views of a ticket pick none. The page's link carries the ticket's
 * last change (`v`), so a browser may keep an answer until the ticket moves;
 * a unit added in the admin area shows up within five minutes.
 */
export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const actor = requireActor(context, request);
  const id = parseId(params.ticketId);
  if (!id) throw new Response("Not Found", { status: 404 });
  const choices = await loadOrThrow(() => ticketUnitChoices(context.database, actor, id));
  return listJson(choices);
}
