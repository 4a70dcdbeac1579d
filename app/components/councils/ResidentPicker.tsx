import { useEffect, useId, useState } from "react";
import { t } from "~/i18n";

const R = t.councils.residentSearch;

interface Resident {
  userId: number;
  displayName: string;
  place: string;
}

/**
 * Resident representatives, found by name as one types (`/councils/residents`) rather than listed:
 * a street holds tens of thousands of registered residents. Each one added becomes a checked box
 * named `name`, so the form submits them like any checklist. With `single`, adding one replaces the
 * last.
 */
export function ResidentPicker(props: {
  name: string;
  legend: string;
  hint?: string;
  /** Only residents of this community (an open council's own). */
  regionCode?: string;
  single?: boolean;
  /** Already parties: not offered again. */
  exclude?: number[];
  errors?: string[];
}) {
  const base = useId();
  const [q, setQ] = useState("");
  const [found, setFound] = useState<Resident[] | "searching" | "failed" | null>(null);
  const [chosen, setChosen] = useState<Resident[]>([]);
  useEffect(() => {
    const term = q.trim();
    if (!term) return setFound(null);
    const controller = new AbortController();
    // A pause in typing, not every key, asks the server.
    const timer = setTimeout(() => {
      setFound("searching");
      const params = new URLSearchParams({ q: term });
      if (props.regionCode) params.set("region", props.regionCode);
      fetch(`/councils/residents?${params}`, { signal: controller.signal })
        .then((r) => (r.ok ? (r.json() as Promise<Resident[]>) : Promise.reject(new Error(String(r.status)))))
        .then(setFound)
        .catch((error: Error) => {
          if (error.name !== "AbortError") setFound("failed");
        });
    }, 200);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [q, props.regionCode]);
  const offered = Array.isArray(found)
    ? found.filter((r) => !chosen.some((c) => c.userId === r.userId) && !props.exclude?.includes(r.userId))
    : [];
  const add = (r: Resident) => setChosen((now) => (props.single ? [r] : [...now, r]));
  const errorId = `${base}-error`;
  return (
    <fieldset className="field check-list" aria-describedby={props.errors?.length ? errorId : undefined}>
      <legend>{props.legend}</legend>
      {props.hint ? <p className="field-hint">{props.hint}</p> : null}
      {chosen.length ? (
        <div className="check-options">
          {chosen.map((r) => (
            <label key={r.userId}>
              <input
                type="checkbox"
                name={props.name}
                value={r.userId}
                checked
                onChange={() => setChosen((now) => now.filter((c) => c.userId !== r.userId))}
              />
              {r.displayName}
              <small className="muted"> · {r.place}</small>
            </label>
          ))}
        </div>
      ) : null}
      <div className="check-filter">
        <label htmlFor={`${base}-q`}>{R.label}</label>
        <input
          id={`${base}-q`}
          type="search"
          value={q}
          onChange={(e) => setQ(e.target.value)}
          onKeyDown={(e) => {
            // Enter adds the first one found rather than submitting the form.
            if (e.key !== "Enter") return;
            e.preventDefault();
            if (offered[0]) add(offered[0]);
          }}
          aria-describedby={`${base}-status`}
          autoComplete="off"
        />
        <span className="field-hint" id={`${base}-status`} role="status">
          {found === null
            ? R.hint
            : found === "searching"
              ? R.searching
              : found === "failed"
                ? R.failed
                : offered.length
                  ? R.matches(offered.length)
                  : R.none}
        </span>
      </div>
      {offered.length ? (
        <ul className="plain-list resident-matches">
          {offered.map((r) => (
            <li key={r.userId}>
              <button type="button" className="button" onClick={() => add(r)}>
                {R.add(r.displayName)}
              </button>{" "}
              <small className="muted">{r.place}</small>
            </li>
          ))}
        </ul>
      ) : null}
      {props.errors?.length ? (
        <p className="field-error" id={errorId}>
          {props.errors.join("；")}
        </p>
      ) : null}
    </fieldset>
  );
}
