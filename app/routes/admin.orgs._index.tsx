import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Field, FormError, SelectField } from "~/components/Field";
import { t } from "~/i18n";
import { requireActor } from "~/lib/auth.server";
import { formObject, handleForm, loadOrThrow } from "~/lib/forms.server";
import { orgKinds } from "../../db/schema/identity";
import { can, createOrganisation, listOrganisations } from "../../server/identity";
import { listRegions, type RegionRow } from "../../server/regions";

export const meta: MetaFunction = () => [{ title: `${t.admin.organisations} · ${t.admin.title} · ${t.app.name}` }];

interface RegionOption {
  code: string;
  label: string;
}

/**
 * One <select> for a region anywhere in the tree: the city first, then one
 * <optgroup> per district holding the district itself, its streets and each
 * street's communities (labelled 街道 › 社区). Codes sort parents before
 * children, so one pass in code order keeps every community under its street.
 */
function regionChoices(rows: RegionRow[]) {
  const names = new Map(rows.map((r) => [r.code, r.name]));
  const city: RegionOption[] = [];
  const districts: { label: string; options: RegionOption[] }[] = [];
  for (const r of rows) {
    if (r.level === "city") city.push({ code: r.code, label: `${r.name}（${t.admin.orgs.city}）` });
    else if (r.level === "district")
      districts.push({ label: r.name, options: [{ code: r.code, label: t.admin.orgs.wholeDistrict(r.name) }] });
    else {
      const group = districts[districts.length - 1];
      if (!group || !r.code.startsWith(group.options[0]!.code)) continue;
      const label = r.level === "community" ? `${names.get(r.parentCode ?? "") ?? ""} › ${r.name}` : r.name;
      group.options.push({ code: r.code, label });
    }
  }
  return { city, districts };
}

export async function loader({ context, request }: LoaderFunctionArgs) {
  const actor = requireActor(context, request);
  const q = new URL(request.url).searchParams.get("q") ?? "";
  const { orgs, total } = await loadOrThrow(() => listOrganisations(context.database, actor, { q }));
  const canCreate = can(actor, "manage:organisation");
  const regions = canCreate ? regionChoices(await listRegions(context.database)) : null;
  return { orgs, total, q, canCreate, regions, kinds: canCreate ? orgKinds : [] };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const actor = requireActor(context, request);
  const form = formObject(await request.formData());
  return handleForm(async () => {
    const id = await createOrganisation(context.database, actor, form, { ip: context.clientIp });
    return redirect(`/admin/orgs/${id}`);
  });
}

export default function Organisations() {
  const { orgs, total, q, canCreate, regions, kinds } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const failure = result && "ok" in result ? result : undefined;
  return (
    <>
      <h2 id="orgs-heading">{t.admin.orgs.heading}</h2>
      {!canCreate ? <FormError message={failure?.message} /> : null}
      <Form method="get" className="inline-form" role="search">
        <Field name="q" id="orgs-q" label={t.admin.orgs.search} defaultValue={q} type="search" />
        <button type="submit" className="button">
          {t.admin.orgs.find}
        </button>
      </Form>
      {total > orgs.length ? (
        <p className="muted" role="status">
          {t.admin.orgs.firstOf(orgs.length, total)}
        </p>
      ) : null}
      {orgs.length === 0 ? (
        <p className="muted">{q ? t.admin.orgs.noMatch(q) : t.admin.orgs.empty}</p>
      ) : (
        <div className="table-wrap">
          <table aria-labelledby="orgs-heading">
            <thead>
              <tr>
                <th scope="col">{t.admin.orgs.name}</th>
                <th scope="col">{t.admin.orgs.kind}</th>
                <th scope="col">{t.admin.orgs.region}</th>
                <th scope="col">{t.admin.orgs.members}</th>
              </tr>
            </thead>
            <tbody>
              {orgs.map((o) => (
                <tr key={o.id}>
                  <td>
                    <Link to={`/admin/orgs/${o.id}`}>{o.name}</Link>
                  </td>
                  <td className="nowrap">{t.orgKinds[o.kind]}</td>
                  <td>{o.regionName}</td>
                  <td>{o.members}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      {canCreate && regions ? (
        <section aria-labelledby="create-org-heading">
          <h2 id="create-org-heading">{t.admin.orgs.createHeading}</h2>
          <Form method="post" className="card form narrow-form" noValidate>
            <FormError message={failure?.message} />
            <Field name="name" label={t.admin.orgs.name} required errors={failure?.fieldErrors.name} />
            <SelectField
              name="kind"
              label={t.admin.orgs.kind}
              defaultValue=""
              required
              errors={failure?.fieldErrors.kind}
            >
              <option value="">{t.admin.orgs.chooseKind}</option>
              {kinds.map((k) => (
                <option key={k} value={k}>
                  {t.orgKinds[k]}
                </option>
              ))}
            </SelectField>
            <SelectField
              name="regionCode"
              label={t.admin.orgs.region}
              defaultValue=""
              required
              errors={failure?.fieldErrors.regionCode}
            >
              <option value="">{t.admin.orgs.chooseRegion}</option>
              {regions.city.map((c) => (
                <option key={c.code} value={c.code}>
                  {c.label}
                </option>
              ))}
              {regions.districts.map((d) => (
                <optgroup key={d.label} label={d.label}>
                  {d.options.map((o) => (
                    <option key={o.code} value={o.code}>
                      {o.label}
                    </option>
                  ))}
                </optgroup>
              ))}
            </SelectField>
            <button type="submit" className="button primary" disabled={busy}>
              {t.admin.orgs.create}
            </button>
          </Form>
        </section>
      ) : null}
    </>
  );
}
