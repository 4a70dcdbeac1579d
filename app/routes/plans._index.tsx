import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { formatDateTime, t } from "~/i18n";
import { requirePermission } from "~/lib/auth.server";
import { listReadablePlans } from "../../server/plans";

const P = t.plans;

export const meta: MetaFunction = () => [{ title: `${P.title} · ${t.app.name}` }];

export async function loader({ context, request }: LoaderFunctionArgs) {
  const actor = requirePermission(context, request, "read:plan");
  return { plans: await listReadablePlans(context.database, actor) };
}

export default function PlansIndex() {
  const { plans } = useLoaderData<typeof loader>();
  return (
    <main id="main" className="page">
      <h1>{P.title}</h1>
      <p className="muted">{P.indexIntro}</p>
      {plans.length === 0 ? (
        <p>{P.none}</p>
      ) : (
        <ul className="plain-list">
          {plans.map((p) => (
            <li key={p.id} className="card">
              <h2>
                <Link to={`/plans/${p.id}`}>{p.owner ? P.planOf(p.owner.title) : `${P.title} ${p.id}`}</Link>
              </h2>
              <p className="muted">
                <span className="badge">{P.templates[p.template]}</span> {P.createdAt} {formatDateTime(p.createdAt)}
                {p.owner ? (
                  <>
                    {" · "}
                    {P.owner}：{p.owner.href ? <Link to={p.owner.href}>{p.owner.title}</Link> : p.owner.title}
                  </>
                ) : null}
              </p>
            </li>
          ))}
        </ul>
      )}
    </main>
  );
}
