import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { useState } from "react";
import { PlacePicker } from "~/components/councils/PlacePicker";
import { WhistleScores } from "~/components/councils/WhistleScores";
import { Field, FormError, TextareaField } from "~/components/Field";
import { ListPager } from "~/components/ListPager";
import { formatDateTime, t } from "~/i18n";
import { requirePermission } from "~/lib/auth.server";
import { formObject, handleForm, parseId } from "~/lib/forms.server";
import { withQuery } from "~/lib/href";
import { councilPlaces } from "~/lib/regions.server";
import { ValidationError } from "../../server/errors";
import { can, scopesFor } from "../../server/identity";
import {
  listCouncils,
  listTopics,
  listWhistles,
  proposeTopic,
  reviewTopic,
  whistleScorecards,
} from "../../server/councils";
import styles from "~/styles/councils.css?url";

const C = t.councils;

export const links: LinksFunction = () => [{ rel: "stylesheet", href: styles }];

export const meta: MetaFunction = () => [{ title: `${C.title} · ${t.app.name}` }];

export async function loader({ context, request }: LoaderFunctionArgs) {
  const actor = requirePermission(context, request, "read:council");
  const db = context.database;
  const now = new Date();
  // Each list pages on its own: following one keeps the other's place.
  const url = new URL(request.url);
  const pages = { councils: url.searchParams.get("councils") ?? "", whistles: url.searchParams.get("whistles") ?? "" };
  const [councils, whistles, topics, proposeIn] = await Promise.all([
    listCouncils(db, actor, pages.councils),
    listWhistles(db, actor, now, pages.whistles),
    listTopics(db, actor),
    councilPlaces(db, actor, "propose:council-topic"),
  ]);
  // 双考核 scores: the centre sees every unit; a unit sees its own.
  const everyUnit = scopesFor(actor, "read:council").includes("any");
  const ownOrgs = actor.grants.map((g) => g.orgId).filter((o): o is number => o != null);
  const scorecards = everyUnit || ownOrgs.length ? await whistleScorecards(db, everyUnit ? null : ownOrgs, now) : [];
  return {
    pages,
    councilsNext: councils.next,
    whistlesNext: whistles.next,
    whistles: whistles.whistles,
    councils: councils.councils.map((c) => ({
      id: c.id,
      title: c.title,
      stage: c.stage,
      address: c.address,
      updatedAt: c.updatedAt,
    })),
    topics,
    proposeIn,
    scorecards,
    mayWhistle: can(actor, "whistle:council"),
    mayConvene: can(actor, "convene:council"),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const actor = requirePermission(context, request, "read:council");
  const form = formObject(await request.formData());
  const { intent = "" } = form;
  return handleForm(
    async () => {
      if (intent === "propose") await proposeTopic(context.database, actor, form);
      else if (intent === "review-topic") {
        const topicId = parseId(form.topicId);
        if (!topicId) throw new ValidationError(t.errors.unknownIntent);
        await reviewTopic(context.database, actor, topicId, form);
      } else throw new ValidationError(t.errors.unknownIntent);
      return { ok: true as const, intent, done: Date.now() };
    },
    { intent },
  );
}

type ListName = "councils" | "whistles";

/** The councils page at a cursor of one of its lists; the other list keeps its place. */
function pageHref(pages: Record<ListName, string>, list: ListName, cursor: string) {
  return `${withQuery("/councils", { ...pages, [list]: cursor })}#${list}-heading`;
}

export default function CouncilsPage() {
  const {
    councils,
    whistles,
    topics,
    proposeIn,
    scorecards,
    mayWhistle,
    mayConvene,
    pages,
    councilsNext,
    whistlesNext,
  } = useLoaderData<typeof loader>();
  const [proposeRegion, setProposeRegion] = useState(proposeIn[0]?.code ?? "");
  const result = useActionData<typeof action>();
  const failure = result && result.ok === false ? result : undefined;
  const errorsFor = (intent: string) => (failure?.intent === intent ? failure.fieldErrors : undefined);
  return (
    <main id="main" className="page councils-page">
      <div className="page-head">
        <h1>{C.title}</h1>
        <div className="page-actions">
          {mayWhistle ? (
            <Link className="button primary" to="/councils/whistles/new">
              {C.list.newWhistle}
            </Link>
          ) : null}
          {mayConvene ? (
            <Link className="button" to="/councils/new">
              {C.list.newCouncil}
            </Link>
          ) : null}
          <Link className="button" to="/public/councils">
            {C.list.publicList}
          </Link>
        </div>
      </div>
      <p className="muted">{C.intro}</p>

      <section className="card" aria-labelledby="councils-heading">
        <h2 id="councils-heading">{C.list.councilsHeading}</h2>
        {councils.length === 0 ? (
          <p className="muted">{C.list.none}</p>
        ) : (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">{C.council.titleField}</th>
                  <th scope="col">{C.list.stage}</th>
                  <th scope="col">{C.list.place}</th>
                  <th scope="col">{C.list.updated}</th>
                </tr>
              </thead>
              <tbody>
                {councils.map((c) => (
                  <tr key={c.id}>
                    <th scope="row">
                      <Link to={`/councils/${c.id}`}>{c.title}</Link>
                    </th>
                    <td>
                      <span className="badge" data-stage={c.stage}>
                        {C.stages[c.stage]}
                      </span>
                    </td>
                    <td>{c.address}</td>
                    <td className="nowrap">{formatDateTime(c.updatedAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <ListPager
          paged={!!pages.councils}
          next={councilsNext}
          href={(cursor) => pageHref(pages, "councils", cursor)}
          label={C.list.councilsPages}
        />
      </section>

      <section className="card" aria-labelledby="whistles-heading">
        <h2 id="whistles-heading">{C.list.whistlesHeading}</h2>
        {whistles.length === 0 ? (
          <p className="muted">{C.list.none}</p>
        ) : (
          <ul className="whistle-list">
            {whistles.map((w) => (
              <li key={w.id}>
                <Link to={`/councils/whistles/${w.id}`}>{C.whistle.detailTitle(w.id)}</Link> {w.problem.slice(0, 40)}
                <span className="muted">
                  {" "}
                  · {C.grounds[w.ground]} · {C.list.deadline} {formatDateTime(w.reportDeadlineAt)} ·{" "}
                  {C.list.reported(w.reported, w.summoned)}
                  {w.late ? ` · ${C.list.late(w.late)}` : ""}
                  {w.absent ? ` · ${C.list.absent(w.absent)}` : ""}
                  {w.closedAt ? ` · ${C.list.closed}` : ""}
                </span>
                {w.toReport ? <span className="badge badge-flag">{C.list.toReport}</span> : null}
              </li>
            ))}
          </ul>
        )}
        <ListPager
          paged={!!pages.whistles}
          next={whistlesNext}
          href={(cursor) => pageHref(pages, "whistles", cursor)}
          label={C.list.whistlesPages}
        />
        <WhistleScores rows={scorecards} heading={C.list.scorecardsHeading} id="whistle-scores-heading" />
      </section>

      <section className="card" id="topics" aria-labelledby="topics-heading">
        <h2 id="topics-heading">{C.list.topicsHeading}</h2>
        {topics.length === 0 ? <p className="muted">{C.list.none}</p> : null}
        <ul className="topic-list">
          {topics.map((topic) => (
            <li key={topic.id}>
              <strong>{topic.title}</strong> <span className="badge">{C.topics.statuses[topic.status]}</span>
              <p>{topic.description}</p>
              {topic.reviewNote ? <p className="muted">{topic.reviewNote}</p> : null}
              {topic.mayReview ? (
                <Form method="post" className="form inline-form">
                  <input type="hidden" name="intent" value="review-topic" />
                  <input type="hidden" name="topicId" value={topic.id} />
                  <Field name="note" label={C.topics.note} id={`topic-note-${topic.id}`} />
                  <div className="form-actions">
                    <button type="submit" name="decision" value="accepted" className="button primary">
                      {C.topics.accept}
                    </button>
                    <button type="submit" name="decision" value="rejected" className="button">
                      {C.topics.reject}
                    </button>
                  </div>
                </Form>
              ) : null}
              {topic.status === "accepted" && topic.councilId == null && mayConvene ? (
                <Link to={`/councils/new?topicId=${topic.id}`}>{C.topics.openCouncil}</Link>
              ) : null}
            </li>
          ))}
        </ul>
        {failure?.intent === "review-topic" ? <FormError message={failure.message} /> : null}
        {proposeIn.length ? (
          <Form method="post" className="form" key={result?.ok ? result.done : 0}>
            <h3>{C.topics.propose}</h3>
            <input type="hidden" name="intent" value="propose" />
            <PlacePicker
              label={C.topics.region}
              places={proposeIn}
              value={proposeRegion}
              onChange={setProposeRegion}
              errors={errorsFor("propose")?.regionCode}
            />
            <Field name="title" label={C.topics.title} errors={errorsFor("propose")?.title} />
            <TextareaField name="description" label={C.topics.description} errors={errorsFor("propose")?.description} />
            {failure?.intent === "propose" ? <FormError message={failure.message} /> : null}
            {result?.ok && result.intent === "propose" ? <p className="form-ok">{C.topics.done}</p> : null}
            <div className="form-actions">
              <button type="submit" className="button primary">
                {C.topics.submit}
              </button>
            </div>
          </Form>
        ) : null}
      </section>
    </main>
  );
}
