import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, Outlet } from "@remix-run/react";
import { t } from "~/i18n";
import { requirePermission } from "~/lib/auth.server";

const T = t.imports;

export const meta: MetaFunction = () => [{ title: `${T.title} · ${t.app.name}` }];

/** Every import page is for those who may import (operators, admins). */
export async function loader({ context, request }: LoaderFunctionArgs) {
  requirePermission(context, request, "import:ticket");
  return null;
}

export default function ImportLayout() {
  return (
    <main id="main" className="page import-page">
      <nav aria-label={T.breadcrumb} className="import-crumbs">
        <Link to="/tickets">{T.backToTickets}</Link>
      </nav>
      <Outlet />
    </main>
  );
}
