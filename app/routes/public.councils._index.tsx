import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { formatDateTime, t } from "~/i18n";
import { listPublicCouncils } from "../../server/councils";
import styles from "~/styles/councils.css?url";

const P = t.councils.public;

export const links: LinksFunction = () => [{ rel: "stylesheet", href: styles }];

export const meta: MetaFunction = () => [{ title: `${P.heading} · ${t.app.name}` }];

/** 公示: every council with a published decision, open to anyone. */
export async function loader({ context }: LoaderFunctionArgs) {
  return { councils: await listPublicCouncils(context.database) };
}

export default function PublicCouncils() {
  const { councils } = useLoaderData<typeof loader>();
  return (
    <main id="main" className="page">
      <h1>{P.heading}</h1>
      <p className="muted">{P.intro}</p>
      {councils.length === 0 ? <p className="muted">{P.none}</p> : null}
      <ul className="public-list">
        {councils.map((c) => (
          <li key={c.id}>
            <Link to={`/public/councils/${c.id}`}>{c.title}</Link>
            <span className="muted">
              {" "}
              · {c.address} · {t.councils.stages[c.stage]} · {formatDateTime(c.updatedAt)}
            </span>
          </li>
        ))}
      </ul>
    </main>
  );
}
