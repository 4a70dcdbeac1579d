import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import type { EChartsCoreOption } from "echarts/core";
import { useMemo } from "react";
import { CheckList } from "~/components/councils/CheckList";
import { EChart } from "~/components/EChart";
import { FormError } from "~/components/Field";
import { Facts } from "~/components/insights/parts";
import { PlanSection, customListsFrom } from "~/components/plans/PlanSection";
import { t } from "~/i18n";
import { requirePermission } from "~/lib/auth.server";
import { formWithLists, handleForm, loadOrThrow, parseId } from "~/lib/forms.server";
import ratesStyles from "~/styles/rates.css?url";
import styles from "~/styles/insights.css?url";
import { summonableUnits } from "../../server/councils";
import { NotFoundError, ValidationError } from "../../server/errors";
import { blowWhistleForProblem, conveneForProblem, getMonthlyProblem } from "../../server/insights";
import { createPlan, planOf } from "../../server/plans";
import { regionNames } from "../../server/regions";

const I = t.insights;
const P = I.problem;

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: ratesStyles },
  { rel: "stylesheet", href: styles },
];

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `${data ? P.title(data.problem.title) : I.problems.heading} · ${t.app.name}` },
];

export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const actor = requirePermission(context, request, "read:insight");
  const id = parseId(params.id);
  if (!id) throw new Response("Not Found", { status: 404 });
  const detail = await loadOrThrow(() => getMonthlyProblem(context.database, actor, id));
  const [units, names, plan] = await Promise.all([
    detail.mayAct && !detail.problem.whistleId ? summonableUnits(context.database) : Promise.resolve([]),
    regionNames(context.database, [detail.problem.regionCode]),
    planOf(context.database.db, "monthly_problem", id),
  ]);
  return {
    ...detail,
    plan: plan ? { id: plan.id } : null,
    regionName: names[detail.problem.regionCode] ?? detail.problem.regionCode,
    units: units.map((u) => ({ value: u.id, label: u.name, group: t.orgKinds[u.kind] })),
  };
}

export async function action({ context, request, params }: ActionFunctionArgs) {
  const actor = requirePermission(context, request, "read:insight");
  const form = formWithLists(await request.formData(), ["orgIds"]);
  const intent = typeof form.intent === "string" ? form.intent : "";
  return handleForm(
    async () => {
      const id = parseId(params.id);
      if (!id) throw new NotFoundError("每月一题不存在");
      if (intent === "whistle") {
        await blowWhistleForProblem(context.database, actor, id, form);
        return { ok: true as const, intent };
      }
      if (intent === "council") {
        const councilId = await conveneForProblem(context.database, actor, id);
        throw redirect(`/councils/${councilId}`);
      }
      if (intent === "create-plan") {
        // 一方案三清单 for the problem itself (decision 0015): its lead and cooperating units are the parties.
        const planId = await createPlan(
          context.database,
          actor,
          { kind: "monthly_problem", id },
          { template: form.template, customLists: customListsFrom(form) },
        );
        throw redirect(`/plans/${planId}`);
      }
      throw new ValidationError(t.errors.unknownIntent);
    },
    { intent },
  );
}

type Volume = ReturnType<typeof useLoaderData<typeof loader>>["volume"];

function volumeOption(volume: Volume): EChartsCoreOption {
  return {
    aria: { enabled: true },
    tooltip: { trigger: "axis" },
    legend: { top: 0 },
    grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
    xAxis: { type: "category", data: volume.map((v) => P.periodLabel(v.period)) },
    yAxis: { type: "value", minInterval: 1 },
    series: [
      { name: I.charts.count, type: "bar", data: volume.map((v) => v.count), itemStyle: { color: "#b3261e" } },
      {
        name: I.charts.yearBefore,
        type: "line",
        data: volume.map((v) => v.yearBefore),
        itemStyle: { color: "#5b6570" },
        lineStyle: { color: "#5b6570", type: "dashed" },
      },
    ],
  };
}

export default function MonthlyProblemPage() {
  const { problem: p, volume, tickets, mayAct, regionName, units, plan } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const failure = result && result.ok === false ? result : undefined;
  const chart = useMemo(() => volumeOption(volume), [volume]);
  return (
    <main id="main" className="page insights-page">
      <p>
        <Link to="/insights">← {P.back}</Link>
      </p>
      <h1>{P.title(p.title)}</h1>
      <section className="card">
        <p>{p.description}</p>
        <Facts
          rows={[
            [I.problems.month, p.month],
            [I.problems.category, p.categoryName],
            [I.problems.region, regionName],
            [P.lead, p.leadName ?? "—"],
            [P.target, I.problems.targetValue(p.targetReductionPct)],
            [I.problems.status, I.problems.statuses[p.status]],
            [
              P.source,
              p.sourceHotSpotId ? (
                <Link key="source" to={`/insights/hot-spots/${p.sourceHotSpotId}`}>
                  {I.hotSpot.title(p.sourceHotSpotId)}
                </Link>
              ) : (
                "—"
              ),
            ],
          ]}
        />
      </section>

      <section className="card" aria-labelledby="volume-heading">
        <h2 id="volume-heading">{P.volumeHeading}</h2>
        <EChart
          option={chart}
          label={I.charts.volumeLabel}
          loadingText={I.charts.loading}
          failedText={I.charts.failed}
          testId="chart-volume"
        />
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">{P.volumeCaption}</caption>
            <thead>
              <tr>
                <th scope="col">{P.period}</th>
                <th scope="col">{P.count}</th>
                <th scope="col">{P.yearBefore}</th>
              </tr>
            </thead>
            <tbody>
              {volume.map((v) => (
                <tr key={v.period}>
                  <td>{P.periodLabel(v.period)}</td>
                  <td className="num">{v.count}</td>
                  <td className="num">{v.yearBefore}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      <section className="card" aria-labelledby="act-heading">
        <h2 id="act-heading">{P.actHeading}</h2>
        <FormError message={failure?.message} />
        {p.whistleId ? (
          <p>
            <Link to={`/councils/whistles/${p.whistleId}`}>{P.whistleLink(p.whistleId)}</Link>
          </p>
        ) : mayAct ? (
          <Form method="post" className="form">
            <input type="hidden" name="intent" value="whistle" />
            <p className="muted small">{P.whistleIntro}</p>
            <CheckList
              name="orgIds"
              legend={P.units}
              options={units}
              errors={failure?.intent === "whistle" ? failure.fieldErrors.orgIds : undefined}
            />
            <div className="form-actions">
              <button type="submit" className="button primary" disabled={busy}>
                {P.blow}
              </button>
            </div>
          </Form>
        ) : null}
        {p.councilId ? (
          <p>
            <Link to={`/councils/${p.councilId}`}>{P.councilLink(p.councilId)}</Link>
          </p>
        ) : mayAct ? (
          <Form method="post" className="form">
            <input type="hidden" name="intent" value="council" />
            <p className="muted small">{P.conveneIntro}</p>
            <div className="form-actions">
              <button type="submit" className="button" disabled={busy}>
                {P.convene}
              </button>
            </div>
          </Form>
        ) : null}
      </section>

      <PlanSection
        plan={plan}
        mayCreate={mayAct}
        busy={busy}
        failure={failure?.intent === "create-plan" ? failure : undefined}
      />
      <section aria-labelledby="tickets-heading">
        <h2 id="tickets-heading">
          {P.ticketsHeading} <small className="muted">（{tickets.length}）</small>
        </h2>
        <ul className="ticket-links">
          {tickets.map((x) => (
            <li key={x.id}>
              {x.readable ? <Link to={`/tickets/${x.id}`}>{x.number}</Link> : x.number} · {x.address} ·{" "}
              {t.tickets.statuses[x.status]}
            </li>
          ))}
        </ul>
      </section>
    </main>
  );
}
