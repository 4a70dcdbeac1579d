declare const jsonOf: unique symbol;

/**
 * A value written as JSON text, carrying its type for the reader. A page's
 * table rows cross to the browser this way: Remix's turbo-stream encoding
 * walks every field of every row in JavaScript (~1.5 ms for the queue's 50
 * rows, decision 0026), `JSON.stringify` and `JSON.parse` are native. Only
 * for values JSON keeps as they are (`JsonValue`): no dates (send their epoch
 * milliseconds), no `undefined`. The server reads back the very value it
 * wrote, the browser what JSON made of it, so the two must be the same.
 */
export type JsonText<T> = string & { readonly [jsonOf]: T };

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/**
 * The values the latest texts were written from. The server renders a page
 * right after its loader wrote the text, and reading the value back from here
 * spares parsing what was just written (~0.2 ms for the queue's rows). Each
 * value is handed over once and then let go: a page's rows kept for the next
 * requests outlived a young-generation collection and had to be copied by it
 * (decision 0026, session 22). A few are kept because requests interleave, and
 * a client navigation's loader writes a text that no server render reads. A
 * text not found here (always so in the browser) is parsed. Callers treat what
 * they read as immutable, as React expects of loader data.
 */
const writtenFrom = new Map<string, unknown>();
const KEEP = 8;

export function toJsonText<T extends JsonValue>(value: T): JsonText<T> {
  const text = JSON.stringify(value);
  writtenFrom.delete(text);
  if (writtenFrom.size >= KEEP) writtenFrom.delete(writtenFrom.keys().next().value!);
  writtenFrom.set(text, value);
  return text as JsonText<T>;
}

export function fromJsonText<T>(text: JsonText<T>): T {
  // A JSON value is never undefined: undefined is "not written here".
  const value = writtenFrom.get(text);
  if (value === undefined) return JSON.parse(text) as T;
  writtenFrom.delete(text);
  return value as T;
}
