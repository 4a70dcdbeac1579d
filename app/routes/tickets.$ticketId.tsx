import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useState, type ReactNode } from "react";
import { Field, FormError, SelectField, TextareaField } from "~/components/Field";
import { Commitments, commitmentsStylesheet } from "~/components/plans/Commitments";
import { CallbackFields } from "~/components/tickets/CallbackFields";
import { Countdown } from "~/components/tickets/Deadline";
import { RadioGroup } from "~/components/tickets/RadioGroup";
import { eventFacts, Timeline } from "~/components/tickets/Timeline";
import { UnitSelect, type MoreUnits, type UnitOption } from "~/components/tickets/UnitSelect";
import { formatDateTime, t } from "~/i18n";
import { requireActor } from "~/lib/auth.server";
import { formObject, handleForm, loadOrThrow, parseId } from "~/lib/forms.server";
import { keysOf } from "~/lib/keys";
import { NotFoundError, ValidationError } from "../../server/errors";
import { can } from "../../server/identity";
import { listCommitments } from "../../server/plans";
import {
  act,
  getTicket,
  requestAppeal,
  revealContact,
  reviewAppeal,
  UNIT_ACTIONS,
  unitChoicesFor,
  type ActionKind,
} from "../../server/tickets";

const T = t.tickets;
const D = T.detail;

export const links: LinksFunction = () => [commitmentsStylesheet];

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `${data ? data.ticket.number : T.title} · ${T.title} · ${t.app.name}` },
];

export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const actor = requireActor(context, request);
  const id = parseId(params.ticketId);
  if (!id) throw new Response("Not Found", { status: 404 });
  const now = new Date();
  const detail = await loadOrThrow(() => getTicket(context.database, actor, id, now));
  // The pickers' suggestions come with the page; every other unit (hundreds, thousands in a city)
  // is fetched when a picker is used, from a URL that changes whenever the ticket does.
  const choices = detail.actions.some((k) => UNIT_ACTIONS.includes(k))
    ? await loadOrThrow(() => unitChoicesFor(context.database, actor, detail.ticket))
    : null;
  const { ticket } = detail;
  return {
    ...detail,
    unitChoices: choices && {
      dispatch: choices.dispatch.suggested,
      redispatch: choices.redispatch.suggested,
      othersUrl: `/tickets/${id}/unit-choices?v=${detail.ticket.updatedAt.getTime()}`,
    },
    serverNow: now.getTime(),
    // What the councils this ticket went to promised, and how far it has got.
    commitments: await listCommitments(context.database, actor, { ticketId: id }, now),
    // 吹哨: more than this unit can solve — the street or community summons the departments.
    mayWhistle: can(actor, "whistle:council", { regionCode: ticket.communityCode ?? ticket.streetCode }),
  };
}

/** One action for the page's forms, told apart by `intent` (and `kind` for lifecycle steps). */
export async function action({ request, context, params }: ActionFunctionArgs) {
  const actor = requireActor(context, request);
  const form = formObject(await request.formData());
  const { intent = "", kind = "" } = form;
  const meta = { ip: context.clientIp };
  return handleForm(
    async () => {
      const id = parseId(params.ticketId);
      if (!id) throw new NotFoundError("工单不存在");
      const done = Date.now();
      switch (intent) {
        case "act": {
          const { intent: _intent, ...input } = form;
          // "Keep" needs no unit: an untouched unit select must not count as a wrong choice.
          if (input.kind === "decide_return" && input.decision !== "redispatch") delete input.orgId;
          await act(context.database, actor, id, input);
          return { ok: true as const, intent, kind, done };
        }
        case "reveal": {
          const contact = await revealContact(context.database, actor, id, meta);
          return { ok: true as const, intent, kind, done, contact };
        }
        case "appeal":
          await requestAppeal(context.database, actor, id, form, meta);
          return { ok: true as const, intent, kind, done };
        case "review-appeal": {
          const appealId = parseId(form.appealId);
          if (!appealId) throw new NotFoundError("核减申请不存在");
          await reviewAppeal(context.database, actor, appealId, form, meta);
          return { ok: true as const, intent, kind, done };
        }
        default:
          throw new ValidationError(t.errors.unknownIntent);
      }
    },
    { intent, kind },
  );
}

/** Actions offered open on the page; the rest sit behind a disclosure so the usual next step stands out. */
const primaryKinds = new Set<ActionKind>([
  "answer",
  "dispatch",
  "accept",
  "decide_return",
  "contact",
  "decide_extension",
  "reply",
  "callback",
  "close",
]);

export default function TicketPage() {
  const data = useLoaderData<typeof loader>();
  const { ticket, category, place, units, events, appeals, actions, unitChoices } = data;
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const failure = result && result.ok === false ? result : undefined;
  const success = result && result.ok ? result : undefined;
  const errorsFor = (intent: string, kind = "") =>
    failure && failure.intent === intent && failure.kind === kind ? failure.fieldErrors : undefined;
  // Forms start afresh after one of them succeeded; after a refusal they keep what was typed.
  const generation = success?.done ?? 0;
  const orgNames = new Map(units.map((u) => [u.orgId, u.name]));
  const orgName = (id: unknown) => (typeof id === "number" ? (orgNames.get(id) ?? null) : null);
  const contact = success && "contact" in success ? success.contact : null;
  const notice = success
    ? success.intent === "act"
      ? D.done(T.actions[success.kind as ActionKind] ?? "")
      : success.intent === "appeal"
        ? D.appealRequested
        : success.intent === "review-appeal"
          ? D.appealReviewed
          : null
    : null;
  const placeParts = [place.community, place.street, place.district].filter((p) => p != null);
  const approximate = placeParts.some((p) => p.approximate);
  const pendingAppeal = appeals.find((a) => a.status === "pending");
  const hasActions = actions.length > 0 || data.canAppeal || (data.canReviewAppeal && !!pendingAppeal);

  const actionForm = (kind: ActionKind, fields: ReactNode, extra?: { danger?: boolean }) => {
    const errors = errorsFor("act", kind);
    const form = (
      <Form method="post" className="form action-form" noValidate key={`${kind}-${generation}`}>
        <input type="hidden" name="intent" value="act" />
        <input type="hidden" name="kind" value={kind} />
        {fields}
        <div className="form-actions">
          <button type="submit" className={extra?.danger ? "button danger" : "button primary"} disabled={busy}>
            {T.actions[kind]}
          </button>
        </div>
      </Form>
    );
    if (primaryKinds.has(kind)) {
      return (
        <section key={kind} className="card action-card" aria-labelledby={`action-${kind}`} data-kind={kind}>
          <h3 id={`action-${kind}`}>{T.actions[kind]}</h3>
          {form}
        </section>
      );
    }
    return (
      <details key={kind} className="card action-card" data-kind={kind} open={!!errors || undefined}>
        <summary>{T.actions[kind]}</summary>
        {form}
      </details>
    );
  };

  const fieldsFor = (kind: ActionKind): ReactNode => {
    const errors = errorsFor("act", kind) ?? {};
    const id = (name: string) => `${kind}-${name}`;
    switch (kind) {
      case "answer":
        return (
          <TextareaField
            name="reply"
            id={id("reply")}
            label={T.intake.answer}
            rows={3}
            maxLength={2000}
            errors={errors.reply}
            required
          />
        );
      case "dispatch":
      case "add_co_unit":
      case "redispatch": {
        const list = kind === "redispatch" ? "redispatch" : "dispatch";
        return (
          <>
            <UnitSelect
              id={id("orgId")}
              label={D.unitSelect}
              suggested={unitChoices?.[list] ?? []}
              more={unitChoices ? { url: unitChoices.othersUrl, list } : undefined}
              errors={errors.orgId}
              required
            />
            {kind === "add_co_unit" ? null : (
              <TextareaField name="note" id={id("note")} label={D.note} rows={2} maxLength={500} />
            )}
          </>
        );
      }
      case "accept":
        return null;
      case "request_return":
        return (
          <>
            <SelectField name="reason" id={id("reason")} label={D.returnReason} errors={errors.reason} required>
              <option value="">{D.choose}</option>
              {keysOf(T.returnReasons).map((r) => (
                <option key={r} value={r}>
                  {T.returnReasons[r]}
                </option>
              ))}
            </SelectField>
            <TextareaField
              name="note"
              id={id("note")}
              label={D.returnNote}
              rows={2}
              maxLength={500}
              errors={errors.note}
              required
            />
          </>
        );
      case "decide_return":
        return (
          <DecideReturnFields
            errors={errors}
            suggested={unitChoices?.dispatch ?? []}
            more={unitChoices ? { url: unitChoices.othersUrl, list: "dispatch" } : undefined}
          />
        );
      case "contact":
        return (
          <TextareaField
            name="note"
            id={id("note")}
            label={D.contactNote}
            rows={2}
            maxLength={500}
            errors={errors.note}
            required
          />
        );
      case "request_extension":
        return (
          <>
            <Field
              name="days"
              id={id("days")}
              type="number"
              inputMode="numeric"
              min={1}
              max={15}
              label={D.extensionDays}
              errors={errors.days}
              required
            />
            <TextareaField
              name="reason"
              id={id("reason")}
              label={D.extensionReason}
              rows={2}
              maxLength={500}
              errors={errors.reason}
              required
            />
          </>
        );
      case "decide_extension":
        return (
          <>
            {ticket.pendingExtensionDays != null ? (
              <p className="muted">{D.pendingExtension(ticket.pendingExtensionDays)}</p>
            ) : null}
            <RadioGroup
              name="approve"
              idPrefix={id("approve")}
              legend={D.decision}
              options={[
                { value: "true", label: D.approve },
                { value: "false", label: D.reject },
              ]}
              errors={errors.approve}
              required
            />
            <TextareaField name="note" id={id("note")} label={D.note} rows={2} maxLength={500} />
          </>
        );
      case "reply":
        return (
          <TextareaField
            name="content"
            id={id("content")}
            label={D.replyContent}
            rows={4}
            maxLength={2000}
            errors={errors.content}
            required
          />
        );
      case "callback":
        return <CallbackFields idPrefix={id("cb")} errors={errors} />;
      case "close":
        return <TextareaField name="note" id={id("note")} label={D.note} rows={2} maxLength={500} />;
      case "reopen":
        return (
          <TextareaField
            name="reason"
            id={id("reason")}
            label={D.reopenReason}
            rows={2}
            maxLength={500}
            errors={errors.reason}
            required
          />
        );
      case "supervise":
        return (
          <TextareaField
            name="note"
            id={id("note")}
            label={D.superviseNote}
            rows={2}
            maxLength={500}
            errors={errors.note}
            required
          />
        );
    }
  };

  return (
    <main id="main" className="page ticket-page">
      <p>
        <Link to="/tickets">← {D.back}</Link>
      </p>
      <header className="ticket-head">
        <h1>
          <span className="visually-hidden">{T.list.number} </span>
          {ticket.number}
        </h1>
        <span className={`status status-${ticket.status}`}>{T.statuses[ticket.status]}</span>
        <p className="ticket-path">
          {T.types[ticket.type]} · {T.urgencies[ticket.urgency]} · {category.map((c) => c.name).join(" › ")}
        </p>
        {data.mayWhistle ? (
          <Link
            className="button"
            to={`/councils/whistles/new?tickets=${encodeURIComponent(ticket.number)}&regionCode=${ticket.communityCode ?? ticket.streetCode ?? ""}`}
          >
            {t.councils.whistle.fromTicket}
          </Link>
        ) : null}
      </header>

      {notice ? (
        <p className="form-ok" role="status">
          {notice}
        </p>
      ) : null}
      <FormError message={failure?.message} />

      <div className={hasActions ? "ticket-layout with-actions" : "ticket-layout"}>
        {/* Only for those with something to do here: readers go straight to the ticket. */}
        {hasActions ? (
          <section className="ticket-actions" aria-labelledby="actions-heading">
            <h2 id="actions-heading">{D.actionsHeading}</h2>
            {actions.map((kind) => actionForm(kind, fieldsFor(kind), { danger: kind === "reopen" }))}
            {data.canAppeal ? (
              <details className="card action-card" open={!!errorsFor("appeal") || undefined}>
                <summary>{D.appealSubmit}</summary>
                <Form method="post" className="form action-form" noValidate key={`appeal-${generation}`}>
                  <input type="hidden" name="intent" value="appeal" />
                  <TextareaField
                    name="reason"
                    id="appeal-reason"
                    label={D.appealReason}
                    rows={3}
                    maxLength={1000}
                    errors={errorsFor("appeal")?.reason}
                    required
                  />
                  <div className="form-actions">
                    <button type="submit" className="button primary" disabled={busy}>
                      {D.appealSubmit}
                    </button>
                  </div>
                </Form>
              </details>
            ) : null}
            {data.canReviewAppeal && pendingAppeal ? (
              <section className="card action-card" aria-labelledby="appeal-review-heading">
                <h3 id="appeal-review-heading">{D.appealReview}</h3>
                <p>{pendingAppeal.reason}</p>
                <Form method="post" className="form action-form" noValidate key={`review-${generation}`}>
                  <input type="hidden" name="intent" value="review-appeal" />
                  <input type="hidden" name="appealId" value={pendingAppeal.id} />
                  <RadioGroup
                    name="approve"
                    idPrefix="appeal-approve"
                    legend={D.decision}
                    options={[
                      { value: "true", label: D.appealApprove },
                      { value: "false", label: D.appealReject },
                    ]}
                    errors={errorsFor("review-appeal")?.approve}
                    required
                  />
                  <TextareaField
                    name="note"
                    id="appeal-note"
                    label={D.appealNote}
                    rows={2}
                    maxLength={1000}
                    errors={errorsFor("review-appeal")?.note}
                    required
                  />
                  <div className="form-actions">
                    <button type="submit" className="button primary" disabled={busy}>
                      {D.appealReview}
                    </button>
                  </div>
                </Form>
              </section>
            ) : null}
          </section>
        ) : null}

        <div className="ticket-main">
          <section className="card" aria-labelledby="meta-heading">
            <h2 id="meta-heading" className="visually-hidden">
              {D.meta}
            </h2>
            <dl className="meta-list">
              <div>
                <dt>{D.place}</dt>
                <dd>
                  {placeParts.length ? placeParts.map((p) => p.name).join(" › ") : D.unlocated}
                  {approximate ? <span className="badge muted-badge">{D.approximate}</span> : null}
                </dd>
              </div>
              <div>
                <dt>{D.address}</dt>
                <dd>{ticket.address}</dd>
              </div>
              <div>
                <dt>{D.receivedAt}</dt>
                <dd>
                  {formatDateTime(ticket.receivedAt)} · {T.channels[ticket.channel]}
                </dd>
              </div>
              <div>
                <dt>{T.list.lead}</dt>
                <dd>{ticket.leadName ?? T.list.none}</dd>
              </div>
              <div>
                <dt>{D.deadline}</dt>
                <dd>
                  <Countdown
                    status={ticket.status}
                    deadlineAt={ticket.deadlineAt}
                    clockStartedAt={ticket.clockStartedAt}
                    serverNow={data.serverNow}
                  />
                </dd>
              </div>
              {ticket.contactDeadlineAt && !ticket.firstContactAt ? (
                <div>
                  <dt>{D.contactDeadline}</dt>
                  <dd>{formatDateTime(ticket.contactDeadlineAt)}</dd>
                </div>
              ) : null}
              {ticket.supervisionCount > 0 ||
              ticket.pendingExtensionDays != null ||
              ticket.reopenCount > 0 ||
              ticket.excluded ? (
                <div>
                  <dt>{D.flags}</dt>
                  <dd className="flag-row">
                    {ticket.supervisionCount > 0 ? (
                      <span className="badge badge-flag">{D.supervised(ticket.supervisionCount)}</span>
                    ) : null}
                    {ticket.pendingExtensionDays != null ? (
                      <span className="badge badge-flag">{D.pendingExtension(ticket.pendingExtensionDays)}</span>
                    ) : null}
                    {ticket.reopenCount > 0 ? (
                      <span className="badge badge-flag">{D.reopened(ticket.reopenCount)}</span>
                    ) : null}
                    {ticket.excluded ? <span className="badge muted-badge">{D.excluded}</span> : null}
                  </dd>
                </div>
              ) : null}
            </dl>
          </section>

          <section className="card" aria-labelledby="description-heading">
            <h2 id="description-heading">{D.description}</h2>
            <p className="prewrap">{ticket.description}</p>
          </section>

          <section className="card" aria-labelledby="reporter-heading">
            <h2 id="reporter-heading">{D.reporter}</h2>
            <dl className="meta-list compact">
              <div>
                <dt>{D.reporterName}</dt>
                <dd>{contact ? contact.reporterName : (ticket.reporterName ?? T.list.none)}</dd>
              </div>
              <div>
                <dt>{D.reporterPhone}</dt>
                <dd>{contact ? contact.reporterPhone : (ticket.reporterPhone ?? T.list.none)}</dd>
              </div>
            </dl>
            {contact ? (
              <p className="muted" role="status">
                {D.revealed}
              </p>
            ) : data.canRevealContact && (ticket.reporterName || ticket.reporterPhone) ? (
              <Form method="post">
                <input type="hidden" name="intent" value="reveal" />
                <button type="submit" className="button" disabled={busy}>
                  {D.reveal}
                </button>
              </Form>
            ) : null}
          </section>

          <section className="card" aria-labelledby="units-heading">
            <h2 id="units-heading">{D.units}</h2>
            {units.length === 0 ? (
              <p className="muted">{D.noUnits}</p>
            ) : (
              <div className="table-wrap">
                <table className="units-table" aria-labelledby="units-heading">
                  <thead>
                    <tr>
                      <th scope="col">{D.unit}</th>
                      <th scope="col">{D.role}</th>
                      <th scope="col">{D.assignedAt}</th>
                      <th scope="col">{D.endedAt}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {units.map((u, i) => (
                      <tr key={i} className={u.endedAt ? "ended" : undefined}>
                        <td>{u.name}</td>
                        <td className="nowrap">
                          {T.unitRoles[u.role]}
                          {u.orgId === ticket.firstReceiverOrgId ? (
                            <span className="badge">{T.firstReceiver}</span>
                          ) : null}
                        </td>
                        <td className="nowrap">{formatDateTime(u.assignedAt)}</td>
                        <td className="nowrap">{u.endedAt ? formatDateTime(u.endedAt) : D.current}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </section>

          {appeals.length ? (
            <section className="card" aria-labelledby="appeals-heading">
              <h2 id="appeals-heading">{D.appeals}</h2>
              <ul className="plain-list appeal-list">
                {appeals.map((a) => (
                  <li key={a.id}>
                    <span className="badge">{T.appealStatuses[a.status]}</span>{" "}
                    <span className="muted">{D.appealBy(orgName(a.orgId) ?? "", formatDateTime(a.requestedAt))}</span>
                    <p>{a.reason}</p>
                    {a.reviewNote ? <p className="muted">{a.reviewNote}</p> : null}
                  </li>
                ))}
              </ul>
            </section>
          ) : null}

          {data.commitments.length ? <Commitments commitments={data.commitments} /> : null}

          <section className="card" aria-labelledby="timeline-heading">
            <h2 id="timeline-heading">{D.timeline}</h2>
            <Timeline
              labelledBy="timeline-heading"
              items={events.map((e) => ({
                key: e.id,
                at: e.at,
                kind: e.kind,
                who:
                  [e.actorName, e.orgName].filter(Boolean).join(" · ") ||
                  (e.data?.by === "reporter" ? T.eventData.byReporter : null),
                facts: eventFacts(e.kind, e.data, orgName),
              }))}
            />
          </section>
        </div>
      </div>
    </main>
  );
}

/** 审核退单: keep the unit, or approve and re-dispatch — the unit select only matters for the latter. */
function DecideReturnFields(props: {
  errors: Record<string, string[]>;
  suggested: UnitOption[];
  more: MoreUnits | undefined;
}) {
  const [decision, setDecision] = useState("");
  return (
    <>
      <RadioGroup
        name="decision"
        idPrefix="decide_return-decision"
        legend={D.decision}
        value={decision}
        onChange={setDecision}
        options={[
          { value: "keep", label: D.keep },
          { value: "redispatch", label: D.redispatchTo },
        ]}
        errors={props.errors.decision}
        required
      />
      {decision === "redispatch" ? (
        <UnitSelect
          id="decide_return-orgId"
          label={D.unitSelect}
          suggested={props.suggested}
          more={props.more}
          errors={props.errors.orgId}
          required
        />
      ) : null}
      <TextareaField name="note" id="decide_return-note" label={D.note} rows={2} maxLength={500} />
    </>
  );
}
