import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import {
  isRouteErrorResponse,
  Links,
  Meta,
  Outlet,
  Scripts,
  ScrollRestoration,
  useRouteError,
  useRouteLoaderData,
} from "@remix-run/react";
import type { ReactNode } from "react";
import { AppShell } from "./components/AppShell";
import { useNonce } from "./lib/nonce";
import { t } from "./i18n";
import { mapBaseOf } from "./components/map/base";
import { navFor, type ShellUser } from "./lib/shell";
import { unreadCount } from "../server/notifications";
import styles from "./styles/app.css?url";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: styles },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
];

export const meta: MetaFunction = () => [{ title: t.app.fullName }];

export async function loader({ context }: LoaderFunctionArgs) {
  const actor = context.actor;
  const user: ShellUser | null = actor
    ? {
        displayName: actor.displayName,
        username: actor.username,
        roles: [...new Set(actor.grants.map((g) => g.role))],
      }
    : null;
  return {
    user,
    nav: navFor(actor),
    unread: actor ? await unreadCount(context.database.db, actor.userId) : 0,
    map: mapBaseOf(context.config),
  };
}

export function Layout({ children }: { children: ReactNode }) {
  const nonce = useNonce();
  return (
    <html lang="zh-CN">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body>
        {children}
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

export default function App() {
  return (
    <AppShell>
      <Outlet />
    </AppShell>
  );
}

export function ErrorBoundary() {
  const error = useRouteError();
  const rootData = useRouteLoaderData<typeof loader>("root");
  let title = t.errors.serverTitle;
  let text = t.errors.server;
  let status = 500;
  if (isRouteErrorResponse(error)) {
    status = error.status;
    if (status === 404) [title, text] = [t.errors.notFoundTitle, t.errors.notFound];
    else if (status === 403) [title, text] = [t.errors.forbiddenTitle, t.errors.forbidden];
    else if (status < 500)
      [title, text] = [t.errors.otherTitle(status), typeof error.data === "string" ? error.data : ""];
  }
  const body = (
    <main id="main" className="page error-page">
      <p className="error-code" aria-hidden="true">
        {status}
      </p>
      <h1>{title}</h1>
      <p>{text}</p>
      <a className="button" href="/">
        {t.errors.backHome}
      </a>
    </main>
  );
  return rootData ? <AppShell data={rootData}>{body}</AppShell> : body;
}
