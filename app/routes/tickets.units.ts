import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireActor } from "~/lib/auth.server";
import { listJson, loadOrThrow } from "~/lib/forms.server";
import { handlingUnits } from "../../server/tickets";

/**
 * Every unit the hotline centre dispatches to, with what the dispatch
 * catalogue matches on (kind, place, function), as JSON: the intake form
 * fetches it when the operator chooses to dispatch at intake, and ranks it
 * in the browser as the category and place are chosen. Thousands of units in
 * a city were otherwise in every intake page; a browser keeps this for five
 * minutes, across the calls an operator takes.
 */
export async function loader({ context, request }: LoaderFunctionArgs) {
  const actor = requireActor(context, request);
  const units = await loadOrThrow(() => handlingUnits(context.database, actor));
  return listJson(units);
}
