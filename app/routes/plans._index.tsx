import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { ListPager } from "~/components/ListPager";
import { formatDateTime, t } from "~/i18n";
import { withQuery } from "~/lib/href";
import { requirePermission } from "~/lib/auth.server";
import { listReadablePlans } from "../../server/plans";

const P = t.plans;

export const meta: MetaFunction = () => [{ title: `${P.title} · ${t.app.name}` }];

export async function loader({ context, request }: LoaderFunctionArgs) {
  const actor = requirePermission(context, request, "read:plan");
  const cursor = new URL(request.url).searchParams.get("cursor") ?? "";
  const { plans, next } = await listReadablePlans(context.database, actor, cursor);
  return { plans, next, paged: !!cursor };
}

export default function PlansIndex() {
  const { plans, next, paged } = useLoaderData<typeof loader>();
  return (
    <main id="main" className="page">
      <h1>{P.title}</h1>
      <p className="muted">{P.indexIntro}</p>
      <p>
        <Link to="/commitments">{t.planWork.commitmentList.link}</Link>
      </p>
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
      <ListPager paged={paged} next={next} href={(cursor) => withQuery("/plans", { cursor })} label={P.pages} />
    </main>
  );
}
