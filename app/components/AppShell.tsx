import { Form, NavLink, useRouteLoaderData } from "@remix-run/react";
import { useState, type ReactNode } from "react";
import { t } from "../i18n";
import type { NavItem, ShellUser } from "../lib/shell";

interface ShellData {
  user: ShellUser | null;
  nav: NavItem[];
  /** Unread notifications. */
  unread?: number;
}

/** Header, navigation and the account menu around every page. */
export function AppShell({ children, data }: { children: ReactNode; data?: ShellData }) {
  const loaded = useRouteLoaderData<ShellData>("root");
  const { user, nav, unread = 0 } = data ?? loaded ?? { user: null, nav: [] };
  const [menuOpen, setMenuOpen] = useState(false);

  return (
    <>
      <a className="skip-link" href="#main">
        {t.app.skipToContent}
      </a>
      <header className="site-header">
        <a className="brand" href="/">
          <span className="brand-mark" aria-hidden="true">
            圆
          </span>
          <span>{t.app.name}</span>
        </a>
        {user ? (
          <>
            <button
              type="button"
              className="menu-toggle"
              aria-expanded={menuOpen}
              aria-controls="primary-nav"
              onClick={() => setMenuOpen((o) => !o)}
            >
              {t.nav.menu}
            </button>
            <nav id="primary-nav" className={menuOpen ? "primary-nav open" : "primary-nav"} aria-label={t.nav.primary}>
              <ul>
                {nav.map((item) => (
                  <li key={item.key}>
                    {item.available ? (
                      <NavLink to={item.href} end={item.href === "/"} onClick={() => setMenuOpen(false)}>
                        {t.nav[item.key] as string}
                      </NavLink>
                    ) : (
                      <span className="nav-soon" aria-disabled="true" title={t.nav.comingSoon}>
                        {t.nav[item.key] as string}
                        <small>{t.nav.comingSoon}</small>
                      </span>
                    )}
                  </li>
                ))}
              </ul>
            </nav>
            <div className="account" aria-label={t.nav.account}>
              <span className="account-name">
                {user.displayName}
                <small>{user.roles.map((r) => t.roles[r]).join("、")}</small>
              </span>
              <NavLink to="/notifications" className="notifications-link">
                {t.councils.notifications.link(unread)}
              </NavLink>
              <Form method="post" action="/logout">
                <button type="submit" className="link-button">
                  {t.nav.logout}
                </button>
              </Form>
            </div>
          </>
        ) : (
          <nav className="primary-nav guest" aria-label={t.nav.account}>
            <ul>
              <li>
                <NavLink to="/login">{t.nav.login}</NavLink>
              </li>
              <li>
                <NavLink to="/register">{t.nav.register}</NavLink>
              </li>
            </ul>
          </nav>
        )}
      </header>
      {children}
    </>
  );
}
