import type { LoaderFunctionArgs } from "@remix-run/node";
import { requirePermission } from "~/lib/auth.server";
import { loadOrThrow } from "~/lib/forms.server";
import { buildRatesWorkbook } from "~/lib/rates-export.server";
import { ownScorecardOrg, resolveMonth } from "~/lib/rates.server";
import { monthlyScorecards, streetRanking, trend } from "../../server/tickets";

/** /rates/export.xlsx?month=YYYY-MM: the dashboard's scorecards, street ranking and trend as a workbook. */
export async function loader({ context, request }: LoaderFunctionArgs) {
  const actor = requirePermission(context, request, "read:scorecard");
  const url = new URL(request.url);
  const database = context.database;
  const { month } = await resolveMonth(database, actor, url.searchParams.get("month"));
  const orgId = ownScorecardOrg(actor);
  const [scorecards, ranking, history] = await loadOrThrow(() =>
    Promise.all([
      monthlyScorecards(database, actor, { month, orgKind: orgId == null ? (url.searchParams.get("kind") ?? "") : "" }),
      streetRanking(database, actor, month, { bottom: url.searchParams.get("bottom") || undefined }),
      trend(database, actor, { months: 12, to: month, ...(orgId != null ? { orgId } : {}) }),
    ]),
  );
  const body = await buildRatesWorkbook({ scorecards, ranking, trend: history });
  const name = `三率-${month}.xlsx`;
  return new Response(new Uint8Array(body), {
    headers: {
      "Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      "Content-Disposition": `attachment; filename="rates-${month}.xlsx"; filename*=UTF-8''${encodeURIComponent(name)}`,
      "Cache-Control": "private, no-store",
    },
  });
}
