import type { ReactNode } from "react";

export interface RadioOption {
  value: string;
  label: ReactNode;
  disabled?: boolean;
}

/**
 * A fieldset of radio buttons shown as chips: arrow keys move between them,
 * the legend names the group, and an error is tied to the group.
 */
export function RadioGroup(props: {
  name: string;
  legend: string;
  options: RadioOption[];
  value?: string;
  defaultValue?: string;
  onChange?: (value: string) => void;
  errors?: string[];
  hint?: ReactNode;
  autoFocus?: boolean;
  required?: boolean;
  idPrefix?: string;
  /** Short labels (scores 1–5): tighter chips, so a row fits a phone. */
  compact?: boolean;
}) {
  const base = props.idPrefix ?? `radio-${props.name}`;
  const errorId = `${base}-error`;
  const hintId = `${base}-hint`;
  const invalid = !!props.errors?.length;
  const describedBy = [props.hint ? hintId : null, invalid ? errorId : null].filter(Boolean).join(" ") || undefined;
  const controlled = props.value !== undefined;
  return (
    <fieldset className="choice-group" aria-describedby={describedBy} data-invalid={invalid || undefined}>
      <legend>{props.legend}</legend>
      {props.hint ? (
        <p className="field-hint" id={hintId}>
          {props.hint}
        </p>
      ) : null}
      <div className={props.compact ? "chips compact" : "chips"}>
        {props.options.map((o, i) => (
          <label key={o.value} className={o.disabled ? "chip disabled" : "chip"}>
            <input
              type="radio"
              name={props.name}
              value={o.value}
              id={`${base}-${o.value}`}
              disabled={o.disabled}
              required={props.required}
              autoFocus={props.autoFocus && i === 0}
              {...(controlled
                ? { checked: props.value === o.value }
                : { defaultChecked: props.defaultValue === o.value })}
              onChange={(e) => {
                if (e.target.checked) props.onChange?.(o.value);
              }}
            />
            <span>{o.label}</span>
          </label>
        ))}
      </div>
      {invalid ? (
        <p className="field-error" id={errorId}>
          {props.errors!.join("；")}
        </p>
      ) : null}
    </fieldset>
  );
}
