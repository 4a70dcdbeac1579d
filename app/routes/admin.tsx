import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { NavLink, Outlet, useLoaderData } from "@remix-run/react";
import { t } from "~/i18n";
import { requireActor } from "~/lib/auth.server";
import { can } from "../../server/identity";

export const meta: MetaFunction = () => [{ title: `${t.admin.title} · ${t.app.name}` }];

/**
 * The admin area's frame. Child loaders run in parallel with this one, so
 * each of them authorises on its own (through its service); this check only
 * keeps people with no business here out of the frame.
 */
export function loader({ context, request }: LoaderFunctionArgs) {
  const actor = requireActor(context, request);
  if (!can(actor, "manage:organisation") && !can(actor, "read:membership")) {
    throw new Response("Forbidden", { status: 403 });
  }
  return {
    canUsers: can(actor, "manage:user"),
    canAudit: can(actor, "read:audit"),
    canApiKeys: can(actor, "manage:api-key"),
    canRules: can(actor, "manage:taxonomy"),
  };
}

export default function Admin() {
  const { canUsers, canAudit, canApiKeys, canRules } = useLoaderData<typeof loader>();
  return (
    <main id="main" className="page">
      <h1>{t.admin.title}</h1>
      <nav className="subnav" aria-label={t.admin.subnav}>
        <NavLink to="/admin/orgs">{t.admin.organisations}</NavLink>
        {canUsers ? <NavLink to="/admin/users">{t.admin.users}</NavLink> : null}
        {canAudit ? <NavLink to="/admin/audit">{t.admin.audit}</NavLink> : null}
        {canApiKeys ? <NavLink to="/admin/api-keys">{t.admin.apiKeys.nav}</NavLink> : null}
        {canRules ? <NavLink to="/admin/rules">{t.rules.nav}</NavLink> : null}
      </nav>
      <Outlet />
    </main>
  );
}
