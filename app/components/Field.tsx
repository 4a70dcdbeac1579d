import type { InputHTMLAttributes, ReactNode } from "react";

/** Ids and ARIA wiring shared by every control: errors are announced and tied to their input. */
function useFieldIds(name: string, id: string | undefined, errors: string[] | undefined) {
  const fieldId = id ?? `field-${name}`;
  const errorId = `${fieldId}-error`;
  const invalid = !!errors?.length;
  return {
    fieldId,
    errorId,
    invalid,
    aria: { "aria-invalid": invalid || undefined, "aria-describedby": invalid ? errorId : undefined },
  };
}

function FieldFrame(props: {
  fieldId: string;
  errorId: string;
  label: string;
  errors?: string[];
  children: ReactNode;
}) {
  return (
    <div className="field">
      <label htmlFor={props.fieldId}>{props.label}</label>
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
}

export function Field({ name, label, errors, id, ...input }: FieldProps) {
  const ids = useFieldIds(name, id, errors);
  return (
    <FieldFrame fieldId={ids.fieldId} errorId={ids.errorId} label={label} errors={errors}>
      <input id={ids.fieldId} name={name} {...ids.aria} {...input} />
    </FieldFrame>
  );
}

interface SelectFieldProps {
  name: string;
  label: string;
  errors?: string[];
  children: ReactNode;
  defaultValue?: string;
  required?: boolean;
  id?: string;
}

export function SelectField({ name, label, errors, children, id, ...rest }: SelectFieldProps) {
  const ids = useFieldIds(name, id, errors);
  return (
    <FieldFrame fieldId={ids.fieldId} errorId={ids.errorId} label={label} errors={errors}>
      <select id={ids.fieldId} name={name} {...ids.aria} {...rest}>
        {children}
      </select>
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
