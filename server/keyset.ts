/**
 * Keyset pages: a list sorted by (key, id) continues after the last row it
 * showed, named by an opaque cursor, so a page costs the same however deep it
 * is and rows added meanwhile do not shift what comes next.
 */
import { and, desc, eq, gt, lt, or, type SQL, type SQLWrapper } from "drizzle-orm";

export function encodeCursor(key: number, id: number): string {
  return Buffer.from(`${key}:${id}`).toString("base64url");
}

/** The cursor's key and id, or null for a cursor no page produced. */
export function decodeCursor(cursor: string | null | undefined): [number, number] | null {
  if (!cursor) return null;
  const [key, id] = Buffer.from(cursor, "base64url").toString().split(":").map(Number);
  return Number.isSafeInteger(key) && Number.isSafeInteger(id) ? [key!, id!] : null;
}

/** The rows after (keyValue, idValue) in a list sorted by (key, id), descending or ascending. */
export function afterCursor<K>(
  key: SQLWrapper,
  id: SQLWrapper,
  keyValue: K,
  idValue: number,
  order: "desc" | "asc",
): SQL {
  const beyond = order === "desc" ? lt : gt;
  return or(beyond(key, keyValue), and(eq(key, keyValue), beyond(id, idValue)))!;
}

/**
 * How a list is sorted newest first: by (time, id), or by id alone where ids are given in time order
 * and an index leads with them.
 */
export type NewestFirst<R> = { time: SQLWrapper; id: SQLWrapper; of: (row: R) => Date } | { id: SQLWrapper };

/**
 * One page of a list sorted newest first, and the cursor of the next. The query is given the
 * condition for the rows after the cursor, the order, and how many rows to fetch: one more than the
 * page, to know whether another follows. (The query comes before the columns so that the row type is
 * inferred from it.)
 */
export async function newestFirstPage<R extends { id: number }>(
  cursor: string | null | undefined,
  size: number,
  query: (after: SQL | undefined, order: SQL[], limit: number) => Promise<R[]>,
  columns: NewestFirst<R>,
): Promise<{ rows: R[]; next: string | null }> {
  const at = decodeCursor(cursor);
  const byTime = "time" in columns;
  let after: SQL | undefined;
  if (at)
    after = byTime ? afterCursor(columns.time, columns.id, new Date(at[0]), at[1], "desc") : lt(columns.id, at[1]);
  const found = await query(after, byTime ? [desc(columns.time), desc(columns.id)] : [desc(columns.id)], size + 1);
  const rows = found.slice(0, size);
  const last = rows.at(-1);
  if (found.length <= size || !last) return { rows, next: null };
  return { rows, next: encodeCursor(byTime ? columns.of(last).getTime() : last.id, last.id) };
}

/** The first `limit` of a list read with one row more, and whether there were more: a list that shows its head and links the rest. */
export interface Bounded<T> {
  items: T[];
  more: boolean;
}

export function bounded<T>(rows: T[], limit: number): Bounded<T> {
  return { items: rows.slice(0, limit), more: rows.length > limit };
}
