/** The form of one of the year's monthly problems (每月一题), new or edit: one form, one schema (server/insights/problems.ts). */
import { Form, Link } from "@remix-run/react";
import { CheckList } from "~/components/councils/CheckList";
import { Field, FormError, SelectField, TextareaField } from "~/components/Field";
import { FilterListbox, type ListboxOption } from "~/components/FilterListbox";
import { CategoryPicker, type CategoryChoice } from "~/components/tickets/CategoryPicker";
import { t } from "~/i18n";
import type { FieldErrors } from "../../../server/errors";

const F = t.problems.form;

export interface ProblemDefaults {
  theme: string;
  title: string;
  description: string;
  year: number;
  startMonth: number;
  categoryIds: number[];
  regionCodes: string[];
  leadOrgId: number | null;
  orgIds: number[];
  targetReductionPct: number | string;
  ceilingPerHalfMonth: number | null;
  baselinePeriods: number;
}

export function ProblemForm(props: {
  choices: {
    categories: CategoryChoice[];
    areas: ListboxOption[];
    units: { value: number; label: string; group: string }[];
  };
  defaults: ProblemDefaults;
  /** The years offered: last year to next. */
  years: number[];
  failure?: { message: string; fieldErrors: FieldErrors };
  busy: boolean;
  submitLabel: string;
  cancelHref: string;
}) {
  const { choices, defaults: d, failure } = props;
  const e = failure?.fieldErrors ?? {};
  return (
    <Form method="post" className="form card" noValidate>
      <FormError message={failure?.message} />
      <Field name="theme" label={F.theme} hint={F.themeHint} defaultValue={d.theme} errors={e.theme} required />
      <Field name="title" label={F.title} defaultValue={d.title} errors={e.title} required />
      <TextareaField
        name="description"
        label={F.description}
        defaultValue={d.description}
        errors={e.description}
        rows={4}
        required
      />
      <div className="form-row">
        <SelectField name="year" label={F.year} defaultValue={String(d.year)} errors={e.year}>
          {props.years.map((y) => (
            <option key={y} value={y}>
              {t.problems.list.yearLabel(y)}
            </option>
          ))}
        </SelectField>
        <SelectField name="startMonth" label={F.startMonth} defaultValue={String(d.startMonth)} errors={e.startMonth}>
          {Array.from({ length: 12 }, (_, i) => i + 1).map((m) => (
            <option key={m} value={m}>
              {F.monthOption(m)}
            </option>
          ))}
        </SelectField>
      </div>
      <p className="field-hint">{F.categoriesHint}</p>
      <CategoryPicker
        categories={choices.categories}
        defaultValue={d.categoryIds.map(String)}
        errors={e.categoryIds}
        multiple={{ name: "categoryIds", label: F.categories, chosenText: F.categoriesChosen }}
      />
      <FilterListbox
        id="field-regionCodes"
        name="regionCodes"
        label={F.areas}
        filterLabel={F.areaFilter}
        filterHint={F.areaFilterHint}
        matchesText={F.areaMatches}
        chosenText={F.areasChosen}
        options={choices.areas}
        multiple
        defaultValue={d.regionCodes}
        errors={e.regionCodes}
      />
      <SelectField
        name="leadOrgId"
        label={F.lead}
        defaultValue={d.leadOrgId == null ? "" : String(d.leadOrgId)}
        errors={e.leadOrgId}
        required
      >
        <option value="">{F.noLead}</option>
        {groupsOf(choices.units).map(([group, units]) => (
          <optgroup key={group} label={group}>
            {units.map((u) => (
              <option key={u.value} value={u.value}>
                {u.label}
              </option>
            ))}
          </optgroup>
        ))}
      </SelectField>
      <CheckList name="orgIds" legend={F.units} options={choices.units} checked={d.orgIds} errors={e.orgIds} />
      <div className="form-row">
        <Field
          name="targetReductionPct"
          label={F.targetPct}
          type="number"
          min={1}
          max={100}
          defaultValue={String(d.targetReductionPct)}
          errors={e.targetReductionPct}
          required
        />
        <Field
          name="ceilingPerHalfMonth"
          label={F.ceiling}
          type="number"
          min={0}
          defaultValue={d.ceilingPerHalfMonth == null ? "" : String(d.ceilingPerHalfMonth)}
          errors={e.ceilingPerHalfMonth}
        />
        <Field
          name="baselinePeriods"
          label={F.baselinePeriods}
          hint={F.baselineHint}
          type="number"
          min={2}
          max={24}
          defaultValue={String(d.baselinePeriods)}
          errors={e.baselinePeriods}
        />
      </div>
      <div className="form-actions">
        <button type="submit" className="button primary" disabled={props.busy}>
          {props.submitLabel}
        </button>
        <Link to={props.cancelHref} className="button">
          {F.cancel}
        </Link>
      </div>
    </Form>
  );
}

function groupsOf<T extends { group: string }>(items: T[]): [string, T[]][] {
  const by = new Map<string, T[]>();
  for (const item of items) by.set(item.group, [...(by.get(item.group) ?? []), item]);
  return [...by.entries()];
}
