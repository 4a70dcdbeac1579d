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
 * else propagates to the error boundary. `tag` is merged into the failure so
 * a page with several forms (an `intent` field, a row id) can show the error
 * next to the form that caused it.
 */
export async function handleForm<T, Tag extends Record<string, string> = Record<never, never>>(
  fn: () => Promise<T>,
  tag?: Tag,
) {
  try {
    return await fn();
  } catch (error) {
    if (!(error instanceof ServiceError)) throw error;
    const headers = new Headers();
    if (error instanceof TooManyRequestsError) headers.set("Retry-After", String(error.retryAfterSeconds));
    const body: ActionFailure & Tag = {
      ...(tag as Tag),
      ok: false,
      message: error.message,
      fieldErrors: error instanceof ValidationError ? error.fieldErrors : {},
    };
    return data(body, { status: error.status, headers });
  }
}

/**
 * Runs a loader's service call; a ServiceError becomes the HTTP error the
 * error boundary renders (403 forbidden, 404 not found …) instead of a 500.
 */
export async function loadOrThrow<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof ServiceError) throw new Response(error.message, { status: error.status });
    throw error;
  }
}

/** A positive integer id from a route param or form field, or null. */
export function parseId(value: string | null | undefined): number | null {
  if (!value || !/^\d{1,15}$/.test(value)) return null;
  const n = Number(value);
  return n > 0 ? n : null;
}

export function formObject(form: FormData): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of form) if (typeof v === "string") out[k] = v;
  return out;
}

/** As formObject, with the named fields kept as lists (checkbox groups, repeated rows). */
export function formWithLists(form: FormData, lists: readonly string[]): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = formObject(form);
  for (const key of lists) out[key] = form.getAll(key).filter((v): v is string => typeof v === "string" && v !== "");
  return out;
}

/**
 * A list a form's picker fetches when it is first used (decision 0025), as JSON. Reference data or a
 * versioned URL: the browser may keep it for five minutes, across the pages a person fills in.
 */
export function listJson(data: unknown): Response {
  return Response.json(data, { headers: { "Cache-Control": "private, max-age=300" } });
}
