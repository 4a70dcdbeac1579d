import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useLocation, useNavigation } from "@remix-run/react";
import { AccountFields } from "~/components/AccountFields";
import { FormError } from "~/components/Field";
import { formatDateTime, t } from "~/i18n";
import { requireActor } from "~/lib/auth.server";
import { formObject, handleForm } from "~/lib/forms.server";
import { acceptInvitation, findOpenInvitation, sessionCookie } from "../../server/identity";

export const meta: MetaFunction = () => [{ title: `${t.invite.title} · ${t.app.name}` }];

/** The token is in the URL: keep it out of Referer headers and shared caches. */
export const headers: HeadersFunction = () => ({ "Referrer-Policy": "no-referrer", "Cache-Control": "no-store" });

export async function loader({ context, params }: LoaderFunctionArgs) {
  const invitation = await findOpenInvitation(context.database, params.token ?? "");
  const signedInAs = context.actor?.displayName ?? null;
  // 410 Gone: the link existed or never did, either way it will not work again.
  if (!invitation) return data({ invitation: null, signedInAs }, { status: 410 });
  return {
    invitation: {
      orgName: invitation.orgName,
      role: invitation.role,
      manager: invitation.manager,
      expiresAt: invitation.expiresAt,
    },
    signedInAs,
  };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const token = params.token ?? "";
  const form = formObject(await request.formData());
  const meta = { ip: context.clientIp, userAgent: request.headers.get("user-agent") };
  if (form.intent === "accept") {
    const actor = requireActor(context, request);
    return handleForm(async () => {
      await acceptInvitation(context.database, token, { actor }, meta);
      return redirect("/");
    });
  }
  return handleForm(async () => {
    const result = await acceptInvitation(context.database, token, { account: form }, meta);
    if (!result.token || !result.expiresAt) return redirect("/");
    return redirect("/", {
      headers: { "Set-Cookie": sessionCookie(result.token, result.expiresAt, context.secureCookies) },
    });
  });
}

export default function Invite() {
  const { invitation, signedInAs } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const { pathname } = useLocation();
  const failure = result && "ok" in result ? result : undefined;

  if (!invitation) {
    return (
      <main id="main" className="page narrow">
        <h1>{t.invite.invalidTitle}</h1>
        <FormError message={failure?.message} />
        <p className="card">{t.invite.invalid}</p>
        <Link className="button" to="/">
          {t.errors.backHome}
        </Link>
      </main>
    );
  }

  return (
    <main id="main" className="page narrow">
      <h1>{t.invite.title}</h1>
      <div className="card">
        <p>{t.invite.intro(invitation.orgName, t.roles[invitation.role])}</p>
        {invitation.manager ? <p>{t.invite.asManager}</p> : null}
        <p className="muted">{t.invite.expires(formatDateTime(invitation.expiresAt))}</p>
      </div>
      {signedInAs ? (
        <Form method="post" className="card form">
          <FormError message={failure?.message} />
          <p>{t.invite.signedInAs(signedInAs)}</p>
          <input type="hidden" name="intent" value="accept" />
          <button type="submit" className="button primary" disabled={busy}>
            {t.invite.acceptAs(signedInAs)}
          </button>
        </Form>
      ) : (
        <Form method="post" className="card form" noValidate>
          <h2>{t.invite.createAccount}</h2>
          <p className="muted">{t.invite.newAccountIntro}</p>
          <FormError message={failure?.message} />
          <input type="hidden" name="intent" value="create" />
          <AccountFields errors={failure?.fieldErrors} />
          <button type="submit" className="button primary" disabled={busy}>
            {t.invite.createAccount}
          </button>
          <p className="muted">
            {t.invite.haveAccount}{" "}
            <Link to={`/login?redirectTo=${encodeURIComponent(pathname)}`}>{t.invite.loginFirst}</Link>
          </p>
        </Form>
      )}
    </main>
  );
}
