import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useMemo } from "react";
import { Field, FormError, SelectField } from "~/components/Field";
import { FilterListbox } from "~/components/FilterListbox";
import { SearchForm } from "~/components/SearchForm";
import { t } from "~/i18n";
import { requireActor } from "~/lib/auth.server";
import { useWantedJson } from "~/lib/fetch-once";
import { formObject, handleForm, loadOrThrow } from "~/lib/forms.server";
import { areaOptions, flatAreas, type RegionGroup } from "~/lib/region-options";
import { orgKinds } from "../../db/schema/identity";
import { can, createOrganisation, listOrganisations } from "../../server/identity";

export const meta: MetaFunction = () => [{ title: `${t.admin.organisations} · ${t.admin.title} · ${t.app.name}` }];

/** Where an organisation can sit (app/routes/admin.regions.ts), fetched when the picker is reached for. */
const REGIONS_URL = "/admin/regions";

export async function loader({ context, request }: LoaderFunctionArgs) {
  const actor = requireActor(context, request);
  const q = new URL(request.url).searchParams.get("q") ?? "";
  const { orgs, total } = await loadOrThrow(() => listOrganisations(context.database, actor, { q }));
  const canCreate = can(actor, "manage:organisation");
  return { orgs, total, q, canCreate, kinds: canCreate ? orgKinds : [] };
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
  const { orgs, total, q, canCreate, kinds } = useLoaderData<typeof loader>();
  const areas = useWantedJson<RegionGroup[]>(canCreate ? REGIONS_URL : undefined);
  const regionChoices = useMemo(() => areaOptions(flatAreas(areas.data ?? [])), [areas.data]);
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const failure = result && "ok" in result ? result : undefined;
  return (
    <>
      <h2 id="orgs-heading">{t.admin.orgs.heading}</h2>
      {!canCreate ? <FormError message={failure?.message} /> : null}
      <SearchForm id="orgs-q" label={t.admin.orgs.search} q={q} button={t.admin.orgs.find} />
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

      {canCreate ? (
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
            <FilterListbox
              id="field-regionCode"
              name="regionCode"
              label={t.admin.orgs.region}
              filterLabel={t.admin.orgs.regionFilter}
              filterHint={t.admin.orgs.regionFilterHint}
              matchesText={t.admin.orgs.regionMatches}
              noneText={t.admin.orgs.chooseRegion}
              required
              options={regionChoices}
              errors={failure?.fieldErrors.regionCode}
              onWanted={areas.want}
              loadingText={areas.loading ? t.admin.orgs.regionsLoading : undefined}
            />
            <button type="submit" className="button primary" disabled={busy}>
              {t.admin.orgs.create}
            </button>
          </Form>
        </section>
      ) : null}
    </>
  );
}
