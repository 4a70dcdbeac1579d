import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import type { FormEvent } from "react";
import { Field, FormError, SelectField } from "~/components/Field";
import { t } from "~/i18n";
import { requireActor } from "~/lib/auth.server";
import { formObject, handleForm, loadOrThrow } from "~/lib/forms.server";
import { ValidationError } from "../../server/errors";
import { beijingDate, calendarYear, deleteCalendarDay, saveCalendarDay } from "../../server/tickets";

export const meta: MetaFunction = () => [{ title: `${t.rules.tabs.calendar} · ${t.rules.title} · ${t.app.name}` }];

export async function loader({ context, request }: LoaderFunctionArgs) {
  const actor = requireActor(context, request);
  const thisYear = Number(beijingDate(new Date()).slice(0, 4));
  const asked = new URL(request.url).searchParams.get("year");
  const year = asked && /^\d{4}$/.test(asked) ? Number(asked) : thisYear;
  const data = await loadOrThrow(() => calendarYear(context.database, actor, year));
  const years = [...new Set([...data.years, thisYear, thisYear + 1, year])].sort();
  return { ...data, years };
}

export async function action({ context, request }: ActionFunctionArgs) {
  const actor = requireActor(context, request);
  const form = formObject(await request.formData());
  const meta = { ip: context.clientIp };
  const intent = form.intent ?? "";
  const date = form.date ?? "";
  const L = t.rules.calendar;
  return handleForm(
    async () => {
      if (intent === "save") {
        const { created } = await saveCalendarDay(context.database, actor, form, meta);
        return { ok: true as const, intent, date, message: created ? L.added : L.changed };
      }
      if (intent === "remove") {
        await deleteCalendarDay(context.database, actor, date, meta);
        return { ok: true as const, intent, date, message: L.removed };
      }
      throw new ValidationError(t.errors.unknownIntent);
    },
    { intent, date },
  );
}

function confirmFirst(message: string) {
  return (event: FormEvent<HTMLFormElement>) => {
    if (!window.confirm(message)) event.preventDefault();
  };
}

export default function Calendar() {
  const { year, years, days } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const L = t.rules.calendar;
  const failure = result && !result.ok ? result : undefined;
  const rowFailure = (date: string) =>
    failure && failure.date === date && failure.intent !== "" ? failure : undefined;
  const provisional = days.filter((d) => d.source === "provisional");
  const weekday = (date: string) => L.weekdays[new Date(`${date}T00:00:00Z`).getUTCDay()];
  const addFailure =
    failure && failure.intent === "save" && !days.some((d) => d.date === failure.date) ? failure : undefined;

  return (
    <>
      <h3>{L.heading}</h3>
      <p className="muted">{L.intro}</p>
      <Form method="get" className="inline-form">
        <label htmlFor="calendar-year">{L.year}</label>
        <select id="calendar-year" name="year" defaultValue={year}>
          {years.map((y) => (
            <option key={y} value={y}>
              {y}
            </option>
          ))}
        </select>
        <button type="submit" className="button">
          {L.show}
        </button>
      </Form>
      {result?.ok ? (
        <p className="form-ok" role="status">
          {result.message}
        </p>
      ) : null}
      {provisional.length ? <p className="provisional-note">{L.provisionalNote(year, provisional.length)}</p> : null}

      {days.length === 0 ? (
        <p className="muted">{L.empty}</p>
      ) : (
        <div className="table-wrap">
          <table className="rules-table calendar-table">
            <caption className="visually-hidden">{L.caption(year)}</caption>
            <thead>
              <tr>
                <th scope="col">{L.date}</th>
                <th scope="col">{L.weekday}</th>
                <th scope="col">{L.kind}</th>
                <th scope="col">{L.name}</th>
                <th scope="col">{L.source}</th>
                <th scope="col">{L.actions}</th>
              </tr>
            </thead>
            <tbody>
              {days.map((d) => {
                const formId = `day-${d.date}`;
                const problem = rowFailure(d.date);
                return (
                  <tr key={d.date} className={d.source === "provisional" ? "provisional" : undefined}>
                    <th scope="row" className="nowrap">
                      {d.date}
                    </th>
                    <td className="nowrap">{weekday(d.date)}</td>
                    <td>
                      <select
                        form={formId}
                        name="kind"
                        defaultValue={d.kind}
                        aria-label={`${d.date} ${L.kind}`}
                        className="cell-input"
                      >
                        <option value="holiday">{L.kinds.holiday}</option>
                        <option value="workday">{L.kinds.workday}</option>
                      </select>
                    </td>
                    <td>
                      <input
                        form={formId}
                        name="name"
                        defaultValue={d.name}
                        aria-label={`${d.date} ${L.name}`}
                        className="cell-input"
                        required
                        maxLength={40}
                      />
                    </td>
                    <td>
                      {L.sources[d.source] ?? d.source}
                      {d.source === "provisional" ? (
                        <span className="badge provisional-badge">{L.provisionalBadge}</span>
                      ) : null}
                    </td>
                    <td>
                      <div className="row-actions">
                        <Form method="post" id={formId} preventScrollReset>
                          <input type="hidden" name="intent" value="save" />
                          <input type="hidden" name="date" value={d.date} />
                          <button type="submit" className="button" disabled={busy}>
                            {L.change}
                          </button>
                        </Form>
                        <Form method="post" onSubmit={confirmFirst(L.removeConfirm(d.date))} preventScrollReset>
                          <input type="hidden" name="intent" value="remove" />
                          <input type="hidden" name="date" value={d.date} />
                          <button type="submit" className="button danger" disabled={busy}>
                            {L.remove}
                          </button>
                        </Form>
                      </div>
                      {problem ? <FormError message={problem.message} /> : null}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}

      <section className="card narrow-form" aria-labelledby="calendar-add">
        <h4 id="calendar-add">{L.add}</h4>
        <p className="muted small">{L.addIntro}</p>
        <Form method="post" className="form">
          <input type="hidden" name="intent" value="save" />
          <FormError message={addFailure?.message} />
          <Field name="date" id="new-date" label={L.date} type="date" required errors={addFailure?.fieldErrors.date} />
          <SelectField
            name="kind"
            id="new-kind"
            label={L.kind}
            defaultValue="holiday"
            errors={addFailure?.fieldErrors.kind}
          >
            <option value="holiday">{L.kinds.holiday}</option>
            <option value="workday">{L.kinds.workday}</option>
          </SelectField>
          <Field
            name="name"
            id="new-name"
            label={L.name}
            required
            maxLength={40}
            errors={addFailure?.fieldErrors.name}
          />
          <button type="submit" className="button primary" disabled={busy}>
            {L.save}
          </button>
        </Form>
      </section>
    </>
  );
}
