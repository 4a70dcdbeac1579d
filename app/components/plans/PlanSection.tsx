/**
 * The plan on its owner's page (a council, a monthly problem): a link to it, or for the chair the form
 * that creates it (template 一方案三清单 / 一方案四清单, optional custom lists).
 */
import { Form, Link } from "@remix-run/react";
import { Field, FormError, SelectField } from "~/components/Field";
import { t } from "~/i18n";
import type { FieldErrors } from "../../../server/errors";

const P = t.plans;
const N = P.create;

/** How many custom lists the form offers (the service takes up to four; two cover what councils ask for). */
export const CUSTOM_LIST_SLOTS = 2;

/** The custom lists a filled form describes; slots left empty are not lists. */
export function customListsFrom(form: Record<string, unknown>) {
  const text = (key: string) => (typeof form[key] === "string" ? (form[key] as string).trim() : "");
  return Array.from({ length: CUSTOM_LIST_SLOTS }, (_, i) => i + 1).flatMap((n) => {
    const title = text(`customTitle${n}`);
    const columns = text(`customColumns${n}`);
    if (!title && !columns) return [];
    return [
      { title, scope: text(`customScope${n}`), columns: columns ? columns.split(/[,，、]/).map((c) => c.trim()) : [] },
    ];
  });
}

export function PlanSection(props: {
  plan: { id: number } | null;
  mayCreate: boolean;
  busy: boolean;
  failure?: { message: string; fieldErrors: FieldErrors };
}) {
  const { plan, mayCreate, busy, failure } = props;
  return (
    <section className="card plan-create" aria-labelledby="plan-heading">
      <h2 id="plan-heading">{N.heading}</h2>
      {plan ? (
        <p>
          <Link to={`/plans/${plan.id}`} className="button primary">
            {N.open}
          </Link>
        </p>
      ) : mayCreate ? (
        <Form method="post" className="form">
          <p className="muted">{N.intro}</p>
          <input type="hidden" name="intent" value="create-plan" />
          <SelectField
            name="template"
            id="plan-template"
            label={N.template}
            defaultValue=""
            errors={failure?.fieldErrors.template}
          >
            <option value="">{N.templateByStreet}</option>
            {(["three_lists", "four_lists"] as const).map((code) => (
              <option key={code} value={code}>
                {P.templates[code]}
              </option>
            ))}
          </SelectField>
          <fieldset>
            <legend>{N.customHeading}</legend>
            {Array.from({ length: CUSTOM_LIST_SLOTS }, (_, i) => i + 1).map((n) => (
              <div key={n}>
                <div className="field-row">
                  <Field name={`customTitle${n}`} label={N.customTitle(n)} maxLength={30} />
                  <SelectField name={`customScope${n}`} label={N.customScope(n)} defaultValue="party">
                    {Object.entries(N.scopes).map(([scope, label]) => (
                      <option key={scope} value={scope}>
                        {label}
                      </option>
                    ))}
                  </SelectField>
                </div>
                <Field name={`customColumns${n}`} label={N.customColumns(n)} />
              </div>
            ))}
            {failure?.fieldErrors.customLists ? (
              <p className="field-error" id="customLists-error">
                {failure.fieldErrors.customLists.join("；")}
              </p>
            ) : null}
          </fieldset>
          <FormError message={failure?.message} />
          <div className="form-actions">
            <button type="submit" className="button primary" disabled={busy}>
              {N.submit}
            </button>
          </div>
        </Form>
      ) : (
        <p className="muted">{N.noPlan}</p>
      )}
    </section>
  );
}
