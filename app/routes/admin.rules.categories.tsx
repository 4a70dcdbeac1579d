import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import type { FormEvent } from "react";
import { CheckList } from "~/components/councils/CheckList";
import { Field, FormError, SelectField } from "~/components/Field";
import { t } from "~/i18n";
import { requireActor } from "~/lib/auth.server";
import { formWithLists, handleForm, loadOrThrow, parseId } from "~/lib/forms.server";
import { categoryTagCodes, sevenHaves } from "../../db/schema/tickets";
import { NotFoundError, ValidationError } from "../../server/errors";
import {
  addCategory,
  LEAF_LEVEL,
  listCategoryTree as listTree,
  renameCategory,
  setCategoryActive,
  setCategoryTags,
  setLeafHandler,
} from "../../server/tickets";

export const meta: MetaFunction = () => [{ title: `${t.rules.tabs.categories} · ${t.rules.title} · ${t.app.name}` }];

export async function loader({ context, request }: LoaderFunctionArgs) {
  const actor = requireActor(context, request);
  const rows = await loadOrThrow(() => listTree(context.database, actor));
  const selectedId = parseId(new URL(request.url).searchParams.get("id"));
  const selected = selectedId ? (rows.find((r) => r.id === selectedId) ?? null) : null;
  if (selectedId && !selected) throw new Response("分类不存在", { status: 404 });
  return { rows, selected, leafLevel: LEAF_LEVEL };
}

export async function action({ context, request }: ActionFunctionArgs) {
  const actor = requireActor(context, request);
  const form = formWithLists(await request.formData(), ["tags"]);
  const meta = { ip: context.clientIp };
  const intent = typeof form.intent === "string" ? form.intent : "";
  const C = t.rules.categories;
  return handleForm(
    async () => {
      const database = context.database;
      if (intent === "add" || intent === "add-top") {
        const { id, code } = await addCategory(database, actor, form, meta);
        return redirect(`/admin/rules/categories?id=${id}&added=${encodeURIComponent(code)}`);
      }
      const id = parseId(typeof form.id === "string" ? form.id : null);
      if (!id) throw new NotFoundError("分类不存在");
      if (intent === "rename") {
        await renameCategory(database, actor, id, form, meta);
        return { ok: true as const, intent, message: C.renamed };
      }
      if (intent === "deactivate" || intent === "reactivate") {
        const { affected } = await setCategoryActive(
          database,
          actor,
          id,
          { active: intent === "reactivate" ? "true" : "false" },
          meta,
        );
        return {
          ok: true as const,
          intent,
          message: intent === "reactivate" ? C.reactivated : C.deactivated(affected),
        };
      }
      if (intent === "tags") {
        await setCategoryTags(database, actor, id, form, meta);
        return { ok: true as const, intent, message: C.tagsSaved };
      }
      if (intent === "handler") {
        await setLeafHandler(database, actor, id, form, meta);
        return { ok: true as const, intent, message: C.handlerSaved };
      }
      throw new ValidationError(t.errors.unknownIntent);
    },
    { intent },
  );
}

type Row = ReturnType<typeof useLoaderData<typeof loader>>["rows"][number];

function HandlerFields({ row, errors }: { row?: Row; errors?: Record<string, string[]> }) {
  const C = t.rules.categories;
  return (
    <>
      <SelectField
        name="handlerKind"
        id={`handlerKind-${row?.id ?? "new"}`}
        label={C.handlerKind}
        defaultValue={row?.handlerKind ?? ""}
        required
        errors={errors?.handlerKind}
      >
        <option value="">{C.chooseKind}</option>
        {Object.entries(t.rules.handlerKinds).map(([k, label]) => (
          <option key={k} value={k}>
            {label}
          </option>
        ))}
      </SelectField>
      <SelectField
        name="handlerFunction"
        id={`handlerFunction-${row?.id ?? "new"}`}
        label={C.handlerFunction}
        defaultValue={row?.handlerFunction ?? ""}
        errors={errors?.handlerFunction}
      >
        <option value="">{C.noFunction}</option>
        {Object.entries(t.rules.handlerFunctions).map(([key, label]) => (
          <option key={key} value={key}>
            {label}
          </option>
        ))}
      </SelectField>
      <SelectField
        name="limitClass"
        id={`limitClass-${row?.id ?? "new"}`}
        label={C.limitClass}
        defaultValue={row?.limitClass ?? ""}
        required
        errors={errors?.limitClass}
      >
        <option value="">{C.chooseKind}</option>
        {Object.entries(t.rules.limitClasses).map(([k, label]) => (
          <option key={k} value={k}>
            {label}
          </option>
        ))}
      </SelectField>
    </>
  );
}

function Tree({ rows, selectedId }: { rows: Row[]; selectedId: number | null }) {
  const children = new Map<number | null, Row[]>();
  for (const r of rows) children.set(r.parentId, [...(children.get(r.parentId) ?? []), r]);
  const selectedCode = rows.find((r) => r.id === selectedId)?.code ?? "";
  const node = (r: Row) => (
    <Link
      to={`?id=${r.id}`}
      className={r.id === selectedId ? "tree-node selected" : "tree-node"}
      aria-current={r.id === selectedId ? "true" : undefined}
    >
      <code>{r.code}</code> {r.name}
      {r.active ? null : <span className="badge muted-badge">{t.rules.categories.inactive}</span>}
    </Link>
  );
  const branch = (parentId: number | null) => (
    <ul>
      {(children.get(parentId) ?? []).map((r) => (
        <li key={r.id}>
          {node(r)}
          {children.has(r.id) ? branch(r.id) : null}
        </li>
      ))}
    </ul>
  );
  return (
    <div className="tree">
      {(children.get(null) ?? []).map((top) => (
        <details key={top.id} open={selectedCode === top.code || selectedCode.startsWith(`${top.code}.`)}>
          <summary>
            <code>{top.code}</code> {top.name}
            {top.active ? null : <span className="badge muted-badge">{t.rules.categories.inactive}</span>}
          </summary>
          <p className="tree-top">{node(top)}</p>
          {branch(top.id)}
        </details>
      ))}
    </div>
  );
}

function confirmFirst(message: string) {
  return (event: FormEvent<HTMLFormElement>) => {
    if (!window.confirm(message)) event.preventDefault();
  };
}

export default function Categories() {
  const { rows, selected, leafLevel } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const [params] = useSearchParams();
  const C = t.rules.categories;
  const G = t.governance;
  const failure = result && !result.ok ? result : undefined;
  const errorsFor = (intent: string) => (failure?.intent === intent ? failure.fieldErrors : undefined);
  const messageFor = (intent: string) => (failure?.intent === intent ? failure.message : undefined);
  const notice = result?.ok ? result.message : params.get("added") ? C.added(params.get("added")!) : undefined;
  const byId = new Map(rows.map((r) => [r.id, r]));
  const path: string[] = [];
  for (let at = selected; at; at = at.parentId == null ? null : (byId.get(at.parentId) ?? null)) path.unshift(at.name);

  return (
    <>
      <h3>{C.heading}</h3>
      <p className="muted">{C.intro}</p>
      {notice ? (
        <p className="form-ok" role="status">
          {notice}
        </p>
      ) : null}
      <div className="rules-split">
        <section aria-labelledby="tree-heading" className="card">
          <h4 id="tree-heading">{C.tree}</h4>
          <Tree rows={rows} selectedId={selected?.id ?? null} />
        </section>

        <div className="rules-panel">
          {selected ? (
            <section aria-labelledby="selected-heading" className="card">
              <h4 id="selected-heading">
                {C.selected}：{selected.name}
              </h4>
              <dl className="facts">
                <dt>{C.code}</dt>
                <dd>
                  <code>{selected.code}</code>
                </dd>
                <dt>{C.level}</dt>
                <dd>{t.rules.levels[selected.level]}</dd>
                <dt>{C.path}</dt>
                <dd>{path.join(" › ")}</dd>
              </dl>
              {!selected.active ? <p className="muted">{C.inactive}</p> : null}

              <Form method="post" className="form" key={`rename-${selected.id}`}>
                <input type="hidden" name="intent" value="rename" />
                <input type="hidden" name="id" value={selected.id} />
                <FormError message={messageFor("rename")} />
                <Field
                  name="name"
                  id="rename-name"
                  label={C.name}
                  defaultValue={selected.name}
                  required
                  maxLength={40}
                  errors={errorsFor("rename")?.name}
                />
                <button type="submit" className="button" disabled={busy}>
                  {C.rename}
                </button>
              </Form>

              <Form method="post" className="form" key={`tags-${selected.id}`}>
                <h5>{C.tags}</h5>
                <input type="hidden" name="intent" value="tags" />
                <input type="hidden" name="id" value={selected.id} />
                <FormError message={messageFor("tags")} />
                <p className="muted small">
                  {selected.ownTags.length === 0
                    ? selected.tags.length
                      ? C.tagsInherited(selected.tags.map((tag) => G.tags[tag]).join("、"))
                      : C.tagsNone
                    : null}
                </p>
                <CheckList
                  name="tags"
                  legend={C.tags}
                  hint={C.tagsIntro}
                  options={categoryTagCodes.map((tag) => ({
                    value: tag,
                    label: G.tags[tag],
                    group: (sevenHaves as readonly string[]).includes(tag) ? G.tagGroups.seven : G.tagGroups.five,
                  }))}
                  checked={[...selected.ownTags]}
                  errors={errorsFor("tags")?.tags}
                />
                <button type="submit" className="button" disabled={busy}>
                  {C.saveTags}
                </button>
              </Form>

              {selected.level === leafLevel ? (
                <Form method="post" className="form" key={`handler-${selected.id}`}>
                  <h5>{C.handler}</h5>
                  <input type="hidden" name="intent" value="handler" />
                  <input type="hidden" name="id" value={selected.id} />
                  <FormError message={messageFor("handler")} />
                  <HandlerFields row={selected} errors={errorsFor("handler")} />
                  <button type="submit" className="button" disabled={busy}>
                    {C.saveHandler}
                  </button>
                </Form>
              ) : null}

              <Form
                method="post"
                className="form"
                onSubmit={selected.active ? confirmFirst(C.deactivateConfirm(selected.name)) : undefined}
              >
                <input type="hidden" name="intent" value={selected.active ? "deactivate" : "reactivate"} />
                <input type="hidden" name="id" value={selected.id} />
                <FormError message={messageFor(selected.active ? "deactivate" : "reactivate")} />
                <button type="submit" className={selected.active ? "button danger" : "button"} disabled={busy}>
                  {selected.active ? C.deactivate : C.reactivate}
                </button>
              </Form>
            </section>
          ) : (
            <p className="muted">{C.select}</p>
          )}

          {selected && selected.level < leafLevel && selected.active ? (
            <section aria-labelledby="add-child-heading" className="card">
              <h4 id="add-child-heading">{C.addChild}</h4>
              <Form method="post" className="form" key={`add-${selected.id}`}>
                <input type="hidden" name="intent" value="add" />
                <input type="hidden" name="parentId" value={selected.id} />
                <FormError message={messageFor("add")} />
                <Field
                  name="name"
                  id="child-name"
                  label={C.name}
                  required
                  maxLength={40}
                  errors={errorsFor("add")?.name}
                />
                {selected.level + 1 === leafLevel ? (
                  <>
                    <p className="muted small">{C.leafOnly}</p>
                    <HandlerFields errors={errorsFor("add")} />
                  </>
                ) : null}
                <button type="submit" className="button primary" disabled={busy}>
                  {C.add}
                </button>
              </Form>
            </section>
          ) : selected && selected.level === leafLevel ? (
            <p className="muted small">{C.maxDepth}</p>
          ) : selected && !selected.active ? (
            <p className="muted small">{C.parentInactive}</p>
          ) : null}

          <section aria-labelledby="add-top-heading" className="card">
            <h4 id="add-top-heading">{C.addTop}</h4>
            <Form method="post" className="form">
              <input type="hidden" name="intent" value="add-top" />
              <FormError message={messageFor("add-top")} />
              <Field
                name="name"
                id="top-name"
                label={C.name}
                required
                maxLength={40}
                errors={errorsFor("add-top")?.name}
              />
              <button type="submit" className="button" disabled={busy}>
                {C.add}
              </button>
            </Form>
          </section>
        </div>
      </div>
    </>
  );
}
