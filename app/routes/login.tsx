import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useNavigation, useSearchParams } from "@remix-run/react";
import { Field, FormError } from "~/components/Field";
import { t } from "~/i18n";
import { safeRedirect } from "~/lib/auth.server";
import { formObject, handleForm } from "~/lib/forms.server";
import { login, loginSchema, parseOrThrow, sessionCookie } from "../../server/identity";

export const meta: MetaFunction = () => [{ title: `${t.login.title} · ${t.app.name}` }];

/** Passes the action's headers on: a throttled sign-in must carry its Retry-After. */
export const headers: HeadersFunction = ({ actionHeaders }) => actionHeaders;

export function loader({ context, request }: LoaderFunctionArgs) {
  if (context.actor) throw redirect(safeRedirect(new URL(request.url).searchParams.get("redirectTo")));
  return null;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = formObject(await request.formData());
  return handleForm(async () => {
    const input = parseOrThrow(loginSchema, form);
    const { token, expiresAt } = await login(context.database, input, {
      ip: context.clientIp,
      userAgent: request.headers.get("user-agent"),
    });
    return redirect(safeRedirect(form.redirectTo), {
      headers: { "Set-Cookie": sessionCookie(token, expiresAt, context.secureCookies) },
    });
  });
}

export default function Login() {
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  const busy = useNavigation().state === "submitting";
  const failure = result && "ok" in result ? result : undefined;
  return (
    <main id="main" className="page narrow">
      <h1>{t.login.title}</h1>
      <p className="muted">{t.app.tagline}</p>
      <Form method="post" className="card form" noValidate>
        <FormError message={failure?.message} />
        <input type="hidden" name="redirectTo" value={params.get("redirectTo") ?? "/"} />
        <Field
          name="username"
          label={t.login.username}
          autoComplete="username"
          autoCapitalize="none"
          required
          autoFocus
          errors={failure?.fieldErrors.username}
        />
        <Field
          name="password"
          label={t.login.password}
          type="password"
          autoComplete="current-password"
          required
          errors={failure?.fieldErrors.password}
        />
        <button type="submit" className="button primary" disabled={busy}>
          {t.login.submit}
        </button>
        <p className="muted">
          {t.login.noAccount} <Link to="/register">{t.login.register}</Link>
        </p>
      </Form>
      <p className="page-footer">
        <Link to="/track">{t.tickets.track.loginLink}</Link>
      </p>
    </main>
  );
}
