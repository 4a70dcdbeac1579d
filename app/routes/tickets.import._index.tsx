import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { FormError } from "~/components/Field";
import { formatCount, formatDateTime, t } from "~/i18n";
import { requirePermission } from "~/lib/auth.server";
import { handleForm, loadOrThrow } from "~/lib/forms.server";
import { receiveUpload } from "~/lib/upload.server";
import { listJobs } from "../../server/tickets/import";

const T = t.imports;

export async function loader({ context, request }: LoaderFunctionArgs) {
  const actor = requirePermission(context, request, "import:ticket");
  return { jobs: await loadOrThrow(() => listJobs(context.database, actor)) };
}

export async function action({ context, request }: ActionFunctionArgs) {
  const actor = requirePermission(context, request, "import:ticket");
  return handleForm(async () => {
    const upload = await receiveUpload(request, actor);
    throw redirect(`/tickets/import/map/${upload.token}`);
  });
}

export default function ImportStart() {
  const { jobs } = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const fileErrors = failure && "fieldErrors" in failure ? failure.fieldErrors.file : undefined;
  return (
    <>
      <h1>{T.title}</h1>
      <p className="import-intro">{T.intro}</p>
      <section className="card" aria-labelledby="upload-heading">
        <h2 id="upload-heading">{T.upload.heading}</h2>
        <Form method="post" encType="multipart/form-data" className="form">
          {failure && !fileErrors ? <FormError message={failure.message} /> : null}
          <div className="field">
            <label htmlFor="import-file">{T.upload.file}</label>
            <p className="field-hint" id="import-file-hint">
              {T.upload.fileHint}
            </p>
            <input
              id="import-file"
              name="file"
              type="file"
              required
              accept=".csv,.txt,.tsv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
              aria-describedby={fileErrors ? "import-file-hint import-file-error" : "import-file-hint"}
              aria-invalid={fileErrors ? true : undefined}
            />
            {fileErrors ? (
              <p className="field-error" id="import-file-error">
                {fileErrors.join("；")}
              </p>
            ) : null}
          </div>
          <div>
            <button type="submit" className="button primary" disabled={busy}>
              {busy ? T.upload.uploading : T.upload.submit}
            </button>
          </div>
        </Form>
      </section>

      <h2 id="recent-heading">{T.recent.heading}</h2>
      {jobs.length === 0 ? (
        <p className="muted">{T.recent.empty}</p>
      ) : (
        <div className="table-wrap">
          <table aria-labelledby="recent-heading">
            <thead>
              <tr>
                <th scope="col">{T.recent.file}</th>
                <th scope="col">{T.recent.startedAt}</th>
                <th scope="col">{T.recent.state}</th>
                <th scope="col">{T.recent.counts}</th>
              </tr>
            </thead>
            <tbody>
              {jobs.map((job) => (
                <tr key={job.id}>
                  <td>
                    <Link to={`/tickets/import/${job.id}`}>{job.fileName}</Link>
                    {job.createdByName ? <small className="muted"> · {job.createdByName}</small> : null}
                  </td>
                  <td className="nowrap">{formatDateTime(job.startedAt)}</td>
                  <td className="nowrap">
                    <span className={`import-state import-state-${job.state}`}>{T.states[job.state]}</span>
                  </td>
                  <td className="nowrap">
                    {formatCount(job.imported)} / {formatCount(job.duplicates)} / {formatCount(job.rejected)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <p className="muted import-cli">{T.recent.cli}</p>
    </>
  );
}
