import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import mapboxStyles from "mapbox-gl/dist/mapbox-gl.css?url";
import { useMemo, useState, type ReactNode } from "react";
import { CheckList } from "~/components/councils/CheckList";
import { FilterListbox } from "~/components/FilterListbox";
import { ResidentPicker } from "~/components/councils/ResidentPicker";
import { PlanSection, customListsFrom } from "~/components/plans/PlanSection";
import { MapField } from "~/components/MapField";
import type { PickedPoint } from "~/components/tickets/MapPick";
import { StageBar } from "~/components/councils/StageBar";
import { Commitments, commitmentsStylesheet } from "~/components/plans/Commitments";
import { Field, FormError, SelectField, TextareaField } from "~/components/Field";
import { beijingInputValue, formatDateTime, t } from "~/i18n";
import { requirePermission } from "~/lib/auth.server";
import { formWithLists, handleForm, loadOrThrow, parseId } from "~/lib/forms.server";
import { ballotChoices, decisionModes, votingModes } from "../../db/schema/councils";
import type { OrgKind } from "../../db/schema/identity";
import { NotFoundError, ValidationError } from "../../server/errors";
import {
  addParty,
  cancelMeeting,
  castBallot,
  changeStage,
  closeVoting,
  decidingStages,
  getCouncil,
  nextStages,
  openVoting,
  publishDecision,
  recordAttendance,
  recordDecision,
  recordMinutes,
  rescheduleMeeting,
  scheduleMeeting,
  signDecision,
  summonableUnits,
} from "../../server/councils";
import { createPlan, listCommitments, planOf } from "../../server/plans";
import styles from "~/styles/councils.css?url";

const C = t.councils;
const M = C.meeting;
const V = C.vote;
const D = C.decision;
const AGENDA_ROWS = 3;

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: mapboxStyles },
  { rel: "stylesheet", href: styles },
  commitmentsStylesheet,
];

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `${data ? data.council.title : C.title} · ${C.title} · ${t.app.name}` },
];

export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const actor = requirePermission(context, request, "read:council");
  const id = parseId(params.councilId);
  if (!id) throw new Response("Not Found", { status: 404 });
  const detail = await loadOrThrow(() => getCouncil(context.database, actor, id));
  // Who could still join: for the convener, while the council is open.
  const joinable =
    detail.can.convene && detail.council.stage !== "closed"
      ? {
          units: (await summonableUnits(context.database))
            .filter((u) => !detail.parties.some((p) => p.orgId === u.id))
            .map(({ id, name, kind }) => ({ id, name, kind })),
          residents: detail.parties.flatMap((p) => (p.userId == null ? [] : [p.userId])),
          regionCode: detail.council.regionCode,
        }
      : null;
  const plan = await planOf(context.database.db, "council", id);
  return {
    ...detail,
    plan: plan ? { id: plan.id } : null,
    joinable,
    commitments: await listCommitments(context.database, actor, { councilId: id }),
    me: actor.userId,
    next: nextStages[detail.council.stage],
    deciding: decidingStages.includes(detail.council.stage),
  };
}

/** The forms' ids: a missing or malformed one is a 404 like any unknown record. */
function idFrom(form: Record<string, unknown>, key: string): number {
  const id = parseId(typeof form[key] === "string" ? form[key] : null);
  if (!id) throw new NotFoundError();
  return id;
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const actor = requirePermission(context, request, "read:council");
  const form = formWithLists(await request.formData(), ["userIds", "agendaTitle", "agendaTickets"]);
  const intent = typeof form.intent === "string" ? form.intent : "";
  const db = context.database;
  return handleForm(
    async () => {
      const councilId = parseId(params.councilId);
      if (!councilId) throw new NotFoundError("议事不存在");
      let target = String(form.target ?? "");
      switch (intent) {
        case "stage":
          target = await changeStage(db, actor, councilId, form);
          break;
        case "schedule": {
          const titles = form.agendaTitle as string[];
          const tickets = form.agendaTickets as string[];
          await scheduleMeeting(db, actor, councilId, {
            ...form,
            agenda: titles.map((title, i) => ({ title, ticketNumbers: tickets[i] ?? "" })),
          });
          break;
        }
        case "reschedule":
          await rescheduleMeeting(db, actor, idFrom(form, "meetingId"), form);
          break;
        case "cancel-meeting":
          await cancelMeeting(db, actor, idFrom(form, "meetingId"), form);
          break;
        case "attendance":
          await recordAttendance(db, actor, idFrom(form, "meetingId"), form);
          break;
        case "minutes":
          await recordMinutes(db, actor, idFrom(form, "meetingId"), form);
          break;
        case "open-vote":
          await openVoting(db, actor, idFrom(form, "itemId"), form);
          break;
        case "ballot":
          await castBallot(db, actor, idFrom(form, "votingId"), form);
          break;
        case "close-vote":
          await closeVoting(db, actor, idFrom(form, "votingId"));
          break;
        case "decide":
          await recordDecision(db, actor, idFrom(form, "itemId"), form);
          break;
        case "sign":
          await signDecision(db, actor, idFrom(form, "decisionId"));
          break;
        case "publish":
          await publishDecision(db, actor, idFrom(form, "decisionId"));
          break;
        case "create-plan": {
          const planId = await createPlan(
            db,
            actor,
            { kind: "council", id: councilId },
            { template: form.template, customLists: customListsFrom(form) },
          );
          return redirect(`/plans/${planId}`);
        }
        case "add-party":
          await addParty(db, actor, councilId, {
            role: form.role,
            ...(form.role === "resident_rep" ? { userId: form.userId } : { orgId: form.orgId }),
          });
          break;
        default:
          throw new ValidationError(t.errors.unknownIntent);
      }
      return { ok: true as const, intent, target, done: Date.now() };
    },
    { intent, target: String(form.target ?? "") },
  );
}

const doneMessages: Record<string, string> = {
  schedule: M.scheduled,
  reschedule: M.rescheduled,
  "cancel-meeting": M.cancelled,
  attendance: M.attendanceDone,
  minutes: M.minutesDone,
  "open-vote": V.opened,
  ballot: V.castDone,
  "close-vote": V.closeDone,
  decide: D.recorded,
  sign: D.signed,
  publish: D.published,
};

type Data = ReturnType<typeof useLoaderData<typeof loader>>;
type Meeting = Data["meetings"][number];
type Item = Meeting["items"][number];

export default function CouncilPage() {
  const data = useLoaderData<typeof loader>();
  const { council, parties, members, history, tickets, meetings, reviews, can, me, next, deciding } = data;
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const failure = result && result.ok === false ? result : undefined;
  const memberName = new Map(members.map((m) => [m.userId, m.displayName]));
  const partyName = new Map(parties.map((p) => [p.id, p.name]));
  // A meeting happens where the council is unless another point is picked (a room, a tree, a park).
  const councilPoint = useMemo(
    () => (council.lon != null && council.lat != null ? { lon: council.lon, lat: council.lat } : null),
    [council.lon, council.lat],
  );
  const [meetingPoint, setMeetingPoint] = useState<PickedPoint | null>(councilPoint);
  const published = meetings.some((m) => m.items.some((i) => i.decision?.publishedAt));

  /** A one-button form (with hidden ids), its result shown next to it. */
  const act = (intent: string, target: string, ids: Record<string, number>, label: string, body?: ReactNode) => (
    <Form method="post" className="form inline-form" key={`${intent}-${target}-${result?.ok ? result.done : 0}`}>
      <input type="hidden" name="intent" value={intent} />
      <input type="hidden" name="target" value={target} />
      {Object.entries(ids).map(([k, v]) => (
        <input key={k} type="hidden" name={k} value={v} />
      ))}
      {body}
      {failure && failure.intent === intent && failure.target === target ? (
        <FormError message={failure.message} />
      ) : null}
      {result?.ok && result.intent === intent && result.target === target ? (
        <p className="form-ok">{doneMessages[intent]}</p>
      ) : null}
      <div className="form-actions">
        <button type="submit" className="button primary" disabled={busy}>
          {label}
        </button>
      </div>
    </Form>
  );
  /** What the last action did, above the block it acted on (its form may be gone: a vote closed, a decision signed). */
  const notice = (target: string) =>
    result?.ok && result.target === target ? <p className="form-ok">{doneMessages[result.intent]}</p> : null;
  const errorsFor = (intent: string, target: string) =>
    failure && failure.intent === intent && failure.target === target ? failure.fieldErrors : {};

  const itemBlock = (meeting: Meeting, item: Item) => {
    const present = meeting.attendance.find((a) => a.userId === me);
    const open = item.votings.find((v) => !v.closedAt);
    const target = `item-${item.id}`;
    const voted =
      open && open.ballots.some((b) => (open.mode === "per_party" ? b.partyId === present?.partyId : b.userId === me));
    const decision = item.decision;
    const unsigned = decision
      ? meeting.attendance.filter((a) => !decision.signatures.some((s) => s.userId === a.userId))
      : [];
    return (
      <li key={item.id} className="agenda-item" data-item={item.id}>
        <h4>
          {item.position}. {item.title}
        </h4>
        {notice(target)}
        {item.ticketIds.length ? (
          <p className="muted">
            {C.council.ticketsHeading}：
            {tickets
              .filter((tk) => item.ticketIds.includes(tk.id))
              .map((tk) => tk.number)
              .join("、")}
          </p>
        ) : null}
        {item.votings.map((v) => (
          <div key={v.id} className="voting" data-voting={v.id}>
            <p>
              <strong>{v.question}</strong> · {V.modes[v.mode]} ·{" "}
              {v.closedAt && v.result ? (
                <span className={v.result === "passed" ? "badge" : "badge badge-flag"}>{V.results[v.result]}</span>
              ) : (
                <span className="badge">{V.inProgress}</span>
              )}
            </p>
            <p className="vote-tally">
              {V.tally(v.tally.for, v.tally.against, v.tally.abstain, v.tally.cast, v.tally.eligible)}
            </p>
            <p className="muted">{V.quorumLine(v.tally.quorum, v.thresholdPercent)}</p>
          </div>
        ))}
        {open && present && can.participate && !voted
          ? act(
              "ballot",
              target,
              { votingId: open.id },
              V.cast,
              <fieldset className="field">
                <legend>{open.question}</legend>
                {ballotChoices.map((choice) => (
                  <label key={choice}>
                    <input type="radio" name="choice" value={choice} required /> {V.choices[choice]}
                  </label>
                ))}
              </fieldset>,
            )
          : null}
        {open && can.convene ? act("close-vote", target, { votingId: open.id }, V.close) : null}
        {!open && !decision && can.convene && deciding && meeting.status !== "cancelled"
          ? act(
              "open-vote",
              target,
              { itemId: item.id },
              V.open,
              <>
                <Field
                  name="question"
                  label={V.question}
                  id={`question-${item.id}`}
                  defaultValue={item.title}
                  errors={errorsFor("open-vote", target).question}
                />
                <SelectField name="mode" label={V.mode} id={`mode-${item.id}`}>
                  {votingModes.map((m) => (
                    <option key={m} value={m}>
                      {V.modes[m]}
                    </option>
                  ))}
                </SelectField>
                <div className="field-row">
                  <Field
                    name="quorumPercent"
                    type="number"
                    min={0}
                    max={100}
                    defaultValue={50}
                    label={V.quorum}
                    id={`quorum-${item.id}`}
                    errors={errorsFor("open-vote", target).quorumPercent}
                  />
                  <Field
                    name="thresholdPercent"
                    type="number"
                    min={0}
                    max={99}
                    defaultValue={50}
                    label={V.threshold}
                    id={`threshold-${item.id}`}
                    errors={errorsFor("open-vote", target).thresholdPercent}
                  />
                </div>
              </>,
            )
          : null}
        {!open && !decision && can.convene && deciding
          ? act(
              "decide",
              target,
              { itemId: item.id },
              D.record,
              <>
                <SelectField name="mode" label={D.mode} id={`decision-mode-${item.id}`}>
                  {decisionModes.map((m) => (
                    <option key={m} value={m}>
                      {D.modes[m]}
                    </option>
                  ))}
                </SelectField>
                <TextareaField
                  name="text"
                  label={D.text}
                  id={`decision-text-${item.id}`}
                  errors={errorsFor("decide", target).text}
                />
              </>,
            )
          : null}
        {decision ? (
          <div className="decision" data-decision={decision.id}>
            <h5>
              {D.heading}（{D.modes[decision.mode]}）
              {decision.publishedAt ? <span className="badge">{C.public.heading}</span> : null}
            </h5>
            <p className="decision-text">{decision.text}</p>
            <p className="muted">
              {D.signatures}：{decision.signatures.map((s) => memberName.get(s.userId) ?? "").join("、") || "—"}
              {!decision.publishedAt && unsigned.length ? ` · ${D.unsigned(unsigned.length)}` : ""}
            </p>
            {decision.publishedAt ? (
              <p className="muted">
                {D.publishedAt} {formatDateTime(decision.publishedAt)}
              </p>
            ) : null}
            {!decision.publishedAt && present && !decision.signatures.some((s) => s.userId === me)
              ? act("sign", target, { decisionId: decision.id }, D.sign)
              : null}
            {!decision.publishedAt && can.convene
              ? act("publish", target, { decisionId: decision.id }, D.publish)
              : null}
          </div>
        ) : null}
      </li>
    );
  };

  return (
    <main id="main" className="page council-page">
      <p>
        <Link to="/councils">{C.title}</Link>
      </p>
      <h1>{council.title}</h1>
      <StageBar stage={council.stage} />
      <section className="card">
        <p>{council.description}</p>
        <dl className="facts">
          <div>
            <dt>{C.list.place}</dt>
            <dd>
              {council.regionName} · {council.address}
            </dd>
          </div>
          {council.implementationOrgName && council.implementationDueAt ? (
            <div>
              <dt>{C.stages.implementation}</dt>
              <dd>
                {C.council.implementation(council.implementationOrgName, formatDateTime(council.implementationDueAt))}
              </dd>
            </div>
          ) : null}
        </dl>
        {published ? <Link to={`/public/councils/${council.id}`}>{C.council.publicPage}</Link> : null}
        {council.whistleId ? (
          <p>
            <Link to={`/councils/whistles/${council.whistleId}`}>{C.whistle.detailTitle(council.whistleId)}</Link>
          </p>
        ) : null}
      </section>

      {can.convene && next.length ? (
        <section className="card" aria-labelledby="stage-heading">
          <h2 id="stage-heading">{C.council.changeStage}</h2>
          <Form method="post" className="form" key={result?.ok && result.intent === "stage" ? result.done : 0}>
            <input type="hidden" name="intent" value="stage" />
            <SelectField name="to" label={C.council.to} errors={errorsFor("stage", "").to}>
              {next.map((s) => (
                <option key={s} value={s}>
                  {C.stages[s]}
                </option>
              ))}
            </SelectField>
            <Field name="note" label={C.council.note} errors={errorsFor("stage", "").note} />
            {council.stage === "decision" ? (
              <>
                <SelectField
                  name="implementationOrgId"
                  label={C.council.implementationOrg}
                  errors={errorsFor("stage", "").implementationOrgId}
                >
                  {parties
                    .filter((p) => p.orgId != null)
                    .map((p) => (
                      <option key={p.id} value={p.orgId!}>
                        {p.name}
                      </option>
                    ))}
                </SelectField>
                <Field
                  name="implementationDue"
                  type="datetime-local"
                  label={C.council.implementationDue}
                  errors={errorsFor("stage", "").implementationDue}
                />
              </>
            ) : null}
            {failure?.intent === "stage" ? <FormError message={failure.message} /> : null}
            {result?.ok && result.intent === "stage" && result.target in C.stages ? (
              <p className="form-ok">{C.council.stageDone(C.stages[result.target as keyof typeof C.stages])}</p>
            ) : null}
            <div className="form-actions">
              <button type="submit" className="button primary" disabled={busy}>
                {C.council.changeStage}
              </button>
            </div>
          </Form>
        </section>
      ) : null}

      <PlanSection
        plan={data.plan}
        mayCreate={can.convene}
        busy={busy}
        failure={failure?.intent === "create-plan" ? failure : undefined}
      />

      <section className="card" aria-labelledby="parties-heading">
        <h2 id="parties-heading">{C.council.partiesHeading}</h2>
        <ul className="party-list">
          {parties.map((p) => (
            <li key={p.id}>
              <span className="badge">{C.partyRoles[p.role]}</span> {p.name}
            </li>
          ))}
        </ul>
        {data.joinable ? <AddParty joinable={data.joinable} /> : null}
        <h3>{C.council.ticketsHeading}</h3>
        {tickets.length === 0 ? <p className="muted">{C.council.noTickets}</p> : null}
        <ul>
          {tickets.map((tk) => (
            <li key={tk.id}>
              {tk.readable ? <Link to={`/tickets/${tk.id}`}>{tk.number}</Link> : tk.number} ·{" "}
              {t.tickets.statuses[tk.status]} · {tk.description.slice(0, 40)}
            </li>
          ))}
        </ul>
      </section>

      {data.commitments.length ? <Commitments commitments={data.commitments} /> : null}

      <section className="card" aria-labelledby="meetings-heading">
        <h2 id="meetings-heading">{M.heading}</h2>
        {meetings.map((m) => (
          <article key={m.id} id={`meeting-${m.id}`} className="meeting" data-meeting={m.id}>
            <h3>
              {m.title} <span className="badge">{M.statuses[m.status]}</span>
            </h3>
            {notice(`meeting-${m.id}`)}
            <p>
              {formatDateTime(m.startsAt)} – {formatDateTime(m.endsAt)} · {m.place}
              {m.onlineUrl ? (
                <>
                  {" "}
                  · {M.online} <a href={m.onlineUrl}>{m.onlineUrl}</a>
                </>
              ) : null}
            </p>
            <p>
              <a href={`/councils/${council.id}/meetings/${m.id}.ics`} download>
                {M.ics}
              </a>
            </p>
            <p className="muted">
              {M.attendance}：
              {m.attendance
                .map((a) => `${memberName.get(a.userId) ?? ""}（${partyName.get(a.partyId) ?? ""}）`)
                .join("、") || "—"}
            </p>
            {can.convene && m.changeable ? (
              <details className="meeting-change" open={failure?.target === `meeting-${m.id}` || undefined}>
                <summary>{M.change}</summary>
                {act(
                  "reschedule",
                  `meeting-${m.id}`,
                  { meetingId: m.id },
                  M.rescheduleSubmit,
                  <>
                    <h4>{M.reschedule}</h4>
                    <WhenAndWhere
                      idPrefix={`reschedule-${m.id}`}
                      errors={errorsFor("reschedule", `meeting-${m.id}`)}
                      startsAt={beijingInputValue(m.startsAt)}
                      durationMinutes={Math.round((m.endsAt.getTime() - m.startsAt.getTime()) / 60_000)}
                      place={m.place}
                      onlineUrl={m.onlineUrl ?? ""}
                    />
                  </>,
                )}
                {act(
                  "cancel-meeting",
                  `meeting-${m.id}`,
                  { meetingId: m.id },
                  M.cancelSubmit,
                  <>
                    <h4>{M.cancel}</h4>
                    <TextareaField
                      name="reason"
                      id={`cancel-reason-${m.id}`}
                      label={M.cancelReason}
                      errors={errorsFor("cancel-meeting", `meeting-${m.id}`).reason}
                    />
                  </>,
                )}
              </details>
            ) : null}
            {can.convene && m.status !== "cancelled"
              ? act(
                  "attendance",
                  `meeting-${m.id}`,
                  { meetingId: m.id },
                  M.recordAttendance,
                  <CheckList
                    name="userIds"
                    legend={M.attendance}
                    checked={m.attendance.map((a) => a.userId)}
                    options={members.map((mb) => ({
                      value: mb.userId,
                      label: mb.displayName,
                      group: partyName.get(mb.partyId),
                    }))}
                    errors={errorsFor("attendance", `meeting-${m.id}`).userIds}
                  />,
                )
              : null}
            <ol className="agenda">{m.items.map((item) => itemBlock(m, item))}</ol>
            {m.minutes ? (
              <>
                <h4>{M.minutes}</h4>
                <p className="minutes">{m.minutes}</p>
              </>
            ) : can.convene && m.status === "scheduled" ? (
              act(
                "minutes",
                `meeting-${m.id}`,
                { meetingId: m.id },
                M.recordMinutes,
                <TextareaField
                  name="minutes"
                  label={M.minutes}
                  id={`minutes-${m.id}`}
                  errors={errorsFor("minutes", `meeting-${m.id}`).minutes}
                />,
              )
            ) : null}
          </article>
        ))}
        {can.convene && council.stage !== "closed" ? (
          <Form method="post" className="form" key={result?.ok && result.intent === "schedule" ? result.done : 0}>
            <h3>{M.schedule}</h3>
            <input type="hidden" name="intent" value="schedule" />
            <input type="hidden" name="target" value="schedule" />
            <Field name="title" label={M.titleField} errors={errorsFor("schedule", "schedule").title} />
            <WhenAndWhere errors={errorsFor("schedule", "schedule")} durationMinutes={90} place={council.address}>
              <MapField
                point={meetingPoint}
                onChange={setMeetingPoint}
                focus={councilPoint}
                errors={[
                  ...(errorsFor("schedule", "schedule").lon ?? []),
                  ...(errorsFor("schedule", "schedule").lat ?? []),
                ]}
              />
            </WhenAndWhere>
            {Array.from({ length: AGENDA_ROWS }, (_, i) => (
              <div className="field-row" key={i}>
                <Field name="agendaTitle" id={`agenda-title-${i}`} label={M.agendaItem(i + 1)} />
                <Field name="agendaTickets" id={`agenda-tickets-${i}`} label={M.agendaTickets(i + 1)} />
              </div>
            ))}
            {errorsFor("schedule", "schedule").agenda ? (
              <FormError message={errorsFor("schedule", "schedule").agenda!.join("；")} />
            ) : null}
            {failure?.intent === "schedule" ? <FormError message={failure.message} /> : null}
            {result?.ok && result.intent === "schedule" ? <p className="form-ok">{M.scheduled}</p> : null}
            <div className="form-actions">
              <button type="submit" className="button primary" disabled={busy}>
                {M.submit}
              </button>
            </div>
          </Form>
        ) : null}
      </section>

      <section className="card" aria-labelledby="history-heading">
        <h2 id="history-heading">{C.council.historyHeading}</h2>
        <ol className="timeline">
          {history.map((h) => (
            <li key={h.id} className="timeline-item">
              <p className="timeline-head">
                <strong>{C.stages[h.toStage]}</strong>
                <time dateTime={new Date(h.at).toISOString()}>{formatDateTime(h.at)}</time>
              </p>
              <p className="muted">
                {h.actorName ?? ""}
                {h.note ? ` · ${h.note}` : ""}
              </p>
            </li>
          ))}
        </ol>
        {reviews.length ? (
          <>
            <h3>{C.council.reviewsHeading}</h3>
            <ul>
              {reviews.map((r) => (
                <li key={r.id}>
                  {C.council.reviewLine(r.name ?? "", r.rating)}
                  {r.comment ? ` · ${r.comment}` : ""}
                  {r.reopenRequested ? <span className="badge badge-flag">{C.council.reopenRequested}</span> : null}
                </li>
              ))}
            </ul>
          </>
        ) : null}
      </section>
    </main>
  );
}

/** The convener adds a party while the council is open: a unit (lead or cooperating) or a resident representative. */
/**
 * When and where a meeting is: its start and length, its place and its online link — the same fields
 * for scheduling a meeting and for moving one. `children` come after the place (the map pick).
 */
function WhenAndWhere(props: {
  /** Ids for a form repeated on the page (one per meeting); the fields' names otherwise. */
  idPrefix?: string;
  errors: Partial<Record<string, string[]>>;
  startsAt?: string;
  durationMinutes: number;
  place: string;
  onlineUrl?: string;
  children?: ReactNode;
}) {
  const { idPrefix, errors } = props;
  return (
    <>
      <div className="field-row">
        <Field
          name="startsAt"
          id={idPrefix && `${idPrefix}-starts`}
          type="datetime-local"
          label={M.startsAt}
          defaultValue={props.startsAt}
          errors={errors.startsAt}
        />
        <Field
          name="durationMinutes"
          id={idPrefix && `${idPrefix}-duration`}
          type="number"
          min={15}
          max={600}
          defaultValue={props.durationMinutes}
          label={M.duration}
          errors={errors.durationMinutes}
        />
      </div>
      <Field
        name="place"
        id={idPrefix && `${idPrefix}-place`}
        label={M.place}
        defaultValue={props.place}
        errors={errors.place}
      />
      {props.children}
      <Field
        name="onlineUrl"
        id={idPrefix && `${idPrefix}-online`}
        type="url"
        label={M.onlineUrl}
        defaultValue={props.onlineUrl}
        errors={errors.onlineUrl}
      />
    </>
  );
}

function AddParty(props: {
  /** Units that could join, and the representatives already parties (not offered again). */
  joinable: { units: { id: number; name: string; kind: OrgKind }[]; residents: number[]; regionCode: string };
}) {
  const unitOptions = useMemo(
    () => props.joinable.units.map((u) => ({ value: String(u.id), label: u.name, group: C.orgKinds[u.kind] })),
    [props.joinable.units],
  );
  const result = useActionData<typeof action>();
  const [role, setRole] = useState<"lead" | "cooperating" | "resident_rep">("cooperating");
  const failure = result && !result.ok && result.intent === "add-party" ? result : undefined;
  const P = C.council.addParty;
  return (
    <details className="add-party" open={failure ? true : undefined}>
      <summary>{P.heading}</summary>
      <Form method="post" className="form" key={result?.ok && result.intent === "add-party" ? result.done : 0}>
        <input type="hidden" name="intent" value="add-party" />
        <FormError message={failure?.message} />
        {result?.ok && result.intent === "add-party" ? <p className="form-ok">{P.done}</p> : null}
        <SelectField
          name="role"
          id="party-role"
          label={P.role}
          value={role}
          onChange={(e) => setRole(e.currentTarget.value as typeof role)}
        >
          {(["cooperating", "lead", "resident_rep"] as const).map((r) => (
            <option key={r} value={r}>
              {C.partyRoles[r]}
            </option>
          ))}
        </SelectField>
        {role === "resident_rep" ? (
          <ResidentPicker
            name="userId"
            legend={P.resident}
            regionCode={props.joinable.regionCode}
            exclude={props.joinable.residents}
            single
            errors={failure?.fieldErrors.userId}
          />
        ) : (
          <FilterListbox
            id="party-org"
            name="orgId"
            label={P.unit}
            filterLabel={P.unitFilter}
            filterHint={P.unitFilterHint}
            matchesText={P.unitMatches}
            noneText={P.choose}
            required
            options={unitOptions}
            errors={failure?.fieldErrors.orgId}
          />
        )}
        <button type="submit" className="button">
          {P.submit}
        </button>
      </Form>
    </details>
  );
}
