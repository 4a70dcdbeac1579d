import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import type { FormEvent } from "react";
import { CopyBox } from "~/components/CopyBox";
import { Field, FormError } from "~/components/Field";
import { formatDateTime, t } from "~/i18n";
import { requirePermission } from "~/lib/auth.server";
import { formObject, handleForm, loadOrThrow, parseId } from "~/lib/forms.server";
import { NotFoundError, ValidationError } from "../../server/errors";
import { createApiKey, listApiKeys, revokeApiKey } from "../../server/tickets";

export const meta: MetaFunction = () => [{ title: `${t.admin.apiKeys.heading} · ${t.admin.title} · ${t.app.name}` }];

export async function loader({ context, request }: LoaderFunctionArgs) {
  const actor = requirePermission(context, request, "manage:api-key");
  return { keys: await loadOrThrow(() => listApiKeys(context.database, actor)) };
}

/** Create and revoke, told apart by `intent`; the service checks `manage:api-key` again. */
export async function action({ request, context }: ActionFunctionArgs) {
  const actor = requirePermission(context, request, "manage:api-key");
  const form = formObject(await request.formData());
  const meta = { ip: context.clientIp };
  const intent = form.intent ?? "";
  const targetId = form.targetId ?? "";
  return handleForm(
    async () => {
      if (intent === "create") {
        const key = await createApiKey(context.database, actor, form, meta);
        // Shown once: only the hash is stored, so this response is the secret's only copy.
        return { ok: true as const, intent, secret: key.secret, name: key.name };
      }
      if (intent === "revoke") {
        const id = parseId(targetId);
        if (!id) throw new NotFoundError("密钥不存在");
        await revokeApiKey(context.database, actor, id, meta);
        return { ok: true as const, intent, message: t.admin.apiKeys.revoked };
      }
      throw new ValidationError(t.errors.unknownIntent);
    },
    { intent, targetId },
  );
}

export default function ApiKeys() {
  const { keys } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const L = t.admin.apiKeys;
  const failure = result && result.ok === false ? result : undefined;
  const createFailure = failure?.intent === "create" ? failure : undefined;
  const rowFailure = (id: number) =>
    failure?.intent === "revoke" && failure.targetId === String(id) ? failure : undefined;
  const shownInline = !!createFailure || keys.some((k) => rowFailure(k.id));
  const created = result && result.ok && "secret" in result && result.secret ? { secret: result.secret } : undefined;
  const notice = result && result.ok && "message" in result ? result.message : undefined;
  const confirmRevoke = (name: string) => (event: FormEvent<HTMLFormElement>) => {
    if (!window.confirm(L.revokeConfirm(name))) event.preventDefault();
  };

  return (
    <>
      <h2 id="api-keys-heading">{L.heading}</h2>
      <p className="muted">
        {L.intro}{" "}
        <a href="/api/openapi.json" target="_blank" rel="noreferrer">
          {L.docs}
        </a>
      </p>
      {notice ? (
        <p className="form-ok" role="status">
          {notice}
        </p>
      ) : null}
      {failure && !shownInline ? <FormError message={failure.message} /> : null}

      {keys.length === 0 ? (
        <p className="muted">{L.empty}</p>
      ) : (
        <div className="table-wrap">
          <table aria-labelledby="api-keys-heading">
            <thead>
              <tr>
                <th scope="col">{L.name}</th>
                <th scope="col">{L.prefix}</th>
                <th scope="col">{L.createdAt}</th>
                <th scope="col">{L.lastUsedAt}</th>
                <th scope="col">{L.status}</th>
                <th scope="col">{L.actions}</th>
              </tr>
            </thead>
            <tbody>
              {keys.map((k) => (
                <tr key={k.id}>
                  <td>{k.name}</td>
                  <td className="nowrap">
                    <code>{k.prefix}…</code>
                  </td>
                  <td className="nowrap">
                    {formatDateTime(k.createdAt)}
                    {k.createdByName ? (
                      <>
                        <br />
                        <small className="muted">
                          {L.createdBy}：{k.createdByName}
                        </small>
                      </>
                    ) : null}
                  </td>
                  <td className="nowrap">{k.lastUsedAt ? formatDateTime(k.lastUsedAt) : L.never}</td>
                  <td>{k.revokedAt ? L.revokedAt(formatDateTime(k.revokedAt)) : L.active}</td>
                  <td>
                    {k.revokedAt ? null : (
                      <Form method="post" onSubmit={confirmRevoke(k.name)}>
                        <input type="hidden" name="intent" value="revoke" />
                        <input type="hidden" name="targetId" value={k.id} />
                        <button type="submit" className="button danger" disabled={busy}>
                          {L.revoke}
                          <span className="visually-hidden">（{k.name}）</span>
                        </button>
                      </Form>
                    )}
                    <FormError message={rowFailure(k.id)?.message} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <section aria-labelledby="create-key-heading">
        <h3 id="create-key-heading">{L.createHeading}</h3>
        {created ? (
          <div className="form-ok invite-link" role="status">
            <p>{L.secretReady}</p>
            <CopyBox id="api-key-secret" text={created.secret} copyLabel={t.admin.apiKeys.copy} />
            <p className="muted">{L.usage}</p>
          </div>
        ) : null}
        <Form method="post" className="card form narrow-form" noValidate key={created?.secret ?? "create"}>
          <FormError message={createFailure?.message} />
          <input type="hidden" name="intent" value="create" />
          <Field
            name="name"
            id="api-key-name"
            label={L.name}
            placeholder={L.namePlaceholder}
            required
            maxLength={40}
            errors={createFailure?.fieldErrors.name}
          />
          <button type="submit" className="button primary" disabled={busy}>
            {L.create}
          </button>
        </Form>
      </section>
    </>
  );
}
