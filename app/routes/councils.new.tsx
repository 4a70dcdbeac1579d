import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import mapboxStyles from "mapbox-gl/dist/mapbox-gl.css?url";
import { useMemo, useState } from "react";
import { CheckList } from "~/components/councils/CheckList";
import { PlacePicker } from "~/components/councils/PlacePicker";
import { ResidentPicker } from "~/components/councils/ResidentPicker";
import { MapField } from "~/components/MapField";
import type { PickedPoint } from "~/components/tickets/MapPick";
import { Field, FormError, TextareaField } from "~/components/Field";
import { t } from "~/i18n";
import { requirePermission } from "~/lib/auth.server";
import { formWithLists, handleForm, parseId } from "~/lib/forms.server";
import { councilPlaces } from "~/lib/regions.server";
import { createCouncil, summonableUnits, topicForCouncil } from "../../server/councils";
import styles from "~/styles/councils.css?url";

const C = t.councils;
const N = C.council;

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: mapboxStyles },
  { rel: "stylesheet", href: styles },
];

export const meta: MetaFunction = () => [{ title: `${N.newHeading} · ${C.title} · ${t.app.name}` }];

export async function loader({ context, request }: LoaderFunctionArgs) {
  const actor = requirePermission(context, request, "convene:council");
  const url = new URL(request.url);
  const whistleId = parseId(url.searchParams.get("whistleId"));
  const topicId = parseId(url.searchParams.get("topicId"));
  const db = context.database;
  const [places, units, topic] = await Promise.all([
    councilPlaces(db, actor, "convene:council"),
    summonableUnits(db),
    topicId ? topicForCouncil(db, actor, topicId) : null,
  ]);
  return {
    whistleId,
    topic: topic
      ? { id: topic.id, title: topic.title, description: topic.description, regionCode: topic.regionCode }
      : null,
    places,
    units: units.map(({ id, name, kind }) => ({ id, name, kind })),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const actor = requirePermission(context, request, "convene:council");
  const input = formWithLists(await request.formData(), ["leadOrgIds", "cooperatingOrgIds", "residentUserIds"]);
  return handleForm(async () => {
    const id = await createCouncil(context.database, actor, input);
    throw redirect(`/councils/${id}`);
  });
}

export default function NewCouncil() {
  const { whistleId, topic, places, units } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const errors = result?.fieldErrors ?? {};
  const [regionCode, setRegionCode] = useState(topic?.regionCode ?? places[0]?.code ?? "");
  const [point, setPoint] = useState<PickedPoint | null>(null);
  // The map looks at the chosen community; the council's point defaults to it when none is picked.
  const focus = useMemo(() => {
    const p = places.find((x) => x.code === regionCode);
    return p?.lon != null && p.lat != null ? { lon: p.lon, lat: p.lat } : null;
  }, [places, regionCode]);
  const unitOptions = units.map((u) => ({ value: u.id, label: u.name, group: C.orgKinds[u.kind] }));
  return (
    <main id="main" className="page">
      <h1>{N.newHeading}</h1>
      {whistleId ? <p className="muted">{N.fromWhistle(whistleId)}</p> : null}
      {topic ? <p className="muted">{N.fromTopic(topic.title)}</p> : null}
      <Form method="post" className="card form" noValidate>
        {whistleId ? <input type="hidden" name="whistleId" value={whistleId} /> : null}
        {topic ? <input type="hidden" name="topicId" value={topic.id} /> : null}
        <Field name="title" label={N.titleField} errors={errors.title} defaultValue={topic?.title} />
        <TextareaField
          name="description"
          label={N.description}
          errors={errors.description}
          defaultValue={topic?.description}
        />
        <PlacePicker
          label={N.region}
          places={places}
          value={regionCode}
          onChange={setRegionCode}
          errors={errors.regionCode}
        />
        <Field name="address" label={N.address} errors={errors.address} />
        <MapField
          point={point}
          onChange={setPoint}
          focus={focus}
          errors={[...(errors.lon ?? []), ...(errors.lat ?? [])]}
        />
        <CheckList
          name="leadOrgIds"
          legend={N.leadOrgs}
          hint={N.leadHint}
          options={unitOptions}
          errors={errors.leadOrgIds}
        />
        <CheckList
          name="cooperatingOrgIds"
          legend={N.cooperatingOrgs}
          options={unitOptions}
          errors={errors.cooperatingOrgIds}
        />
        <ResidentPicker
          name="residentUserIds"
          legend={N.residents}
          hint={N.residentsHint}
          errors={errors.residentUserIds}
        />
        <Field name="ticketNumbers" label={N.tickets} hint={C.whistle.ticketsHint} errors={errors.ticketNumbers} />
        <FormError message={result?.message} />
        <div className="form-actions">
          <button type="submit" className="button primary" disabled={busy}>
            {N.submit}
          </button>
        </div>
      </Form>
    </main>
  );
}
