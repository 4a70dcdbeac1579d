import type { LoaderFunctionArgs } from "@remix-run/node";
import { t } from "~/i18n";
import { requirePermission } from "~/lib/auth.server";
import { loadOrThrow, parseId } from "~/lib/forms.server";
import { getTicket } from "../../server/tickets";

/** What the map's side panel shows of one ticket: read through the tickets' own rule, masked. */
export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const actor = requirePermission(context, request, "read:map");
  const ticketId = parseId(params.ticketId);
  if (!ticketId) throw new Response(t.errors.notFound, { status: 404 });
  const { ticket, category, place } = await loadOrThrow(() => getTicket(context.database, actor, ticketId));
  return Response.json(
    {
      id: ticket.id,
      number: ticket.number,
      status: ticket.status,
      category: category.map((c) => c.name).join(" › "),
      address: ticket.address,
      place: [place.district?.name, place.street?.name, place.community?.name].filter(Boolean).join(" "),
      receivedAt: ticket.receivedAt,
      leadName: ticket.leadName,
    },
    { headers: { "Cache-Control": "no-store" } },
  );
}
