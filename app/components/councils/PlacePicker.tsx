import { useMemo } from "react";
import { SelectField } from "~/components/Field";
import { FilterListbox } from "~/components/FilterListbox";
import { t } from "~/i18n";
import { areaOptions } from "~/lib/region-options";

const P = t.councils.placePicker;

/** A street or community the actor may act in, labelled 街道 › 社区 and grouped by district. */
export interface Place {
  code: string;
  label: string;
  group: string;
  lon: number | null;
  lat: number | null;
}

/** A secretary acts in a few places; a street in tens of communities: those are filtered by name. */
const FILTERED_FROM = 12;

/**
 * Where a whistle, a council or a proposed topic is: a plain select of a few places, a filterable
 * list of many. `value` and `onChange` follow the choice (a map looks at it); the field is named
 * `regionCode`.
 */
export function PlacePicker(props: {
  label: string;
  places: Place[];
  value: string;
  onChange: (code: string) => void;
  errors?: string[];
}) {
  const { places } = props;
  const options = useMemo(() => areaOptions(places), [places]);
  if (places.length < FILTERED_FROM) {
    return (
      <SelectField
        name="regionCode"
        label={props.label}
        errors={props.errors}
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
      >
        {places.map((p) => (
          <option key={p.code} value={p.code}>
            {p.label}
          </option>
        ))}
      </SelectField>
    );
  }
  return (
    <FilterListbox
      id="field-regionCode"
      name="regionCode"
      label={props.label}
      filterLabel={P.filter}
      filterHint={P.filterHint}
      matchesText={P.matches}
      required
      options={options}
      defaultValue={props.value}
      errors={props.errors}
      onChange={(values) => props.onChange(values[0] ?? "")}
    />
  );
}
