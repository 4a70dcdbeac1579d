import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useLoaderData, useNavigation } from "@remix-run/react";
import { useMemo } from "react";
import { Field, SelectField } from "~/components/Field";
import { deadlineBadge } from "~/components/tickets/Deadline";
import { TicketFilterFields } from "~/components/tickets/TicketFilterFields";
import { Tabs } from "~/components/Tabs";
import { formatDateTime, t } from "~/i18n";
import { requirePermission } from "~/lib/auth.server";
import { loadOrThrow } from "~/lib/forms.server";
import { keysOf } from "~/lib/keys";
import { withQuery } from "~/lib/href";
import { markup, type Markup } from "~/lib/html";
import { fromRowsText, toRowsText } from "~/lib/json-text";
import { useLinkDelegation } from "~/lib/link-delegation";
import { selectedFilterChoices } from "~/lib/ticket-filters.server";
import { can } from "../../server/identity";
import { listTickets, queueRole, queueSets, type Queue } from "../../server/tickets";

const T = t.tickets;

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `${data ? T.queues[data.queue] : T.title} · ${T.title} · ${t.app.name}` },
];

type ListedTicket = Awaited<ReturnType<typeof listTickets>>["rows"][number];

/**
 * What a row shows, and nothing more: the rows travel twice, as HTML and as
 * the data the page hydrates from (as rows text, lib/json-text.ts).
 */
function rowView(r: ListedTicket) {
  return {
    id: r.id,
    number: r.number,
    status: r.status,
    type: r.type,
    urgency: r.urgency,
    summary: r.summary,
    supervisionCount: r.supervisionCount,
    pendingExtensionDays: r.pendingExtensionDays,
    excluded: r.excluded,
    categoryName: r.categoryName,
    place: [r.streetName, r.communityName].filter(Boolean).join(" › "),
    address: r.address,
    leadName: r.leadName,
    receivedAt: r.receivedAt.getTime(),
    deadlineAt: r.deadlineAt?.getTime() ?? null,
    overdue: r.overdue,
    nearDeadline: r.nearDeadline,
    reporterName: r.reporterName,
  };
}

type RowView = ReturnType<typeof rowView>;

/**
 * The table's rows as markup (lib/html.ts): the page's ~700 row elements cost
 * React 1.5–1.8 ms per render on the server (decision 0026, session 24). The
 * browser builds the same text from the same rows, so hydration agrees. The
 * row links are plain anchors, handled by the page's one link listener.
 */
function rowMarkup(r: RowView): Markup {
  const kind = r.urgency !== "normal" ? `${T.types[r.type]} · ${T.urgencies[r.urgency]}` : T.types[r.type];
  const flags = [
    r.supervisionCount > 0 && markup`<span class="badge badge-flag">${T.list.supervised(r.supervisionCount)}</span>`,
    r.pendingExtensionDays != null && markup`<span class="badge badge-flag">${T.list.pendingExtension}</span>`,
    r.excluded && markup`<span class="badge muted-badge">${T.list.excluded}</span>`,
  ];
  const badge = deadlineBadge(r.overdue, r.nearDeadline);
  return markup`<tr>${[
    markup`<td class="nowrap"><a href="/tickets/${r.id}" class="ticket-number" data-discover="true">${r.number}</a><br><span class="status status-${r.status}">${T.statuses[r.status]}</span></td>`,
    markup`<td class="ticket-summary"><span class="muted">${kind}</span> ${r.summary}${flags.some(Boolean) && markup`<span class="flag-row">${flags}</span>`}</td>`,
    markup`<td>${r.categoryName}</td>`,
    markup`<td>${r.place || T.list.none}<br><small class="muted">${r.address}</small></td>`,
    markup`<td>${r.leadName ?? T.list.none}</td>`,
    markup`<td class="nowrap">${formatDateTime(r.receivedAt)}</td>`,
    markup`<td class="nowrap">${r.deadlineAt ? formatDateTime(r.deadlineAt) : T.list.none} ${badge && markup`<span class="${badge.className}">${badge.label}</span>`}</td>`,
    markup`<td class="nowrap">${r.reporterName ?? T.list.none}</td>`,
  ]}</tr>`;
}

/** Filters the page keeps in the URL; everything else (cursor, queue) is handled apart. */
const filterKeys = ["q", "status", "type", "urgency", "categoryId", "regionCode", "from", "to", "sort", "leadOrgId"];

export async function loader({ context, request }: LoaderFunctionArgs) {
  const actor = requirePermission(context, request, "read:ticket");
  const role = queueRole(actor);
  const queues = queueSets[role];
  const url = new URL(request.url);
  const asked = url.searchParams.get("queue") as Queue | null;
  const queue = asked && queues.includes(asked) ? asked : queues[0]!;
  const filters = Object.fromEntries(filterKeys.map((k) => [k, url.searchParams.get(k) ?? ""]));
  const cursor = url.searchParams.get("cursor") || undefined;
  const staff = role !== "resident";
  const [result, choices] = await Promise.all([
    loadOrThrow(() =>
      listTickets(context.database, actor, {
        ...Object.fromEntries(Object.entries(filters).filter(([, v]) => v)),
        queue,
        cursor,
      }),
    ),
    staff ? selectedFilterChoices(context.database, filters) : Promise.resolve({ categories: [], regions: [] }),
  ]);
  return {
    queue,
    queues,
    staff,
    filters,
    paged: !!cursor,
    rows: toRowsText(result.rows.map(rowView)),
    nextCursor: result.nextCursor,
    choices,
    canCreate: can(actor, "create:ticket"),
    canImport: can(actor, "import:ticket"),
  };
}

/** The current URL's filters with some keys replaced (empty values dropped). */
function hrefWith(filters: Record<string, string>, changes: Record<string, string | null>) {
  return withQuery("/tickets", { ...filters, ...changes });
}

export default function TicketQueue() {
  const data = useLoaderData<typeof loader>();
  const { queue, queues, filters, staff } = data;
  const rows = useMemo(() => fromRowsText(data.rows), [data.rows]);
  const rowsHtml = useMemo(() => ({ __html: markup`${rows.map(rowMarkup)}`.text }), [rows]);
  const busy = useNavigation().state === "loading";
  // One listener for the page's plain links: the rows', the actions', the reset and the pages'.
  const pageLinks = useLinkDelegation<HTMLElement>();
  const heading = staff ? T.list.heading : T.list.mineHeading;
  return (
    <main id="main" className="page tickets-page" ref={pageLinks}>
      <div className="page-head">
        <h1>{heading}</h1>
        <div className="page-actions">
          {data.canImport ? (
            <a className="button" href="/tickets/import" data-discover="true">
              {t.imports.title}
            </a>
          ) : null}
          {data.canCreate ? (
            <a className="button primary" href="/tickets/new" data-discover="true">
              {staff ? T.list.newTicket : T.list.newRequest}
            </a>
          ) : null}
        </div>
      </div>

      {queues.length > 1 ? (
        <Tabs label={T.list.queuesLabel} tabs={queues} current={queue} href={(q) => hrefWith(filters, { queue: q })}>
          {(q) => T.queues[q]}
        </Tabs>
      ) : null}

      <details className="card filters" open={Object.values(filters).some(Boolean) || undefined}>
        <summary>{T.list.filters}</summary>
        <Form method="get" className="filter-form">
          <input type="hidden" name="queue" value={queue} />
          {filters.leadOrgId ? <input type="hidden" name="leadOrgId" value={filters.leadOrgId} /> : null}
          <Field
            name="q"
            type="search"
            label={T.list.q}
            hint={T.list.qHint}
            defaultValue={filters.q}
            maxLength={100}
            id="filter-q"
          />
          <SelectField name="status" id="filter-status" label={T.list.status} defaultValue={filters.status}>
            <option value="">{T.list.anyStatus}</option>
            {keysOf(T.statuses).map((s) => (
              <option key={s} value={s}>
                {T.statuses[s]}
              </option>
            ))}
          </SelectField>
          {staff ? (
            <>
              <TicketFilterFields idPrefix="filter" filters={filters} selected={data.choices} />
              <SelectField name="urgency" id="filter-urgency" label={T.list.urgency} defaultValue={filters.urgency}>
                <option value="">{T.list.anyUrgency}</option>
                {keysOf(T.urgencies).map((v) => (
                  <option key={v} value={v}>
                    {T.urgencies[v]}
                  </option>
                ))}
              </SelectField>
              <SelectField name="sort" id="filter-sort" label={T.list.sort} defaultValue={filters.sort}>
                {(["received_desc", "deadline_asc"] as const).map((v) => (
                  <option key={v} value={v}>
                    {T.list.sorts[v]}
                  </option>
                ))}
              </SelectField>
            </>
          ) : null}
          <div className="filter-actions">
            <button type="submit" className="button primary">
              {T.list.apply}
            </button>
            <a className="button" href={hrefWith({}, { queue })} data-discover="true">
              {T.list.reset}
            </a>
          </div>
        </Form>
      </details>

      <h2 id="results-heading" className="visually-hidden">
        {T.list.caption(T.queues[queue])}
      </h2>
      {rows.length === 0 ? (
        <p className="card muted">{T.list.empty}</p>
      ) : (
        <div className="table-wrap" aria-busy={busy || undefined}>
          <table className="ticket-table" aria-labelledby="results-heading">
            <thead>
              <tr>
                <th scope="col">{T.list.number}</th>
                <th scope="col">{T.list.summary}</th>
                <th scope="col">{T.list.category}</th>
                <th scope="col">{T.list.place}</th>
                <th scope="col">{T.list.lead}</th>
                <th scope="col">{T.list.receivedAt}</th>
                <th scope="col">{T.list.deadline}</th>
                <th scope="col">{T.list.reporter}</th>
              </tr>
            </thead>
            <tbody dangerouslySetInnerHTML={rowsHtml} />
          </table>
        </div>
      )}
      <nav className="pagination" aria-label={T.list.pagination}>
        {data.paged ? (
          <a href={hrefWith(filters, { queue })} data-discover="true">
            {T.list.first}
          </a>
        ) : (
          <span />
        )}
        <span className="muted">{T.list.count(rows.length)}</span>
        {data.nextCursor ? (
          <a href={hrefWith(filters, { queue, cursor: data.nextCursor })} rel="next" data-discover="true">
            {T.list.next}
          </a>
        ) : (
          <span />
        )}
      </nav>
    </main>
  );
}
