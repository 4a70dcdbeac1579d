import type { InputHTMLAttributes, ReactNode, SelectHTMLAttributes, TextareaHTMLAttributes } from "react";

/** Ids and ARIA wiring shared by every control: errors are announced and tied to their input. */
function useFieldIds(name: string, id: string | undefined, errors: string[] | undefined, hint?: ReactNode) {
  const fieldId = id ?? `field-${name}`;
  const errorId = `${fieldId}-error`;
  const hintId = `${fieldId}-hint`;
  const invalid = !!errors?.length;
  const describedBy = [hint ? hintId : null, invalid ? errorId : null].filter(Boolean).join(" ");
  return {
    fieldId,
    errorId,
    hintId,
    invalid,
    aria: { "aria-invalid": invalid || undefined, "aria-describedby": describedBy || undefined },
  };
}

function FieldFrame(props: {
  fieldId: string;
  errorId: string;
  hintId?: string;
  label: string;
  hint?: ReactNode;
  errors?: string[];
  children: ReactNode;
}) {
  return (
    <div className="field">
      <label htmlFor={props.fieldId}>{props.label}</label>
      {props.hint ? (
        <p className="field-hint" id={props.hintId}>
          {props.hint}
        </p>
      ) : null}
      {props.children}
      {props.errors?.length ? (
        <p className="field-error" id={props.errorId}>
          {props.errors.join("；")}
        </p>
      ) : null}
    </div>
  );
}

interface FieldProps extends InputHTMLAttributes<HTMLInputElement> {
  name: string;
  label: string;
  errors?: string[];
  /** A short help text under the label, announced with the field. */
  hint?: ReactNode;
}

export function Field({ name, label, errors, hint, id, ...input }: FieldProps) {
  const ids = useFieldIds(name, id, errors, hint);
  return (
    <FieldFrame
      fieldId={ids.fieldId}
      errorId={ids.errorId}
      hintId={ids.hintId}
      label={label}
      hint={hint}
      errors={errors}
    >
      <input id={ids.fieldId} name={name} {...ids.aria} {...input} />
    </FieldFrame>
  );
}

interface SelectFieldProps extends SelectHTMLAttributes<HTMLSelectElement> {
  name: string;
  label: string;
  errors?: string[];
  hint?: ReactNode;
  children: ReactNode;
}

export function SelectField({ name, label, errors, hint, children, id, ...rest }: SelectFieldProps) {
  const ids = useFieldIds(name, id, errors, hint);
  return (
    <FieldFrame
      fieldId={ids.fieldId}
      errorId={ids.errorId}
      hintId={ids.hintId}
      label={label}
      hint={hint}
      errors={errors}
    >
      <select id={ids.fieldId} name={name} {...ids.aria} {...rest}>
        {children}
      </select>
    </FieldFrame>
  );
}

interface TextareaFieldProps extends TextareaHTMLAttributes<HTMLTextAreaElement> {
  name: string;
  label: string;
  errors?: string[];
  hint?: ReactNode;
}

export function TextareaField({ name, label, errors, hint, id, ...textarea }: TextareaFieldProps) {
  const ids = useFieldIds(name, id, errors, hint);
  return (
    <FieldFrame
      fieldId={ids.fieldId}
      errorId={ids.errorId}
      hintId={ids.hintId}
      label={label}
      hint={hint}
      errors={errors}
    >
      <textarea id={ids.fieldId} name={name} {...ids.aria} {...textarea} />
    </FieldFrame>
  );
}

/** The form-level message: role=alert so screen readers hear it at once. */
export function FormError({ message }: { message?: string }) {
  if (!message) return null;
  return (
    <p className="form-error" role="alert">
      {message}
    </p>
  );
}
