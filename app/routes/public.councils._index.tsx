import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { SelectField } from "~/components/Field";
import { ListPager } from "~/components/ListPager";
import { formatDateTime, t } from "~/i18n";
import { withQuery } from "~/lib/href";
import { listPublicCouncils } from "../../server/councils";
import { listRegions } from "../../server/regions";
import styles from "~/styles/councils.css?url";

const P = t.councils.public;

export const links: LinksFunction = () => [{ rel: "stylesheet", href: styles }];

export const meta: MetaFunction = () => [{ title: `${P.heading} · ${t.app.name}` }];

/** 公示: every council with a published decision, open to anyone; by district, a page at a time. */
export async function loader({ context, request }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  const districts = (await listRegions(context.database, { level: "district" })).map(({ code, name }) => ({
    code,
    name,
  }));
  // A district the list does not know is no filter rather than an error page.
  const asked = url.searchParams.get("district") ?? "";
  const district = districts.some((d) => d.code === asked) ? asked : "";
  const cursor = url.searchParams.get("cursor") ?? "";
  const { councils, next } = await listPublicCouncils(context.database, { district, cursor });
  return { councils, next, paged: !!cursor, district, districts };
}

export default function PublicCouncils() {
  const { councils, next, paged, district, districts } = useLoaderData<typeof loader>();
  const href = (cursor: string) => withQuery("/public/councils", { district, cursor });
  return (
    <main id="main" className="page">
      <h1>{P.heading}</h1>
      <p className="muted">{P.intro}</p>
      <Form method="get" className="inline-form">
        <SelectField name="district" id="public-district" label={P.district} defaultValue={district}>
          <option value="">{P.allDistricts}</option>
          {districts.map((d) => (
            <option key={d.code} value={d.code}>
              {d.name}
            </option>
          ))}
        </SelectField>
        <button type="submit" className="button">
          {P.show}
        </button>
      </Form>
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
      <ListPager paged={paged} next={next} href={href} label={P.pages} />
    </main>
  );
}
