import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { StageBar } from "~/components/councils/StageBar";
import { Field, FormError } from "~/components/Field";
import { formatDateTime, t } from "~/i18n";
import { requireActor } from "~/lib/auth.server";
import { formObject, handleForm, loadOrThrow, parseId } from "~/lib/forms.server";
import { NotFoundError } from "../../server/errors";
import { can } from "../../server/identity";
import { publicCouncil, reviewOutcome } from "../../server/councils";
import styles from "~/styles/councils.css?url";

const C = t.councils;
const P = C.public;

export const links: LinksFunction = () => [{ rel: "stylesheet", href: styles }];

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `${data ? data.council.title : P.heading} · ${P.heading} · ${t.app.name}` },
];

/** The public page (公示): no account needed; personal data masked by the service. */
export async function loader({ context, params }: LoaderFunctionArgs) {
  const id = parseId(params.councilId);
  if (!id) throw new Response("Not Found", { status: 404 });
  const page = await loadOrThrow(() => publicCouncil(context.database, id));
  const actor = context.actor;
  return {
    ...page,
    signedIn: actor != null,
    mayReview:
      page.council.stage === "residents_review" &&
      can(actor, "review:council", { regionCode: page.council.regionCode }),
  };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const actor = requireActor(context, request);
  const form = formObject(await request.formData());
  return handleForm(async () => {
    const id = parseId(params.councilId);
    if (!id) throw new NotFoundError("议事不存在");
    await reviewOutcome(context.database, actor, id, form);
    return { ok: true as const };
  });
}

export default function PublicCouncil() {
  const { council, parties, residentRepresentatives, history, decisions, tickets, reviews, signedIn, mayReview } =
    useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const failure = result && result.ok === false ? result : undefined;
  return (
    <main id="main" className="page public-council">
      <p>
        <Link to="/public/councils">{P.heading}</Link>
      </p>
      <h1>{council.title}</h1>
      <StageBar stage={council.stage} />
      <section className="card">
        <p>{council.description}</p>
        <dl className="facts">
          <div>
            <dt>{P.place}</dt>
            <dd>
              {council.regionName} · {council.address}
            </dd>
          </div>
          <div>
            <dt>{P.parties}</dt>
            <dd>
              {parties.map((p) => `${p.name}（${C.partyRoles[p.role]}）`).join("、")}
              {residentRepresentatives ? `；${P.residentReps(residentRepresentatives)}` : ""}
            </dd>
          </div>
          {council.implementationDueAt ? (
            <div>
              <dt>{P.implementationDue}</dt>
              <dd>{formatDateTime(council.implementationDueAt)}</dd>
            </div>
          ) : null}
          {tickets.length ? (
            <div>
              <dt>{P.tickets}</dt>
              <dd>{tickets.map((tk) => `${tk.number}（${t.tickets.statuses[tk.status]}）`).join("、")}</dd>
            </div>
          ) : null}
        </dl>
      </section>

      <section className="card" aria-labelledby="decisions-heading">
        <h2 id="decisions-heading">{P.decisions}</h2>
        {decisions.map((d) => (
          <article key={d.id} className="decision">
            <p className="decision-text">{d.text}</p>
            <p className="muted">
              {C.decision.modes[d.mode]} · {C.decision.publishedAt} {formatDateTime(d.publishedAt)}
            </p>
            {d.tally ? (
              <p className="vote-tally">
                {C.vote.results[d.tally.result]} ·{" "}
                {C.vote.tally(d.tally.for, d.tally.against, d.tally.abstain, d.tally.cast, d.tally.eligible)}
              </p>
            ) : null}
            <p className="signatures">
              {P.signedBy}：{d.signatures.map((s) => `${s.name}（${s.party}）`).join("、")}
            </p>
          </article>
        ))}
      </section>

      <section className="card" aria-labelledby="history-heading">
        <h2 id="history-heading">{P.history}</h2>
        <ol>
          {history.map((h, i) => (
            <li key={i}>
              {C.stages[h.toStage]} · {formatDateTime(h.at)}
            </li>
          ))}
        </ol>
      </section>

      <section className="card" aria-labelledby="reviews-heading">
        <h2 id="reviews-heading">{P.reviews}</h2>
        <p>
          {reviews.count && reviews.average != null
            ? P.reviewSummary(reviews.count, reviews.average.toFixed(1))
            : P.noReviews}
          {reviews.reopenRequests ? ` · ${P.reopenRequests(reviews.reopenRequests)}` : ""}
        </p>
        <ul>
          {reviews.comments.map((c, i) => (
            <li key={i}>{c}</li>
          ))}
        </ul>
        {result?.ok ? (
          <p className="form-ok">{P.reviewed}</p>
        ) : mayReview ? (
          <Form method="post" className="form">
            <h3>{P.review}</h3>
            <Field name="rating" type="number" min={1} max={5} label={P.rating} errors={failure?.fieldErrors.rating} />
            <Field name="comment" label={P.comment} errors={failure?.fieldErrors.comment} />
            <label className="check">
              <input type="checkbox" name="reopen" /> {P.reopen}
            </label>
            <FormError message={failure?.message} />
            <div className="form-actions">
              <button type="submit" className="button primary">
                {P.submitReview}
              </button>
            </div>
          </Form>
        ) : council.stage === "residents_review" && !signedIn ? (
          <p className="muted">{P.signInToReview}</p>
        ) : null}
      </section>
    </main>
  );
}
