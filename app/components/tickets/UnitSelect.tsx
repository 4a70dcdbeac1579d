import type { OrgKind } from "../../../db/schema/identity";
import { SelectField } from "~/components/Field";
import { t } from "~/i18n";

export interface UnitOption {
  id: number;
  name: string;
  kind: OrgKind;
}

/**
 * A unit picker: the dispatch catalogue's suggestions first, then every
 * other unit grouped by kind (街道办事处, 社区居委会, 职能部门 …).
 */
export function UnitSelect(props: {
  name?: string;
  id: string;
  label: string;
  suggested: UnitOption[];
  others: UnitOption[];
  errors?: string[];
  required?: boolean;
  defaultValue?: string;
}) {
  const byKind = new Map<OrgKind, UnitOption[]>();
  for (const u of props.others) byKind.set(u.kind, [...(byKind.get(u.kind) ?? []), u]);
  return (
    <SelectField
      name={props.name ?? "orgId"}
      id={props.id}
      label={props.label}
      errors={props.errors}
      required={props.required}
      defaultValue={props.defaultValue ?? ""}
    >
      <option value="">{t.tickets.detail.choose}</option>
      {props.suggested.length ? (
        <optgroup label={t.tickets.detail.suggested}>
          {props.suggested.map((u) => (
            <option key={u.id} value={u.id}>
              {u.name}
            </option>
          ))}
        </optgroup>
      ) : null}
      {[...byKind.entries()].map(([kind, units]) => (
        <optgroup key={kind} label={t.orgKinds[kind]}>
          {units.map((u) => (
            <option key={u.id} value={u.id}>
              {u.name}
            </option>
          ))}
        </optgroup>
      ))}
    </SelectField>
  );
}
