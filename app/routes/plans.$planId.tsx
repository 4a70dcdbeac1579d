import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useRevalidator } from "@remix-run/react";
import { lazy, Suspense, useEffect, useState } from "react";
import { FormError } from "~/components/Field";
import { Commitments, commitmentsStylesheet } from "~/components/plans/Commitments";
import { formatDateTime, t } from "~/i18n";
import { requirePermission } from "~/lib/auth.server";
import { formObject, handleForm, loadOrThrow, parseId } from "~/lib/forms.server";
import { NotFoundError, ValidationError } from "../../server/errors";
import { freezeVersion, listCommitments, planView, signVersion } from "../../server/plans";
import styles from "~/styles/plans.css?url";

const P = t.plans;
const V = P.versions;

/** The editor (TipTap, yjs, y-websocket) is loaded in the browser only, after the page is shown. */
const PlanLive = lazy(() => import("~/components/plans/PlanLive"));

/**
 * Other people freeze and sign while the page is open; the sign-off panel is
 * server data, so it is re-read now and then (the text and lists are live).
 */
const SIGN_OFF_REFRESH_MS = 15_000;

export const links: LinksFunction = () => [{ rel: "stylesheet", href: styles }, commitmentsStylesheet];

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `${data?.owner ? P.planOf(data.owner.title) : P.title} · ${t.app.name}` },
];

export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const actor = requirePermission(context, request, "read:plan");
  const id = parseId(params.planId);
  if (!id) throw new Response("Not Found", { status: 404 });
  return loadOrThrow(async () => ({
    ...(await planView(context.database, context.planDocuments, actor, id)),
    commitments: await listCommitments(context.database, actor, { planId: id }),
  }));
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const actor = requirePermission(context, request, "read:plan");
  const form = formObject(await request.formData());
  const intent = form.intent ?? "";
  return handleForm(
    async () => {
      const planId = parseId(params.planId);
      if (!planId) throw new NotFoundError("方案不存在");
      switch (intent) {
        case "freeze":
          await freezeVersion(context.database, context.planDocuments, actor, planId);
          break;
        case "sign": {
          const versionId = parseId(form.versionId);
          if (!versionId) throw new NotFoundError("版本不存在");
          await signVersion(context.database, context.planDocuments, actor, planId, versionId);
          break;
        }
        default:
          throw new ValidationError(t.errors.unknownIntent);
      }
      return { ok: true as const, intent, done: Date.now() };
    },
    { intent },
  );
}

export default function PlanPage() {
  const { plan, owner, parties, me, signing, commitments } = useLoaderData<typeof loader>();
  const [mounted, setMounted] = useState(false);
  useEffect(() => setMounted(true), []);
  // The live content hash: the draft differs from the latest version as soon as anyone edits.
  const [liveHash, setLiveHash] = useState<string | null>(null);
  const revalidator = useRevalidator();
  useEffect(() => {
    const timer = setInterval(() => {
      if (document.visibilityState === "visible" && revalidator.state === "idle") revalidator.revalidate();
    }, SIGN_OFF_REFRESH_MS);
    return () => clearInterval(timer);
  }, [revalidator]);
  const loading = <p className="muted">{P.editor.loading}</p>;
  return (
    <main id="main" className="page plan-page">
      <p>
        <Link to="/plans">{P.title}</Link>
        {owner ? (
          <>
            {" · "}
            {owner.href ? <Link to={owner.href}>{owner.title}</Link> : owner.title}
          </>
        ) : null}
      </p>
      <h1>
        {owner ? P.planOf(owner.title) : P.title} <span className="badge">{P.templates[plan.template]}</span>
      </h1>
      {mounted ? (
        <Suspense fallback={loading}>
          <PlanLive
            planId={plan.id}
            lists={plan.lists}
            parties={parties.map(({ orgId, name, editable }) => ({ orgId, name, editable }))}
            me={{ userId: me.userId, name: me.name, orgName: me.orgName, editText: me.editText }}
            onHash={setLiveHash}
          />
        </Suspense>
      ) : (
        loading
      )}
      {/* Below the plan: one signs what one has read above. */}
      <SignOff signing={signing} chair={me.chair} planId={plan.id} liveHash={liveHash} />
      {/* 任务落实: once every party signed, the tasks as tracked commitments. */}
      {commitments.length ? <Commitments commitments={commitments} /> : null}
    </main>
  );
}

type Signing = ReturnType<typeof useLoaderData<typeof loader>>["signing"];

/** 定稿与签署: the latest version, who signed it and who has not, and the chair's and parties' buttons. */
function SignOff({
  signing,
  chair,
  planId,
  liveHash,
}: {
  signing: Signing;
  chair: boolean;
  planId: number;
  liveHash: string | null;
}) {
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const failure = result && result.ok === false ? result : undefined;
  const { latest, required, mySigning } = signing;
  // The server's answer at load time until the editor has the live content.
  const draft = latest ? (liveHash ? liveHash !== latest.hash : signing.draft) : false;
  const unsigned = required.filter((r) => !r.signed);
  const button = (intent: string, label: string, hidden: Record<string, number> = {}) => (
    <Form method="post" className="inline-form" key={intent}>
      <input type="hidden" name="intent" value={intent} />
      {Object.entries(hidden).map(([k, v]) => (
        <input key={k} type="hidden" name={k} value={v} />
      ))}
      <button type="submit" className="button primary" disabled={busy}>
        {label}
      </button>
    </Form>
  );
  return (
    <section className="card plan-signoff" aria-labelledby="signoff-heading">
      <h2 id="signoff-heading">
        {V.heading}
        {latest ? <span className="badge">{V.latest(latest.number)}</span> : null}
      </h2>
      {latest ? (
        <>
          <p className="muted">
            {V.frozenAt} {formatDateTime(latest.frozenAt)}
          </p>
          {draft ? (
            <p className="plan-draft" role="note">
              {V.draftChanged}
            </p>
          ) : null}
          <h3>{V.required}</h3>
          <ul className="signers">
            {required.map((r) => {
              const s = latest.signatures.find((sig) => sig.orgId === r.orgId);
              return (
                <li key={r.orgId} data-org={r.orgId} data-signed={r.signed}>
                  <span className={r.signed ? "badge badge-ok" : "badge badge-flag"}>
                    {r.signed ? V.signed : V.unsigned}
                  </span>{" "}
                  {s ? V.signedLine(s.orgName, s.userName, formatDateTime(s.signedAt)) : r.name}
                </li>
              );
            })}
          </ul>
          <p className="plan-signoff-summary">{unsigned.length === 0 ? V.allSigned : V.waiting(unsigned.length)}</p>
        </>
      ) : (
        <p className="muted">{V.none}</p>
      )}
      <FormError message={failure?.message} />
      {result?.ok && result.intent === "freeze" ? <p className="form-ok">{V.frozen}</p> : null}
      <div className="form-actions">
        {chair ? button("freeze", V.freeze) : null}
        {latest && !draft && mySigning.length
          ? button(
              "sign",
              mySigning.length === 1 ? V.signFor(required.find((r) => r.orgId === mySigning[0])?.name ?? "") : V.sign,
              { versionId: latest.id },
            )
          : null}
        <Link to={`/plans/${planId}/versions`}>{V.history}</Link>
        {/* What is printed and exported is a version every party signed. */}
        {signing.anySigned ? (
          <>
            <Link to={`/plans/${planId}/print`}>{t.planWork.versions.print}</Link>
            <a href={`/plans/${planId}/export.xlsx`} download>
              {t.planWork.versions.export}
            </a>
          </>
        ) : null}
      </div>
    </section>
  );
}
