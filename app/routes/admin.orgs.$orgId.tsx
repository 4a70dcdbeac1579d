import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import type { FormEvent } from "react";
import { CopyBox } from "~/components/CopyBox";
import { Field, FormError, SelectField } from "~/components/Field";
import { SearchForm } from "~/components/SearchForm";
import { formatDateTime, t } from "~/i18n";
import { requireActor } from "~/lib/auth.server";
import { formObject, handleForm, loadOrThrow, parseId } from "~/lib/forms.server";
import { NotFoundError, ValidationError } from "../../server/errors";
import {
  changeMembership,
  createInvitation,
  getOrganisation,
  removeMembership,
  revokeInvitation,
} from "../../server/identity";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `${data?.org.name ?? t.admin.organisations} · ${t.admin.title} · ${t.app.name}` },
];

export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const actor = requireActor(context, request);
  const orgId = parseId(params.orgId);
  if (!orgId) throw new Response("Not Found", { status: 404 });
  const q = new URL(request.url).searchParams.get("q") ?? "";
  const detail = await loadOrThrow(() => getOrganisation(context.database, actor, orgId, { q }));
  return { ...detail, q, selfId: actor.userId };
}

/** One action for the page's forms, told apart by `intent`; each service checks the actor's rights. */
export async function action({ request, context, params }: ActionFunctionArgs) {
  const actor = requireActor(context, request);
  const form = formObject(await request.formData());
  const meta = { ip: context.clientIp };
  const intent = form.intent ?? "";
  const targetId = form.targetId ?? "";
  return handleForm(
    async () => {
      const orgId = parseId(params.orgId);
      if (!orgId) throw new NotFoundError("组织不存在");
      if (intent === "invite") {
        const { token, expiresAt } = await createInvitation(context.database, actor, orgId, form, meta);
        // Shown once: only the hash is stored, so this response is the link's only copy.
        const link = `${new URL(request.url).origin}/invite/${token}`;
        return { ok: true as const, intent: "invite" as const, link, expiresAt };
      }
      const id = parseId(targetId);
      if (!id) throw new NotFoundError();
      if (intent === "revoke") {
        await revokeInvitation(context.database, actor, id, meta);
        return { ok: true as const, intent, message: t.admin.org.revoked };
      }
      if (intent === "change") {
        await changeMembership(context.database, actor, id, form, meta);
        return { ok: true as const, intent, message: t.admin.org.changed };
      }
      if (intent === "remove") {
        await removeMembership(context.database, actor, id, meta);
        return { ok: true as const, intent, message: t.admin.org.removed };
      }
      throw new ValidationError(t.errors.unknownIntent);
    },
    { intent, targetId },
  );
}

function confirmFirst(message: string) {
  return (event: FormEvent<HTMLFormElement>) => {
    if (!window.confirm(message)) event.preventDefault();
  };
}

export default function Organisation() {
  const { org, members, memberTotal, q, invitations, assignableRoles, canManage, canInvite, selfId } =
    useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const failure = result && result.ok === false ? result : undefined;
  const failureFor = (intent: string, targetId?: number) =>
    failure && failure.intent === intent && (targetId === undefined || failure.targetId === String(targetId))
      ? failure
      : undefined;
  const invited =
    result && result.ok && "link" in result && result.link && result.expiresAt
      ? { link: result.link, expiresAt: result.expiresAt }
      : undefined;
  const notice = result && result.ok && "message" in result ? result.message : undefined;
  const inviteFailure = failureFor("invite");
  // A failure for a row no longer on the page (already revoked, removed meanwhile) is shown at the top.
  const shownInline =
    !!inviteFailure ||
    (canManage && members.some((m) => failureFor("change", m.membershipId) || failureFor("remove", m.membershipId))) ||
    (canInvite && invitations.some((inv) => failureFor("revoke", inv.id)));

  return (
    <>
      <p>
        <Link to="/admin/orgs">← {t.admin.org.back}</Link>
      </p>
      <h2>{org.name}</h2>
      <p className="muted">{t.admin.org.summary(t.orgKinds[org.kind], org.regionName)}</p>
      {notice ? (
        <p className="form-ok" role="status">
          {notice}
        </p>
      ) : null}
      {failure && !shownInline ? <FormError message={failure.message} /> : null}

      <section aria-labelledby="members-heading">
        <h3 id="members-heading">{t.admin.org.members}</h3>
        {!canManage ? <p className="muted">{t.admin.org.readOnly}</p> : null}
        {memberTotal > members.length || q ? (
          <SearchForm id="members-q" label={t.admin.org.search} q={q} button={t.admin.orgs.find} />
        ) : null}
        {memberTotal > members.length ? (
          <p className="muted" role="status">
            {t.admin.org.firstOf(members.length, memberTotal)}
          </p>
        ) : null}
        {members.length === 0 ? (
          <p className="muted">{q ? t.admin.org.noMatch(q) : t.admin.org.noMembers}</p>
        ) : (
          <div className="table-wrap">
            <table aria-labelledby="members-heading">
              <thead>
                <tr>
                  <th scope="col">{t.admin.org.member}</th>
                  <th scope="col">{t.admin.org.role}</th>
                  <th scope="col">{t.admin.org.manager}</th>
                  {canManage ? <th scope="col">{t.admin.org.actions}</th> : null}
                </tr>
              </thead>
              <tbody>
                {members.map((m) => {
                  const self = m.userId === selfId;
                  const rowFailure = failureFor("change", m.membershipId) ?? failureFor("remove", m.membershipId);
                  return (
                    <tr key={m.membershipId}>
                      <td>
                        {m.displayName}
                        {self ? t.admin.org.you : null}
                        <br />
                        <small className="muted">{m.username}</small>
                        {m.status === "disabled" ? (
                          <span className="badge muted-badge">{t.admin.org.disabled}</span>
                        ) : null}
                      </td>
                      <td className="nowrap">{t.roles[m.role]}</td>
                      <td className="nowrap">{m.manager ? t.common.yes : t.common.no}</td>
                      {canManage ? (
                        <td>
                          <div className="row-actions">
                            <Form
                              method="post"
                              className="inline-form"
                              key={`${m.membershipId}-${m.role}-${m.manager}`}
                            >
                              <input type="hidden" name="intent" value="change" />
                              <input type="hidden" name="targetId" value={m.membershipId} />
                              <select name="role" defaultValue={m.role} aria-label={t.admin.org.roleFor(m.displayName)}>
                                {assignableRoles.map((r) => (
                                  <option key={r} value={r}>
                                    {t.roles[r]}
                                  </option>
                                ))}
                              </select>
                              <label className="checkbox">
                                <input type="checkbox" name="manager" defaultChecked={m.manager} />
                                {t.admin.org.managerLabel}
                                <span className="visually-hidden">（{m.displayName}）</span>
                              </label>
                              <button type="submit" className="button" disabled={busy}>
                                {t.admin.org.save}
                                <span className="visually-hidden">（{m.displayName}）</span>
                              </button>
                            </Form>
                            {self ? null : (
                              <Form method="post" onSubmit={confirmFirst(t.admin.org.removeConfirm(m.displayName))}>
                                <input type="hidden" name="intent" value="remove" />
                                <input type="hidden" name="targetId" value={m.membershipId} />
                                <button type="submit" className="button danger" disabled={busy}>
                                  {t.admin.org.remove}
                                  <span className="visually-hidden">（{m.displayName}）</span>
                                </button>
                              </Form>
                            )}
                          </div>
                          <FormError message={rowFailure?.message} />
                        </td>
                      ) : null}
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </section>

      {canInvite ? (
        <section aria-labelledby="invite-heading">
          <h3 id="invite-heading">{t.admin.org.inviteHeading}</h3>
          {invited ? (
            <div className="form-ok invite-link" role="status">
              <p>{t.admin.org.linkReady}</p>
              <CopyBox id="invite-link" text={invited.link} copyLabel={t.admin.org.copy} />
              <p>{t.admin.org.linkExpires(formatDateTime(invited.expiresAt))}</p>
            </div>
          ) : null}
          <Form method="post" className="card form narrow-form" noValidate key={invited?.link ?? "invite"}>
            <p className="muted">{t.admin.org.inviteIntro}</p>
            <FormError message={inviteFailure?.message} />
            <input type="hidden" name="intent" value="invite" />
            <SelectField
              name="role"
              id="invite-role"
              label={t.admin.org.inviteRole}
              defaultValue={assignableRoles[0]}
              required
              errors={inviteFailure?.fieldErrors.role}
            >
              {assignableRoles.map((r) => (
                <option key={r} value={r}>
                  {t.roles[r]}
                </option>
              ))}
            </SelectField>
            <label className="checkbox">
              <input type="checkbox" name="manager" />
              {t.admin.org.inviteManager}
            </label>
            <Field
              name="note"
              id="invite-note"
              label={t.admin.org.inviteNote}
              maxLength={100}
              errors={inviteFailure?.fieldErrors.note}
            />
            <button type="submit" className="button primary" disabled={busy}>
              {t.admin.org.inviteSubmit}
            </button>
          </Form>

          <h3 id="open-invitations-heading">{t.admin.org.openInvitations}</h3>
          {invitations.length === 0 ? (
            <p className="muted">{t.admin.org.noInvitations}</p>
          ) : (
            <div className="table-wrap">
              <table aria-labelledby="open-invitations-heading">
                <thead>
                  <tr>
                    <th scope="col">{t.admin.org.role}</th>
                    <th scope="col">{t.admin.org.manager}</th>
                    <th scope="col">{t.admin.org.note}</th>
                    <th scope="col">{t.admin.org.expiresAt}</th>
                    <th scope="col">{t.admin.org.actions}</th>
                  </tr>
                </thead>
                <tbody>
                  {invitations.map((inv) => (
                    <tr key={inv.id}>
                      <td className="nowrap">{t.roles[inv.role]}</td>
                      <td className="nowrap">{inv.manager ? t.common.yes : t.common.no}</td>
                      <td>{inv.note ?? ""}</td>
                      <td className="nowrap">{formatDateTime(inv.expiresAt)}</td>
                      <td>
                        <Form method="post" onSubmit={confirmFirst(t.admin.org.revokeConfirm)}>
                          <input type="hidden" name="intent" value="revoke" />
                          <input type="hidden" name="targetId" value={inv.id} />
                          <button type="submit" className="button danger" disabled={busy}>
                            {t.admin.org.revoke}
                            <span className="visually-hidden">
                              （{t.roles[inv.role]} {inv.note ?? ""}）
                            </span>
                          </button>
                        </Form>
                        <FormError message={failureFor("revoke", inv.id)?.message} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
      ) : null}
    </>
  );
}
