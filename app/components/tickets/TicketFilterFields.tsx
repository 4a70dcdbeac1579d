import { Field, SelectField } from "~/components/Field";
import { t } from "~/i18n";
import { keysOf } from "~/lib/keys";
import type { RegionGroup } from "~/lib/region-options";

const T = t.tickets.list;

export interface CategoryOption {
  id: number;
  /** The level-1 class: options are grouped under it. */
  top: string;
  label: string;
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
  categories: CategoryOption[];
  regions: RegionGroup[];
}) {
  const { idPrefix, filters } = props;
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
      <SelectField name="categoryId" id={`${idPrefix}-category`} label={T.category} defaultValue={filters.categoryId}>
        <option value="">{T.anyCategory}</option>
        {groupBy(props.categories, (c) => c.top).map(([top, items]) => (
          <optgroup key={top} label={top}>
            {items.map((c) => (
              <option key={c.id} value={c.id}>
                {c.label}
              </option>
            ))}
          </optgroup>
        ))}
      </SelectField>
      <SelectField name="regionCode" id={`${idPrefix}-region`} label={T.region} defaultValue={filters.regionCode}>
        <option value="">{T.anyRegion}</option>
        {props.regions.map((g) => (
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
