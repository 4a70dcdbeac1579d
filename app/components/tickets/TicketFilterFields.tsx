import { useEffect, useMemo } from "react";
import { Field, SelectField } from "~/components/Field";
import { t } from "~/i18n";
import { useWantedJson } from "~/lib/fetch-once";
import { keysOf } from "~/lib/keys";
import type { RegionGroup } from "~/lib/region-options";

const T = t.tickets.list;

export interface CategoryOption {
  id: number;
  /** The level-1 class: options are grouped under it. */
  top: string;
  label: string;
}

/** The category and area options of the filters: all of them, or only the selected ones. */
export interface FilterChoices {
  categories: CategoryOption[];
  regions: RegionGroup[];
}

/** Where the full lists come from (app/routes/tickets.filter-choices.ts). */
const CHOICES_URL = "/tickets/filter-choices";

/**
 * The full lists, fetched when the filters are first wanted: at once if the
 * panel around them is open, else when it opens or a list gets focus. Until
 * then (and without JavaScript) the lists hold the selected options only.
 */
function useFilterChoices(idPrefix: string, selected: FilterChoices) {
  const { data: all, want: load } = useWantedJson<FilterChoices>(CHOICES_URL);
  useEffect(() => {
    const panel = document.getElementById(`${idPrefix}-category`)?.closest("details");
    if (!panel || panel.open) {
      load();
      return;
    }
    panel.addEventListener("toggle", load, { once: true });
    return () => panel.removeEventListener("toggle", load);
  }, [idPrefix, load]);
  // What a list does when someone reaches for it.
  const wanted = useMemo(() => ({ onFocus: load, onPointerDown: load }), [load]);
  return { choices: all ?? selected, wanted };
}

function groupBy<T>(items: T[], key: (item: T) => string): [string, T[]][] {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return [...groups.entries()];
}

/**
 * The ticket filters the queues and the map share — type, category, area
 * and received dates — under the same names, so a filtered map and a
 * filtered list are one URL apart.
 */
export function TicketFilterFields(props: {
  idPrefix: string;
  filters: Record<string, string | undefined>;
  /** The selected options (`selectedFilterChoices`); the rest are fetched when needed. */
  selected: FilterChoices;
}) {
  const { idPrefix, filters } = props;
  const { choices, wanted } = useFilterChoices(idPrefix, props.selected);
  return (
    <>
      <SelectField name="type" id={`${idPrefix}-type`} label={T.type} defaultValue={filters.type}>
        <option value="">{T.anyType}</option>
        {keysOf(t.tickets.types).map((v) => (
          <option key={v} value={v}>
            {t.tickets.types[v]}
          </option>
        ))}
      </SelectField>
      <SelectField
        name="categoryId"
        id={`${idPrefix}-category`}
        label={T.category}
        defaultValue={filters.categoryId}
        {...wanted}
      >
        <option value="">{T.anyCategory}</option>
        {groupBy(choices.categories, (c) => c.top).map(([top, items]) => (
          <optgroup key={top} label={top}>
            {items.map((c) => (
              <option key={c.id} value={c.id}>
                {c.label}
              </option>
            ))}
          </optgroup>
        ))}
      </SelectField>
      <SelectField
        name="regionCode"
        id={`${idPrefix}-region`}
        label={T.region}
        defaultValue={filters.regionCode}
        {...wanted}
      >
        <option value="">{T.anyRegion}</option>
        {choices.regions.map((g) => (
          <optgroup key={g.label} label={g.label}>
            {g.options.map((o) => (
              <option key={o.code} value={o.code}>
                {o.label}
              </option>
            ))}
          </optgroup>
        ))}
      </SelectField>
      <Field name="from" id={`${idPrefix}-from`} type="date" label={T.from} defaultValue={filters.from} />
      <Field name="to" id={`${idPrefix}-to`} type="date" label={T.to} defaultValue={filters.to} />
    </>
  );
}
