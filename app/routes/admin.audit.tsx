import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { formatDateTime, t } from "~/i18n";
import { requireActor } from "~/lib/auth.server";
import { loadOrThrow, parseId } from "~/lib/forms.server";
import { listAudit } from "../../server/identity";

export const meta: MetaFunction = () => [{ title: `${t.admin.audit} · ${t.admin.title} · ${t.app.name}` }];

export async function loader({ context, request }: LoaderFunctionArgs) {
  const actor = requireActor(context, request);
  const page = parseId(new URL(request.url).searchParams.get("page")) ?? 1;
  const { rows, hasMore } = await loadOrThrow(() => listAudit(context.database, actor, page));
  return {
    page,
    hasMore,
    rows: rows.map((r) => ({ ...r, detail: r.detail ? JSON.stringify(r.detail) : "" })),
  };
}

export default function AuditLog() {
  const { rows, page, hasMore } = useLoaderData<typeof loader>();
  const L = t.admin.auditLog;
  return (
    <>
      <h2 id="audit-heading">
        {L.heading}
        {page > 1 ? <small className="muted"> · {L.page(page)}</small> : null}
      </h2>
      {rows.length === 0 ? (
        <p className="muted">{L.empty}</p>
      ) : (
        <div className="table-wrap">
          <table aria-labelledby="audit-heading" className="audit-table">
            <thead>
              <tr>
                <th scope="col">{L.at}</th>
                <th scope="col">{L.actor}</th>
                <th scope="col">{L.action}</th>
                <th scope="col">{L.entity}</th>
                <th scope="col">{L.detail}</th>
                <th scope="col">{L.ip}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.id}>
                  <td className="nowrap">{formatDateTime(r.at)}</td>
                  <td>{r.actor ?? L.system}</td>
                  <td>
                    {L.actions[r.action] ?? r.action}
                    <br />
                    <code className="muted">{r.action}</code>
                  </td>
                  <td>
                    {L.entities[r.entity] ?? r.entity}
                    {r.entityId ? ` #${r.entityId}` : ""}
                  </td>
                  <td>
                    <code className="audit-detail">{r.detail}</code>
                  </td>
                  <td>{r.ip ?? ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <nav className="pagination" aria-label={L.pagination}>
        {page > 1 ? (
          <Link className="button" to={page === 2 ? "/admin/audit" : `/admin/audit?page=${page - 1}`} rel="prev">
            {t.common.previous}
          </Link>
        ) : (
          <span />
        )}
        {hasMore ? (
          <Link className="button" to={`/admin/audit?page=${page + 1}`} rel="next">
            {t.common.next}
          </Link>
        ) : null}
      </nav>
    </>
  );
}
