import type { LoaderFunctionArgs } from "@remix-run/node";
import { requirePermission } from "~/lib/auth.server";
import { loadOrThrow, parseId } from "~/lib/forms.server";
import { meetingForCalendar, meetingIcs } from "../../server/councils";

/** The meeting's iCalendar invitation, for whoever may read the council. */
export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const actor = requirePermission(context, request, "read:council");
  const councilId = parseId(params.councilId);
  const meetingId = parseId(params.meetingId);
  if (!councilId || !meetingId) throw new Response("Not Found", { status: 404 });
  const { meeting, council, agenda } = await loadOrThrow(() => meetingForCalendar(context.database, actor, meetingId));
  if (council.id !== councilId) throw new Response("Not Found", { status: 404 });
  const url = new URL(request.url);
  const body = meetingIcs(
    {
      ...meeting,
      councilTitle: council.title,
      agenda,
      url: `${url.origin}/councils/${council.id}#meeting-${meeting.id}`,
      host: url.hostname,
    },
    new Date(),
  );
  return new Response(body, {
    headers: {
      "Content-Type": "text/calendar; charset=utf-8",
      "Content-Disposition": `attachment; filename="meeting-${meeting.id}.ics"`,
      "Cache-Control": "private, no-store",
    },
  });
}
