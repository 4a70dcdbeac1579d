import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Field, FormError, SelectField } from "~/components/Field";
import { RulesIntro } from "~/components/RulesIntro";
import { formatDateTime, t } from "~/i18n";
import { requireActor } from "~/lib/auth.server";
import { formObject, handleForm, loadOrThrow } from "~/lib/forms.server";
import { keysOf } from "~/lib/keys";
import { listWhistleRules, setWhistleRule } from "../../server/councils";

export const meta: MetaFunction = () => [{ title: `${t.rules.tabs.whistles} · ${t.rules.title} · ${t.app.name}` }];

export async function loader({ context, request }: LoaderFunctionArgs) {
  const actor = requireActor(context, request);
  return { rules: await loadOrThrow(() => listWhistleRules(context.database, actor)) };
}

export async function action({ context, request }: ActionFunctionArgs) {
  const actor = requireActor(context, request);
  const form = formObject(await request.formData());
  return handleForm(async () => {
    await setWhistleRule(context.database, actor, form, { ip: context.clientIp });
    return { ok: true as const, message: t.rules.whistles.saved };
  });
}

export default function WhistleRules() {
  const { rules } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const L = t.rules.whistles;
  const failure = result && !result.ok ? result : undefined;
  const errors = failure?.fieldErrors ?? {};
  const seen = new Set<string>();
  return (
    <>
      <RulesIntro heading={L.heading} intro={L.intro} saved={result?.ok ? result.message : undefined} />
      <div className="table-wrap">
        <table className="rules-table">
          <caption className="visually-hidden">{L.caption}</caption>
          <thead>
            <tr>
              <th scope="col">{L.ground}</th>
              <th scope="col">{L.window}</th>
              <th scope="col">{L.since}</th>
              <th scope="col">{L.by}</th>
            </tr>
          </thead>
          <tbody>
            {rules.map((r) => {
              // Newest first: the first row of a ground is the one in force.
              const current = !seen.has(r.ground);
              seen.add(r.ground);
              return (
                <tr key={r.id} className={current ? undefined : "muted"}>
                  <td>
                    {t.councils.grounds[r.ground]} <small>（{current ? L.current : L.earlier}）</small>
                  </td>
                  <td>
                    {r.amount} {L.units[r.unit]}
                  </td>
                  <td>{formatDateTime(r.createdAt)}</td>
                  <td>{r.createdBy ?? L.seeded}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <section className="card narrow-form" aria-labelledby="whistle-rule-new">
        <h4 id="whistle-rule-new">{L.formHeading}</h4>
        <Form method="post" className="form" noValidate>
          <FormError message={failure?.message} />
          <SelectField name="ground" id="whistle-rule-ground" label={L.ground} errors={errors.ground} required>
            {keysOf(t.councils.grounds).map((g) => (
              <option key={g} value={g}>
                {t.councils.grounds[g]}
              </option>
            ))}
          </SelectField>
          <Field
            name="amount"
            id="whistle-rule-amount"
            type="number"
            inputMode="numeric"
            min={1}
            label={L.amount}
            errors={errors.amount}
            required
          />
          <SelectField name="unit" id="whistle-rule-unit" label={L.unit} errors={errors.unit} required>
            {keysOf(L.units).map((u) => (
              <option key={u} value={u}>
                {L.units[u]}
              </option>
            ))}
          </SelectField>
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
