/**
 * A readable difference between two versions of a plan (issue 5 item 6,
 * docs/decisions/0015): the plan text paragraph by paragraph, with the words
 * inserted and deleted inside a changed paragraph, and each list's rows added,
 * removed or changed cell by cell. Pure: it reads the plain content
 * (`documentContent`) of each document, never Yjs internals, so two versions
 * that hash equally show no difference.
 */
import { parsePlanDocumentName, type DocumentContent, type PlanRow } from "../../realtime/plan-document";

export type Op = "same" | "added" | "removed";

export interface Piece {
  op: Op;
  text: string;
}

export type BlockDiff =
  | { op: "same" | "added" | "removed"; text: string }
  /** A paragraph edited in place: its words, inserted and deleted. */
  | { op: "changed"; pieces: Piece[] };

export interface CellChange {
  column: string;
  before: string;
  after: string;
}

export interface ListDiff {
  key: string;
  /** The party whose rows these are, or null for a list of the shared document. */
  partyOrgId: number | null;
  added: PlanRow[];
  removed: PlanRow[];
  changed: { id: string; row: PlanRow; cells: CellChange[] }[];
}

export interface PlanDiff {
  text: BlockDiff[];
  lists: ListDiff[];
  /** True when nothing differs. */
  same: boolean;
}

/**
 * Longest-common-subsequence edit script of two token sequences. Plans are a
 * few hundred paragraphs and a paragraph a few hundred words, so the plain
 * O(n·m) table is fast enough once the common head and tail are cut off.
 */
export function diffSequences(a: readonly string[], b: readonly string[]): { op: Op; value: string }[] {
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const x = a.slice(head, a.length - tail);
  const y = b.slice(head, b.length - tail);
  // lcs[i][j]: length of the common subsequence of x[i..] and y[j..].
  const lcs = Array.from({ length: x.length + 1 }, () => new Uint32Array(y.length + 1));
  for (let i = x.length - 1; i >= 0; i--)
    for (let j = y.length - 1; j >= 0; j--)
      lcs[i]![j] = x[i] === y[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  const middle: { op: Op; value: string }[] = [];
  let i = 0;
  let j = 0;
  while (i < x.length || j < y.length) {
    if (i < x.length && j < y.length && x[i] === y[j]) {
      middle.push({ op: "same", value: x[i++]! });
      j++;
    } else if (i < x.length && (j === y.length || lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) {
      // On a tie the deletion comes first: "<del>old</del><ins>new</ins>" reads as a replacement.
      middle.push({ op: "removed", value: x[i++]! });
    } else {
      middle.push({ op: "added", value: y[j++]! });
    }
  }
  return [
    ...a.slice(0, head).map((value) => ({ op: "same" as const, value })),
    ...middle,
    ...a.slice(a.length - tail).map((value) => ({ op: "same" as const, value })),
  ];
}

export interface TextBlock {
  kind: "heading" | "paragraph" | "item";
  /** A heading's level (1–6); 0 otherwise. */
  level: number;
  text: string;
}

// The blocks TipTap's StarterKit writes whose end closes a paragraph of readable text.
const TEXT_BLOCKS = new Set(["paragraph", "heading", "codeBlock"]);
const TOKEN = /<(\/?)([A-Za-z][\w-]*)((?:\s+[\w-]+="[^"]*")*)\s*(\/?)>|([^<]+|<)/g;

/**
 * The plan text (the Y.XmlFragment's XML, as y-prosemirror stores TipTap's
 * nodes) as headings, paragraphs and list items of plain text; marks (bold,
 * italic) are dropped, empty paragraphs left out. Read as data, never
 * rendered as HTML, so nothing typed into the plan can become markup.
 */
export function readableBlocks(xml: string): TextBlock[] {
  const out: TextBlock[] = [];
  const open: string[] = [];
  let text = "";
  let level = 0;
  const flush = (kind: string) => {
    const trimmed = text.trim();
    if (trimmed)
      out.push({
        kind: kind === "heading" ? "heading" : open.includes("listItem") ? "item" : "paragraph",
        level: kind === "heading" ? level : 0,
        text: trimmed,
      });
    text = "";
  };
  for (const [, close, name, attrs, selfClosing, chars] of xml.matchAll(TOKEN)) {
    if (chars !== undefined) text += chars;
    else if (selfClosing) continue;
    else if (!close) {
      open.push(name!);
      if (name === "heading") level = Number(/level="(\d)"/.exec(attrs ?? "")?.[1] ?? 1);
    } else {
      open.splice(open.lastIndexOf(name!), 1);
      if (TEXT_BLOCKS.has(name!)) flush(name!);
    }
  }
  flush("paragraph");
  return out;
}

/** The plan text as its paragraphs of plain text. */
export const textBlocks = (xml: string) => readableBlocks(xml).map((b) => b.text);

// Chinese has no spaces: the platform's dictionary-based segmenter finds the words (地下车库 · 噪音).
const segmenter = new Intl.Segmenter("zh-CN", { granularity: "word" });
export const words = (text: string) => [...segmenter.segment(text)].map((s) => s.segment);

/** Joins neighbouring pieces of the same kind, so the page shows phrases, not single characters. */
function merge(pieces: Piece[]): Piece[] {
  const out: Piece[] = [];
  for (const p of pieces) {
    const last = out[out.length - 1];
    if (last && last.op === p.op) last.text += p.text;
    else out.push({ ...p });
  }
  return out;
}

/** Words inserted and deleted between two paragraphs. */
export function diffWords(before: string, after: string): Piece[] {
  return merge(diffSequences(words(before), words(after)).map((d) => ({ op: d.op, text: d.value })));
}

/** Paragraphs added, removed and kept; a removed run followed by an added run pairs up as edits in place. */
export function diffText(beforeXml: string, afterXml: string): BlockDiff[] {
  const script = diffSequences(textBlocks(beforeXml), textBlocks(afterXml));
  const out: BlockDiff[] = [];
  for (let k = 0; k < script.length;) {
    if (script[k]!.op === "same") {
      out.push({ op: "same", text: script[k++]!.value });
      continue;
    }
    const removed: string[] = [];
    const added: string[] = [];
    while (k < script.length && script[k]!.op !== "same") {
      const step = script[k++]!;
      (step.op === "removed" ? removed : added).push(step.value);
    }
    const paired = Math.min(removed.length, added.length);
    for (let n = 0; n < paired; n++) out.push({ op: "changed", pieces: diffWords(removed[n]!, added[n]!) });
    for (const text of removed.slice(paired)) out.push({ op: "removed", text });
    for (const text of added.slice(paired)) out.push({ op: "added", text });
  }
  return out;
}

/** Rows matched by their stable id: added, removed, and the cells that changed in the others. */
export function diffRows(before: readonly PlanRow[], after: readonly PlanRow[]): Omit<ListDiff, "key" | "partyOrgId"> {
  const key = (row: PlanRow, i: number) => row.id ?? `#${i}`;
  const old = new Map(before.map((r, i) => [key(r, i), r]));
  const now = new Map(after.map((r, i) => [key(r, i), r]));
  const changed: ListDiff["changed"] = [];
  for (const [id, row] of now) {
    const was = old.get(id);
    if (!was) continue;
    const columns = [...new Set([...Object.keys(was), ...Object.keys(row)])].filter((c) => c !== "id").sort();
    const cells = columns
      .filter((c) => (was[c] ?? "") !== (row[c] ?? ""))
      .map((column) => ({ column, before: was[column] ?? "", after: row[column] ?? "" }));
    if (cells.length) changed.push({ id, row, cells });
  }
  return {
    added: [...now].filter(([id]) => !old.has(id)).map(([, r]) => r),
    removed: [...old].filter(([id]) => !now.has(id)).map(([, r]) => r),
    changed,
  };
}

/**
 * The difference between two versions' contents (document name → content).
 * The text is the shared document's; lists are compared per document, so a
 * party's rows are listed under that party.
 */
export function diffContents(
  before: Readonly<Record<string, DocumentContent>>,
  after: Readonly<Record<string, DocumentContent>>,
): PlanDiff {
  const names = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  const text: BlockDiff[] = [];
  const lists: ListDiff[] = [];
  for (const name of names) {
    const partyOrgId = parsePlanDocumentName(name)?.partyOrgId ?? null;
    const a = before[name];
    const b = after[name];
    if (partyOrgId === null) text.push(...diffText(a?.text ?? "", b?.text ?? ""));
    const keys = [...new Set([...Object.keys(a?.lists ?? {}), ...Object.keys(b?.lists ?? {})])];
    for (const key of keys) {
      const rows = diffRows(a?.lists[key] ?? [], b?.lists[key] ?? []);
      if (rows.added.length || rows.removed.length || rows.changed.length) lists.push({ key, partyOrgId, ...rows });
    }
  }
  return { text, lists, same: lists.length === 0 && text.every((t) => t.op === "same") };
}
