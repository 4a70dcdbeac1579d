import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData, useRevalidator } from "@remix-run/react";
import { useEffect } from "react";
import { formatCount, formatDateTime, t } from "~/i18n";
import { requirePermission } from "~/lib/auth.server";
import { loadOrThrow, parseId } from "~/lib/forms.server";
import { getJob, sampleRejections } from "../../server/tickets/import";

const T = t.imports;

export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const actor = requirePermission(context, request, "import:ticket");
  const jobId = parseId(params.jobId);
  if (!jobId) throw new Response(t.errors.notFound, { status: 404 });
  const job = await loadOrThrow(() => getJob(context.database, actor, jobId));
  const rejections =
    job.state === "running" ? [] : await loadOrThrow(() => sampleRejections(context.database, actor, jobId));
  return { job, rejections };
}

export default function ImportJob() {
  const { job, rejections } = useLoaderData<typeof loader>();
  const revalidator = useRevalidator();
  const running = job.state === "running";

  // While the import runs, ask for its progress every second.
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => {
      if (revalidator.state === "idle") revalidator.revalidate();
    }, 1000);
    return () => clearInterval(timer);
  }, [running, revalidator]);

  const seconds = job.finishedAt ? (Date.parse(job.finishedAt) - Date.parse(job.startedAt)) / 1000 : null;
  return (
    <>
      <h1>{T.job.heading(job.fileName)}</h1>
      <p className="muted">{T.job.startedBy(job.createdByName ?? "—", formatDateTime(job.startedAt))}</p>

      <section className="card import-progress" aria-labelledby="progress-label">
        <div className="progress-head">
          <span id="progress-label">{T.job.progressLabel}</span>
          <span className={`import-state import-state-${job.state}`}>{T.states[job.state]}</span>
        </div>
        <progress
          className="import-bar"
          max={100}
          value={job.percent}
          aria-labelledby="progress-label"
          aria-valuetext={T.job.percent(job.percent)}
        >
          {T.job.percent(job.percent)}
        </progress>
        {/* Polite: the counts change every second; a screen reader reads them when idle. */}
        <dl className="stats import-stats" aria-live="polite">
          <div>
            <dt>{T.job.read}</dt>
            <dd>{T.job.rows(formatCount(job.rowsRead))}</dd>
          </div>
          <div>
            <dt>{T.job.imported}</dt>
            <dd>{formatCount(job.imported)}</dd>
          </div>
          <div>
            <dt>{T.job.duplicates}</dt>
            <dd>{formatCount(job.duplicates)}</dd>
          </div>
          <div>
            <dt>{T.job.rejected}</dt>
            <dd>{formatCount(job.rejected)}</dd>
          </div>
          <div>
            <dt>{T.job.done}</dt>
            <dd>
              {T.job.percent(job.percent)}
              {job.rowsPerSecond ? (
                <small className="muted"> · {T.job.speed(formatCount(job.rowsPerSecond))}</small>
              ) : null}
            </dd>
          </div>
        </dl>
        {running ? <p className="muted">{T.job.runningNote}</p> : null}
        {job.state === "done" && seconds != null ? (
          <p className="form-ok" role="status">
            {T.job.doneNote(formatCount(job.imported), seconds.toFixed(1))}
          </p>
        ) : null}
        {job.state === "failed" ? (
          <p className="form-error" role="alert">
            {T.job.failedNote}
            {job.error}
          </p>
        ) : null}
        {job.state === "interrupted" ? (
          <p className="form-error" role="alert">
            {T.job.interruptedNote}
          </p>
        ) : null}
      </section>

      {!running ? (
        <section aria-labelledby="rejections-heading">
          <h2 id="rejections-heading">{T.job.firstRejections}</h2>
          {job.rejected > 0 ? (
            <>
              <p>
                {/* A plain link: the report is a download, not a page. */}
                <a className="button" href={`/tickets/import/${job.id}/rejections.csv`} download>
                  {T.job.report}
                </a>
              </p>
              <p className="field-hint">{T.job.reportHint}</p>
              <div className="table-wrap">
                <table aria-labelledby="rejections-heading">
                  <thead>
                    <tr>
                      <th scope="col">{T.job.line}</th>
                      <th scope="col">{T.job.reason}</th>
                      <th scope="col">{T.job.raw}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {rejections.map((r, i) => (
                      <tr key={i}>
                        <td className="nowrap">{r.line}</td>
                        <td>{r.reason}</td>
                        <td>
                          {/* Rows can be long: shown on request, so the table stays readable on a phone. */}
                          <details>
                            <summary>{T.job.showRaw}</summary>
                            <code className="raw-row">{r.raw}</code>
                          </details>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </>
          ) : (
            <p className="muted">{T.job.noRejections}</p>
          )}
        </section>
      ) : null}

      <p className="import-links">
        <Link className="button" to="/tickets/import">
          {T.job.another}
        </Link>
        <Link className="button" to="/tickets">
          {T.job.viewTickets}
        </Link>
      </p>
    </>
  );
}
