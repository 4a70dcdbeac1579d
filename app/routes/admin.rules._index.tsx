import type { LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { requirePermission } from "~/lib/auth.server";

export function loader({ context, request }: LoaderFunctionArgs) {
  // Same gate as the frame: its loader runs in parallel and a redirect here would win over its 403.
  requirePermission(context, request, "manage:taxonomy", {});
  throw redirect("/admin/rules/categories");
}

export default function RulesIndex() {
  return null;
}
