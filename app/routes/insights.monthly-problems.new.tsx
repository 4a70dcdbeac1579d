import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { ProblemForm } from "~/components/insights/ProblemForm";
import { t } from "~/i18n";
import { requirePermission } from "~/lib/auth.server";
import { formWithLists, handleForm } from "~/lib/forms.server";
import { PROBLEM_LISTS, problemFormChoices, yearChoices } from "~/lib/problem-form.server";
import styles from "~/styles/insights.css?url";
import { ServiceError } from "../../server/errors";
import { createYearlyProblem, DEFAULT_BASELINE_PERIODS } from "../../server/insights";
import { createPlan } from "../../server/plans";
import { beijingMonth } from "../../server/tickets";

const F = t.problems.form;

export const links: LinksFunction = () => [{ rel: "stylesheet", href: styles }];

export const meta: MetaFunction = () => [{ title: `${F.newTitle} · ${t.app.name}` }];

export async function loader({ context, request }: LoaderFunctionArgs) {
  const actor = requirePermission(context, request, "manage:monthly_problem");
  const current = beijingMonth(new Date());
  const asked = Number(new URL(request.url).searchParams.get("year"));
  const years = yearChoices(Number(current.slice(0, 4)));
  return {
    choices: await problemFormChoices(context.database, actor),
    years,
    year: years.includes(asked) ? asked : Number(current.slice(0, 4)),
    month: Number(current.slice(5, 7)),
    baselinePeriods: DEFAULT_BASELINE_PERIODS,
  };
}

export async function action({ context, request }: ActionFunctionArgs) {
  const actor = requirePermission(context, request, "manage:monthly_problem");
  const form = formWithLists(await request.formData(), PROBLEM_LISTS);
  return handleForm(async () => {
    const id = await createYearlyProblem(context.database, actor, form);
    // 一方案三清单 for the new problem (decision 0015): its lead and cooperating units are the parties.
    // Plans own their transaction; should this step fail, the problem's page offers to create the plan.
    await createPlan(context.database, actor, { kind: "monthly_problem", id }, { template: "three_lists" }).catch(
      (error: unknown) => {
        if (!(error instanceof ServiceError)) throw error;
      },
    );
    throw redirect(`/insights/monthly-problems/${id}`);
  });
}

export default function NewMonthlyProblem() {
  const { choices, years, year, month, baselinePeriods } = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  return (
    <main id="main" className="page insights-page">
      <p>
        <Link to={`/insights/monthly-problems?year=${year}`}>← {t.problems.list.title}</Link>
      </p>
      <h1>{F.newTitle}</h1>
      <p className="muted">{F.intro}</p>
      <ProblemForm
        choices={choices}
        years={years}
        failure={failure}
        busy={busy}
        submitLabel={F.create}
        cancelHref={`/insights/monthly-problems?year=${year}`}
        defaults={{
          theme: "",
          title: "",
          description: "",
          year,
          startMonth: month,
          categoryIds: [],
          regionCodes: [],
          leadOrgId: null,
          orgIds: [],
          targetReductionPct: "",
          ceilingPerHalfMonth: null,
          baselinePeriods,
        }}
      />
    </main>
  );
}
