/** `path` with the given query values, leaving out empty ones (a list's filters and cursor). */
export function withQuery(path: string, values: Record<string, string | null | undefined>): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(values)) if (v) params.set(k, v);
  const query = params.toString();
  return query ? `${path}?${query}` : path;
}
