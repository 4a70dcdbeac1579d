import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useState } from "react";
import { Field, FormError, SelectField } from "~/components/Field";
import { RulesIntro } from "~/components/RulesIntro";
import { formatDateTime, t } from "~/i18n";
import { requireActor } from "~/lib/auth.server";
import { formObject, handleForm, loadOrThrow } from "~/lib/forms.server";
import { monthLabel } from "~/lib/rates-format";
import {
  beijingMonth,
  createScoreWeightVersion,
  listScoreWeightVersions,
  shiftMonth,
  weightsFor,
} from "../../server/tickets";

export const meta: MetaFunction = () => [{ title: `${t.rules.tabs.weights} · ${t.rules.title} · ${t.app.name}` }];

export async function loader({ context, request }: LoaderFunctionArgs) {
  const actor = requireActor(context, request);
  const versions = await loadOrThrow(() => listScoreWeightVersions(context.database, actor));
  const month = beijingMonth(new Date());
  const current = versions.length ? weightsFor(versions, month) : null;
  // From this month on: months already scored keep their weights.
  const months = Array.from({ length: 13 }, (_, i) => shiftMonth(month, i));
  return { versions, months, currentId: current?.id ?? null };
}

export async function action({ context, request }: ActionFunctionArgs) {
  const actor = requireActor(context, request);
  const form = formObject(await request.formData());
  return handleForm(async () => {
    await createScoreWeightVersion(context.database, actor, form, { ip: context.clientIp });
    return { ok: true as const, message: t.rules.weights.created };
  });
}

export default function Weights() {
  const { versions, months, currentId } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const L = t.rules.weights;
  const failure = result && !result.ok ? result : undefined;
  const errors = failure?.fieldErrors ?? {};
  const current = versions.find((v) => v.id === currentId);
  const [weights, setWeights] = useState({
    response: String(current?.response ?? 30),
    resolution: String(current?.resolution ?? 35),
    satisfaction: String(current?.satisfaction ?? 35),
  });
  const sum = Object.values(weights).reduce((acc, v) => acc + (Number(v) || 0), 0);

  return (
    <>
      <RulesIntro heading={L.heading} intro={L.intro} saved={result?.ok ? result.message : undefined} />
      <div className="table-wrap">
        <table className="rules-table">
          <caption className="visually-hidden">{L.caption}</caption>
          <thead>
            <tr>
              <th scope="col">{L.effectiveFrom}</th>
              <th scope="col" className="num">
                {L.response}
              </th>
              <th scope="col" className="num">
                {L.resolution}
              </th>
              <th scope="col" className="num">
                {L.satisfaction}
              </th>
              <th scope="col" className="num">
                {L.partialShort}
              </th>
              <th scope="col" className="num">
                {L.basicShort}
              </th>
              <th scope="col">{L.note}</th>
            </tr>
          </thead>
          <tbody>
            {versions.map((v) => (
              <tr key={v.id} className={v.id === currentId ? "current" : undefined}>
                <th scope="row" className="nowrap">
                  {monthLabel(v.effectiveFrom)}
                  {v.id === currentId ? <span className="badge">{L.inEffect}</span> : null}
                </th>
                <td className="num">{v.response}</td>
                <td className="num">{v.resolution}</td>
                <td className="num">{v.satisfaction}</td>
                <td className="num">{v.partialCredit}</td>
                <td className="num">{v.basicCredit}</td>
                <td className="note">
                  {v.note}
                  <br />
                  <span className="muted small">
                    {L.createdAt}：{formatDateTime(v.createdAt)}
                  </span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <section className="card narrow-form" aria-labelledby="weights-new">
        <h4 id="weights-new">{L.newVersion}</h4>
        <Form method="post" className="form">
          <FormError message={failure?.message} />
          <SelectField
            name="effectiveFrom"
            id="weights-from"
            label={L.effectiveFrom}
            defaultValue={months[1]}
            errors={errors.effectiveFrom}
          >
            {months.map((m) => (
              <option key={m} value={m}>
                {monthLabel(m)}
              </option>
            ))}
          </SelectField>
          {(["response", "resolution", "satisfaction"] as const).map((key) => (
            <Field
              key={key}
              name={key}
              id={`weights-${key}`}
              label={L[key]}
              type="number"
              min={0}
              max={100}
              step="any"
              required
              value={weights[key]}
              onChange={(e) => setWeights((w) => ({ ...w, [key]: e.target.value }))}
              errors={errors[key]}
            />
          ))}
          <p className={sum === 100 ? "muted small" : "field-error small"} aria-live="polite">
            {L.sumHint(sum)}
          </p>
          <Field
            name="partialCredit"
            id="weights-partial"
            label={L.partialCredit}
            type="number"
            min={0}
            max={1}
            step="any"
            required
            defaultValue={current?.partialCredit ?? 0.5}
            errors={errors.partialCredit}
          />
          <Field
            name="basicCredit"
            id="weights-basic"
            label={L.basicCredit}
            type="number"
            min={0}
            max={1}
            step="any"
            required
            defaultValue={current?.basicCredit ?? 0.8}
            errors={errors.basicCredit}
          />
          <div className="field">
            <label htmlFor="weights-note">{L.note}</label>
            <textarea id="weights-note" name="note" required minLength={2} maxLength={500} rows={3} />
            {errors.note ? <p className="field-error">{errors.note.join("；")}</p> : null}
          </div>
          <button type="submit" className="button primary" disabled={busy}>
            {L.save}
          </button>
        </Form>
      </section>
    </>
  );
}
