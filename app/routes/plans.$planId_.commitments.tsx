import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { Commitments, commitmentsStylesheet } from "~/components/plans/Commitments";
import { t } from "~/i18n";
import { requireActor } from "~/lib/auth.server";
import { formObject, handleForm, loadOrThrow, parseId } from "~/lib/forms.server";
import { NotFoundError } from "../../server/errors";
import { listCommitments, updateCommitment } from "../../server/plans";

const W = t.planWork;

export const links: LinksFunction = () => [commitmentsStylesheet];

export const meta: MetaFunction = () => [{ title: `${W.commitments.heading} · ${t.app.name}` }];

/** /plans/:planId/commitments: the plan's commitments; its action takes the owner's progress reports from wherever the list is shown. */
export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const actor = requireActor(context, request);
  const planId = parseId(params.planId);
  if (!planId) throw new Response("Not Found", { status: 404 });
  const commitments = await loadOrThrow(() => listCommitments(context.database, actor, { planId }));
  return { planId, commitments };
}

export async function action({ context, request, params }: ActionFunctionArgs) {
  const actor = requireActor(context, request);
  const form = formObject(await request.formData());
  return handleForm(async () => {
    const commitmentId = parseId(form.commitmentId);
    if (!parseId(params.planId) || !commitmentId) throw new NotFoundError("承诺事项不存在");
    await updateCommitment(context.database, actor, commitmentId, form);
    return { ok: true as const };
  });
}

export default function PlanCommitments() {
  const { planId, commitments } = useLoaderData<typeof loader>();
  return (
    <main id="main" className="page">
      <p>
        <Link to={`/plans/${planId}`}>{W.versions.back}</Link>
      </p>
      <h1>{W.commitments.heading}</h1>
      <Commitments commitments={commitments} heading={false} />
    </main>
  );
}
