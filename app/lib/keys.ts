/** The keys of a label map, typed: `keysOf(t.tickets.types)` lists the request types in their order. */
export function keysOf<K extends string>(labels: Record<K, unknown>): K[] {
  return Object.keys(labels) as K[];
}
