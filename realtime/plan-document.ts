/**
 * How a plan lives in Yjs documents (DESIGN.md: the plan document schema,
 * shared by the browser editor and the server; docs/decisions/0015).
 *
 * - `plan:N` holds the plan text (a ProseMirror fragment, field `text`) and
 *   the rows of the `plan`-scoped lists (the problem list).
 * - `plan:N:party:M` holds organisation M's rows of the `party`-scoped lists
 *   (tasks, responsibilities, projects).
 *
 * A list is a Y.Array of rows; a row is a Y.Map of column → string with a
 * stable `id`. The content (what a version's hash covers) is read out as
 * plain JSON and encoded canonically: keys sorted, documents by name.
 */
import { sha256 } from "@oslojs/crypto/sha2";
import { encodeHexLowerCase } from "@oslojs/encoding";
import * as Y from "yjs";

export const PLAN_TEXT_FIELD = "text";

export type PlanRow = Record<string, string>;

export interface PlanDocumentName {
  planId: number;
  /** The party organisation whose rows the document holds, or null for the plan's shared document. */
  partyOrgId: number | null;
}

export const planDocumentName = (planId: number, partyOrgId: number | null = null) =>
  partyOrgId === null ? `plan:${planId}` : `plan:${planId}:party:${partyOrgId}`;

export function parsePlanDocumentName(name: string): PlanDocumentName | null {
  const match = /^plan:([1-9]\d{0,9})(?::party:([1-9]\d{0,9}))?$/.exec(name);
  if (!match) return null;
  return { planId: Number(match[1]), partyOrgId: match[2] === undefined ? null : Number(match[2]) };
}

export const listRows = (doc: Y.Doc, listKey: string) => doc.getArray<Y.Map<string>>(`list:${listKey}`);

/** Replaces the plan text with these paragraphs, as y-prosemirror stores TipTap's (the demo and the tests write plans). */
export function writeText(doc: Y.Doc, paragraphs: string[]) {
  const fragment = doc.getXmlFragment(PLAN_TEXT_FIELD);
  fragment.delete(0, fragment.length);
  fragment.insert(
    0,
    paragraphs.map((p) => {
      const el = new Y.XmlElement("paragraph");
      const text = new Y.XmlText();
      text.insert(0, p);
      el.insert(0, [text]);
      return el;
    }),
  );
}

/** A new row for a list (the browser adds rows this way; ids keep a row's identity across edits). */
export function newRow(values: PlanRow, id: string = crypto.randomUUID()): Y.Map<string> {
  const row = new Y.Map<string>();
  row.set("id", id);
  for (const [key, value] of Object.entries(values)) if (key !== "id") row.set(key, value);
  return row;
}

export interface DocumentContent {
  text: string;
  lists: Record<string, PlanRow[]>;
}

/** The readable content of a plan document: the text as XML and each list's rows. */
export function documentContent(doc: Y.Doc, listKeys: readonly string[]): DocumentContent {
  const lists: Record<string, PlanRow[]> = {};
  for (const key of listKeys)
    lists[key] = listRows(doc, key)
      .toArray()
      .map((row) => row.toJSON() as PlanRow);
  return { text: doc.getXmlFragment(PLAN_TEXT_FIELD).toString(), lists };
}

/** JSON with object keys sorted at every level, so equal content encodes to equal bytes. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/** sha-256 (hex) of the content of a plan's documents, by document name. */
export function contentHash(contents: Readonly<Record<string, DocumentContent>>): string {
  return encodeHexLowerCase(sha256(new TextEncoder().encode(canonicalJson(contents))));
}

/**
 * Makes `doc`'s content equal to `source`'s, as edits on `doc` (restoring a
 * version as a new change, never a rewrite of history): the text and every
 * list are replaced by copies of the source's.
 */
export function replaceContent(doc: Y.Doc, source: Y.Doc, listKeys: readonly string[]): void {
  doc.transact(() => {
    const text = doc.getXmlFragment(PLAN_TEXT_FIELD);
    text.delete(0, text.length);
    text.insert(
      0,
      source
        .getXmlFragment(PLAN_TEXT_FIELD)
        .toArray()
        // y-prosemirror writes elements and text only, never hooks.
        .flatMap((node) => (node instanceof Y.XmlHook ? [] : [node.clone()])),
    );
    for (const key of listKeys) {
      const rows = listRows(doc, key);
      rows.delete(0, rows.length);
      rows.insert(
        0,
        listRows(source, key)
          .toArray()
          .map((row) => row.clone()),
      );
    }
  });
}
