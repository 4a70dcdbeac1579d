import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import type { FormEvent } from "react";
import { FormError } from "~/components/Field";
import { ListPager } from "~/components/ListPager";
import { SearchForm } from "~/components/SearchForm";
import { t } from "~/i18n";
import { requireActor } from "~/lib/auth.server";
import { formObject, handleForm, loadOrThrow, parseId } from "~/lib/forms.server";
import { withQuery } from "~/lib/href";
import { NotFoundError, ValidationError } from "../../server/errors";
import { listUsers, setUserStatus } from "../../server/identity";

export const meta: MetaFunction = () => [{ title: `${t.admin.users} · ${t.admin.title} · ${t.app.name}` }];

export async function loader({ context, request }: LoaderFunctionArgs) {
  const actor = requireActor(context, request);
  const url = new URL(request.url);
  const q = url.searchParams.get("q") ?? "";
  const cursor = url.searchParams.get("cursor") ?? "";
  const { users, next } = await loadOrThrow(() => listUsers(context.database, actor, { q, cursor }));
  return { users, next, q, paged: !!cursor, selfId: actor.userId };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const actor = requireActor(context, request);
  const form = formObject(await request.formData());
  const targetId = form.targetId ?? "";
  return handleForm(
    async () => {
      const userId = parseId(targetId);
      if (!userId) throw new NotFoundError("用户不存在");
      const status = form.status === "active" || form.status === "disabled" ? form.status : null;
      if (!status) throw new ValidationError(t.errors.unknownIntent);
      await setUserStatus(context.database, actor, userId, status, { ip: context.clientIp });
      return { ok: true as const, message: t.admin.userList.updated };
    },
    { targetId },
  );
}

export default function Users() {
  const { users, next, q, paged, selfId } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const failure = result && result.ok === false ? result : undefined;
  const notice = result && result.ok ? result.message : undefined;
  const L = t.admin.userList;
  return (
    <>
      <h2 id="users-heading">{L.heading}</h2>
      <SearchForm id="users-q" label={L.search} hint={L.searchHint} q={q} button={L.find} />
      {notice ? (
        <p className="form-ok" role="status">
          {notice}
        </p>
      ) : null}
      {failure && !users.some((u) => String(u.id) === failure.targetId) ? (
        <FormError message={failure.message} />
      ) : null}
      {users.length === 0 ? (
        <p className="muted">{q ? L.noMatch(q) : L.empty}</p>
      ) : (
        <div className="table-wrap">
          <table aria-labelledby="users-heading">
            <thead>
              <tr>
                <th scope="col">{L.user}</th>
                <th scope="col">{L.roles}</th>
                <th scope="col">{L.status}</th>
                <th scope="col">{L.actions}</th>
              </tr>
            </thead>
            <tbody>
              {users.map((u) => {
                const self = u.id === selfId;
                const next = u.status === "active" ? "disabled" : "active";
                const confirmDisable = (event: FormEvent<HTMLFormElement>) => {
                  if (next === "disabled" && !window.confirm(L.disableConfirm(u.displayName))) event.preventDefault();
                };
                return (
                  <tr key={u.id}>
                    <td>
                      {u.displayName}
                      {self ? L.you : null}
                      <br />
                      <small className="muted">{u.username}</small>
                    </td>
                    <td>
                      {u.memberships.length === 0 ? (
                        L.none
                      ) : (
                        <ul className="plain-list">
                          {u.memberships.map((m, i) => (
                            <li key={i}>
                              {t.roles[m.role]}
                              {m.orgName ? <small className="muted"> · {m.orgName}</small> : null}
                            </li>
                          ))}
                        </ul>
                      )}
                    </td>
                    <td className="nowrap">{L.statuses[u.status]}</td>
                    <td>
                      {self ? null : (
                        <Form method="post" onSubmit={confirmDisable}>
                          <input type="hidden" name="targetId" value={u.id} />
                          <input type="hidden" name="status" value={next} />
                          <button
                            type="submit"
                            className={next === "disabled" ? "button danger" : "button"}
                            disabled={busy}
                          >
                            {next === "disabled" ? L.disable : L.enable}
                            <span className="visually-hidden">（{u.displayName}）</span>
                          </button>
                        </Form>
                      )}
                      {failure && failure.targetId === String(u.id) ? <FormError message={failure.message} /> : null}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <ListPager
        paged={paged}
        next={next}
        href={(cursor) => withQuery("/admin/users", { q, cursor })}
        label={L.pages}
      />
    </>
  );
}
