import type { AppLoadContext } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { can, type Actor, type Permission, type Target } from "../../server/identity";

/** The signed-in actor, or a redirect to the login page that comes back here. */
export function requireActor(context: AppLoadContext, request: Request): Actor {
  if (context.actor) return context.actor;
  const url = new URL(request.url);
  const back = url.pathname + url.search;
  throw redirect(back === "/" ? "/login" : `/login?redirectTo=${encodeURIComponent(back)}`);
}

/** As requireActor, and the actor must hold `permission` (on `target`): otherwise 403. */
export function requirePermission(
  context: AppLoadContext,
  request: Request,
  permission: Permission,
  target?: Target,
): Actor {
  const actor = requireActor(context, request);
  if (!can(actor, permission, target)) throw new Response("Forbidden", { status: 403 });
  return actor;
}

/** Only same-site relative paths: an open redirect would let a phishing link borrow our login page. */
export function safeRedirect(to: FormDataEntryValue | string | null | undefined, fallback = "/"): string {
  if (typeof to !== "string" || !to.startsWith("/") || to.startsWith("//") || to.startsWith("/\\")) return fallback;
  return to;
}
