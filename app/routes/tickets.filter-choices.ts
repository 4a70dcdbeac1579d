import type { LoaderFunctionArgs } from "@remix-run/node";
import { requirePermission } from "~/lib/auth.server";
import { listJson } from "~/lib/forms.server";
import { ticketFilterChoices } from "~/lib/ticket-filters.server";

/**
 * Every choice of the shared ticket filters (TicketFilterFields), as JSON:
 * fetched when a filter panel is first opened instead of being rendered into
 * every queue and map page (~500 options, most of those pages' HTML and
 * hydration data). Reference data, the same for everyone who may filter
 * tickets; a browser keeps it for five minutes, so a category added in the
 * rules admin shows up in the filters within that.
 */
export async function loader({ context, request }: LoaderFunctionArgs) {
  requirePermission(context, request, "read:ticket");
  const choices = await ticketFilterChoices(context.database);
  return listJson(choices);
}
