/** Small HTTP helpers for tests against a started portal. */

/** Posts a urlencoded form without following redirects. */
export function postForm(
  url: string,
  form: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(url, { method: "POST", body: new URLSearchParams(form), redirect: "manual", headers });
}

/** GET without following redirects. */
export function get(url: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, { redirect: "manual", headers });
}

/** The session cookie a response sets, as "rt_session=…", or null. */
export function sessionCookieOf(res: Response): string | null {
  const set = res.headers.getSetCookie().find((c) => c.startsWith("rt_session="));
  return set ? set.split(";")[0]! : null;
}

/** All attributes of the session cookie a response sets (e.g. ["rt_session=…", "Path=/", "HttpOnly", …]). */
export function sessionCookieAttributes(res: Response): string[] | null {
  const set = res.headers.getSetCookie().find((c) => c.startsWith("rt_session="));
  return set ? set.split(";").map((p) => p.trim()) : null;
}
