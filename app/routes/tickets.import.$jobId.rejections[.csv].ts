import type { LoaderFunctionArgs } from "@remix-run/node";
import { t } from "~/i18n";
import { requirePermission } from "~/lib/auth.server";
import { loadOrThrow, parseId } from "~/lib/forms.server";
import { getJob, rejectionReport } from "../../server/tickets/import";

/** Every rejected row (line, reason, raw), streamed as CSV: a big report never sits in memory. */
export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const actor = requirePermission(context, request, "import:ticket");
  const jobId = parseId(params.jobId);
  if (!jobId) throw new Response(t.errors.notFound, { status: 404 });
  const job = await loadOrThrow(() => getJob(context.database, actor, jobId));
  const parts = rejectionReport(context.database, actor, jobId);
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await parts.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(next.value));
    },
    async cancel() {
      await parts.return(undefined);
    },
  });
  const name = `${job.fileName.replace(/\.[^.]+$/, "")}.rejections.csv`;
  return new Response(body, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="import-${job.id}-rejections.csv"; filename*=UTF-8''${encodeURIComponent(name)}`,
      "Cache-Control": "no-store",
    },
  });
}
