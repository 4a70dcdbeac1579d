import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { NavLink, Outlet } from "@remix-run/react";
import { t } from "~/i18n";
import { requirePermission } from "~/lib/auth.server";
import styles from "~/styles/rules.css?url";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: styles }];

export const meta: MetaFunction = () => [{ title: `${t.rules.title} · ${t.admin.title} · ${t.app.name}` }];

/** Rules as data: the administrator's frame. Each child loader authorises again through its service. */
export function loader({ context, request }: LoaderFunctionArgs) {
  requirePermission(context, request, "manage:taxonomy", {});
  return null;
}

export default function Rules() {
  const T = t.rules.tabs;
  return (
    <section aria-labelledby="rules-heading" className="rules">
      <h2 id="rules-heading">{t.rules.title}</h2>
      <p className="muted">{t.rules.intro}</p>
      <nav className="tabs" aria-label={t.rules.subnav}>
        <NavLink to="/admin/rules/categories">{T.categories}</NavLink>
        <NavLink to="/admin/rules/time-limits">{T.timeLimits}</NavLink>
        <NavLink to="/admin/rules/calendar">{T.calendar}</NavLink>
        <NavLink to="/admin/rules/weights">{T.weights}</NavLink>
        <NavLink to="/admin/rules/whistles">{T.whistles}</NavLink>
        <NavLink to="/admin/rules/insights">{T.insights}</NavLink>
      </nav>
      <Outlet />
    </section>
  );
}
