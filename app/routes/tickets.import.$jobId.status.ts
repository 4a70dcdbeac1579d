import type { LoaderFunctionArgs } from "@remix-run/node";
import { t } from "~/i18n";
import { requirePermission } from "~/lib/auth.server";
import { loadOrThrow, parseId } from "~/lib/forms.server";
import { getJob } from "../../server/tickets/import";

/** A job's progress as JSON, for scripts and anything polling without the page. */
export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const actor = requirePermission(context, request, "import:ticket");
  const jobId = parseId(params.jobId);
  if (!jobId) throw new Response(t.errors.notFound, { status: 404 });
  const job = await loadOrThrow(() => getJob(context.database, actor, jobId));
  return Response.json(job, { headers: { "Cache-Control": "no-store" } });
}
