declare const jsonOf: unique symbol;

/**
 * A value written as JSON text, carrying its type for the reader. A page's
 * table rows cross to the browser this way: Remix's turbo-stream encoding
 * walks every field of every row in JavaScript (~1.5 ms for the queue's 50
 * rows, decision 0026), `JSON.stringify` and `JSON.parse` are native. Only
 * for values JSON keeps as they are: no dates (send their epoch
 * milliseconds), no `undefined`.
 */
export type JsonText<T> = string & { readonly [jsonOf]: T };

export function toJsonText<T>(value: T): JsonText<T> {
  return JSON.stringify(value) as JsonText<T>;
}

export function fromJsonText<T>(text: JsonText<T>): T {
  return JSON.parse(text) as T;
}
