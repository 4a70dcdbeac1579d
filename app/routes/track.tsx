import type { ActionFunctionArgs, HeadersFunction, MetaFunction } from "@remix-run/node";
import { Form, useActionData, useNavigation } from "@remix-run/react";
import { useState } from "react";
import { Field, FormError } from "~/components/Field";
import { CallbackFields } from "~/components/tickets/CallbackFields";
import { Timeline } from "~/components/tickets/Timeline";
import { formatDateTime, t } from "~/i18n";
import { formObject, handleForm } from "~/lib/forms.server";
import { ValidationError } from "../../server/errors";
import { callbackByReporter, trackTicket } from "../../server/tickets";

const T = t.tickets;
const K = T.track;

export const meta: MetaFunction = () => [{ title: `${K.title} · ${t.app.name}` }];

/** A throttled lookup carries its Retry-After. */
export const headers: HeadersFunction = ({ actionHeaders }) => actionHeaders;

/**
 * Public, no account: the ticket number and the last four digits of the
 * phone find the ticket (throttled in the service). The digits are asked for
 * in a POST, never put in the URL; the callback form sends them again and the
 * service checks them again before recording the reporter's callback.
 */
export async function action({ request, context }: ActionFunctionArgs) {
  const form = formObject(await request.formData());
  const intent = form.intent ?? "track";
  const meta = { ip: context.clientIp };
  return handleForm(
    async () => {
      const lookup = { number: form.number ?? "", phoneLast4: form.phoneLast4 ?? "" };
      if (intent === "callback") {
        await callbackByReporter(context.database, lookup.number, lookup.phoneLast4, form);
        const tracked = await trackTicket(context.database, lookup, meta);
        return { ok: true as const, intent, lookup, tracked, thanked: true };
      }
      if (intent !== "track") throw new ValidationError(t.errors.unknownIntent);
      const tracked = await trackTicket(context.database, lookup, meta);
      return { ok: true as const, intent, lookup, tracked, thanked: false };
    },
    { intent },
  );
}

export default function Track() {
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const failure = result && result.ok === false ? result : undefined;
  const found = result && result.ok ? result : undefined;
  const lookupFailure = failure && failure.intent !== "callback" ? failure : undefined;
  const callbackFailure = failure && failure.intent === "callback" ? failure : undefined;
  // A refused callback keeps the ticket (and the half-filled form) on screen.
  const [lastFound, setLastFound] = useState(found);
  if (found && found !== lastFound) setLastFound(found);
  const shown = found ?? (callbackFailure ? lastFound : undefined);

  return (
    <main id="main" className="page track-page">
      <h1>{K.title}</h1>
      <p className="muted">{K.intro}</p>
      <Form method="post" className="card form track-form" noValidate>
        <FormError message={lookupFailure?.message} />
        <input type="hidden" name="intent" value="track" />
        <div className="field-row">
          <Field
            name="number"
            id="track-number"
            label={K.number}
            autoComplete="off"
            autoCapitalize="none"
            inputMode="text"
            maxLength={40}
            required
            autoFocus={!shown}
            defaultValue={shown?.lookup.number}
            errors={lookupFailure?.fieldErrors.number}
          />
          <Field
            name="phoneLast4"
            id="track-phone"
            label={K.phoneLast4}
            inputMode="numeric"
            autoComplete="off"
            pattern="\d{4}"
            maxLength={4}
            required
            defaultValue={shown?.lookup.phoneLast4}
            errors={lookupFailure?.fieldErrors.phoneLast4}
          />
        </div>
        <div className="form-actions">
          <button type="submit" className="button primary" disabled={busy}>
            {K.submit}
          </button>
        </div>
      </Form>

      {shown ? <TrackedTicket found={shown} busy={busy} callbackFailure={callbackFailure} /> : null}
    </main>
  );
}

type Found = Extract<NonNullable<ReturnType<typeof useActionData<typeof action>>>, { ok: true }>;

function TrackedTicket(props: {
  found: Found;
  busy: boolean;
  callbackFailure?: { message: string; fieldErrors: Record<string, string[]> };
}) {
  const { tracked, lookup, thanked } = props.found;
  const { ticket, timeline } = tracked;
  return (
    <section className="card tracked" aria-labelledby="tracked-heading">
      <h2 id="tracked-heading">
        {K.result} · {ticket.number}
      </h2>
      {thanked ? (
        <p className="form-ok" role="status">
          {K.thanks}
        </p>
      ) : null}
      <dl className="meta-list">
        <div>
          <dt>{K.status}</dt>
          <dd>
            <span className={`status status-${ticket.status}`}>{T.statuses[ticket.status]}</span>
          </dd>
        </div>
        <div>
          <dt>{K.category}</dt>
          <dd>
            {T.types[ticket.type]} · {ticket.categoryName}
          </dd>
        </div>
        <div>
          <dt>{K.lead}</dt>
          <dd>{ticket.leadName ?? T.list.none}</dd>
        </div>
        <div>
          <dt>{K.receivedAt}</dt>
          <dd>{formatDateTime(ticket.receivedAt)}</dd>
        </div>
        <div>
          <dt>{K.reporter}</dt>
          <dd>{ticket.reporterName ?? T.list.none}</dd>
        </div>
      </dl>
      <h3 id="track-timeline-heading">{T.detail.timeline}</h3>
      <Timeline
        labelledBy="track-timeline-heading"
        items={timeline.map((e, i) => ({
          key: i,
          at: e.at,
          kind: e.kind,
          who: e.orgName,
          facts: e.text ? [[e.kind === "answered" ? T.eventData.reply : T.eventData.content, e.text]] : [],
        }))}
      />
      {tracked.canCallBack ? (
        <section className="callback-box" aria-labelledby="callback-heading">
          <h3 id="callback-heading">{K.callbackHeading}</h3>
          <p className="muted">{K.callbackIntro}</p>
          <Form method="post" className="form" noValidate>
            <FormError message={props.callbackFailure?.message} />
            <input type="hidden" name="intent" value="callback" />
            <input type="hidden" name="number" value={lookup.number} />
            <input type="hidden" name="phoneLast4" value={lookup.phoneLast4} />
            <CallbackFields idPrefix="track-cb" errors={props.callbackFailure?.fieldErrors} />
            <div className="form-actions">
              <button type="submit" className="button primary" disabled={props.busy}>
                {K.callbackSubmit}
              </button>
            </div>
          </Form>
        </section>
      ) : null}
    </section>
  );
}
