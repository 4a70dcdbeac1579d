import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import mapboxStyles from "mapbox-gl/dist/mapbox-gl.css?url";
import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from "react";
import { Field, FormError, SelectField, TextareaField } from "~/components/Field";
import { FilterListbox } from "~/components/FilterListbox";
import { CategoryPicker } from "~/components/tickets/CategoryPicker";
import { MapField } from "~/components/MapField";
import { type PickedPoint } from "~/components/tickets/MapPick";
import { RadioGroup } from "~/components/tickets/RadioGroup";
import { UnitSelect } from "~/components/tickets/UnitSelect";
import { t } from "~/i18n";
import { requirePermission } from "~/lib/auth.server";
import { useWantedJson } from "~/lib/fetch-once";
import { formObject, handleForm } from "~/lib/forms.server";
import { areaOptions, flatAreas, type RegionGroup } from "~/lib/region-options";
import { keysOf } from "~/lib/keys";
import { ValidationError, type FieldErrors } from "../../server/errors";
import { can, parseOrThrow } from "../../server/identity";
import { nearestCommunity } from "../../server/regions/nearest";
import { createTicket, intakeSchema, leafCategories, type HandlingUnit } from "../../server/tickets";
import { suitsCategory } from "../../server/tickets/catalogue";

const T = t.tickets;
const I = T.intake;

export const links: LinksFunction = () => [{ rel: "stylesheet", href: mapboxStyles }];

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `${data?.centre ? I.title : I.residentTitle} · ${T.title} · ${t.app.name}` },
];

/** Where the units to dispatch to come from (app/routes/tickets.units.ts). */
const UNITS_URL = "/tickets/units";
/** Where the areas to place a ticket in come from (app/routes/tickets.regions.ts). */
const REGIONS_URL = "/tickets/regions";
const NO_AREAS: RegionGroup[] = [];

/** Channels an operator records; `api` and `import` belong to the integrations. */
const operatorChannels = keysOf(T.channels).filter((c) => c !== "api" && c !== "import");

export async function loader({ context, request }: LoaderFunctionArgs) {
  const actor = requirePermission(context, request, "create:ticket");
  // Holding create:ticket in scope "any" is the hotline centre; a resident files for themself.
  const centre = can(actor, "create:ticket", {});
  const categories = await leafCategories(context.database);
  return {
    centre,
    displayName: actor.displayName,
    categories: categories.map((c) => ({
      id: c.id,
      code: c.code,
      path: c.path,
      handlerKind: c.handlerKind,
      handlerFunction: c.handlerFunction,
    })),
    // The areas come when the area picker or the map is first used (app/routes/tickets.regions.ts).
    // The units come when dispatching at intake is chosen (app/routes/tickets.units.ts).
    mayDispatch: centre && can(actor, "dispatch:ticket", {}),
  };
}

export async function action({ context, request }: ActionFunctionArgs) {
  const actor = requirePermission(context, request, "create:ticket");
  const { disposition = "none", ...input } = formObject(await request.formData());
  return handleForm(async () => {
    // 受理后: the form sends either the answer or the unit, as chosen; an empty choice is a field error.
    const missing: FieldErrors = {};
    if (disposition === "answer" && !input.answer?.trim()) missing.answer = [I.answerRequired];
    if (disposition === "dispatch" && !input.dispatchOrgId) missing.dispatchOrgId = [I.dispatchRequired];
    if (disposition !== "answer") delete input.answer;
    if (disposition !== "dispatch") delete input.dispatchOrgId;
    if (Object.keys(missing).length) {
      let others: FieldErrors = {};
      try {
        parseOrThrow(intakeSchema, input);
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error;
        others = error.fieldErrors;
      }
      throw new ValidationError(t.errors.formInvalid, { ...others, ...missing });
    }
    const created = await createTicket(context.database, actor, input);
    return redirect(`/tickets/${created.id}`);
  });
}

export default function NewTicket() {
  const { centre, displayName, categories, mayDispatch } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  const failure = result && "ok" in result ? result : undefined;
  const errors = failure?.fieldErrors ?? {};
  const formRef = useRef<HTMLFormElement>(null);

  const [type, setType] = useState("");
  const [disposition, setDisposition] = useState<"none" | "answer" | "dispatch">("none");
  const [answer, setAnswer] = useState("");
  const [point, setPoint] = useState<PickedPoint | null>(null);
  const [regionCode, setRegionCode] = useState("");
  const [categoryId, setCategoryId] = useState<number | null>(null);

  const areas = useWantedJson<RegionGroup[]>(REGIONS_URL);
  const { want: wantAreas } = areas;
  const regions = areas.data ?? NO_AREAS;
  // A pick is placed in a community from the areas' positions: fetch them with the first pick.
  useEffect(() => {
    if (point) wantAreas();
  }, [point, wantAreas]);
  // The listbox's options, and each area by code (for the map's focus) and the communities (for a pick).
  const { regionChoices, regionByCode, communities } = useMemo(() => {
    const options = flatAreas(regions);
    return {
      regionChoices: areaOptions(options),
      regionByCode: new Map(options.map((o) => [o.code, o])),
      communities: options.filter((o) => o.code.length === 12),
    };
  }, [regions]);
  // Without a chosen area, the service places the ticket by the map pick: say where, the same way.
  const pickedPlace = useMemo(() => {
    // Nothing is said until the areas are in: "no community near" would be a guess.
    if (!point || regionCode || !areas.data) return null;
    const community = nearestCommunity(communities, point.lon, point.lat);
    return community ? I.pickedCommunity(community.label) : I.pickedNoCommunity;
  }, [point, regionCode, communities, areas.data]);
  const chosenRegion = regionCode ? regionByCode.get(regionCode) : undefined;
  const focus = useMemo(
    () =>
      chosenRegion?.lon != null && chosenRegion.lat != null ? { lon: chosenRegion.lon, lat: chosenRegion.lat } : null,
    [chosenRegion],
  );

  const catalogue = useWantedJson<HandlingUnit[]>(mayDispatch ? UNITS_URL : undefined);
  const { want: wantUnits } = catalogue;
  useEffect(() => {
    if (disposition === "dispatch") wantUnits();
  }, [disposition, wantUnits]);
  // The dispatch catalogue's suggestion, from the chosen category and place (the service does the same later).
  const units = catalogue.data;
  const unitChoices = useMemo(() => {
    if (!units) return { suggested: [], others: [] };
    const category = categories.find((c) => c.id === categoryId) ?? null;
    const place = {
      communityCode: regionCode.length === 12 ? regionCode : null,
      streetCode: regionCode ? regionCode.slice(0, 9) : null,
      districtCode: regionCode ? regionCode.slice(0, 6) : null,
    };
    const suggested = units.filter((u) => suitsCategory(category, place, u));
    return { suggested, others: units.filter((u) => !suggested.includes(u)) };
  }, [categories, units, categoryId, regionCode]);

  // After a refused submit, take the person to the first field that needs them; what they typed stays.
  useEffect(() => {
    if (!failure) return;
    const first = formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"], fieldset[data-invalid] input');
    first?.focus();
  }, [failure]);

  useEffect(() => {
    if (type && type !== "inquiry" && disposition === "answer") setDisposition("none");
  }, [type, disposition]);

  const submitOnCtrlEnter = (e: KeyboardEvent<HTMLFormElement>) => {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      formRef.current?.requestSubmit();
    }
  };

  if (categories.length === 0) {
    return (
      <main id="main" className="page">
        <h1>{centre ? I.title : I.residentTitle}</h1>
        <p className="card">{I.noCategories}</p>
      </main>
    );
  }

  return (
    <main id="main" className="page intake-page">
      <p>
        <Link to="/tickets">← {T.detail.back}</Link>
      </p>
      <h1>{centre ? I.title : I.residentTitle}</h1>
      <p className="muted">{centre ? I.operatorIntro : I.residentIntro}</p>
      <Form method="post" className="card form intake-form" noValidate ref={formRef} onKeyDown={submitOnCtrlEnter}>
        <FormError message={failure?.message} />
        {centre ? null : <input type="hidden" name="channel" value="web" />}
        <div className="intake-columns">
          <div className="intake-column">
            <RadioGroup
              name="type"
              legend={I.type}
              options={keysOf(T.types).map((v) => ({ value: v, label: T.types[v] }))}
              value={type}
              onChange={setType}
              errors={errors.type}
              autoFocus
              required
            />
            {centre ? (
              <>
                <RadioGroup
                  name="urgency"
                  legend={I.urgency}
                  options={keysOf(T.urgencies).map((v) => ({ value: v, label: T.urgencies[v] }))}
                  defaultValue="normal"
                  errors={errors.urgency}
                />
                <SelectField name="channel" label={I.channel} defaultValue="phone" errors={errors.channel}>
                  {operatorChannels.map((c) => (
                    <option key={c} value={c}>
                      {T.channels[c]}
                    </option>
                  ))}
                </SelectField>
              </>
            ) : null}
            <CategoryPicker categories={categories} errors={errors.categoryId} onChange={setCategoryId} />
          </div>
          <div className="intake-column">
            <Field
              name="address"
              label={I.address}
              placeholder={I.addressPlaceholder}
              maxLength={200}
              required
              errors={errors.address}
            />
            <FilterListbox
              id="field-regionCode"
              name="regionCode"
              label={I.region}
              filterLabel={I.regionFilter}
              filterHint={I.regionFilterHint}
              matchesText={I.regionMatches}
              noneText={I.regionNone}
              clearable
              options={regionChoices}
              errors={errors.regionCode}
              onChange={(values) => setRegionCode(values[0] ?? "")}
              onWanted={wantAreas}
              loadingText={areas.loading ? I.regionsLoading : undefined}
            />
            <MapField
              point={point}
              onChange={setPoint}
              focus={focus}
              place={pickedPlace}
              errors={[...(errors.lon ?? []), ...(errors.lat ?? [])]}
            />
          </div>
        </div>

        {centre ? (
          <div className="field-row">
            <Field
              name="reporterName"
              label={I.reporterName}
              autoComplete="off"
              maxLength={40}
              errors={errors.reporterName}
            />
            <Field
              name="reporterPhone"
              label={I.reporterPhone}
              hint={I.reporterPhoneHint}
              type="tel"
              inputMode="tel"
              autoComplete="off"
              maxLength={20}
              errors={errors.reporterPhone}
            />
          </div>
        ) : (
          <p className="muted">{I.fromAccount(displayName)}</p>
        )}

        <TextareaField
          name="description"
          label={I.description}
          rows={5}
          maxLength={4000}
          required
          errors={errors.description}
        />

        {centre ? (
          <>
            <RadioGroup
              name="disposition"
              legend={I.disposition}
              value={disposition}
              onChange={(v) => setDisposition(v as typeof disposition)}
              hint={type && type !== "inquiry" ? I.answerOnlyInquiry : undefined}
              options={[
                { value: "none", label: I.dispositions.none },
                { value: "answer", label: I.dispositions.answer, disabled: !!type && type !== "inquiry" },
                { value: "dispatch", label: I.dispositions.dispatch },
              ]}
            />
            {disposition === "answer" ? (
              <TextareaField
                name="answer"
                label={I.answer}
                rows={3}
                maxLength={2000}
                value={answer}
                onChange={(e) => setAnswer(e.target.value)}
                errors={errors.answer}
              />
            ) : null}
            {disposition === "dispatch" ? (
              <UnitSelect
                name="dispatchOrgId"
                id="field-dispatchOrgId"
                label={I.dispatchTo}
                suggested={unitChoices.suggested}
                others={unitChoices.others}
                loading={catalogue.loading}
                onWanted={wantUnits}
                errors={errors.dispatchOrgId}
              />
            ) : null}
          </>
        ) : null}

        <div className="form-actions">
          <button type="submit" className="button primary" disabled={busy}>
            {centre ? I.submit : I.submitResident}
          </button>
        </div>
      </Form>
    </main>
  );
}
