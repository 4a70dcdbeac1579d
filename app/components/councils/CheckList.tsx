import { useRef, useState, type KeyboardEvent } from "react";
import { filterTerms, matchesTerms } from "~/components/FilterListbox";
import { t } from "~/i18n";

/** Longer lists get a filter: a city's units run to hundreds per district. */
const FILTER_FROM = 12;

/**
 * A group of checkboxes under one legend, with its errors: the parties of a whistle or a council, a
 * category's tags. A long list gets a text filter above it that hides what does not match; checked
 * boxes stay in view whatever the filter, and Enter in the filter checks the first match. Before the
 * page's script runs every box is there, so the form works without it.
 */
export function CheckList<V extends number | string>({
  name,
  legend,
  options,
  checked = [],
  errors,
  hint,
}: {
  name: string;
  legend: string;
  options: { value: V; label: string; group?: string }[];
  checked?: V[];
  errors?: string[];
  hint?: string;
}) {
  const errorId = `${name}-error`;
  const filterId = `${name}-filter`;
  const box = useRef<HTMLDivElement>(null);
  const [query, setQuery] = useState("");
  const [ticked, setTicked] = useState(() => new Set(checked.map(String)));
  const terms = filterTerms(query);
  const matches = (o: { label: string; group?: string }) => matchesTerms(`${o.label} ${o.group ?? ""}`, terms);
  const filterable = options.length >= FILTER_FROM;
  const matchCount = terms.length ? options.filter(matches).length : options.length;
  const onFilterKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key !== "Enter") return;
    // Enter here means "check this one", not "submit the form".
    e.preventDefault();
    const first = [...(box.current?.querySelectorAll<HTMLInputElement>("label:not([hidden]) input") ?? [])].find(
      (input) => !input.checked,
    );
    first?.click();
    first?.focus();
  };
  return (
    <fieldset
      className="field check-list"
      aria-describedby={errors?.length ? errorId : undefined}
      onChange={(e) => {
        const input = e.target as HTMLInputElement;
        if (input.name !== name) return;
        setTicked((now) => {
          const next = new Set(now);
          if (input.checked) next.add(input.value);
          else next.delete(input.value);
          return next;
        });
      }}
    >
      <legend>{legend}</legend>
      {hint ? <p className="field-hint">{hint}</p> : null}
      {filterable ? (
        <div className="check-filter">
          <label htmlFor={filterId}>{t.common.filter}</label>
          <input
            id={filterId}
            type="search"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            onKeyDown={onFilterKey}
            aria-describedby={`${filterId}-count`}
            autoComplete="off"
          />
          <span className="field-hint" id={`${filterId}-count`} role="status">
            {terms.length ? t.common.filterMatches(matchCount) : t.common.filterHint}
          </span>
        </div>
      ) : null}
      <div className={filterable ? "check-options scrolling" : "check-options"} ref={box}>
        {options.map((o) => (
          <label key={o.value} hidden={terms.length > 0 && !ticked.has(String(o.value)) && !matches(o)}>
            <input type="checkbox" name={name} value={o.value} defaultChecked={checked.includes(o.value)} />
            {o.label}
            {o.group ? <small className="muted"> · {o.group}</small> : null}
          </label>
        ))}
      </div>
      {errors?.length ? (
        <p className="field-error" id={errorId}>
          {errors.join("；")}
        </p>
      ) : null}
    </fieldset>
  );
}
