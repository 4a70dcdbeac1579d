/**
 * Property-based fuzzing of the portal's inputs (issue 8, item 5): the forms
 * every route's action reads, the bodies they may arrive in, and a ledger of
 * every row the database changes, so a rejected input can be shown to have
 * stored nothing — not even half of itself.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import fc from "fast-check";
import type { Database } from "../../db/client";

// ——— Which routes take input ———

export const ROUTES_DIR = resolve("app/routes");

/** Route files that export an action (a form or an endpoint that accepts POST). */
export function routesWithActions(): string[] {
  return readdirSync(ROUTES_DIR)
    .filter((f) => /\.tsx?$/.test(f))
    .filter((f) => /export (async function|const|function) action\b/.test(readFileSync(join(ROUTES_DIR, f), "utf8")))
    .sort();
}

/**
 * The field names and intents a route's source mentions: the form's inputs
 * (`name="…"`), what its action reads (`form.x`, `input.x`), and each intent it
 * dispatches on. Read from the source so a field or intent added later is
 * fuzzed without anyone remembering to list it.
 */
export function inputsOf(file: string): { fields: string[]; intents: string[] } {
  const source = readFileSync(join(ROUTES_DIR, file), "utf8");
  const fields = new Set<string>(["intent"]);
  for (const m of source.matchAll(/\bname=["{]"?([A-Za-z][\w.]*)"?[}"]?/g)) fields.add(m[1]!);
  for (const m of source.matchAll(/\b(?:form|input)\.([A-Za-z]\w*)\b/g)) fields.add(m[1]!);
  for (const m of source.matchAll(/\bidFrom\(form, "(\w+)"\)/g)) fields.add(m[1]!);
  const intents = new Set<string>();
  for (const m of source.matchAll(/intent === "([\w-]+)"/g)) intents.add(m[1]!);
  for (const m of source.matchAll(/case "([\w-]+)":/g)) intents.add(m[1]!);
  for (const m of source.matchAll(/name="intent"\s+value="([\w-]+)"/g)) intents.add(m[1]!);
  // Method names of objects and the like are not fields.
  for (const noise of ["get", "getAll", "has", "entries", "keys", "values", "length", "trim"]) fields.delete(noise);
  return { fields: [...fields].sort(), intents: [...intents].sort() };
}

// ——— Hostile values ———

/** Strings every input should survive: injections, markup, control and bidi characters, astral planes. */
export const HOSTILE_STRINGS = [
  "",
  " ",
  "\t\r\n",
  "' OR 1=1 --",
  "'; DROP TABLE tickets; --",
  '" OR ""="',
  "<script>alert(1)</script>",
  '"><img src=x onerror=alert(1)>',
  "javascript:alert(1)",
  "{{7*7}}",
  "${7*7}",
  "<%= 7*7 %>",
  "../../../../etc/passwd",
  "..\\..\\windows\\win.ini",
  "/dev/zero",
  "a\u0000b",
  "\u0000",
  "\u202Egnp.exe",
  "\u200B\u200D\uFEFF",
  "😀👨‍👩‍👧‍👦𠮷",
  "\uD800",
  "\uDFFF",
  "%00",
  "%",
  "null",
  "undefined",
  "true",
  "[object Object]",
  "__proto__",
  "constructor",
  "-1",
  "0",
  "-0",
  "1e309",
  "NaN",
  "Infinity",
  "9007199254740993",
  "99999999999999999999999",
  "0x1F",
  "１２３",
  "2026-02-30",
  "9999-12-31T99:99",
  "0000-00-00",
  "1970-01-01T00:00:00Z",
  "all",
  "on",
  "北京市东城区" + "某".repeat(300),
];

/** Field names a form never has, to show unknown keys are ignored or refused, never stored. */
export const HOSTILE_KEYS = ["__proto__", "constructor", "prototype", "id", "status", "createdBy", "a[b]", "x.y", ""];

const sized = fc.constantFrom(1_000, 10_000, 50_000).map((n) => "长".repeat(n));

export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
  { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: "grapheme", maxLength: 40 }) },
  { weight: 2, arbitrary: fc.integer().map(String) },
  { weight: 1, arbitrary: fc.double().map(String) },
  { weight: 1, arbitrary: sized },
);

// ——— Bodies ———

export type Encoding = "urlencoded" | "multipart" | "json" | "text" | "none" | "octet" | "bad-bytes";

export interface FormCase {
  pairs: [string, string][];
  encoding: Encoding;
}

/** Invalid UTF-8 as raw bytes and as percent-escapes: overlong, lone surrogates (CESU), truncated, stray. */
const BAD_BYTES = [
  Buffer.from([0xff, 0xfe]),
  Buffer.from([0xc0, 0xaf]),
  Buffer.from([0xed, 0xa0, 0x80]),
  Buffer.from([0xe4, 0xb8]),
  Buffer.from("%ED%A0%80%C0%AF%FF"),
  Buffer.from("%E4%B8"),
  Buffer.from("%zz%"),
];

/** A request's body and content type for a case. `none` and `octet` send the urlencoded bytes mislabelled. */
export function bodyOf(c: FormCase): { body: Uint8Array<ArrayBuffer> | FormData; contentType?: string } {
  const encoded = () => new Uint8Array(Buffer.from(new URLSearchParams(c.pairs).toString()));
  switch (c.encoding) {
    case "urlencoded":
      return { body: encoded(), contentType: "application/x-www-form-urlencoded" };
    case "multipart": {
      const form = new FormData();
      for (const [k, v] of c.pairs) form.append(k, v);
      return { body: form };
    }
    case "json":
      return {
        body: new Uint8Array(Buffer.from(JSON.stringify(Object.fromEntries(c.pairs)))),
        contentType: "application/json",
      };
    case "text":
      return { body: encoded(), contentType: "text/plain;charset=UTF-8" };
    case "octet":
      return { body: encoded(), contentType: "application/octet-stream" };
    case "none":
      return { body: encoded() };
    case "bad-bytes": {
      const parts: Buffer[] = [];
      c.pairs.forEach(([k], i) => {
        if (i > 0) parts.push(Buffer.from("&"));
        parts.push(Buffer.from(`${encodeURIComponent(k)}=`), BAD_BYTES[i % BAD_BYTES.length]!);
      });
      return { body: new Uint8Array(Buffer.concat(parts)), contentType: "application/x-www-form-urlencoded" };
    }
  }
}

/**
 * Forms for a route: its own fields (and a few it never has) with hostile
 * values, a known or hostile intent, fields missing or repeated hundreds of
 * times, in every body encoding.
 */
export function formCases(inputs: { fields: string[]; intents: string[] }): fc.Arbitrary<FormCase> {
  const fieldName = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...inputs.fields) },
    { weight: 1, arbitrary: fc.constantFrom(...HOSTILE_KEYS) },
  );
  const intent = inputs.intents.length
    ? fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...inputs.intents) }, { weight: 1, arbitrary: hostileString })
    : hostileString;
  const pair = fc.tuple(fieldName, hostileString);
  // A field sent many times over: what a list-reading action (checkbox groups) must bound.
  const repeated = fc
    .tuple(fieldName, fc.constantFrom("1", "x", "<b>"), fc.integer({ min: 100, max: 3000 }))
    .map(([k, v, n]) => Array.from({ length: n }, () => [k, v] as [string, string]));
  return fc
    .record({
      intent,
      pairs: fc.array(pair, { maxLength: 10 }),
      repeats: fc.option(repeated, { freq: 6 }),
      encoding: fc.oneof(
        { weight: 8, arbitrary: fc.constant<Encoding>("urlencoded") },
        { weight: 1, arbitrary: fc.constantFrom<Encoding>("multipart", "json", "text", "none", "octet", "bad-bytes") },
      ),
    })
    .map(({ intent: i, pairs, repeats, encoding }) =>
      printable({ pairs: [["intent", i] as [string, string], ...pairs, ...(repeats ?? [])], encoding }),
    );
}

/** A case as fast-check prints it on failure: long values and long lists cut short. */
export function describeCase(c: FormCase): string {
  const shown = c.pairs.slice(0, 12).map(([k, v]) => [k, v.length > 80 ? `${v.slice(0, 40)}…(${v.length} chars)` : v]);
  const more = c.pairs.length > 12 ? ` +${c.pairs.length - 12} more pairs` : "";
  return `${c.encoding} ${JSON.stringify(shown)}${more}`;
}

function printable(c: FormCase): FormCase {
  return Object.assign(c, { [fc.toStringMethod]: () => describeCase(c) });
}

// ——— What the database did ———

/**
 * Changes no request is answerable for, which the ledger's checks leave out: a session's sliding expiry;
 * the realtime server folding a live document's stored updates into its snapshot and deleting the rows it
 * folded (decision 0012) — in the background, on its own timers, after whatever earlier request changed
 * the document, and never changing what the document holds.
 */
export const BACKGROUND_CHANGES = ["sessions:UPDATE", "realtime_documents:UPDATE", "realtime_updates:DELETE"];

/**
 * Counts every row inserted, updated or deleted in any table, on any
 * connection (the import writes on its own), through triggers added to the
 * test's database — so "nothing stored" covers every table, not a chosen few.
 */
export class ChangeLedger {
  private constructor(private readonly database: Database) {}

  static async install(database: Database): Promise<ChangeLedger> {
    const client = database.client;
    await client.execute("CREATE TABLE IF NOT EXISTS fuzz_changes (tbl TEXT NOT NULL, op TEXT NOT NULL)");
    const { rows } = await client.execute(
      "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'fuzz_changes'",
    );
    const virtual = rows.filter((r) => /^CREATE VIRTUAL/i.test(String(r.sql))).map((r) => String(r.name));
    // Full-text indexes keep shadow tables SQLite will not let triggers watch; their rows follow the tickets'.
    const tables = rows
      .map((r) => String(r.name))
      .filter((name) => !virtual.includes(name) && !virtual.some((v) => name.startsWith(`${v}_`)));
    for (const table of tables) {
      for (const op of ["INSERT", "UPDATE", "DELETE"]) {
        await client.execute(
          `CREATE TRIGGER IF NOT EXISTS "fuzz_${table}_${op}" AFTER ${op} ON "${table}" ` +
            `BEGIN INSERT INTO fuzz_changes VALUES ('${table}', '${op}'); END`,
        );
      }
    }
    return new ChangeLedger(database);
  }

  async reset(): Promise<void> {
    await this.database.client.execute("DELETE FROM fuzz_changes");
  }

  /** "table:OP" → rows changed since the last reset, without the ones `ignore` lists. */
  async changes(ignore: readonly string[] = []): Promise<Record<string, number>> {
    const { rows } = await this.database.client.execute(
      "SELECT tbl, op, count(*) AS n FROM fuzz_changes GROUP BY tbl, op",
    );
    const out: Record<string, number> = {};
    for (const r of rows) {
      const key = `${String(r.tbl)}:${String(r.op)}`;
      if (!ignore.includes(key) && !ignore.includes(String(r.tbl))) out[key] = Number(r.n);
    }
    return out;
  }
}

/** Reproducible runs: FUZZ_SEED picks the seed (fast-check prints it, with the failing case, on failure). */
export function fuzzParameters(numRuns: number): fc.Parameters<unknown> {
  const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : 20261121;
  return { numRuns: Number(process.env.FUZZ_RUNS ?? numRuns), seed, endOnFailure: true, verbose: 1 };
}
