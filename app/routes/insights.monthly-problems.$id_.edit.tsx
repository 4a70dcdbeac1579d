import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { ProblemForm } from "~/components/insights/ProblemForm";
import { t } from "~/i18n";
import { requirePermission } from "~/lib/auth.server";
import { formWithLists, handleForm, loadOrThrow, parseId } from "~/lib/forms.server";
import { PROBLEM_LISTS, problemFormChoices, yearChoices } from "~/lib/problem-form.server";
import styles from "~/styles/insights.css?url";
import { NotFoundError } from "../../server/errors";
import { getMonthlyProblem, updateYearlyProblem } from "../../server/insights";
import { beijingMonth } from "../../server/tickets";

const F = t.problems.form;

export const links: LinksFunction = () => [{ rel: "stylesheet", href: styles }];

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `${data ? F.editTitle(data.problem.title) : F.newTitle} · ${t.app.name}` },
];

export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const actor = requirePermission(context, request, "manage:monthly_problem");
  const id = parseId(params.id);
  if (!id) throw new Response("Not Found", { status: 404 });
  const detail = await loadOrThrow(() => getMonthlyProblem(context.database, actor, id));
  if (!detail.mayManage) throw new Response(t.errors.forbidden, { status: 403 });
  if (detail.problem.status !== "active") throw new Response(F.closedEdit, { status: 409 });
  const p = detail.problem;
  const year = Number(p.month.slice(0, 4));
  return {
    problem: { id: p.id, title: p.title },
    choices: await problemFormChoices(context.database, actor),
    years: yearChoices(Number(beijingMonth(new Date()).slice(0, 4)), year),
    defaults: {
      theme: p.theme,
      title: p.title,
      description: p.description,
      year,
      startMonth: Number(p.month.slice(5, 7)),
      categoryIds: detail.categories.map((c) => c.id),
      regionCodes: detail.areas.map((a) => a.code),
      leadOrgId: p.leadOrgId,
      orgIds: detail.units.map((u) => u.id),
      targetReductionPct: p.targetReductionPct,
      ceilingPerHalfMonth: p.ceilingPerHalfMonth,
      baselinePeriods: p.baselinePeriods,
    },
  };
}

export async function action({ context, request, params }: ActionFunctionArgs) {
  const actor = requirePermission(context, request, "manage:monthly_problem");
  const form = formWithLists(await request.formData(), PROBLEM_LISTS);
  return handleForm(async () => {
    const id = parseId(params.id);
    if (!id) throw new NotFoundError("每月一题不存在");
    await updateYearlyProblem(context.database, actor, id, form);
    throw redirect(`/insights/monthly-problems/${id}`);
  });
}

export default function EditMonthlyProblem() {
  const { problem, choices, years, defaults } = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const back = `/insights/monthly-problems/${problem.id}`;
  return (
    <main id="main" className="page insights-page">
      <p>
        <Link to={back}>← {problem.title}</Link>
      </p>
      <h1>{F.editTitle(problem.title)}</h1>
      <ProblemForm
        choices={choices}
        years={years}
        failure={failure}
        busy={busy}
        submitLabel={F.save}
        cancelHref={back}
        defaults={defaults}
      />
    </main>
  );
}
