import { useCallback, useState } from "react";
import type { OrgKind } from "../../../db/schema/identity";
import { FilterListbox } from "~/components/FilterListbox";
import { t } from "~/i18n";
import { fetchOnce } from "~/lib/fetch-once";

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

type UnitChoices = Record<MoreUnits["list"], { suggested: UnitOption[]; others: UnitOption[] }>;

/**
 * The units not yet listed, fetched when the picker is first reached for
 * (once per page, shared by its pickers). Until then, and without
 * JavaScript, the picker offers the suggestions only. A new URL (the ticket
 * moved on) drops what an older one answered.
 */
function useMoreUnits(more: MoreUnits | undefined) {
  const [loaded, setLoaded] = useState<{ url: string; others: UnitOption[] } | null>(null);
  const [loading, setLoading] = useState<string | null>(null);
  const url = more?.url;
  const list = more?.list;
  const want = useCallback(() => {
    if (!url || !list || loaded?.url === url || loading === url) return;
    setLoading(url);
    fetchOnce<UnitChoices>(url).then(
      (choices) => {
        setLoaded({ url, others: choices[list].others });
        setLoading(null);
      },
      // Tried again the next time someone reaches for the picker.
      () => setLoading(null),
    );
  }, [url, list, loaded, loading]);
  return { others: loaded && loaded.url === url ? loaded.others : [], loading: !!url && loading === url, want };
}

/**
 * A unit picker: the dispatch catalogue's suggestions first, then every other unit grouped by kind
 * (街道办事处, 社区居委会, 职能部门 …), narrowed by typing part of a name — a city has hundreds of
 * units, too many to scroll through in a drop-down. The others are given (`others`) or fetched
 * when the picker is first used (`more`).
 */
export function UnitSelect(props: {
  name?: string;
  id: string;
  label: string;
  suggested: UnitOption[];
  others?: UnitOption[];
  more?: MoreUnits;
  errors?: string[];
  required?: boolean;
}) {
  const more = useMoreUnits(props.more);
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
        ...(props.others ?? more.others).map((u) => option(u, t.orgKinds[u.kind])),
      ]}
      errors={props.errors}
      onWanted={props.more ? more.want : undefined}
      loadingText={more.loading ? D.unitsLoading : undefined}
    />
  );
}
