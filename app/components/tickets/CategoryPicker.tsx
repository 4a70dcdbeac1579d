import { FilterListbox } from "~/components/FilterListbox";
import { t } from "~/i18n";

const T = t.tickets.intake;

export interface CategoryChoice {
  id: number;
  code: string;
  path: string[];
}

/**
 * The searchable category listbox: grouped by top level, each listed by the
 * rest of its path. One leaf for a ticket's intake; several categories of any
 * level where a monthly problem links them (`multiple`, with a name and label).
 */
export function CategoryPicker(props: {
  categories: CategoryChoice[];
  defaultValue?: string | string[];
  errors?: string[];
  onChange?: (id: number | null) => void;
  multiple?: { name: string; label: string; chosenText: (labels: string[]) => string };
}) {
  const many = props.multiple;
  return (
    <FilterListbox
      id={many ? `field-${many.name}` : "field-categoryId"}
      name={many ? many.name : "categoryId"}
      label={many ? many.label : T.category}
      filterLabel={T.categoryFilter}
      filterHint={T.categoryFilterHint}
      matchesText={T.categoryMatches}
      noneText={T.categoryNone}
      multiple={!!many}
      chosenText={many?.chosenText}
      required={!many}
      options={props.categories.map((c) => ({
        value: String(c.id),
        // A top-level category stands for its whole group.
        label: c.path.length > 1 ? c.path.slice(1).join(" › ") : c.path[0]!,
        group: c.path[0] ?? "",
        keywords: c.code,
      }))}
      defaultValue={props.defaultValue}
      errors={props.errors}
      onChange={(values) => props.onChange?.(values[0] ? Number(values[0]) : null)}
    />
  );
}
