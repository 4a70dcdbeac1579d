import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useState } from "react";
import { CheckList } from "~/components/councils/CheckList";
import { PlacePicker } from "~/components/councils/PlacePicker";
import { CopyBox } from "~/components/CopyBox";
import { Field, FormError, SelectField, TextareaField } from "~/components/Field";
import { t } from "~/i18n";
import { requirePermission } from "~/lib/auth.server";
import { formWithLists, handleForm } from "~/lib/forms.server";
import { councilPlaces } from "~/lib/regions.server";
import { whistleGrounds } from "../../db/schema/councils";
import { blowWhistle, summonableUnits } from "../../server/councils";
import styles from "~/styles/councils.css?url";

const C = t.councils;
const W = C.whistle;

export const links: LinksFunction = () => [{ rel: "stylesheet", href: styles }];

export const meta: MetaFunction = () => [{ title: `${W.heading} · ${C.title} · ${t.app.name}` }];

export async function loader({ context, request }: LoaderFunctionArgs) {
  const actor = requirePermission(context, request, "whistle:council");
  const [places, units] = await Promise.all([
    councilPlaces(context.database, actor, "whistle:council"),
    summonableUnits(context.database),
  ]);
  const own = new Set(actor.grants.map((g) => g.orgId));
  // Blown from a ticket's page: its number and place come along.
  const url = new URL(request.url);
  return {
    prefill: { tickets: url.searchParams.get("tickets") ?? "", regionCode: url.searchParams.get("regionCode") ?? "" },
    places,
    units: units.filter((u) => !own.has(u.id)).map(({ id, name, kind }) => ({ id, name, kind })),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const actor = requirePermission(context, request, "whistle:council");
  const input = formWithLists(await request.formData(), ["orgIds"]);
  return handleForm(async () => {
    const { id, invitations } = await blowWhistle(context.database, actor, input);
    const origin = new URL(request.url).origin;
    return {
      ok: true as const,
      id,
      invitations: invitations.map((i) => ({ ...i, url: `${origin}/invite/${i.token}` })),
    };
  });
}

export default function NewWhistle() {
  const { places, units, prefill } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const failure = result && result.ok === false ? result : undefined;
  const errors = failure?.fieldErrors ?? {};
  // Blown from a ticket's page, the whistle starts where the ticket is.
  const [regionCode, setRegionCode] = useState(
    places.some((p) => p.code === prefill.regionCode) ? prefill.regionCode : (places[0]?.code ?? ""),
  );
  if (result?.ok) {
    return (
      <main id="main" className="page">
        <h1>{W.heading}</h1>
        <p className="form-ok">{W.created}</p>
        {result.invitations.length ? (
          <section className="card">
            <p>{W.invitations}</p>
            {result.invitations.map((i) => (
              <div key={i.orgId}>
                <strong>{i.orgName}</strong>
                <CopyBox id={`invite-${i.orgId}`} text={i.url} copyLabel={t.admin.org.copy} />
              </div>
            ))}
          </section>
        ) : null}
        <Link className="button primary" to={`/councils/whistles/${result.id}`}>
          {W.view}
        </Link>
      </main>
    );
  }
  return (
    <main id="main" className="page">
      <h1>{W.heading}</h1>
      <p className="muted">{W.intro}</p>
      <Form method="post" className="card form" noValidate>
        <SelectField name="ground" label={W.ground} errors={errors.ground}>
          {whistleGrounds.map((g) => (
            <option key={g} value={g}>
              {C.grounds[g]}
            </option>
          ))}
        </SelectField>
        <TextareaField name="problem" label={W.problem} errors={errors.problem} rows={4} />
        <PlacePicker
          label={W.region}
          places={places}
          value={regionCode}
          onChange={setRegionCode}
          errors={errors.regionCode}
        />
        <CheckList
          name="orgIds"
          legend={W.units}
          hint={W.unitsHint}
          errors={errors.orgIds}
          options={units.map((u) => ({ value: u.id, label: u.name, group: C.orgKinds[u.kind] }))}
        />
        <Field
          name="ticketNumbers"
          label={W.tickets}
          hint={W.ticketsHint}
          errors={errors.ticketNumbers}
          defaultValue={prefill.tickets}
        />
        <Field
          name="reportBy"
          type="datetime-local"
          label={W.reportBy}
          hint={W.reportByHint}
          errors={errors.reportBy}
        />
        <FormError message={failure?.message} />
        <div className="form-actions">
          <button type="submit" className="button primary" disabled={busy}>
            {W.submit}
          </button>
        </div>
      </Form>
    </main>
  );
}
