import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Fragment } from "react";
import { FormError, SelectField } from "~/components/Field";
import { formatDateTime, t } from "~/i18n";
import { requireActor } from "~/lib/auth.server";
import { formObject, handleForm, loadOrThrow, parseId } from "~/lib/forms.server";
import { NotFoundError } from "../../server/errors";
import { compareVersions, restoreVersion, versionHistoryView, type ListDiff } from "../../server/plans";
import styles from "~/styles/plan-work.css?url";

const W = t.planWork;
const V = W.versions;
const C = W.compare;

export const links: LinksFunction = () => [{ rel: "stylesheet", href: styles }];

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `${V.title} · ${data?.plan.title ?? ""} · ${t.app.name}` },
];

/** A version number from the query, or null. */
const numberParam = (url: URL, key: string) => parseId(url.searchParams.get(key));

/**
 * /plans/:planId/versions?from=N&to=M: the history, and the difference
 * between two versions (by default the two latest).
 */
export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const actor = requireActor(context, request);
  const planId = parseId(params.planId);
  if (!planId) throw new Response("Not Found", { status: 404 });
  const view = await loadOrThrow(() => versionHistoryView(context.database, context.planDocuments, actor, planId));
  const url = new URL(request.url);
  const latest = view.versions[0]?.number ?? 0;
  const to = numberParam(url, "to") ?? latest;
  const from = numberParam(url, "from") ?? Math.max(to - 1, 0);
  const diff =
    from > 0 && to > 0 ? await loadOrThrow(() => compareVersions(context.database, actor, planId, from, to)) : null;
  return { ...view, from, to, diff };
}

export async function action({ context, request, params }: ActionFunctionArgs) {
  const actor = requireActor(context, request);
  const form = formObject(await request.formData());
  return handleForm(async () => {
    const planId = parseId(params.planId);
    const versionId = parseId(form.versionId);
    if (!planId || !versionId) throw new NotFoundError("版本不存在");
    const restored = await restoreVersion(context.database, context.planDocuments, actor, planId, versionId);
    return { ok: true as const, number: restored.number, from: Number(form.number) };
  });
}

type Data = ReturnType<typeof useLoaderData<typeof loader>>;

export default function PlanVersions() {
  const data = useLoaderData<typeof loader>();
  const { plan, versions, diff, from, to } = data;
  const result = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  return (
    <main id="main" className="page plan-versions">
      <p className="no-print">
        <Link to={`/plans/${plan.id}`}>{V.back}</Link>
        {/* Print and export show the latest fully signed version: offered once there is one. */}
        {versions.some((v) => v.complete) ? (
          <>
            {" "}
            · <Link to={`/plans/${plan.id}/print`}>{V.print}</Link> ·{" "}
            <a href={`/plans/${plan.id}/export.xlsx`} download>
              {V.export}
            </a>
          </>
        ) : null}
      </p>
      <h1>
        {plan.title} · {V.title}
      </h1>
      {result && !result.ok ? <FormError message={result.message} /> : null}
      {result?.ok ? <p className="form-ok">{V.restored(result.number, result.from)}</p> : null}
      {data.draft && versions.length ? <p className="muted">{V.draft}</p> : null}

      <section className="card" aria-labelledby="compare-heading">
        <h2 id="compare-heading">{C.heading}</h2>
        {versions.length < 2 ? (
          <p className="muted">{C.needTwo}</p>
        ) : (
          <Form method="get" className="compare-form">
            <SelectField name="from" label={C.from} defaultValue={from}>
              {versions.map((v) => (
                <option key={v.id} value={v.number}>
                  {V.number(v.number)}
                </option>
              ))}
            </SelectField>
            <SelectField name="to" label={C.to} defaultValue={to}>
              {versions.map((v) => (
                <option key={v.id} value={v.number}>
                  {V.number(v.number)}
                </option>
              ))}
            </SelectField>
            <div className="form-actions">
              <button type="submit" className="button">
                {C.submit}
              </button>
            </div>
          </Form>
        )}
        {diff ? <DiffView data={data} /> : null}
      </section>

      <section className="card" aria-labelledby="history-heading">
        <h2 id="history-heading">{V.title}</h2>
        {versions.length === 0 ? <p className="muted">{V.none}</p> : null}
        <ol className="version-list">
          {versions.map((v) => (
            <li key={v.id} className="version" data-version={v.number}>
              <div className="version-head">
                <strong>{V.number(v.number)}</strong>
                <span className={v.complete ? "badge commitment-done" : "badge"}>
                  {v.complete ? V.complete : V.incomplete}
                </span>
                {v.restoredFrom ? <span className="badge">{V.restoredFrom(v.restoredFrom)}</span> : null}
                <span className="muted">{V.frozen(v.frozenBy, formatDateTime(v.frozenAt))}</span>
                <span className="hash" title={v.hash}>
                  {V.hash} {v.hash.slice(0, 12)}
                </span>
              </div>
              <ul className="signature-list" aria-label={V.signatures}>
                {v.signatures.map((s) => (
                  <li key={s.orgId}>
                    {s.orgName}：
                    {s.signed ? (
                      <>
                        {V.signedBy(s.signed.userName, formatDateTime(s.signed.signedAt))}{" "}
                        <span className="hash" title={s.signed.hash}>
                          {s.signed.hash.slice(0, 12)}
                        </span>
                      </>
                    ) : (
                      <span className="muted">{V.unsigned}</span>
                    )}
                  </li>
                ))}
              </ul>
              {data.mayRestore && v.number !== versions[0]!.number ? (
                <Form method="post" className="inline-form">
                  <input type="hidden" name="versionId" value={v.id} />
                  <input type="hidden" name="number" value={v.number} />
                  <button type="submit" className="button" disabled={busy} title={V.restoreHint}>
                    {V.restore}
                  </button>
                </Form>
              ) : null}
            </li>
          ))}
        </ol>
        {data.mayRestore && versions.length > 1 ? <p className="muted">{V.restoreHint}</p> : null}
      </section>
    </main>
  );
}

/** The difference between the chosen versions: the text with its words, then each list's rows. */
function DiffView({ data }: { data: Data }) {
  const diff = data.diff!;
  if (diff.same) return <p className="muted">{C.same}</p>;
  const partyName = new Map(data.parties.map((p) => [p.orgId, p.name]));
  return (
    <div className="diff">
      <h3>{C.text}</h3>
      <div className="diff-text">
        {diff.text.every((b) => b.op === "same") ? <p className="muted">{C.textSame}</p> : null}
        {diff.text.map((block, i) =>
          block.op === "changed" ? (
            <p key={i} className="diff-changed">
              {block.pieces.map((piece, k) =>
                piece.op === "added" ? (
                  <ins key={k}>{piece.text}</ins>
                ) : piece.op === "removed" ? (
                  <del key={k}>{piece.text}</del>
                ) : (
                  <Fragment key={k}>{piece.text}</Fragment>
                ),
              )}
            </p>
          ) : (
            <p key={i} className={`diff-${block.op}`}>
              {block.op === "added" ? (
                <ins>{block.text}</ins>
              ) : block.op === "removed" ? (
                <del>{block.text}</del>
              ) : (
                block.text
              )}
            </p>
          ),
        )}
      </div>
      {diff.lists.map((list) => (
        <ListDiffView
          key={`${list.key}-${list.partyOrgId}`}
          list={list}
          definition={data.plan.lists.find((l) => l.key === list.key)}
          party={list.partyOrgId === null ? C.shared : (partyName.get(list.partyOrgId) ?? "")}
        />
      ))}
    </div>
  );
}

function ListDiffView({
  list,
  definition,
  party,
}: {
  list: ListDiff;
  definition: Data["plan"]["lists"][number] | undefined;
  party: string;
}) {
  const columns = definition?.columns ?? [];
  const title = (key: string) => columns.find((c) => c.key === key)?.title ?? key;
  const cells = (row: Record<string, string>) => columns.map((c) => <td key={c.key}>{row[c.key] ?? ""}</td>);
  return (
    <div className="diff-list" data-list={list.key}>
      <h3>
        {definition?.title ?? list.key} · {party}
      </h3>
      <table className="diff-table">
        <thead>
          <tr>
            <th scope="col">{C.changed}</th>
            {columns.map((c) => (
              <th key={c.key} scope="col">
                {c.title}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {list.added.map((row, i) => (
            <tr key={`a${i}`} className="diff-row-added">
              <th scope="row">{C.rowAdded}</th>
              {cells(row)}
            </tr>
          ))}
          {list.removed.map((row, i) => (
            <tr key={`r${i}`} className="diff-row-removed">
              <th scope="row">{C.rowRemoved}</th>
              {cells(row)}
            </tr>
          ))}
          {list.changed.map((change) => (
            <tr key={change.id}>
              <th scope="row">{C.rowChanged}</th>
              {columns.map((c) => {
                const cell = change.cells.find((x) => x.column === c.key);
                return (
                  <td key={c.key}>
                    {cell ? (
                      <>
                        <del>{cell.before}</del> <ins>{cell.after}</ins>
                      </>
                    ) : (
                      (change.row[c.key] ?? "")
                    )}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
      {/* Cells outside the template's columns (none today) are still named. */}
      {list.changed.some((ch) => ch.cells.some((x) => !columns.some((c) => c.key === x.column))) ? (
        <ul>
          {list.changed.flatMap((ch) =>
            ch.cells
              .filter((x) => !columns.some((c) => c.key === x.column))
              .map((x) => (
                <li key={`${ch.id}-${x.column}`}>
                  {C.cell(title(x.column))}
                  <del>{x.before}</del> <ins>{x.after}</ins>
                </li>
              )),
          )}
        </ul>
      ) : null}
    </div>
  );
}
