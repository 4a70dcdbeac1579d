import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Field, FormError } from "~/components/Field";
import { RulesIntro } from "~/components/RulesIntro";
import { formatDateTime, t } from "~/i18n";
import { requireActor } from "~/lib/auth.server";
import { formObject, handleForm, loadOrThrow } from "~/lib/forms.server";
import { createTimeLimitVersion, listTimeLimitVersions } from "../../server/tickets";

export const meta: MetaFunction = () => [{ title: `${t.rules.tabs.timeLimits} · ${t.rules.title} · ${t.app.name}` }];

export async function loader({ context, request }: LoaderFunctionArgs) {
  const actor = requireActor(context, request);
  const versions = await loadOrThrow(() => listTimeLimitVersions(context.database, actor));
  return { versions };
}

const rowFields = ["urgency", "requestType", "limitClass", "amount", "unit", "contactWithinHours"] as const;

/** The form's flat `rows.<i>.<field>` names, back into the rows the service takes. */
function versionInput(form: Record<string, string>) {
  const count = Math.min(Number(form.count) || 0, 200);
  return {
    note: form.note,
    extensionCapWorkingDays: form.extensionCapWorkingDays,
    rows: Array.from({ length: count }, (_, i) =>
      Object.fromEntries(rowFields.map((f) => [f, form[`rows.${i}.${f}`] ?? ""])),
    ),
  };
}

export async function action({ context, request }: ActionFunctionArgs) {
  const actor = requireActor(context, request);
  const form = formObject(await request.formData());
  return handleForm(async () => {
    const id = await createTimeLimitVersion(context.database, actor, versionInput(form), { ip: context.clientIp });
    return { ok: true as const, message: t.rules.timeLimits.created(id) };
  });
}

type Version = ReturnType<typeof useLoaderData<typeof loader>>["versions"][number];

function label(map: Record<string, string>, value: string | null) {
  return value == null ? t.rules.any : (map[value] ?? value);
}

function RulesTable({ version, caption }: { version: Version; caption: string }) {
  const L = t.rules.timeLimits;
  return (
    <div className="table-wrap">
      <table className="rules-table">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{L.urgency}</th>
            <th scope="col">{L.requestType}</th>
            <th scope="col">{L.limitClass}</th>
            <th scope="col">{L.amount}</th>
            <th scope="col">{L.contact}</th>
          </tr>
        </thead>
        <tbody>
          {version.rules.map((r) => (
            <tr key={r.id}>
              <td>{label(t.rules.urgencies, r.urgency)}</td>
              <td>{label(t.rules.requestTypes, r.requestType)}</td>
              <td>{label(t.rules.limitClasses, r.limitClass)}</td>
              <td className="nowrap">
                {r.amount} {t.rules.units[r.unit]}
              </td>
              <td>{r.contactWithinHours}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** A required whole-number cell of the rules table, with its error under it. */
function NumberCell(props: { name: string; max: number; value: number; label: string; errors?: string[] }) {
  return (
    <td>
      <input
        className="cell-input"
        type="number"
        min={1}
        max={props.max}
        name={props.name}
        defaultValue={props.value}
        aria-label={props.label}
        aria-invalid={props.errors ? true : undefined}
        required
      />
      {props.errors ? <span className="field-error">{props.errors.join("；")}</span> : null}
    </td>
  );
}

export default function TimeLimits() {
  const { versions } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const L = t.rules.timeLimits;
  const [current, ...older] = versions;
  const failure = result && !result.ok ? result : undefined;
  const errors = failure?.fieldErrors ?? {};
  const cellError = (i: number, field: string) => errors[`rows.${i}.${field}`];

  return (
    <>
      <RulesIntro heading={L.heading} intro={L.intro} saved={result?.ok ? result.message : undefined} />
      {!current ? (
        <p className="muted">{L.none}</p>
      ) : (
        <>
          <section className="card" aria-labelledby="current-version">
            <h4 id="current-version">{L.current(current.id)}</h4>
            <p>
              {current.note}
              <br />
              <span className="muted small">
                {L.createdAt}：{formatDateTime(current.createdAt)} · {L.cap}：{current.extensionCapWorkingDays}
              </span>
            </p>
            <RulesTable version={current} caption={L.caption} />
          </section>

          <section className="card" aria-labelledby="new-version">
            <h4 id="new-version">{L.newVersion}</h4>
            <p className="muted small">{L.newIntro}</p>
            <Form method="post" className="form" key={current.id}>
              <FormError message={failure?.message} />
              <input type="hidden" name="count" value={current.rules.length} />
              <div className="table-wrap">
                <table className="rules-table edit">
                  <caption className="visually-hidden">{L.newVersion}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{L.urgency}</th>
                      <th scope="col">{L.requestType}</th>
                      <th scope="col">{L.limitClass}</th>
                      <th scope="col">{L.amount}</th>
                      <th scope="col">{L.unit}</th>
                      <th scope="col">{L.contact}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {current.rules.map((r, i) => {
                      const rowLabel = [
                        label(t.rules.urgencies, r.urgency),
                        label(t.rules.requestTypes, r.requestType),
                        label(t.rules.limitClasses, r.limitClass),
                      ].join(" · ");
                      return (
                        <tr key={r.id}>
                          <td>
                            {label(t.rules.urgencies, r.urgency)}
                            <input type="hidden" name={`rows.${i}.urgency`} value={r.urgency ?? ""} />
                          </td>
                          <td>
                            {label(t.rules.requestTypes, r.requestType)}
                            <input type="hidden" name={`rows.${i}.requestType`} value={r.requestType ?? ""} />
                          </td>
                          <td>
                            {label(t.rules.limitClasses, r.limitClass)}
                            <input type="hidden" name={`rows.${i}.limitClass`} value={r.limitClass ?? ""} />
                          </td>
                          <NumberCell
                            name={`rows.${i}.amount`}
                            max={999}
                            value={r.amount}
                            label={`${rowLabel} ${L.amount}`}
                            errors={cellError(i, "amount")}
                          />
                          <td>
                            <select
                              className="cell-input"
                              name={`rows.${i}.unit`}
                              defaultValue={r.unit}
                              aria-label={`${rowLabel} ${L.unit}`}
                            >
                              <option value="hours">{t.rules.units.hours}</option>
                              <option value="working_days">{t.rules.units.working_days}</option>
                            </select>
                          </td>
                          <NumberCell
                            name={`rows.${i}.contactWithinHours`}
                            max={720}
                            value={r.contactWithinHours}
                            label={`${rowLabel} ${L.contact}`}
                            errors={cellError(i, "contactWithinHours")}
                          />
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
              </div>
              <Field
                name="extensionCapWorkingDays"
                id="extension-cap"
                label={L.cap}
                type="number"
                min={1}
                max={60}
                defaultValue={current.extensionCapWorkingDays}
                required
                errors={errors.extensionCapWorkingDays}
              />
              <div className="field">
                <label htmlFor="version-note">{L.note}</label>
                <textarea id="version-note" name="note" required minLength={2} maxLength={500} rows={3} />
                {errors.note ? <p className="field-error">{errors.note.join("；")}</p> : null}
              </div>
              <button type="submit" className="button primary" disabled={busy}>
                {L.save}
              </button>
            </Form>
          </section>

          {older.length ? (
            <section aria-labelledby="older-versions">
              <h4 id="older-versions">{L.older}</h4>
              {older.map((v) => (
                <details key={v.id} className="card">
                  <summary>
                    {L.version(v.id)} · {formatDateTime(v.createdAt)}
                  </summary>
                  <p>
                    {v.note}
                    <br />
                    <span className="muted small">
                      {L.cap}：{v.extensionCapWorkingDays}
                    </span>
                  </p>
                  <RulesTable version={v} caption={L.version(v.id)} />
                </details>
              ))}
            </section>
          ) : null}
        </>
      )}
    </>
  );
}
