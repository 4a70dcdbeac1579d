/**
 * A strict little XML parser for the documents our APIs send: a declaration,
 * one root, elements without attributes, text with the five predefined
 * entities and numeric references. Anything else — an unclosed or
 * mismatched tag, a bare `<` or `&`, text outside the root — throws, so a
 * test that parses a response has checked that it is well-formed.
 */
export interface XmlElement {
  name: string;
  children: XmlElement[];
  /** The element's own text, entities decoded (children's text excluded). */
  text: string;
}

const NAME = /^[A-Za-z_][A-Za-z0-9._-]*/;
const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

function decode(raw: string, at: number): string {
  if (raw.includes("<")) throw new Error(`bare '<' in text near ${at}`);
  return raw.replace(/&([^;\s]*);?/g, (whole, ref: string) => {
    if (!whole.endsWith(";")) throw new Error(`bare '&' in text near ${at}`);
    if (ref in ENTITIES) return ENTITIES[ref]!;
    const code = /^#x([0-9a-f]+)$/i.exec(ref)?.[1];
    const dec = /^#(\d+)$/.exec(ref)?.[1];
    if (code) return String.fromCodePoint(parseInt(code, 16));
    if (dec) return String.fromCodePoint(parseInt(dec, 10));
    throw new Error(`unknown entity &${ref}; near ${at}`);
  });
}

export function parseXml(source: string): { declaration: string; root: XmlElement } {
  const decl = /^<\?xml version="1\.0" encoding="(utf|UTF)-8"\?>\s*/.exec(source);
  if (!decl) throw new Error("missing or wrong XML declaration");
  let pos = decl[0].length;

  function parseElement(): XmlElement {
    if (source[pos] !== "<") throw new Error(`expected '<' at ${pos}`);
    pos += 1;
    const name = NAME.exec(source.slice(pos))?.[0];
    if (!name) throw new Error(`bad element name at ${pos}`);
    pos += name.length;
    const el: XmlElement = { name, children: [], text: "" };
    const ws = /^\s*/.exec(source.slice(pos))![0];
    pos += ws.length;
    if (source.startsWith("/>", pos)) {
      pos += 2;
      return el;
    }
    if (source[pos] !== ">") throw new Error(`attributes or junk in <${name}> at ${pos}`);
    pos += 1;
    for (;;) {
      const next = source.indexOf("<", pos);
      if (next < 0) throw new Error(`<${name}> is never closed`);
      el.text += decode(source.slice(pos, next), pos);
      pos = next;
      if (source.startsWith("</", pos)) {
        const end = `</${name}>`;
        if (!source.startsWith(end, pos)) throw new Error(`mismatched close tag at ${pos}, expected ${end}`);
        pos += end.length;
        return el;
      }
      el.children.push(parseElement());
    }
  }

  const root = parseElement();
  if (source.slice(pos).trim() !== "") throw new Error(`content after the root element at ${pos}`);
  return { declaration: decl[0].trim(), root };
}

/** The text of the first descendant path (e.g. "request/service_request_id"), or undefined. */
export function textAt(el: XmlElement, path: string): string | undefined {
  let cur: XmlElement | undefined = el;
  for (const part of path.split("/")) cur = cur?.children.find((c) => c.name === part);
  return cur?.text.trim();
}
