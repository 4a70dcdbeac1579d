import { data } from "@remix-run/node";
import { ServiceError, TooManyRequestsError, ValidationError, type FieldErrors } from "../../server/errors";

export interface ActionFailure {
  ok: false;
  message: string;
  fieldErrors: FieldErrors;
}

/**
 * Runs an action's work; a ServiceError comes back as the form's error with
 * its HTTP status (400, 403, 409, 429 …) for useActionData to show, anything
 * else propagates to the error boundary.
 */
export async function handleForm<T>(fn: () => Promise<T>) {
  try {
    return await fn();
  } catch (error) {
    if (!(error instanceof ServiceError)) throw error;
    const headers = new Headers();
    if (error instanceof TooManyRequestsError) headers.set("Retry-After", String(error.retryAfterSeconds));
    const body: ActionFailure = {
      ok: false,
      message: error.message,
      fieldErrors: error instanceof ValidationError ? error.fieldErrors : {},
    };
    return data(body, { status: error.status, headers });
  }
}

export function formObject(form: FormData): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of form) if (typeof v === "string") out[k] = v;
  return out;
}
