import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import mapboxStyles from "mapbox-gl/dist/mapbox-gl.css?url";
import { useMemo, useState } from "react";
import { CheckList } from "~/components/councils/CheckList";
import { FilterListbox } from "~/components/FilterListbox";
import { ResidentPicker } from "~/components/councils/ResidentPicker";
import { MapField } from "~/components/MapField";
import type { PickedPoint } from "~/components/tickets/MapPick";
import { Field, FormError, SelectField, TextareaField } from "~/components/Field";
import { t } from "~/i18n";
import { requirePermission } from "~/lib/auth.server";
import { formWithLists, handleForm, parseId } from "~/lib/forms.server";
import { intakeAreas } from "~/lib/regions.server";
import { createCouncil, placesFor, summonableUnits, topicForCouncil } from "../../server/councils";
import styles from "~/styles/councils.css?url";

const C = t.councils;
const N = C.council;

/** A secretary convenes in a few places; a street, a district or the centre in hundreds: those are filtered by name. */
const PLACES_FILTERED_FROM = 12;

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
  const [allowed, areas, units, topic] = await Promise.all([
    placesFor(db, actor, "convene:council"),
    intakeAreas(db),
    summonableUnits(db),
    topicId ? topicForCouncil(db, actor, topicId) : null,
  ]);
  // The streets and communities the actor convenes in, labelled and grouped by district as at intake.
  const codes = new Set(allowed.map((p) => p.code));
  const places = areas.flatMap((g) =>
    g.options
      .filter((o) => codes.has(o.code))
      .map(({ code, label, lon, lat }) => ({ code, label, lon, lat, group: g.label })),
  );
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
  const placeOptions = useMemo(
    () => places.map((p) => ({ value: p.code, label: p.label, group: p.group, keywords: p.code })),
    [places],
  );
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
        {places.length >= PLACES_FILTERED_FROM ? (
          <FilterListbox
            id="field-regionCode"
            name="regionCode"
            label={N.region}
            filterLabel={N.regionFilter}
            filterHint={N.regionFilterHint}
            matchesText={N.regionMatches}
            required
            options={placeOptions}
            defaultValue={regionCode}
            errors={errors.regionCode}
            onChange={(values) => setRegionCode(values[0] ?? "")}
          />
        ) : (
          <SelectField
            name="regionCode"
            label={N.region}
            errors={errors.regionCode}
            value={regionCode}
            onChange={(e) => setRegionCode(e.target.value)}
          >
            {places.map((p) => (
              <option key={p.code} value={p.code}>
                {p.label}
              </option>
            ))}
          </SelectField>
        )}
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
