declare const rowsOf: unique symbol;

/**
 * Table rows written as JSON text, carrying their type for the reader. A
 * page's table rows cross to the browser this way: Remix's turbo-stream
 * encoding walks every field of every row in JavaScript (~1.5 ms for the
 * queue's 50 rows, decision 0026), `JSON.stringify` and `JSON.parse` are
 * native. The rows share one shape, so the text names the keys once and then
 * holds each row's values in that order: as objects, the keys were half of
 * the text, which the page carries escaped twice (session 23). Only for values
 * JSON keeps as they are (`JsonValue`): no dates (send their epoch
 * milliseconds), no `undefined`. The server reads back the very rows it
 * wrote, the browser what JSON made of them, so the two must be the same.
 */
export type RowsText<T> = string & { readonly [rowsOf]: T[] };

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/**
 * The rows the latest texts were written from. The server renders a page
 * right after its loader wrote the text, and reading the rows back from here
 * spares parsing what was just written (~0.2 ms for the queue's rows). A text
 * is handed over as many times as it was written, and then let go: a page's
 * rows kept for the next requests outlived a young-generation collection and
 * had to be copied by it (decision 0026, session 22). Two requests for the
 * same page write the same text; counted once, the first render took the rows
 * and the second parsed them (half the renders, with four clients on one
 * queue). A few texts are kept because requests interleave, and a client
 * navigation's loader writes a text that no server render reads. A text not
 * found here (always so in the browser) is parsed. Callers treat what they
 * read as immutable, as React expects of loader data, so equal texts may
 * share their rows. A short list, not a `Map`: a map hashes each new text
 * (~10 µs for the queue's), where comparing it with a few others stops at
 * their length or their first different character.
 */
const writtenFrom: { text: string; rows: unknown; unread: number }[] = [];
const KEEP = 8;

export function toRowsText<T extends { [key: string]: JsonValue }>(rows: T[]): RowsText<T> {
  const keys = rows.length ? Object.keys(rows[0]!) : [];
  const packed: JsonValue[][] = [keys];
  for (const row of rows) {
    // One pass over the row's own keys (a third of the queue page's 50 µs here went to mapping,
    // searching and listing each row's keys again). Another key, or one missing, would be lost on
    // the way, and a JSON value is never undefined.
    const values = new Array<JsonValue>(keys.length);
    let seen = 0;
    for (const key in row) {
      const at = keys[seen] === key ? seen : keys.indexOf(key);
      if (at < 0 || row[key] === undefined) throw shapeError(keys, row);
      values[at] = row[key];
      seen++;
    }
    if (seen !== keys.length) throw shapeError(keys, row);
    packed.push(values);
  }
  const text = JSON.stringify(packed);
  // Latest written, last out: a text written again moves to the end with its readers counted.
  const at = writtenFrom.findIndex((kept) => kept.text === text);
  const kept = at < 0 ? { text, rows, unread: 0 } : writtenFrom.splice(at, 1)[0]!;
  kept.unread++;
  if (writtenFrom.length >= KEEP) writtenFrom.shift();
  writtenFrom.push(kept);
  return text as RowsText<T>;
}

function shapeError(keys: string[], row: object): Error {
  return new Error(
    `rows text: each row needs the first row's fields, none undefined: ${keys.join(",")} / ${Object.keys(row).join(",")}`,
  );
}

export function fromRowsText<T>(text: RowsText<T>): T[] {
  const at = writtenFrom.findIndex((kept) => kept.text === text);
  if (at >= 0) {
    const kept = writtenFrom[at]!;
    if (--kept.unread === 0) writtenFrom.splice(at, 1);
    return kept.rows as T[];
  }
  const [keys = [], ...packed] = JSON.parse(text) as [string[]?, ...JsonValue[][]];
  return packed.map((values) => {
    const row: Record<string, JsonValue> = {};
    keys.forEach((key, i) => (row[key] = values[i]!));
    return row as T;
  });
}
