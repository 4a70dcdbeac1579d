import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import type { EChartsCoreOption } from "echarts/core";
import { useMemo } from "react";
import { EChart } from "~/components/EChart";
import { Field, FormError, TextareaField } from "~/components/Field";
import { FilterListbox } from "~/components/FilterListbox";
import { barOption, Facts, TrendBadge } from "~/components/insights/parts";
import { formatDateTime, t } from "~/i18n";
import { requirePermission } from "~/lib/auth.server";
import { formObject, handleForm, loadOrThrow, parseId } from "~/lib/forms.server";
import ratesStyles from "~/styles/rates.css?url";
import styles from "~/styles/insights.css?url";
import { summonableUnits } from "../../server/councils";
import { NotFoundError, ValidationError } from "../../server/errors";
import { createMonthlyProblem, dismissHotSpot, getHotSpot } from "../../server/insights";
import { regionNames } from "../../server/regions";
import { beijingMonth } from "../../server/tickets";

const I = t.insights;
const H = I.hotSpot;

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: ratesStyles },
  { rel: "stylesheet", href: styles },
];

export const meta: MetaFunction = ({ params }) => [{ title: `${H.title(Number(params.id))} · ${t.app.name}` }];

export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const actor = requirePermission(context, request, "read:insight");
  const id = parseId(params.id);
  if (!id) throw new Response("Not Found", { status: 404 });
  const detail = await loadOrThrow(() => getHotSpot(context.database, actor, id));
  const [units, names] = await Promise.all([
    detail.mayReview ? summonableUnits(context.database) : Promise.resolve([]),
    regionNames(context.database, detail.hotSpot.regionCode ? [detail.hotSpot.regionCode] : []),
  ]);
  return {
    ...detail,
    regionName: detail.hotSpot.regionCode ? (names[detail.hotSpot.regionCode] ?? detail.hotSpot.regionCode) : "—",
    units: units.map(({ id: unitId, name, kind }) => ({ value: String(unitId), label: name, group: t.orgKinds[kind] })),
    month: beijingMonth(new Date()),
  };
}

export async function action({ context, request, params }: ActionFunctionArgs) {
  const actor = requirePermission(context, request, "read:insight");
  const form = formObject(await request.formData());
  const { intent = "" } = form;
  return handleForm(
    async () => {
      const id = parseId(params.id);
      if (!id) throw new NotFoundError("热点不存在");
      if (intent === "dismiss") {
        await dismissHotSpot(context.database, actor, id, form);
        return { ok: true as const, intent };
      }
      if (intent === "proactive") {
        const problemId = await createMonthlyProblem(context.database, actor, id, form);
        throw redirect(`/insights/monthly-problems/${problemId}`);
      }
      throw new ValidationError(t.errors.unknownIntent);
    },
    { intent },
  );
}

function weeklyOption(weekly: { week: string; count: number }[]): EChartsCoreOption {
  return {
    aria: { enabled: true },
    tooltip: { trigger: "axis" },
    grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
    xAxis: { type: "category", data: weekly.map((w) => w.week), boundaryGap: false },
    yAxis: { type: "value", minInterval: 1 },
    series: [
      {
        name: I.charts.count,
        type: "line",
        data: weekly.map((w) => w.count),
        symbolSize: 5,
        itemStyle: { color: "#b3261e" },
        lineStyle: { color: "#b3261e", width: 2 },
        areaStyle: { color: "rgba(179, 38, 30, 0.15)" },
      },
    ],
  };
}

export default function HotSpotPage() {
  const {
    hotSpot: h,
    tickets,
    weekly,
    categories,
    problemId,
    mayReview,
    regionName,
    units,
    month,
  } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const failure = result && result.ok === false ? result : undefined;
  const errorsFor = (intent: string) => (failure?.intent === intent ? failure.fieldErrors : {});
  const weeklyChart = useMemo(() => weeklyOption(weekly), [weekly]);
  const categoryChart = useMemo(() => barOption(categories, I.charts.count), [categories]);
  return (
    <main id="main" className="page insights-page">
      <p>
        <Link to="/insights">← {H.back}</Link>
      </p>
      <h1>
        {H.title(h.id)} · {h.familyName}
      </h1>
      <section className="card" aria-labelledby="summary-heading">
        <h2 id="summary-heading">{H.summary}</h2>
        <Facts
          rows={[
            [I.hotSpots.region, regionName],
            [I.hotSpots.tickets, h.ticketCount],
            [I.hotSpots.score, h.score.toFixed(1)],
            [
              I.hotSpots.trend,
              <>
                <TrendBadge trend={h.trend} /> <small className="muted">{H.recentPrevious(h.recent, h.previous)}</small>
              </>,
            ],
            [H.centre, `${h.centreLon.toFixed(5)}, ${h.centreLat.toFixed(5)} · ${H.radius} ${H.metres(h.radiusM)}`],
            [I.hotSpots.firstAt, formatDateTime(h.firstAt)],
            [I.hotSpots.lastAt, formatDateTime(h.lastAt)],
            [I.filters.status, I.statuses[h.status]],
            [
              I.hotSpots.review,
              <span key="review" data-testid="review">
                {I.reviews[h.review]}
                {h.reviewNote ? ` · ${H.reviewNote}：${h.reviewNote}` : ""}
                {problemId ? (
                  <>
                    {" "}
                    · <Link to={`/insights/monthly-problems/${problemId}`}>{H.problemLink}</Link>
                  </>
                ) : null}
              </span>,
            ],
          ]}
        />
        {result?.ok ? (
          <p className="form-ok" role="status">
            {H.dismissed}
          </p>
        ) : null}
      </section>

      <div className="chart-grid">
        <section className="card" aria-labelledby="weekly-heading">
          <h2 id="weekly-heading">{I.charts.weeklyTitle}</h2>
          <EChart
            option={weeklyChart}
            label={I.charts.weeklyLabel}
            loadingText={I.charts.loading}
            failedText={I.charts.failed}
            testId="chart-weekly"
          />
        </section>
        <section className="card" aria-labelledby="category-heading">
          <h2 id="category-heading">{I.charts.categoryTitle}</h2>
          <EChart
            option={categoryChart}
            label={I.charts.categoryLabel}
            loadingText={I.charts.loading}
            failedText={I.charts.failed}
            height={Math.max(160, categories.length * 36)}
            testId="chart-categories"
          />
        </section>
      </div>

      {mayReview && h.review === "open" ? (
        <div className="review-forms">
          <section className="card" aria-labelledby="proactive-heading">
            <h2 id="proactive-heading">{H.proactiveHeading}</h2>
            <p className="muted small">{H.proactiveIntro}</p>
            <Form method="post" className="form" noValidate>
              <input type="hidden" name="intent" value="proactive" />
              <FormError message={failure?.intent === "proactive" ? failure.message : undefined} />
              <Field
                name="title"
                id="problem-title"
                label={H.problemTitle}
                defaultValue={`${regionName}${h.familyName}问题治理`}
                errors={errorsFor("proactive").title}
                required
              />
              <TextareaField
                name="description"
                id="problem-description"
                label={H.problemDescription}
                defaultValue={`${h.familyName}：${h.ticketCount} 件来电，${formatDateTime(h.firstAt)} 至 ${formatDateTime(h.lastAt)}。`}
                errors={errorsFor("proactive").description}
                required
              />
              <Field
                name="month"
                id="problem-month"
                label={H.month}
                defaultValue={month}
                errors={errorsFor("proactive").month}
                required
              />
              <FilterListbox
                id="problem-lead"
                name="leadOrgId"
                label={H.leadOrg}
                filterLabel={H.leadFilter}
                filterHint={H.leadFilterHint}
                matchesText={H.leadMatches}
                noneText={H.noLead}
                clearable
                options={units}
                errors={errorsFor("proactive").leadOrgId}
              />
              <Field
                name="targetReductionPct"
                id="problem-target"
                type="number"
                inputMode="numeric"
                min={1}
                max={100}
                label={H.target}
                defaultValue="30"
                errors={errorsFor("proactive").targetReductionPct}
                required
              />
              <div className="form-actions">
                <button type="submit" className="button primary" disabled={busy}>
                  {H.proactive}
                </button>
              </div>
            </Form>
          </section>
          <section className="card" aria-labelledby="dismiss-heading">
            <h2 id="dismiss-heading">{H.dismissHeading}</h2>
            <Form method="post" className="form" noValidate>
              <input type="hidden" name="intent" value="dismiss" />
              <FormError message={failure?.intent === "dismiss" ? failure.message : undefined} />
              <TextareaField
                name="reason"
                id="dismiss-reason"
                label={H.dismissReason}
                errors={errorsFor("dismiss").reason}
                required
              />
              <div className="form-actions">
                <button type="submit" className="button" disabled={busy}>
                  {H.dismiss}
                </button>
              </div>
            </Form>
          </section>
        </div>
      ) : null}

      <section aria-labelledby="tickets-heading">
        <h2 id="tickets-heading">
          {H.ticketsHeading} <small className="muted">（{tickets.length}）</small>
        </h2>
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">{H.ticketsCaption}</caption>
            <thead>
              <tr>
                <th scope="col">{H.number}</th>
                <th scope="col">{H.received}</th>
                <th scope="col">{H.category}</th>
                <th scope="col">{H.address}</th>
                <th scope="col">{H.status}</th>
              </tr>
            </thead>
            <tbody>
              {tickets.map((x) => (
                <tr key={x.id}>
                  <td>
                    {x.readable ? (
                      <Link to={`/tickets/${x.id}`}>{x.number}</Link>
                    ) : (
                      <>
                        {x.number} <small className="muted">{H.notReadable}</small>
                      </>
                    )}
                  </td>
                  <td>{formatDateTime(x.receivedAt)}</td>
                  <td>{x.categoryName}</td>
                  <td>{x.address}</td>
                  <td>{t.tickets.statuses[x.status]}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </main>
  );
}
