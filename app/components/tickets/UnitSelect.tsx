import type { OrgKind } from "../../../db/schema/identity";
import { FilterListbox } from "~/components/FilterListbox";
import { t } from "~/i18n";

const D = t.tickets.detail;

export interface UnitOption {
  id: number;
  name: string;
  kind: OrgKind;
}

/**
 * A unit picker: the dispatch catalogue's suggestions first, then every other unit grouped by kind
 * (街道办事处, 社区居委会, 职能部门 …), narrowed by typing part of a name — a city has hundreds of
 * units, too many to scroll through in a drop-down.
 */
export function UnitSelect(props: {
  name?: string;
  id: string;
  label: string;
  suggested: UnitOption[];
  others: UnitOption[];
  errors?: string[];
  required?: boolean;
}) {
  const option = (u: UnitOption, group: string) => ({
    value: String(u.id),
    label: u.name,
    group,
    keywords: t.orgKinds[u.kind],
  });
  return (
    <FilterListbox
      id={props.id}
      name={props.name ?? "orgId"}
      label={props.label}
      filterLabel={D.unitFilter}
      filterHint={D.unitFilterHint}
      matchesText={D.unitMatches}
      noneText={D.unitNone}
      required={props.required}
      size={6}
      options={[
        ...props.suggested.map((u) => option(u, D.suggested)),
        ...props.others.map((u) => option(u, t.orgKinds[u.kind])),
      ]}
      errors={props.errors}
    />
  );
}
