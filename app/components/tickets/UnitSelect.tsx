import type { OrgKind } from "../../../db/schema/identity";
import type { UnitChoices } from "../../../server/tickets";
import { FilterListbox } from "~/components/FilterListbox";
import { t } from "~/i18n";
import { useWantedJson } from "~/lib/fetch-once";

const D = t.tickets.detail;

export interface UnitOption {
  id: number;
  name: string;
  kind: OrgKind;
}

/** Where a ticket page's pickers find every other unit (app/routes/tickets.$ticketId_.unit-choices.ts). */
export interface MoreUnits {
  url: string;
  list: "dispatch" | "redispatch";
}

/**
 * A unit picker: the dispatch catalogue's suggestions first, then every other unit grouped by kind
 * (街道办事处, 社区居委会, 职能部门 …), narrowed by typing part of a name — a city has hundreds of
 * units, too many to scroll through in a drop-down. The others are given (`others`, with
 * `loading` and `onWanted` if the caller fetches them) or fetched when the picker is first reached
 * for (`more`; until then, and without JavaScript, the picker offers the suggestions only).
 */
export function UnitSelect(props: {
  name?: string;
  id: string;
  label: string;
  suggested: UnitOption[];
  others?: UnitOption[];
  more?: MoreUnits;
  loading?: boolean;
  onWanted?: () => void;
  errors?: string[];
  required?: boolean;
}) {
  const more = useWantedJson<Record<MoreUnits["list"], UnitChoices>>(props.more?.url);
  const others = props.others ?? (props.more && more.data?.[props.more.list].others) ?? [];
  const loading = props.loading ?? more.loading;
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
        ...others.map((u) => option(u, t.orgKinds[u.kind])),
      ]}
      errors={props.errors}
      onWanted={props.onWanted ?? (props.more ? more.want : undefined)}
      loadingText={loading ? D.unitsLoading : undefined}
    />
  );
}
