import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { Field, FormError, SelectField, TextareaField } from "~/components/Field";
import { formatDateTime, t } from "~/i18n";
import { requirePermission } from "~/lib/auth.server";
import { formObject, handleForm, loadOrThrow, parseId } from "~/lib/forms.server";
import { NotFoundError, ValidationError } from "../../server/errors";
import { closeWhistle, evaluateWhistle, getWhistle, reportToWhistle } from "../../server/councils";
import styles from "~/styles/councils.css?url";

const C = t.councils;
const W = C.whistle;

export const links: LinksFunction = () => [{ rel: "stylesheet", href: styles }];

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `${data ? W.detailTitle(data.whistle.id) : W.heading} · ${t.app.name}` },
];

export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const actor = requirePermission(context, request, "read:council");
  const id = parseId(params.whistleId);
  if (!id) throw new Response("Not Found", { status: 404 });
  return loadOrThrow(() => getWhistle(context.database, actor, id));
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const actor = requirePermission(context, request, "read:council");
  const form = formObject(await request.formData());
  const { intent = "" } = form;
  return handleForm(
    async () => {
      const id = parseId(params.whistleId);
      if (!id) throw new NotFoundError("吹哨事项不存在");
      if (intent === "report") await reportToWhistle(context.database, actor, id, form);
      else if (intent === "close") await closeWhistle(context.database, actor, id, form);
      else if (intent === "evaluate") await evaluateWhistle(context.database, actor, id, form);
      else throw new ValidationError(t.errors.unknownIntent);
      return { ok: true as const, intent };
    },
    { intent },
  );
}

const done: Record<string, string> = { report: W.reportDone, close: W.closeDone, evaluate: W.evaluateDone };

export default function WhistlePage() {
  const { whistle, units, tickets, evaluations, can } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const failure = result && result.ok === false ? result : undefined;
  const errorsFor = (intent: string) => (failure?.intent === intent ? failure.fieldErrors : {});
  const evaluationForm = (subjects: { id: number; name: string }[], heading: string) => (
    <Form method="post" className="form">
      <h3>{heading}</h3>
      <input type="hidden" name="intent" value="evaluate" />
      <SelectField name="subjectOrgId" label={W.subject} errors={errorsFor("evaluate").subjectOrgId}>
        {subjects.map((s) => (
          <option key={s.id} value={s.id}>
            {s.name}
          </option>
        ))}
      </SelectField>
      <Field name="score" type="number" min={1} max={5} label={W.score} errors={errorsFor("evaluate").score} />
      <Field name="comment" label={W.comment} errors={errorsFor("evaluate").comment} />
      <div className="form-actions">
        <button type="submit" className="button primary">
          {W.evaluate}
        </button>
      </div>
    </Form>
  );
  return (
    <main id="main" className="page whistle-page">
      <p>
        <Link to="/councils">{C.title}</Link>
      </p>
      <h1>{W.detailTitle(whistle.id)}</h1>
      {result?.ok ? <p className="form-ok">{done[result.intent]}</p> : null}
      {failure ? <FormError message={failure.message} /> : null}
      <section className="card">
        <dl className="facts">
          <div>
            <dt>{W.ground}</dt>
            <dd>{C.grounds[whistle.ground]}</dd>
          </div>
          <div>
            <dt>{W.problem}</dt>
            <dd>{whistle.problem}</dd>
          </div>
          <div>
            <dt>{W.initiator}</dt>
            <dd>{whistle.initiatorOrgName ?? "—"}</dd>
          </div>
          <div>
            <dt>{W.createdAt}</dt>
            <dd>{formatDateTime(whistle.createdAt)}</dd>
          </div>
          <div>
            <dt>{C.list.deadline}</dt>
            <dd>{formatDateTime(whistle.reportDeadlineAt)}</dd>
          </div>
          {whistle.outcome ? (
            <div>
              <dt>{W.outcome}</dt>
              <dd>{whistle.outcome}</dd>
            </div>
          ) : null}
        </dl>
        {tickets.length ? (
          <p>
            {W.tickets}：
            {tickets.map((tk) =>
              tk.readable ? (
                <Link key={tk.id} to={`/tickets/${tk.id}`}>
                  {tk.number}{" "}
                </Link>
              ) : (
                <span key={tk.id}>{tk.number} </span>
              ),
            )}
          </p>
        ) : null}
        {can.openCouncil ? (
          <Link className="button" to={`/councils/new?whistleId=${whistle.id}`}>
            {W.openCouncil}
          </Link>
        ) : null}
      </section>

      <section className="card" aria-labelledby="units-heading">
        <h2 id="units-heading">{W.unitsHeading}</h2>
        <table>
          <tbody>
            {units.map((u) => (
              <tr key={u.id} data-state={u.state}>
                <th scope="row">{u.name}</th>
                <td>
                  <span className={u.state === "late" || u.state === "absent" ? "badge badge-flag" : "badge"}>
                    {C.reportStates[u.state]}
                  </span>
                </td>
                <td>{u.reportedAt ? `${W.reportedAt} ${formatDateTime(u.reportedAt)}` : ""}</td>
                <td>{u.reportNote ?? ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {can.report ? (
          <Form method="post" className="form">
            <input type="hidden" name="intent" value="report" />
            <Field name="note" label={W.reportNote} errors={errorsFor("report").note} />
            <div className="form-actions">
              <button type="submit" className="button primary">
                {W.report}
              </button>
            </div>
          </Form>
        ) : null}
        {can.close ? (
          <Form method="post" className="form">
            <input type="hidden" name="intent" value="close" />
            <TextareaField name="outcome" label={W.outcome} errors={errorsFor("close").outcome} />
            <div className="form-actions">
              <button type="submit" className="button">
                {W.close}
              </button>
            </div>
          </Form>
        ) : null}
      </section>

      <section className="card" aria-labelledby="evaluations-heading">
        <h2 id="evaluations-heading">{W.evaluationsHeading}</h2>
        <ul>
          {evaluations.map((e) => (
            <li key={e.id}>
              {W.evaluationLine(e.byName, e.subjectName, e.score)}
              {e.comment ? ` · ${e.comment}` : ""}
            </li>
          ))}
        </ul>
        {can.evaluateUnits
          ? evaluationForm(
              units.map((u) => ({ id: u.orgId, name: u.name })),
              W.evaluateUnit,
            )
          : null}
        {can.evaluateConvener && whistle.initiatorOrgId
          ? evaluationForm([{ id: whistle.initiatorOrgId, name: whistle.initiatorOrgName ?? "" }], W.evaluateConvener)
          : null}
      </section>
    </main>
  );
}
