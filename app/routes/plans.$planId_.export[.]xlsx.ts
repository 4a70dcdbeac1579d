import type { LoaderFunctionArgs } from "@remix-run/node";
import { buildPlanWorkbook, requestedSignedVersion } from "~/lib/plan-export.server";

/** /plans/:planId/export.xlsx[?version=N]: the lists and signatures of the latest fully signed version (or N). */
export async function loader(args: LoaderFunctionArgs) {
  const signed = await requestedSignedVersion(args);
  const planId = signed.plan.id;
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
