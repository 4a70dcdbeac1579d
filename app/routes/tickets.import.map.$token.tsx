import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { FormError } from "~/components/Field";
import { t } from "~/i18n";
import { requirePermission } from "~/lib/auth.server";
import { formObject, handleForm, loadOrThrow, parseId } from "~/lib/forms.server";
import { ValidationError } from "../../server/errors";
import {
  fieldLabels,
  historyFields,
  importFields,
  requiredFields,
  type ColumnMapping,
  type ImportField,
} from "../../server/tickets/import/fields";
import { getMapping, listMappings, previewUpload, saveMapping, startImport } from "../../server/tickets/import";

const T = t.imports;

const placeFields: ImportField[] = ["regionCode", "districtName", "streetName", "communityName", "lon", "lat"];
const basicFields = importFields.filter((f) => !historyFields.includes(f) && !placeFields.includes(f));

function size(bytes: number): string {
  if (bytes >= 1024 ** 2) return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
  return `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const actor = requirePermission(context, request, "import:ticket");
  const token = params.token ?? "";
  const url = new URL(request.url);
  const savedId = parseId(url.searchParams.get("mapping"));
  const [preview, saved] = await Promise.all([
    loadOrThrow(() => previewUpload(actor, token)),
    loadOrThrow(() => listMappings(context.database, actor)),
  ]);
  const chosen = savedId ? await loadOrThrow(() => getMapping(context.database, actor, { id: savedId })) : null;
  // A saved mapping only keeps the columns this file has.
  const mapping: ColumnMapping = chosen
    ? Object.fromEntries(Object.entries(chosen.mapping).filter(([, header]) => preview.headers.includes(header)))
    : preview.suggested;
  return {
    token,
    preview: { ...preview, sizeLabel: size(preview.size) },
    mapping,
    saved: saved.map((m) => ({ id: m.id, name: m.name })),
    loadedName: chosen?.name ?? null,
  };
}

function mappingFrom(form: Record<string, string>): Record<string, string> {
  const mapping: Record<string, string> = {};
  for (const field of importFields) {
    const header = form[`map.${field}`];
    if (header) mapping[field] = header;
  }
  return mapping;
}

export async function action({ context, request, params }: ActionFunctionArgs) {
  const actor = requirePermission(context, request, "import:ticket");
  const form = formObject(await request.formData());
  const mapping = mappingFrom(form);
  const intent = form.intent;
  return handleForm(
    async () => {
      if (intent === "save") {
        const saved = await saveMapping(context.database, actor, { name: form.name ?? "", mapping });
        return { ok: true as const, message: T.map.saved(saved.name), mapping };
      }
      if (intent !== "start") throw new ValidationError(t.errors.unknownIntent);
      const jobId = await startImport(context.database, actor, { token: params.token ?? "", mapping });
      throw redirect(`/tickets/import/${jobId}`);
    },
    { intent: intent ?? "" },
  );
}

export default function ImportMapping() {
  const data = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const busy = navigation.state === "submitting";
  const starting = busy && navigation.formData?.get("intent") === "start";
  const { preview } = data;
  // After saving, keep what the person chose rather than the loader's suggestion.
  const mapping: ColumnMapping = (result && result.ok ? result.mapping : null) ?? data.mapping;
  const failure = result && result.ok === false ? result : undefined;
  const sampleOf = (header: string | undefined) => {
    if (!header) return "";
    const at = preview.headers.indexOf(header);
    const values = preview.rows.map((r) => r[at] ?? "").filter(Boolean);
    return values.slice(0, 2).join(" · ");
  };

  const fieldRows = (fields: readonly ImportField[]) =>
    fields.map((field) => {
      const required = requiredFields.includes(field);
      const id = `map-${field}`;
      return (
        <div className="field mapping-field" key={field}>
          <label htmlFor={id}>
            {fieldLabels[field]}
            {required ? <span className="required"> （{T.map.required}）</span> : null}
          </label>
          <select
            id={id}
            name={`map.${field}`}
            defaultValue={mapping[field] ?? ""}
            required={required}
            aria-describedby={mapping[field] ? `${id}-sample` : undefined}
          >
            <option value="">{T.map.none}</option>
            {preview.headers.map((h) => (
              <option key={h} value={h}>
                {h}
              </option>
            ))}
          </select>
          {mapping[field] ? (
            <p className="field-hint mapping-sample" id={`${id}-sample`}>
              {T.map.sample}：{sampleOf(mapping[field]) || "—"}
            </p>
          ) : null}
        </div>
      );
    });

  return (
    <>
      <h1>{T.map.heading}</h1>
      <p>
        {T.map.intro(preview.fileName, preview.sizeLabel)}
        {preview.encoding ? <span className="muted"> {T.map.encoding(preview.encoding)}</span> : null}
      </p>

      {data.saved.length > 0 ? (
        <Form method="get" className="card inline-form saved-mappings" aria-label={T.map.savedHeading}>
          <label htmlFor="saved-mapping">{T.map.loadLabel}</label>
          <select id="saved-mapping" name="mapping" defaultValue="" required>
            <option value="" disabled>
              {T.map.chooseSaved}
            </option>
            {data.saved.map((m) => (
              <option key={m.id} value={m.id}>
                {m.name}
              </option>
            ))}
          </select>
          <button type="submit" className="button">
            {T.map.load}
          </button>
        </Form>
      ) : null}
      {data.loadedName ? (
        <p className="form-ok" role="status">
          {T.map.loaded(data.loadedName)}
        </p>
      ) : null}

      {/* A key per loaded mapping resets the selects when another one is loaded. */}
      <Form
        method="post"
        className="form mapping-form"
        key={`${data.loadedName ?? ""}-${result && result.ok ? "saved" : ""}`}
      >
        {failure ? (
          <FormError message={`${failure.intent === "start" ? T.map.problems : ""}${failure.message}`} />
        ) : null}
        {result && result.ok ? (
          <p className="form-ok" role="status">
            {result.message}
          </p>
        ) : null}
        <fieldset className="card">
          <legend>{T.map.basics}</legend>
          <div className="mapping-grid">{fieldRows(basicFields)}</div>
        </fieldset>
        <fieldset className="card">
          <legend>{T.map.place}</legend>
          <div className="mapping-grid">{fieldRows(placeFields)}</div>
        </fieldset>
        <fieldset className="card">
          <legend>{T.map.history}</legend>
          <p className="field-hint">{T.map.historyHint}</p>
          <div className="mapping-grid">{fieldRows(historyFields)}</div>
        </fieldset>

        <div className="mapping-actions">
          <button type="submit" name="intent" value="start" className="button primary" disabled={busy}>
            {starting ? T.map.starting : T.map.start}
          </button>
          <Link to="/tickets/import" className="button">
            {T.map.reupload}
          </Link>
        </div>

        <fieldset className="card save-mapping">
          <legend>{T.map.savedHeading}</legend>
          <div className="field">
            <label htmlFor="mapping-name">{T.map.saveName}</label>
            <p className="field-hint" id="mapping-name-hint">
              {T.map.saveHint}
            </p>
            <input id="mapping-name" name="name" maxLength={60} aria-describedby="mapping-name-hint" />
          </div>
          <div>
            <button type="submit" name="intent" value="save" className="button" disabled={busy} formNoValidate>
              {T.map.save}
            </button>
          </div>
        </fieldset>
      </Form>

      <h2 id="preview-heading">{T.map.preview}</h2>
      <div className="table-wrap">
        <table aria-labelledby="preview-heading" className="preview-table">
          <thead>
            <tr>
              {preview.headers.map((h) => (
                <th scope="col" key={h}>
                  {h}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {preview.rows.map((row, i) => (
              <tr key={i}>
                {preview.headers.map((h, j) => (
                  <td key={h}>{row[j] ?? ""}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
