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
import { formatDateTime, t } from "~/i18n";
import { requirePermission } from "~/lib/auth.server";
import { formWithLists, handleForm, loadOrThrow, parseId } from "~/lib/forms.server";
import ratesStyles from "~/styles/rates.css?url";
import styles from "~/styles/insights.css?url";
import { summonableUnits } from "../../server/councils";
import { NotFoundError, ValidationError } from "../../server/errors";
import { blowWhistleForProblem, closeYearlyProblem, conveneForProblem, getMonthlyProblem } from "../../server/insights";
import { commitmentProgress, createPlan, planOf } from "../../server/plans";
import { regionNames } from "../../server/regions";

const I = t.insights;
const P = I.problem;
const D = t.problems.detail;

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
    progress: plan ? await commitmentProgress(context.database, actor, plan.id) : null,
    regionName: names[detail.problem.regionCode] ?? detail.problem.regionCode,
    summonable: units.map((u) => ({ value: u.id, label: u.name, group: t.orgKinds[u.kind] })),
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
      if (intent === "close") {
        await closeYearlyProblem(context.database, actor, id);
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

type Watch = ReturnType<typeof useLoaderData<typeof loader>>["watch"];

/** Calls per half month as bars; the year before, the baseline mean, the target and the ceiling as lines. */
function watchOption(watch: Watch): EChartsCoreOption {
  const periods = watch.periods;
  const flat = (value: number | null, from: "all" | "running") =>
    periods.map((p) => (value == null || (from === "running" && p.phase !== "running") ? null : value));
  const line = (name: string, data: (number | null)[], color: string, type: "dashed" | "dotted" | "solid") => ({
    name,
    type: "line",
    data,
    symbol: "none",
    connectNulls: false,
    itemStyle: { color },
    lineStyle: { color, type },
  });
  return {
    aria: { enabled: true },
    tooltip: { trigger: "axis" },
    legend: { top: 0 },
    grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
    xAxis: { type: "category", data: periods.map((v) => P.periodLabel(v.period)) },
    yAxis: { type: "value", minInterval: 1 },
    series: [
      {
        name: D.series.count,
        type: "bar",
        // The baseline half months are greyed: the problem was not yet being worked on.
        data: periods.map((v) => ({
          value: v.count,
          itemStyle: { color: v.phase === "running" ? "#b3261e" : "#c9a5a2" },
        })),
      },
      line(
        D.series.yearBefore,
        periods.map((v) => v.yearBefore),
        "#5b6570",
        "dashed",
      ),
      line(D.series.baseline, flat(watch.baselineMean, "all"), "#1f5fa8", "dotted"),
      line(D.series.target, flat(watch.target, "running"), "#1b6e3c", "solid"),
      ...(watch.ceiling == null ? [] : [line(D.series.ceiling, flat(watch.ceiling, "running"), "#8a5a00", "dashed")]),
    ],
  };
}

export default function MonthlyProblemPage() {
  const {
    problem: p,
    watch,
    tickets,
    mayAct,
    mayManage,
    pastYear,
    regionName,
    summonable,
    plan,
    progress,
    categories,
    areas,
    units,
  } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const failure = result && result.ok === false ? result : undefined;
  const chart = useMemo(() => watchOption(watch), [watch]);
  const r = watch.running;
  return (
    <main id="main" className="page insights-page">
      <p>
        <Link to={`/insights/monthly-problems?year=${p.month.slice(0, 4)}`}>← {t.problems.list.title}</Link>
      </p>
      <h1>{P.title(p.title)}</h1>
      {p.status === "closed" ? (
        <p className="muted">{D.closedNote}</p>
      ) : pastYear ? (
        <p className="muted">{D.pastYear}</p>
      ) : null}
      <section className="card">
        <p>{p.description}</p>
        <Facts
          rows={[
            [D.theme, p.theme || "—"],
            [I.problems.month, p.month],
            [D.categories, categories.map((c) => c.name).join("、")],
            [D.areas, areas.map((a) => a.name).join("、") || regionName],
            [P.lead, p.leadName ?? "—"],
            [D.units, units.map((u) => u.name).join("、") || "—"],
            [P.target, I.problems.targetValue(p.targetReductionPct)],
            [D.ceiling, D.ceilingValue(p.ceilingPerHalfMonth)],
            [I.problems.status, I.problems.statuses[p.status]],
            ...(p.closedAt ? [[D.closedAt, formatDateTime(p.closedAt)] as [string, string]] : []),
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
        {mayManage && p.status === "active" ? (
          <div className="form-actions">
            <Link to={`/insights/monthly-problems/${p.id}/edit`} className="button">
              {D.edit}
            </Link>
            <Form method="post">
              <input type="hidden" name="intent" value="close" />
              <button type="submit" className="button" disabled={busy} title={D.closeIntro}>
                {D.close}
              </button>
            </Form>
          </div>
        ) : null}
        {failure?.intent === "close" ? <FormError message={failure.message} /> : null}
      </section>

      <section className="card" aria-labelledby="volume-heading">
        <h2 id="volume-heading">{P.volumeHeading}</h2>
        <Facts
          rows={[
            [D.baseline, D.baselineValue(watch.baselineMean, watch.baselineCount)],
            [D.target, D.targetLine(watch.target)],
            [
              D.summaryHeading,
              <span key="summary">
                {D.summary(r.periods, r.mean, r.changePct)} {r.periods ? D.yearSummary(r.yearChangePct) : ""}{" "}
                {D.overCeiling(r.overCeiling)}{" "}
                <strong className={r.met === true ? "target-met" : r.met === false ? "target-missed" : undefined}>
                  {D.met[String(r.met) as "true" | "false" | "null"]}
                </strong>
              </span>,
            ],
          ]}
        />
        <EChart
          option={chart}
          label={D.chartLabel}
          loadingText={I.charts.loading}
          failedText={I.charts.failed}
          testId="chart-volume"
        />
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">{D.caption}</caption>
            <thead>
              <tr>
                <th scope="col">{P.period}</th>
                <th scope="col">{D.phase}</th>
                <th scope="col">{P.count}</th>
                <th scope="col">{P.yearBefore}</th>
                <th scope="col">{D.target}</th>
              </tr>
            </thead>
            <tbody>
              {watch.periods.map((v) => (
                <tr key={v.period}>
                  <td className="nowrap">
                    {P.periodLabel(v.period)}
                    {v.partial ? <small className="muted">{D.partial}</small> : null}
                  </td>
                  <td className="nowrap">{D.phases[v.phase]}</td>
                  <td className="num">{v.count}</td>
                  <td className="num">{v.yearBefore}</td>
                  <td className="num">{v.target ?? "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      <section className="card" aria-labelledby="progress-heading">
        <h2 id="progress-heading">{D.progressHeading}</h2>
        {plan && progress && progress.total > 0 ? (
          <>
            <p>
              <strong>{D.progress(progress.done, progress.total)}</strong>
              {progress.overdue ? <span className="target-missed"> · {D.overdue(progress.overdue)}</span> : null}
            </p>
            <ul>
              {(["not_started", "in_progress", "done"] as const).map((status) => (
                <li key={status}>
                  {D.statusCount(t.planWork.commitments.statuses[status], progress.byStatus[status])}
                </li>
              ))}
            </ul>
            <p>
              <Link to={`/plans/${plan.id}/commitments`}>{D.commitmentsLink}</Link>
            </p>
          </>
        ) : (
          <p className="muted">{D.progressNone}</p>
        )}
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
              options={summonable}
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
