import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Field, FormError, SelectField, TextareaField } from "~/components/Field";
import { t } from "~/i18n";
import { requirePermission } from "~/lib/auth.server";
import { formObject, handleForm, loadOrThrow, parseId } from "~/lib/forms.server";
import styles from "~/styles/insights.css?url";
import { NotFoundError, ValidationError } from "../../server/errors";
import { addGovernanceStreet, listGovernanceStreets, removeGovernanceStreet } from "../../server/insights";
import { listRegions } from "../../server/regions";

const L = t.governance.list;

export const links: LinksFunction = () => [{ rel: "stylesheet", href: styles }];

export const meta: MetaFunction = () => [{ title: `${L.title} · ${t.app.name}` }];

export async function loader({ context, request }: LoaderFunctionArgs) {
  const actor = requirePermission(context, request, "read:insight");
  const list = await loadOrThrow(() => listGovernanceStreets(context.database, actor));
  if (!list.mayManage) return { ...list, districts: [] };
  // The add form's choices: every street under its district.
  const [districts, streets] = await Promise.all([
    listRegions(context.database, { level: "district" }),
    listRegions(context.database, { level: "street" }),
  ]);
  return {
    ...list,
    districts: districts.map((d) => ({
      code: d.code,
      name: d.name,
      streets: streets.filter((s) => s.parentCode === d.code).map((s) => ({ code: s.code, name: s.name })),
    })),
  };
}

export async function action({ context, request }: ActionFunctionArgs) {
  const actor = requirePermission(context, request, "read:insight");
  const form = formObject(await request.formData());
  const intent = form.intent ?? "";
  const meta = { ip: context.clientIp };
  return handleForm(
    async () => {
      if (intent === "add") {
        await addGovernanceStreet(context.database, actor, form, meta);
        return { ok: true as const, intent, message: L.added };
      }
      if (intent === "remove") {
        const id = parseId(form.id);
        if (!id) throw new NotFoundError("名单条目不存在");
        await removeGovernanceStreet(context.database, actor, id, form, meta);
        return { ok: true as const, intent, message: L.removed };
      }
      throw new ValidationError(t.errors.unknownIntent);
    },
    { intent, id: form.id ?? "" },
  );
}

export default function GovernanceStreets() {
  const { entries, mayManage, districts } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const failure = result && !result.ok ? result : undefined;
  const current = entries.filter((e) => e.leftOn == null);
  const past = entries.filter((e) => e.leftOn != null);
  return (
    <main id="main" className="page insights-page">
      <p>
        <Link to="/insights">{t.insights.problem.back}</Link> · <Link to="/insights/streets">{L.rankingLink}</Link>
      </p>
      <h1>{L.title}</h1>
      <p className="muted">{L.intro}</p>
      {result?.ok ? (
        <p className="form-ok" role="status">
          {result.message}
        </p>
      ) : null}

      <section aria-labelledby="current-heading">
        <h2 id="current-heading">{L.current}</h2>
        {current.length === 0 ? (
          <p className="muted">{L.none}</p>
        ) : (
          <div className="table-wrap">
            <table>
              <caption className="visually-hidden">{L.caption}</caption>
              <thead>
                <tr>
                  <th scope="col">{L.street}</th>
                  <th scope="col">{L.district}</th>
                  <th scope="col">{L.reason}</th>
                  <th scope="col">{L.enteredOn}</th>
                  <th scope="col">{L.addedBy}</th>
                  {mayManage ? <th scope="col">{L.remove}</th> : null}
                </tr>
              </thead>
              <tbody>
                {current.map((e) => (
                  <tr key={e.id} data-entry={e.streetCode}>
                    <td>{e.streetName}</td>
                    <td>{e.districtName ?? ""}</td>
                    <td>{e.reason}</td>
                    <td>{e.enteredOn}</td>
                    <td>{e.addedBy}</td>
                    {mayManage ? (
                      <td>
                        <Form method="post" className="inline-form">
                          <input type="hidden" name="intent" value="remove" />
                          <input type="hidden" name="id" value={e.id} />
                          {failure?.intent === "remove" && failure.id === String(e.id) ? (
                            <FormError message={failure.message} />
                          ) : null}
                          <Field
                            name="leftNote"
                            id={`leftNote-${e.id}`}
                            label={L.removeNote}
                            maxLength={500}
                            errors={
                              failure?.intent === "remove" && failure.id === String(e.id)
                                ? failure.fieldErrors.leftNote
                                : undefined
                            }
                          />
                          <button type="submit" className="button danger" disabled={busy}>
                            {L.remove}
                          </button>
                        </Form>
                      </td>
                    ) : null}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      {mayManage ? (
        <section className="card narrow-form" aria-labelledby="add-heading">
          <h2 id="add-heading">{L.addHeading}</h2>
          <Form method="post" className="form" noValidate>
            <input type="hidden" name="intent" value="add" />
            <FormError message={failure?.intent === "add" ? failure.message : undefined} />
            <SelectField
              name="streetCode"
              id="gov-street"
              label={L.streetField}
              defaultValue=""
              errors={failure?.intent === "add" ? failure.fieldErrors.streetCode : undefined}
            >
              <option value="">{L.chooseStreet}</option>
              {districts.map((d) => (
                <optgroup key={d.code} label={d.name}>
                  {d.streets.map((s) => (
                    <option key={s.code} value={s.code}>
                      {s.name}
                    </option>
                  ))}
                </optgroup>
              ))}
            </SelectField>
            <TextareaField
              name="reason"
              id="gov-reason"
              label={L.reasonField}
              maxLength={500}
              errors={failure?.intent === "add" ? failure.fieldErrors.reason : undefined}
            />
            <Field
              name="enteredOn"
              id="gov-entered"
              type="date"
              label={L.enteredField}
              errors={failure?.intent === "add" ? failure.fieldErrors.enteredOn : undefined}
            />
            <button type="submit" className="button primary" disabled={busy}>
              {L.add}
            </button>
          </Form>
        </section>
      ) : null}

      {past.length > 0 ? (
        <section aria-labelledby="history-heading">
          <h2 id="history-heading">{L.history}</h2>
          <div className="table-wrap">
            <table>
              <caption className="visually-hidden">{L.historyCaption}</caption>
              <thead>
                <tr>
                  <th scope="col">{L.street}</th>
                  <th scope="col">{L.reason}</th>
                  <th scope="col">{L.enteredOn}</th>
                  <th scope="col">{L.leftOn}</th>
                  <th scope="col">{L.leftNote}</th>
                  <th scope="col">{L.removedBy}</th>
                </tr>
              </thead>
              <tbody>
                {past.map((e) => (
                  <tr key={e.id}>
                    <td>{e.streetName}</td>
                    <td>{e.reason}</td>
                    <td>{e.enteredOn}</td>
                    <td>{e.leftOn}</td>
                    <td>{e.leftNote}</td>
                    <td>{e.removedBy ?? ""}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ) : null}
    </main>
  );
}
