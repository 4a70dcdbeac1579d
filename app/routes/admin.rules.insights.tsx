import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Field, FormError, SelectField, TextareaField } from "~/components/Field";
import { RulesIntro } from "~/components/RulesIntro";
import { formatDateTime, t } from "~/i18n";
import { requireActor } from "~/lib/auth.server";
import { formObject, handleForm, loadOrThrow } from "~/lib/forms.server";
import { listInsightRules, setInsightRules } from "../../server/insights";

const L = t.insights.rules;
/** The numeric fields, in the order the table and the form show them. */
const numeric = [
  "radiusM",
  "windowHours",
  "minTickets",
  "sameplaceM",
  "minRepeats",
  "baselinePeriods",
  "significance",
  "minRisingCount",
  "warningTopN",
] as const;

export const meta: MetaFunction = () => [{ title: `${t.rules.tabs.insights} · ${t.rules.title} · ${t.app.name}` }];

export async function loader({ context, request }: LoaderFunctionArgs) {
  const actor = requireActor(context, request);
  return { versions: await loadOrThrow(() => listInsightRules(context.database, actor)) };
}

export async function action({ context, request }: ActionFunctionArgs) {
  const actor = requireActor(context, request);
  const form = formObject(await request.formData());
  return handleForm(async () => {
    await setInsightRules(context.database, actor, form, { ip: context.clientIp });
    return { ok: true as const, message: L.saved };
  });
}

export default function InsightRules() {
  const { versions } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const failure = result && !result.ok ? result : undefined;
  const errors = failure?.fieldErrors ?? {};
  const current = versions[0]?.rule;
  return (
    <>
      <RulesIntro heading={L.heading} intro={L.intro} saved={result?.ok ? result.message : undefined} />
      <div className="table-wrap">
        <table className="rules-table">
          <caption className="visually-hidden">{L.caption}</caption>
          <thead>
            <tr>
              <th scope="col">{L.version}</th>
              <th scope="col">{L.fields.familyLevel}</th>
              {numeric.map((f) => (
                <th scope="col" key={f}>
                  {L.fields[f]}
                </th>
              ))}
              <th scope="col">{L.note}</th>
              <th scope="col">{L.since}</th>
              <th scope="col">{L.by}</th>
            </tr>
          </thead>
          <tbody>
            {versions.map(({ rule, createdBy }, i) => (
              <tr key={rule.id} className={i === 0 ? undefined : "muted"}>
                <td>
                  #{rule.id} <small>（{i === 0 ? L.current : L.earlier}）</small>
                </td>
                <td>{L.levels[rule.familyLevel as 1 | 2] ?? rule.familyLevel}</td>
                {numeric.map((f) => (
                  <td key={f}>{rule[f]}</td>
                ))}
                <td>{rule.note}</td>
                <td>{formatDateTime(rule.createdAt)}</td>
                <td>{createdBy ?? L.seeded}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <section className="card narrow-form" aria-labelledby="insight-rule-new">
        <h4 id="insight-rule-new">{L.formHeading}</h4>
        <Form method="post" className="form" noValidate>
          <FormError message={failure?.message} />
          <SelectField
            name="familyLevel"
            id="insight-familyLevel"
            label={L.fields.familyLevel}
            defaultValue={String(current?.familyLevel ?? 2)}
            errors={errors.familyLevel}
            required
          >
            {([1, 2] as const).map((level) => (
              <option key={level} value={level}>
                {L.levels[level]}
              </option>
            ))}
          </SelectField>
          {numeric.map((f) => (
            <Field
              key={f}
              name={f}
              id={`insight-${f}`}
              type="number"
              inputMode="decimal"
              step="any"
              label={L.fields[f]}
              defaultValue={current ? String(current[f]) : ""}
              errors={errors[f]}
              required
            />
          ))}
          <TextareaField name="note" id="insight-note" label={L.note} errors={errors.note} required />
          <div className="form-actions">
            <button type="submit" className="button primary" disabled={busy}>
              {L.save}
            </button>
          </div>
        </Form>
      </section>
    </>
  );
}
