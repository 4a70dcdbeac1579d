/**
 * A plan's commitments (承诺事项) with status, progress, deadline and the red
 * 已逾期 badge, and — for the owner organisation's people — a small form to
 * report progress. Used on the council page, on every linked ticket's page and
 * on the plan's commitments page; the form posts to that page's action
 * (`/plans/:planId/commitments`) through a fetcher, so it works wherever it is
 * embedded and the embedding page reloads its own data afterwards.
 */
import type { ReactNode } from "react";
import { useFetcher } from "@remix-run/react";
import { Field, FormError, SelectField, TextareaField } from "~/components/Field";
import { formatDateTime, t } from "~/i18n";
import { commitmentStatuses } from "../../../db/schema/plans";
import type { CommitmentView } from "../../../server/plans";
import styles from "~/styles/plan-work.css?url";

const K = t.planWork.commitments;

/** The stylesheet the component needs: add it to the embedding route's `links`. */
export const commitmentsStylesheet = { rel: "stylesheet", href: styles } as const;

export function Commitments({
  commitments,
  heading = true,
  context,
}: {
  commitments: CommitmentView[];
  heading?: boolean;
  /** A line under each commitment's task saying where it comes from, for a list across plans. */
  context?: (c: CommitmentView) => ReactNode;
}) {
  return (
    <section className="card commitments" aria-labelledby={heading ? "commitments-heading" : undefined}>
      {heading ? <h2 id="commitments-heading">{K.heading}</h2> : null}
      {commitments.length === 0 ? <p className="muted">{K.none}</p> : null}
      <ul className="commitment-list">
        {commitments.map((c) => (
          <Commitment key={c.id} commitment={c} context={context?.(c)} />
        ))}
      </ul>
    </section>
  );
}

function Commitment({ commitment: c, context }: { commitment: CommitmentView; context?: ReactNode }) {
  return (
    <li className="commitment" data-commitment={c.id}>
      <div className="commitment-head">
        <strong>{c.task}</strong>
        <span className={`badge commitment-${c.status}`}>{K.statuses[c.status]}</span>
        {c.overdue ? <span className="badge badge-overdue">{K.overdue}</span> : null}
      </div>
      {context ? <p className="muted">{context}</p> : null}
      <dl className="commitment-facts">
        <div>
          <dt>{K.owner}</dt>
          <dd>{c.ownerOrgName}</dd>
        </div>
        {c.target ? (
          <div>
            <dt>{K.target}</dt>
            <dd>{c.target}</dd>
          </div>
        ) : null}
        <div>
          <dt>{K.deadline}</dt>
          <dd>{c.deadline ?? K.noDeadline}</dd>
        </div>
        <div>
          <dt>{K.progress}</dt>
          <dd>
            <progress max={100} value={c.progress} aria-label={K.progress} /> {K.percent(c.progress)}
          </dd>
        </div>
      </dl>
      {c.updates.length ? (
        <details className="commitment-updates">
          <summary>{K.updates(c.updates.length)}</summary>
          <ol>
            {c.updates.map((u) => (
              <li key={u.id}>
                {formatDateTime(u.at)} · {u.userName} · {K.statuses[u.status]} · {K.percent(u.progress)}：{u.note}
              </li>
            ))}
          </ol>
        </details>
      ) : null}
      {c.mayUpdate && c.status !== "done" ? <ProgressForm commitment={c} /> : null}
    </li>
  );
}

type Result = { ok: true } | { ok: false; message: string; fieldErrors: Record<string, string[] | undefined> };

function ProgressForm({ commitment: c }: { commitment: CommitmentView }) {
  const fetcher = useFetcher<Result>();
  const failure = fetcher.data && !fetcher.data.ok ? fetcher.data : null;
  const errors = failure?.fieldErrors ?? {};
  const id = (name: string) => `commitment-${c.id}-${name}`;
  const saved = fetcher.state === "idle" && fetcher.data?.ok;
  return (
    <>
      {saved ? <p className="form-ok">{K.saved}</p> : null}
      <details className="commitment-report" open={!!failure}>
        <summary>{K.report}</summary>
        <fetcher.Form
          method="post"
          action={`/plans/${c.planId}/commitments`}
          className="form"
          // A fresh form after each saved report.
          key={saved ? c.updates.length : "form"}
        >
          <input type="hidden" name="commitmentId" value={c.id} />
          <div className="field-row">
            <SelectField
              name="status"
              id={id("status")}
              label={K.status}
              defaultValue={c.status === "not_started" ? "in_progress" : c.status}
              errors={errors.status}
            >
              {commitmentStatuses.map((s) => (
                <option key={s} value={s}>
                  {K.statuses[s]}
                </option>
              ))}
            </SelectField>
            <Field
              name="progress"
              id={id("progress")}
              type="number"
              min={0}
              max={100}
              label={K.progress}
              defaultValue={c.progress}
              errors={errors.progress}
            />
          </div>
          <TextareaField name="note" id={id("note")} label={K.note} errors={errors.note} />
          {failure ? <FormError message={failure.message} /> : null}
          <div className="form-actions">
            <button type="submit" className="button primary" disabled={fetcher.state !== "idle"}>
              {K.submit}
            </button>
          </div>
        </fetcher.Form>
      </details>
    </>
  );
}
