import type { ReactNode } from "react";
import { t } from "~/i18n";
import { Field } from "./Field";

/**
 * The fields of a new account (username, name, password), shared by resident
 * registration and accepting an invitation; `between` goes before the password.
 */
export function AccountFields(props: { errors?: Record<string, string[]>; autoFocus?: boolean; between?: ReactNode }) {
  const errors = props.errors ?? {};
  return (
    <>
      <Field
        name="username"
        label={t.register.username}
        autoComplete="username"
        autoCapitalize="none"
        spellCheck={false}
        required
        autoFocus={props.autoFocus}
        errors={errors.username}
      />
      <Field
        name="displayName"
        label={t.register.displayName}
        autoComplete="name"
        required
        errors={errors.displayName}
      />
      {props.between}
      <Field
        name="password"
        label={t.register.password}
        type="password"
        autoComplete="new-password"
        minLength={10}
        required
        errors={errors.password}
      />
    </>
  );
}
