import { Form, useLocation, useRouteLoaderData } from "@remix-run/react";
import { useState, type ReactNode } from "react";
import { t } from "../i18n";
import { isCurrentPath, useLinkDelegation } from "../lib/link-delegation";
import type { NavItem, ShellUser } from "../lib/shell";

interface ShellData {
  user: ShellUser | null;
  nav: NavItem[];
  /** Unread notifications. */
  unread?: number;
}

/**
 * Header, navigation and the account menu around every page. Its links are
 * plain anchors, navigated in the page by one listener on the header
 * (lib/link-delegation.ts): every page renders them.
 */
export function AppShell({ children, data }: { children: ReactNode; data?: ShellData }) {
  const loaded = useRouteLoaderData<ShellData>("root");
  const { user, nav, unread = 0 } = data ?? loaded ?? { user: null, nav: [] };
  const [menuOpen, setMenuOpen] = useState(false);
  const { pathname } = useLocation();
  const headerLinks = useLinkDelegation<HTMLElement>();
  /** A navigation anchor's other attributes: the current page's is marked, as a `NavLink` marks it. */
  const marks = (to: string, options: { end?: boolean; className?: string } = {}) => {
    const current = isCurrentPath(pathname, to, options.end);
    return {
      "data-discover": "true",
      "aria-current": current ? ("page" as const) : undefined,
      className: [options.className, current ? "active" : null].filter(Boolean).join(" ") || undefined,
    };
  };

  return (
    <>
      <a className="skip-link" href="#main">
        {t.app.skipToContent}
      </a>
      <header className="site-header" ref={headerLinks}>
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
                      <a
                        href={item.href}
                        {...marks(item.href, { end: item.href === "/" })}
                        onClick={() => setMenuOpen(false)}
                      >
                        {t.nav[item.key] as string}
                      </a>
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
              <a href="/notifications" {...marks("/notifications", { className: "notifications-link" })}>
                {t.councils.notifications.link(unread)}
              </a>
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
                <a href="/login" {...marks("/login")}>
                  {t.nav.login}
                </a>
              </li>
              <li>
                <a href="/register" {...marks("/register")}>
                  {t.nav.register}
                </a>
              </li>
            </ul>
          </nav>
        )}
      </header>
      {children}
    </>
  );
}
