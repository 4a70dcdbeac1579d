/** A group of checkboxes under one legend, with its errors: the parties of a whistle or a council, a category's tags. */
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
  return (
    <fieldset className="field check-list" aria-describedby={errors?.length ? errorId : undefined}>
      <legend>{legend}</legend>
      {hint ? <p className="field-hint">{hint}</p> : null}
      <div className="check-options">
        {options.map((o) => (
          <label key={o.value}>
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
