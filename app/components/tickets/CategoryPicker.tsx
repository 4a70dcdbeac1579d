import { useId, useMemo, useRef, useState, type KeyboardEvent } from "react";
import { t } from "~/i18n";

const T = t.tickets.intake;

export interface CategoryChoice {
  id: number;
  code: string;
  path: string[];
}

function matches(category: CategoryChoice, terms: string[]) {
  const text = `${category.path.join(" ")} ${category.code}`.toLowerCase();
  return terms.every((term) => text.includes(term));
}

/**
 * A text filter over the leaf categories that narrows a native listbox
 * (<select size>): the select stays the labelled, keyboard-operable control
 * that is submitted, and the filter only hides options. Enter in the filter
 * picks the first match and moves to the list.
 */
export function CategoryPicker(props: {
  categories: CategoryChoice[];
  defaultValue?: string;
  errors?: string[];
  onChange?: (id: number | null) => void;
}) {
  const base = useId();
  const filterId = `${base}-filter`;
  const selectId = "field-categoryId";
  const hintId = `${base}-hint`;
  const countId = `${base}-count`;
  const errorId = `${selectId}-error`;
  const [filter, setFilter] = useState("");
  const [value, setValue] = useState(props.defaultValue ?? "");
  const select = useRef<HTMLSelectElement>(null);
  const query = filter.trim().toLowerCase();
  const terms = useMemo(() => query.split(/\s+/).filter(Boolean), [query]);
  const { categories } = props;
  // The chosen option stays in the list whatever the filter, so filtering never drops a choice.
  const shown = useMemo(
    () => categories.filter((c) => terms.length === 0 || matches(c, terms) || String(c.id) === value),
    [categories, terms, value],
  );
  const groups = useMemo(() => {
    const byTop = new Map<string, CategoryChoice[]>();
    for (const c of shown) byTop.set(c.path[0] ?? "", [...(byTop.get(c.path[0] ?? "") ?? []), c]);
    return [...byTop.entries()];
  }, [shown]);
  const matchCount = shown.filter((c) => terms.length === 0 || matches(c, terms)).length;

  const choose = (next: string) => {
    setValue(next);
    props.onChange?.(next ? Number(next) : null);
  };

  const onFilterKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === "Enter") {
      // Enter here means "take this match", not "submit the form".
      e.preventDefault();
      const first = shown.find((c) => matches(c, terms));
      if (first) choose(String(first.id));
      select.current?.focus();
    } else if (e.key === "ArrowDown") {
      e.preventDefault();
      select.current?.focus();
    }
  };

  const invalid = !!props.errors?.length;
  return (
    <div className="category-picker">
      <div className="field">
        <label htmlFor={filterId}>{T.categoryFilter}</label>
        <p className="field-hint" id={hintId}>
          {T.categoryFilterHint}
        </p>
        <input
          id={filterId}
          type="search"
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
          onKeyDown={onFilterKey}
          aria-controls={selectId}
          aria-describedby={`${hintId} ${countId}`}
          autoComplete="off"
        />
        <p className="field-hint" id={countId} role="status">
          {terms.length ? T.categoryMatches(matchCount) : ""}
        </p>
      </div>
      <div className="field">
        <label htmlFor={selectId}>{T.category}</label>
        <select
          ref={select}
          id={selectId}
          name="categoryId"
          size={7}
          value={value}
          onChange={(e) => choose(e.target.value)}
          required
          aria-invalid={invalid || undefined}
          aria-describedby={invalid ? errorId : undefined}
          className="category-list"
        >
          {/* Matches the empty value, so React does not fall back to selecting the first category unasked. */}
          <option value="" disabled hidden>
            {T.categoryNone}
          </option>
          {groups.map(([top, items]) => (
            <optgroup key={top} label={top}>
              {items.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.path.slice(1).join(" › ")}
                </option>
              ))}
            </optgroup>
          ))}
        </select>
        {invalid ? (
          <p className="field-error" id={errorId}>
            {props.errors!.join("；")}
          </p>
        ) : null}
      </div>
    </div>
  );
}
