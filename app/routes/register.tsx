import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { AccountFields } from "~/components/AccountFields";
import { useMemo } from "react";
import { Field, FormError } from "~/components/Field";
import { FilterListbox } from "~/components/FilterListbox";
import { t } from "~/i18n";
import { formObject, handleForm } from "~/lib/forms.server";
import { registerResident, sessionCookie } from "../../server/identity";
import { listRegions } from "../../server/regions";

export const meta: MetaFunction = () => [{ title: `${t.register.title} · ${t.app.name}` }];

export async function loader({ context }: LoaderFunctionArgs) {
  if (context.actor) throw redirect("/");
  const [districts, streets, communities] = await Promise.all([
    listRegions(context.database, { level: "district" }),
    listRegions(context.database, { level: "street" }),
    listRegions(context.database, { level: "community" }),
  ]);
  const names = new Map([...districts, ...streets].map((r) => [r.code, r.name]));
  // One <optgroup> per street, labelled with its district: 西城区 大栅栏街道.
  const groups = new Map<string, { label: string; communities: { code: string; name: string }[] }>();
  for (const c of communities) {
    const street = c.parentCode ?? "";
    const group = groups.get(street) ?? {
      label: [names.get(street.slice(0, 6)), names.get(street)].filter(Boolean).join(" "),
      communities: [],
    };
    group.communities.push({ code: c.code, name: c.name });
    groups.set(street, group);
  }
  return { groups: [...groups.values()] };
}

export async function action({ request, context }: ActionFunctionArgs) {
  if (context.actor) throw redirect("/");
  const form = formObject(await request.formData());
  return handleForm(async () => {
    const { token, expiresAt } = await registerResident(context.database, form, {
      ip: context.clientIp,
      userAgent: request.headers.get("user-agent"),
    });
    return redirect("/", { headers: { "Set-Cookie": sessionCookie(token, expiresAt, context.secureCookies) } });
  });
}

export default function Register() {
  const { groups } = useLoaderData<typeof loader>();
  // A city has thousands of communities: typing part of a community's or street's name finds one.
  const options = useMemo(
    () => groups.flatMap((g) => g.communities.map((c) => ({ value: c.code, label: c.name, group: g.label }))),
    [groups],
  );
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const failure = result && "ok" in result ? result : undefined;
  return (
    <main id="main" className="page narrow">
      <h1>{t.register.title}</h1>
      <p className="muted">{t.register.intro}</p>
      <Form method="post" className="card form" noValidate>
        <FormError message={failure?.message} />
        <AccountFields
          errors={failure?.fieldErrors}
          autoFocus
          between={
            <Field
              name="phone"
              label={t.register.phone}
              type="tel"
              inputMode="numeric"
              autoComplete="tel-national"
              errors={failure?.fieldErrors.phone}
            />
          }
        />
        <FilterListbox
          id="field-communityCode"
          name="communityCode"
          label={t.register.community}
          filterLabel={t.register.communityFilter}
          filterHint={t.register.communityFilterHint}
          matchesText={t.register.communityMatches}
          noneText={t.register.chooseCommunity}
          required
          options={options}
          errors={failure?.fieldErrors.communityCode}
        />
        {groups.length === 0 ? <p className="muted">{t.register.noCommunities}</p> : null}
        <button type="submit" className="button primary" disabled={busy}>
          {t.register.submit}
        </button>
        <p className="muted">
          {t.register.haveAccount} <Link to="/login">{t.register.login}</Link>
        </p>
      </Form>
    </main>
  );
}
