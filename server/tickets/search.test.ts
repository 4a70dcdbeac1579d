/**
 * Search finds a ticket by any part of its text a person might type: a word, a phrase, a lone character,
 * a number. Checked on a real FTS5 table with the portal's tokens, against the plain "does the text
 * contain it" answer — and, when the tokens change, tickets indexed under the old ones are indexed again.
 */
import { readFileSync } from "node:fs";
import { createClient } from "@libsql/client";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tickets, ticketSearchState } from "../../db/schema";
import { seedDemoTickets } from "../../db/seed/demo-tickets";
import { actorOf, openTestDatabase, type TestDatabase } from "../../tests/helpers/database";
import { listTickets } from ".";
import { reindexSearch } from "./reindex";
import { indexText, matchExpression, SEARCH_TOKENS_VERSION } from "./search";

const TEXTS = [
  "小区路灯坏了，晚上看不见",
  "门口堵车，电动车乱停",
  "楼下噪音扰民。夜里施工",
  "暖气不热 室温16度",
  "水",
  "Wi-Fi 信号差，3号楼",
  "垃圾分类桶满了没人清运",
];

describe("the tokens", () => {
  const client = createClient({ url: ":memory:" });
  beforeAll(async () => {
    await client.execute(
      "create virtual table t using fts5(tokens, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 0')",
    );
    for (const [i, text] of TEXTS.entries())
      await client.execute({ sql: "insert into t (rowid, tokens) values (?, ?)", args: [i, indexText(text)] });
  });
  afterAll(() => client.close());

  async function found(query: string): Promise<number[]> {
    const match = matchExpression(query);
    if (!match) return [];
    const { rows } = await client.execute({ sql: "select rowid from t where t match ? order by rowid", args: [match] });
    return rows.map((r) => Number(r.rowid));
  }

  it("find every text that holds a lone character, wherever it stands in its run", async () => {
    const characters = new Set(TEXTS.flatMap((text) => [...text].filter((ch) => /\p{Script=Han}/u.test(ch))));
    expect(characters.size).toBeGreaterThan(40);
    for (const ch of characters) {
      const want = TEXTS.flatMap((text, i) => (text.includes(ch) ? [i] : []));
      expect({ ch, ids: await found(ch) }).toEqual({ ch, ids: want });
    }
  });

  it("find every text that holds a word or phrase of two characters or more, and only those", async () => {
    for (const query of ["路灯", "堵车", "电动车乱停", "噪音扰民", "清运", "室温", "信号差", "3号楼", "夜里施工"]) {
      const want = TEXTS.flatMap((text, i) => (text.includes(query) ? [i] : []));
      expect(want.length).toBeGreaterThan(0);
      expect({ query, ids: await found(query) }).toEqual({ query, ids: want });
    }
    // Across a break in the text (a comma, another text), a phrase is not there.
    expect(await found("坏了晚上")).toEqual([]);
    expect(await found("灯门")).toEqual([]);
  });

  it("index each run's last character on its own, and query without it", () => {
    expect(indexText("路灯")).toBe("路灯 灯");
    expect(indexText("小区路灯", "3号楼")).toBe("小区 区路 路灯 灯 3 号楼 楼");
    expect(matchExpression("路灯")).toBe('"路灯"');
    expect(matchExpression("灯")).toBe('"灯"*');
  });
});

describe("indexing again when the tokens change", () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase({ demo: true });
    await seedDemoTickets(t.database);
  });
  afterAll(() => t?.close());

  const state = async () =>
    (await t.database.db.select().from(ticketSearchState).where(eq(ticketSearchState.id, 1)))[0]!;
  const ticketCount = async () => (await t.database.db.select({ n: sql<number>`count(*)` }).from(tickets))[0]!.n;

  it("starts a new database at the current version, with nothing to do", async () => {
    expect(await state()).toMatchObject({ version: SEARCH_TOKENS_VERSION, through: 0 });
    expect(await reindexSearch(t.database)).toBe(0);
  });

  it("marks a database that already has tickets for indexing again (the migration)", async () => {
    const migration = readFileSync(new URL("../../db/migrations/0025_search_tokens.sql", import.meta.url), "utf8");
    const insert = migration.split("--> statement-breakpoint")[1]!;
    await t.database.client.execute("delete from ticket_search_state");
    await t.database.client.execute(insert);
    expect(await state()).toMatchObject({ version: 1, through: 0 });
  });

  it("indexes every ticket again, resumes where it stopped, and then finds them by a lone character", async () => {
    const operator = await actorOf(t.database, "operator");
    const search = async (q: string) => {
      const ids: number[] = [];
      let cursor: string | undefined;
      do {
        const page = await listTickets(t.database, operator, { q, cursor, limit: 200 });
        ids.push(...page.rows.map((r) => r.id));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      return ids.sort((a, b) => a - b);
    };
    const containing = async (ch: string) =>
      (
        await t.database.client.execute({
          sql: `select t.id from tickets t join categories c on c.id = t.category_id
                where t.description like ?1 or t.address like ?1 or c.name like ?1 order by t.id`,
          args: [`%${ch}%`],
        })
      ).rows.map((r) => Number(r.id));
    // As version 1 left them: every ticket's pairs, without a run's last character on its own.
    const pairsOnly = (text: string) =>
      text
        .split(" ")
        .filter((token, i, all) => !(/^\p{Script=Han}$/u.test(token) && i > 0 && [...all[i - 1]!].at(-1) === token))
        .join(" ");
    const all = await t.database.client.execute(
      "select t.id, t.number, c.name, t.description, t.address from tickets t join categories c on c.id = t.category_id",
    );
    await t.database.write(async (tx) => {
      for (const r of all.rows)
        await tx.run(
          sql`insert or replace into ticket_fts (rowid, tokens) values (${Number(r.id)}, ${pairsOnly(indexText(String(r.number), String(r.name), String(r.description), r.address == null ? null : String(r.address)))})`,
        );
    });
    const lamp = await containing("灯");
    expect(lamp.length).toBeGreaterThan(0);
    expect((await search("灯")).length).toBeLessThan(lamp.length);

    // Stopped after its first chunk (the portal closing), it has recorded how far it got.
    const stop = new AbortController();
    const first = reindexSearch(t.database, stop.signal, 500);
    stop.abort();
    expect(await first).toBe(500);
    expect(await state()).toMatchObject({ version: 1, through: expect.any(Number) });
    expect((await state()).through).toBeGreaterThan(0);

    expect(await reindexSearch(t.database, undefined, 500)).toBe((await ticketCount()) - 500);
    expect(await state()).toMatchObject({ version: SEARCH_TOKENS_VERSION, through: 0 });
    for (const ch of ["灯", "堵", "水", "修"])
      expect({ ch, ids: await search(ch) }).toEqual({ ch, ids: await containing(ch) });
  });
});
