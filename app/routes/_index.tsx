import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import type { ReactNode } from "react";
import { formatDateTime, t } from "~/i18n";
import { requireActor } from "~/lib/auth.server";
import { navFor } from "~/lib/shell";
import { MEETINGS_AHEAD_DAYS } from "../../server/councils";
import { can, describeGrants, identitySummary } from "../../server/identity";
import { COMMITMENT_WARNING_DAYS } from "../../server/plans";
import { workbench } from "../../server/workbench";

const W = t.home.workbench;

/** Queues whose tickets are late or held up waiting on a decision: their counts are shown in red when any. */
const urgentQueues: readonly string[] = ["overdue", "decisions"];

export const meta: MetaFunction = () => [{ title: `${t.nav.home} · ${t.app.fullName}` }];

export async function loader({ context, request }: LoaderFunctionArgs) {
  const actor = requireActor(context, request);
  const [grants, summary, work] = await Promise.all([
    describeGrants(context.database, actor),
    can(actor, "manage:organisation") ? identitySummary(context.database, actor) : null,
    workbench(context.database, actor),
  ]);
  return {
    displayName: actor.displayName,
    grants,
    summary,
    work,
    map: navFor(actor).some((n) => n.key === "map" && n.available),
    // How far ahead the meetings and commitments lists look, for their headings.
    days: { meetings: MEETINGS_AHEAD_DAYS, commitments: COMMITMENT_WARNING_DAYS },
  };
}

/** One list of the workbench: its heading, its first items, and a link to the rest when there are more; nothing when empty. */
function WorkList<T>({
  heading,
  list,
  all,
  keyOf,
  children,
  subset = false,
}: {
  heading: string;
  list: { items: T[]; more: boolean };
  all: string;
  keyOf: (item: T) => number;
  children: (item: T) => ReactNode;
  /** The list picks from what its page holds (the urgent ones): the page is linked even when all are shown. */
  subset?: boolean;
}) {
  if (list.items.length === 0) return null;
  return (
    <article className="card work-list">
      <h3>{heading}</h3>
      <ul>
        {list.items.map((item) => (
          <li key={keyOf(item)}>{children(item)}</li>
        ))}
      </ul>
      {list.more || subset ? (
        <Link className="more-link" to={all}>
          {W.all}
        </Link>
      ) : null}
    </article>
  );
}

const byId = (item: { id: number }) => item.id;

function Workbench() {
  const { work, days } = useLoaderData<typeof loader>();
  const { queues, toRate, whistles, meetings, topics, reviews, signatures, commitments } = work;
  const empty =
    queues.every((q) => q.count === 0) &&
    topics === 0 &&
    [toRate, whistles, meetings, reviews, signatures, commitments].every((l) => l.items.length === 0);
  return (
    <section aria-labelledby="workbench-heading" className="workbench">
      <h2 id="workbench-heading">{W.heading}</h2>
      {queues.length ? (
        <ul className="queue-counts" aria-label={W.queuesLabel}>
          {queues.map((q) => (
            <li key={q.queue} className={q.count > 0 && urgentQueues.includes(q.queue) ? "urgent" : undefined}>
              <Link to={`/tickets?queue=${q.queue}`} data-queue={q.queue}>
                <strong>{q.more ? W.countMore(q.count) : q.count}</strong>
                <span>{t.tickets.queues[q.queue]}</span>
              </Link>
            </li>
          ))}
        </ul>
      ) : null}
      {empty ? <p className="muted">{W.nothing}</p> : null}
      <div className="work-lists">
        <WorkList heading={W.toRate} list={toRate} all="/tickets" keyOf={byId}>
          {(ticket) => (
            <>
              <Link to={`/tickets/${ticket.id}`}>{ticket.number}</Link>
              <p className="muted">{ticket.summary}</p>
            </>
          )}
        </WorkList>
        <WorkList heading={W.whistles} list={whistles} all="/councils" keyOf={byId}>
          {(w) => (
            <>
              <Link to={`/councils/whistles/${w.id}`}>{w.problem}</Link>
              <p className="muted">
                {W.reportBy(formatDateTime(w.reportDeadlineAt))}{" "}
                {w.state === "absent" ? (
                  <span className="badge badge-overdue">{t.councils.reportStates.absent}</span>
                ) : null}
              </p>
            </>
          )}
        </WorkList>
        <WorkList heading={W.meetings(days.meetings)} list={meetings} all="/councils" keyOf={byId}>
          {(m) => (
            <>
              <Link to={`/councils/${m.councilId}`}>{m.title}</Link>
              <p className="muted">
                {formatDateTime(m.startsAt)} · {m.place || (m.onlineUrl ? W.online : "")}
              </p>
              <p className="muted">{m.councilTitle}</p>
            </>
          )}
        </WorkList>
        {topics > 0 ? (
          <article className="card work-list">
            <h3>{t.councils.list.topicsHeading}</h3>
            <Link to="/councils#topics">{W.topics(topics)}</Link>
          </article>
        ) : null}
        <WorkList heading={W.reviews} list={reviews} all="/public/councils" keyOf={byId}>
          {(c) => (
            <>
              <Link to={`/public/councils/${c.id}`}>{c.title}</Link>
              <p className="muted">{c.address}</p>
            </>
          )}
        </WorkList>
        <WorkList heading={W.signatures} list={signatures} all="/plans" keyOf={(s) => s.planId}>
          {(s) => (
            <>
              <Link to={`/plans/${s.planId}`}>
                {s.title} · {W.version(s.number)}
              </Link>
              <p className="muted">{W.frozenAt(formatDateTime(s.frozenAt))}</p>
            </>
          )}
        </WorkList>
        <WorkList heading={W.commitments(days.commitments)} list={commitments} all="/commitments" keyOf={byId} subset>
          {(c) => (
            <>
              <Link to={`/plans/${c.planId}/commitments`}>{c.task}</Link>
              <p className="muted">
                {c.deadline ? W.due(c.deadline) : null} · {W.progress(c.progress)}{" "}
                {c.overdue ? <span className="badge badge-overdue">{W.overdue}</span> : null}
              </p>
            </>
          )}
        </WorkList>
      </div>
    </section>
  );
}

export default function Home() {
  const { displayName, grants, summary, map } = useLoaderData<typeof loader>();
  return (
    <main id="main" className="page">
      <h1>{t.home.greeting(displayName)}</h1>
      <Workbench />
      <section aria-labelledby="roles-heading">
        <h2 id="roles-heading">{t.home.yourRoles}</h2>
        <div className="grid">
          {grants.map((g, i) => (
            <article key={i} className="card role-card" data-role={g.role}>
              <p className="role-label">{t.roles[g.role]}</p>
              {g.orgName ? <h3>{g.orgName}</h3> : null}
              {g.regionPath.length ? (
                <p className="muted">
                  {t.home.area}：{g.regionPath.join(" › ")}
                </p>
              ) : null}
              {g.manager ? <p className="badge">{t.home.manager}</p> : null}
              <h4>{t.home.whatYouDo}</h4>
              <ul>
                {t.home.duties[g.role].map((d) => (
                  <li key={d}>{d}</li>
                ))}
              </ul>
              <div className="card-actions">
                {map && g.regionCode ? (
                  // The map opens on the area the role answers for, already filtered to it.
                  <Link className="button" to={`/map?regionCode=${g.regionCode}`}>
                    {t.home.mapOfArea}
                  </Link>
                ) : null}
                {g.manager && g.orgId != null ? (
                  <Link className="button" to={`/admin/orgs/${g.orgId}`}>
                    {t.home.manageOrg}
                  </Link>
                ) : null}
              </div>
            </article>
          ))}
          {summary ? (
            <article className="card">
              <h3>{t.home.orgAdmin}</h3>
              <dl className="stats">
                <div>
                  <dt>{t.admin.users}</dt>
                  <dd>{summary.users}</dd>
                </div>
                <div>
                  <dt>{t.admin.organisations}</dt>
                  <dd>{summary.organisations}</dd>
                </div>
                <div>
                  <dt>{t.admin.regions}</dt>
                  <dd>{summary.regions}</dd>
                </div>
              </dl>
              <Link className="button" to="/admin">
                {t.admin.title}
              </Link>
            </article>
          ) : null}
        </div>
      </section>
    </main>
  );
}
