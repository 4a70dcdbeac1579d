/**
 * Markup written as text, for the one place a page renders too many elements
 * for React to be worth its cost: the ticket queue's 50 rows, ~700 elements
 * that React's server renderer took 1.5–1.8 ms to write on every page
 * (decision 0026, session 24). The page puts the text in the table body with
 * `dangerouslySetInnerHTML`, and builds the same text in the browser, so the
 * hydrated page and the server's agree.
 *
 * Text only becomes markup through the `markup` tag: every value put into it is
 * escaped exactly as React escapes text and attribute values, unless it is
 * itself markup made by the tag. Attribute values must be quoted in the
 * template; an escaped value cannot leave its quotes.
 */
export class Markup {
  constructor(readonly text: string) {}
}

/** What a template may hold: escaped text, markup, nothing (null, undefined, false), or a list of these. */
export type MarkupValue = Markup | string | number | null | undefined | false | readonly MarkupValue[];

const special = /["&'<>]/;
const replacements: Record<string, string> = { '"': "&quot;", "&": "&amp;", "'": "&#x27;", "<": "&lt;", ">": "&gt;" };

/** React's escaping of text and attribute values (escapeTextForBrowser): the same five characters, the same entities. */
export function escapeHtml(text: string): string {
  // Most values have nothing to escape; testing first spares a replace per value.
  return special.test(text) ? text.replace(/["&'<>]/g, (c) => replacements[c]!) : text;
}

function written(value: MarkupValue): string {
  if (value instanceof Markup) return value.text;
  if (value == null || value === false) return "";
  if (typeof value === "number") return String(value);
  if (typeof value === "string") return escapeHtml(value);
  let text = "";
  for (const part of value) text += written(part);
  return text;
}

/**
 * Named `markup`, not `html`: Prettier formats templates tagged `html` as
 * HTML, and its line breaks and indents would become text in every row.
 */
export function markup(strings: TemplateStringsArray, ...values: MarkupValue[]): Markup {
  let text = strings[0]!;
  for (let i = 0; i < values.length; i++) text += written(values[i]!) + strings[i + 1]!;
  return new Markup(text);
}
