import { useEffect, useId, useMemo, useRef, useState, type KeyboardEvent } from "react";

export interface ListboxOption {
  value: string;
  label: string;
  /** The optgroup it is listed under. */
  group: string;
  /** What the filter searches, besides the label (a full path, a code). */
  keywords?: string;
}

/** A filter's words, lower-cased: every one must be found for an option to match. */
export function filterTerms(query: string): string[] {
  return query.trim().toLowerCase().split(/\s+/).filter(Boolean);
}

/** Whether `text` holds every one of the terms. */
export function matchesTerms(text: string, terms: string[]): boolean {
  const lower = text.toLowerCase();
  return terms.every((term) => lower.includes(term));
}

function matches(option: ListboxOption, terms: string[]) {
  return matchesTerms(`${option.group} ${option.label} ${option.keywords ?? ""}`, terms);
}

/**
 * A text filter that narrows a native listbox (<select size>, one choice or
 * several): the select stays the labelled, keyboard-operable control that is
 * submitted, and the filter only hides options. Enter in the filter picks the
 * first match (adds it, for several) and moves to the list. Chosen options stay
 * in the list whatever the filter, so filtering never drops a choice.
 */
export function FilterListbox(props: {
  id: string;
  name: string;
  label: string;
  filterLabel: string;
  filterHint: string;
  matchesText: (n: number) => string;
  options: ListboxOption[];
  multiple?: boolean;
  /** For several: a line naming what is chosen. */
  chosenText?: (labels: string[]) => string;
  /** Shown as the empty choice of a single listbox. */
  noneText?: string;
  /** A single listbox whose choice may be taken back: its empty choice is listed, and chosen clears it. */
  clearable?: boolean;
  defaultValue?: string | string[];
  required?: boolean;
  size?: number;
  errors?: string[];
  onChange?: (values: string[]) => void;
  /** Called when someone reaches for the picker (focus, pointer): the moment to fetch options not yet listed. */
  onWanted?: () => void;
  /** More options are on their way; said in place of the match count while filtering. */
  loadingText?: string;
}) {
  const base = useId();
  const filterId = `${base}-filter`;
  const hintId = `${base}-hint`;
  const countId = `${base}-count`;
  const chosenId = `${base}-chosen`;
  const errorId = `${props.id}-error`;
  const [filter, setFilter] = useState("");
  const [values, setValues] = useState<string[]>([props.defaultValue ?? []].flat().filter(Boolean));
  const select = useRef<HTMLSelectElement>(null);
  const terms = useMemo(() => filterTerms(filter), [filter]);
  const { options } = props;
  const shown = useMemo(
    () => options.filter((o) => terms.length === 0 || matches(o, terms) || values.includes(o.value)),
    [options, terms, values],
  );
  const groups = useMemo(() => {
    const byGroup = new Map<string, ListboxOption[]>();
    for (const o of shown) byGroup.set(o.group, [...(byGroup.get(o.group) ?? []), o]);
    return [...byGroup.entries()];
  }, [shown]);
  const matchCount = shown.filter((o) => terms.length === 0 || matches(o, terms)).length;

  const choose = (next: string[]) => {
    setValues(next);
    props.onChange?.(next);
  };

  const takeFirstMatch = () => {
    const first = shown.find((o) => matches(o, terms) && !(props.multiple && values.includes(o.value)));
    if (first) choose(props.multiple ? [...values, first.value] : [first.value]);
    select.current?.focus();
  };
  // Enter typed before the rest of the options arrived takes the first match once they have.
  const takeWhenLoaded = useRef(false);
  const loading = props.loadingText !== undefined;
  useEffect(() => {
    if (loading || !takeWhenLoaded.current) return;
    takeWhenLoaded.current = false;
    takeFirstMatch();
  });

  const onFilterKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === "Enter") {
      // Enter here means "take this match", not "submit the form".
      e.preventDefault();
      if (loading) takeWhenLoaded.current = true;
      else takeFirstMatch();
    } else if (e.key === "ArrowDown") {
      e.preventDefault();
      select.current?.focus();
    }
  };

  const invalid = !!props.errors?.length;
  const chosenLabels = options.filter((o) => values.includes(o.value)).map((o) => o.label);
  const describedBy = [invalid ? errorId : "", props.multiple ? chosenId : ""].filter(Boolean).join(" ");
  return (
    <div className="category-picker" onFocus={props.onWanted} onPointerDown={props.onWanted}>
      <div className="field">
        <label htmlFor={filterId}>{props.filterLabel}</label>
        <p className="field-hint" id={hintId}>
          {props.filterHint}
        </p>
        <input
          id={filterId}
          type="search"
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
          onKeyDown={onFilterKey}
          aria-controls={props.id}
          aria-describedby={`${hintId} ${countId}`}
          autoComplete="off"
        />
        <p className="field-hint" id={countId} role="status">
          {terms.length ? (loading ? props.loadingText : props.matchesText(matchCount)) : ""}
        </p>
      </div>
      <div className="field">
        <label htmlFor={props.id}>{props.label}</label>
        <select
          ref={select}
          id={props.id}
          name={props.name}
          size={props.size ?? 7}
          multiple={props.multiple}
          value={props.multiple ? values : (values[0] ?? "")}
          onChange={(e) => choose([...e.target.selectedOptions].map((o) => o.value))}
          required={props.required}
          aria-invalid={invalid || undefined}
          aria-describedby={describedBy || undefined}
          aria-busy={loading || undefined}
          className="category-list"
        >
          {props.multiple ? null : props.clearable ? (
            <option value="">{props.noneText}</option>
          ) : (
            // Matches the empty value, so React does not fall back to selecting the first option unasked.
            <option value="" disabled hidden>
              {props.noneText}
            </option>
          )}
          {groups.map(([group, items]) => (
            <optgroup key={group} label={group}>
              {items.map((o) => (
                <option key={o.value} value={o.value}>
                  {o.label}
                </option>
              ))}
            </optgroup>
          ))}
        </select>
        {props.multiple && props.chosenText ? (
          <p className="field-hint" id={chosenId} role="status">
            {props.chosenText(chosenLabels)}
          </p>
        ) : null}
        {invalid ? (
          <p className="field-error" id={errorId}>
            {props.errors!.join("；")}
          </p>
        ) : null}
      </div>
    </div>
  );
}
