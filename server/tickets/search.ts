/**
 * Full-text search for Chinese. SQLite's tokenizers split on spaces, and
 * Chinese has none, so tickets are indexed as overlapping character bigrams
 * ("楼下噪音" → "楼下 下噪 噪音") and queries are bigrammed the same way: a
 * query matches when all its bigrams occur. Latin words and numbers stay whole.
 * A lone character is searched as a prefix of the pairs; the last character of
 * a run starts none, so it is indexed on its own too ("路灯" → "路灯 灯").
 */
const HAN = /\p{Script=Han}/u;
const WORD = /[\p{L}\p{N}]/u;

/**
 * 0 other, 1 Han, 2 letter or digit. Bulk imports index a ticket per row, so
 * the common ranges (ASCII, the CJK Unified Ideographs block) skip the regexes.
 */
function classOf(ch: string): 0 | 1 | 2 {
  const c = ch.charCodeAt(0);
  if (c < 0x80) return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) ? 2 : 0;
  if (c >= 0x4e00 && c <= 0x9fff) return 1;
  return HAN.test(ch) ? 1 : WORD.test(ch) ? 2 : 0;
}

function runs(text: string): string[] {
  const out: string[] = [];
  let current = "";
  let han = false;
  const flush = () => {
    if (current) out.push(current);
    current = "";
  };
  for (const ch of text.normalize("NFKC")) {
    const kind = classOf(ch);
    if (kind === 1) {
      if (!han) flush();
      han = true;
      current += ch;
    } else if (kind === 2) {
      if (han) flush();
      han = false;
      current += ch.toLowerCase();
    } else {
      flush();
    }
  }
  flush();
  return out;
}

/** A text's tokens; for the index (`lastAlone`), each Chinese run's last character on its own as well. */
function tokensOf(text: string, lastAlone: boolean): string[] {
  const tokens: string[] = [];
  for (const run of runs(text)) {
    const chars = [...run];
    if (chars.length === 1 || classOf(chars[0]!) !== 1) {
      tokens.push(run);
      continue;
    }
    for (let i = 0; i < chars.length - 1; i++) tokens.push(chars[i]! + chars[i + 1]!);
    if (lastAlone) tokens.push(chars.at(-1)!);
  }
  return tokens;
}

/**
 * The version of the index's tokens: tickets indexed under an earlier one are indexed again in the
 * background (reindex.ts). 1: pairs only; 2: a run's last character on its own as well.
 */
export const SEARCH_TOKENS_VERSION = 2;

/** What goes into the FTS index for a ticket. */
export function indexText(...parts: (string | null | undefined)[]): string {
  return tokensOf(parts.filter(Boolean).join(" "), true).join(" ");
}

/**
 * An FTS5 MATCH expression for a person's query, or null when it has nothing
 * searchable. Every token is quoted, so FTS syntax in the input is inert. A
 * lone Chinese character matches as a prefix of the bigrams.
 */
export function matchExpression(query: string): string | null {
  const tokens = tokensOf(query, false).slice(0, 32);
  if (tokens.length === 0) return null;
  return tokens
    .map((t) => {
      const quoted = `"${t.replaceAll('"', '""')}"`;
      return [...t].length === 1 && HAN.test(t) ? `${quoted}*` : quoted;
    })
    .join(" ");
}
