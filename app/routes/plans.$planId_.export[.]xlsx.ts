import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireActor } from "~/lib/auth.server";
import { loadOrThrow, parseId } from "~/lib/forms.server";
import { buildPlanWorkbook } from "~/lib/plan-export.server";
import { signedVersion } from "../../server/plans";

/** /plans/:planId/export.xlsx[?version=N]: the lists and signatures of the latest fully signed version (or N). */
export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const actor = requireActor(context, request);
  const planId = parseId(params.planId);
  const param = new URL(request.url).searchParams.get("version");
  const number = param === null ? undefined : parseId(param);
  if (!planId || number === null) throw new Response("Not Found", { status: 404 });
  const signed = await loadOrThrow(() => signedVersion(context.database, actor, planId, number));
  const body = await buildPlanWorkbook(signed);
  const name = `${signed.plan.title}-第${signed.version.number}版.xlsx`;
  return new Response(new Uint8Array(body), {
    headers: {
      "Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      "Content-Disposition": `attachment; filename="plan-${planId}-v${signed.version.number}.xlsx"; filename*=UTF-8''${encodeURIComponent(name)}`,
      "Cache-Control": "private, no-store",
    },
  });
}
