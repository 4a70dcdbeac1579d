import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useRouteLoaderData } from "@remix-run/react";
import { formatDateTime, t } from "~/i18n";
import { requireActor } from "~/lib/auth.server";
import { formObject, handleForm, parseId } from "~/lib/forms.server";
import { withQuery } from "~/lib/href";
import { ListPager } from "~/components/ListPager";
import type { loader as rootLoader } from "~/root";
import { latestDigest, listNotifications, markRead } from "../../server/notifications";
import styles from "~/styles/councils.css?url";
import { Tabs } from "~/components/Tabs";

const N = t.councils.notifications;

export const links: LinksFunction = () => [{ rel: "stylesheet", href: styles }];

export const meta: MetaFunction = () => [{ title: `${N.title} · ${t.app.name}` }];

/** Everyone's own inbox: a notice belongs to one user, so being signed in is the whole permission. */
export async function loader({ context, request }: LoaderFunctionArgs) {
  const actor = requireActor(context, request);
  const url = new URL(request.url);
  const unread = url.searchParams.get("show") === "unread";
  const cursor = url.searchParams.get("cursor");
  const [page, digest] = await Promise.all([
    listNotifications(context.database, actor, { cursor, unread }),
    latestDigest(context.database, actor),
  ]);
  return { ...page, unread, paged: !!cursor, digest };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const actor = requireActor(context, request);
  const form = formObject(await request.formData());
  return handleForm(async () => {
    await markRead(context.database, actor, form.id === "all" ? null : parseId(form.id));
    return { ok: true as const };
  });
}

export default function Notifications() {
  const { notices, next, unread, paged, digest } = useLoaderData<typeof loader>();
  // The root loader counts the unread for the navigation's badge on every page, this one included.
  const unreadTotal = useRouteLoaderData<typeof rootLoader>("root")?.unread ?? 0;
  const show = unread ? "unread" : "";
  return (
    <main id="main" className="page notifications-page">
      <div className="page-head">
        <h1>{N.title}</h1>
        {unreadTotal > 0 ? (
          <Form method="post">
            <button type="submit" name="id" value="all" className="button">
              {N.markAllRead}
            </button>
          </Form>
        ) : null}
      </div>
      {digest ? (
        <section className="card" aria-labelledby="digest-heading">
          <h2 id="digest-heading">{N.digestHeading}</h2>
          <p>{N.digestLine(digest.day, digest.count)}</p>
          <pre className="digest">{digest.body}</pre>
        </section>
      ) : null}
      <Tabs
        label={N.show}
        tabs={["", "unread"] as const}
        current={show}
        href={(tab) => withQuery("/notifications", { show: tab })}
      >
        {(tab) => (tab ? N.unreadTab(unreadTotal) : N.all)}
      </Tabs>
      {notices.length === 0 ? <p className="muted">{unread ? N.noneUnread : N.none}</p> : null}
      <ul className="notification-list">
        {notices.map((n) => (
          <li key={n.id} className={n.readAt ? "read" : "unread"} data-kind={n.kind}>
            <p>
              <span className="badge">{N.kinds[n.kind]}</span>{" "}
              {n.readAt ? null : <span className="badge badge-flag">{N.unread}</span>}{" "}
              <Link to={n.link}>{n.title}</Link>
            </p>
            <p className="muted">
              {n.body} · {formatDateTime(n.createdAt)}
            </p>
            {n.readAt ? null : (
              <Form method="post">
                <button type="submit" name="id" value={n.id} className="link-button">
                  {N.markRead}
                </button>
              </Form>
            )}
          </li>
        ))}
      </ul>
      <ListPager
        paged={paged}
        next={next}
        href={(cursor) => withQuery("/notifications", { show, cursor })}
        label={N.pages}
      />
    </main>
  );
}
