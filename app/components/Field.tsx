import type { InputHTMLAttributes, ReactNode, SelectHTMLAttributes, TextareaHTMLAttributes } from "react";

interface Labelled {
  name: string;
  label: string;
  errors?: string[];
  /** A short help text under the label, announced with the field. */
  hint?: ReactNode;
  id?: string;
}

/** What every control gets: its id, its name, and ARIA tying it to its hint and errors. */
interface ControlProps {
  id: string;
  name: string;
  "aria-invalid": true | undefined;
  "aria-describedby": string | undefined;
}

/** Label, hint, control and errors: errors are announced and tied to their input. */
function FieldFrame({
  name,
  label,
  errors,
  hint,
  id,
  control,
}: Labelled & { control: (p: ControlProps) => ReactNode }) {
  const fieldId = id ?? `field-${name}`;
  const errorId = `${fieldId}-error`;
  const hintId = `${fieldId}-hint`;
  const invalid = !!errors?.length;
  const describedBy = [hint ? hintId : null, invalid ? errorId : null].filter(Boolean).join(" ");
  return (
    <div className="field">
      <label htmlFor={fieldId}>{label}</label>
      {hint ? (
        <p className="field-hint" id={hintId}>
          {hint}
        </p>
      ) : null}
      {control({
        id: fieldId,
        name,
        "aria-invalid": invalid || undefined,
        "aria-describedby": describedBy || undefined,
      })}
      {invalid ? (
        <p className="field-error" id={errorId}>
          {errors.join("；")}
        </p>
      ) : null}
    </div>
  );
}

type FieldProps = Labelled & Omit<InputHTMLAttributes<HTMLInputElement>, "name" | "id">;

export function Field({ name, label, errors, hint, id, ...input }: FieldProps) {
  return <FieldFrame {...{ name, label, errors, hint, id }} control={(p) => <input {...p} {...input} />} />;
}

type SelectFieldProps = Labelled &
  Omit<SelectHTMLAttributes<HTMLSelectElement>, "name" | "id"> & { children: ReactNode };

export function SelectField({ name, label, errors, hint, id, children, ...select }: SelectFieldProps) {
  return (
    <FieldFrame
      {...{ name, label, errors, hint, id }}
      control={(p) => (
        <select {...p} {...select}>
          {children}
        </select>
      )}
    />
  );
}

type TextareaFieldProps = Labelled & Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, "name" | "id">;

export function TextareaField({ name, label, errors, hint, id, ...textarea }: TextareaFieldProps) {
  return <FieldFrame {...{ name, label, errors, hint, id }} control={(p) => <textarea {...p} {...textarea} />} />;
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
