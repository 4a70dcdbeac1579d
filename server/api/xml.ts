/**
 * Open311's XML: schemaless, no namespace, UTF-8 with the declaration first
 * (GeoReport v2, "Encoding" and "XML Support"). JSON and XML are one shape
 * (the Spark convention): an object is an element per key, an array repeats
 * the element its parent's name calls for, null is an empty element.
 */

/** Which element an array's items become, by the array's own element name. */
const itemNames: Record<string, string> = {
  services: "service",
  service_requests: "request",
  endpoints: "endpoint",
  formats: "format",
  attributes: "attribute",
  values: "value",
  errors: "error",
};

// Characters XML 1.0 cannot carry at all, even escaped: dropped so the document stays well-formed.
// eslint-disable-next-line no-control-regex
const FORBIDDEN = /[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

export function escapeXml(text: string): string {
  return text.replace(FORBIDDEN, "").replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function element(name: string, value: unknown, indent: string): string {
  if (value === null || value === undefined) return `${indent}<${name}/>`;
  if (Array.isArray(value)) {
    const item = itemNames[name] ?? "item";
    if (value.length === 0) return `${indent}<${name}/>`;
    return `${indent}<${name}>\n${value.map((v) => element(item, v, `${indent}  `)).join("\n")}\n${indent}</${name}>`;
  }
  if (value instanceof Date) return `${indent}<${name}>${value.toISOString()}</${name}>`;
  if (typeof value === "object") {
    const children = Object.entries(value as Record<string, unknown>).map(([k, v]) => element(k, v, `${indent}  `));
    return children.length ? `${indent}<${name}>\n${children.join("\n")}\n${indent}</${name}>` : `${indent}<${name}/>`;
  }
  return `${indent}<${name}>${escapeXml(String(value))}</${name}>`;
}

/** A whole document: the declaration, then `root` holding `value`. */
export function toXml(root: string, value: unknown): string {
  return `<?xml version="1.0" encoding="utf-8"?>\n${element(root, value, "")}\n`;
}
