import type { LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { requireActor } from "~/lib/auth.server";
import { can } from "../../server/identity";

export function loader({ context, request }: LoaderFunctionArgs) {
  const actor = requireActor(context, request);
  // Same gate as the admin layout: its loader runs in parallel and a redirect here would win over its 403.
  if (!can(actor, "manage:organisation") && !can(actor, "read:membership")) {
    throw new Response("Forbidden", { status: 403 });
  }
  throw redirect("/admin/orgs");
}

export default function AdminIndex() {
  return null;
}
