import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { t } from "~/i18n";
import { requireActor } from "~/lib/auth.server";
import { navFor } from "~/lib/shell";
import { can, describeGrants, identitySummary } from "../../server/identity";

export const meta: MetaFunction = () => [{ title: `${t.nav.home} · ${t.app.fullName}` }];

export async function loader({ context, request }: LoaderFunctionArgs) {
  const actor = requireActor(context, request);
  const grants = await describeGrants(context.database, actor);
  const summary = can(actor, "manage:organisation") ? await identitySummary(context.database, actor) : null;
  return {
    displayName: actor.displayName,
    grants,
    summary,
    sections: navFor(actor).filter((n) => n.key !== "home" && n.key !== "admin"),
  };
}

export default function Home() {
  const { displayName, grants, summary, sections } = useLoaderData<typeof loader>();
  const map = sections.some((s) => s.key === "map" && s.available);
  return (
    <main id="main" className="page">
      <h1>{t.home.greeting(displayName)}</h1>
      <section aria-labelledby="roles-heading" className="grid">
        <h2 id="roles-heading" className="visually-hidden">
          {t.home.yourRoles}
        </h2>
        {grants.map((g, i) => (
          <article key={i} className="card role-card" data-role={g.role}>
            <p className="role-label">{t.roles[g.role]}</p>
            {g.orgName ? <h3>{g.orgName}</h3> : null}
            {g.regionPath.length ? (
              <p className="muted">
                {t.home.area}：{g.regionPath.join(" › ")}
              </p>
            ) : null}
            {g.manager ? <p className="badge">{t.home.manager}</p> : null}
            <h4>{t.home.whatYouDo}</h4>
            <ul>
              {t.home.duties[g.role].map((d) => (
                <li key={d}>{d}</li>
              ))}
            </ul>
            <div className="card-actions">
              {map && g.regionCode ? (
                // The map opens on the area the role answers for, already filtered to it.
                <Link className="button" to={`/map?regionCode=${g.regionCode}`}>
                  {t.home.mapOfArea}
                </Link>
              ) : null}
              {g.manager && g.orgId != null ? (
                <Link className="button" to={`/admin/orgs/${g.orgId}`}>
                  {t.home.manageOrg}
                </Link>
              ) : null}
            </div>
          </article>
        ))}
        {summary ? (
          <article className="card">
            <h3>{t.home.orgAdmin}</h3>
            <dl className="stats">
              <div>
                <dt>{t.admin.users}</dt>
                <dd>{summary.users}</dd>
              </div>
              <div>
                <dt>{t.admin.organisations}</dt>
                <dd>{summary.organisations}</dd>
              </div>
              <div>
                <dt>{t.admin.regions}</dt>
                <dd>{summary.regions}</dd>
              </div>
            </dl>
            <Link className="button" to="/admin">
              {t.admin.title}
            </Link>
          </article>
        ) : null}
      </section>
      <section aria-labelledby="sections-heading">
        <h2 id="sections-heading">{t.home.sections}</h2>
        <ul className="section-tiles">
          {sections.map((s) => (
            <li key={s.key} className={s.available ? "tile" : "tile soon"}>
              {s.available ? <Link to={s.href}>{t.nav[s.key] as string}</Link> : <span>{t.nav[s.key] as string}</span>}
              {s.available ? null : <small>{t.nav.comingSoon}</small>}
            </li>
          ))}
        </ul>
      </section>
    </main>
  );
}
