import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { clearSessionCookie, logout } from "../../server/identity";

export async function action({ context }: ActionFunctionArgs) {
  if (context.actor && context.sessionId) {
    await logout(context.database, context.sessionId, context.actor.userId, context.clientIp);
  }
  return redirect("/login", { headers: { "Set-Cookie": clearSessionCookie(context.secureCookies) } });
}

/** Signing out is a POST (a link could be triggered by any page); a GET just goes home. */
export function loader() {
  return redirect("/");
}
