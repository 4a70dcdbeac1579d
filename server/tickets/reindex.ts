/**
 * Indexing tickets again when the search index's tokens change (search.ts, SEARCH_TOKENS_VERSION). Each
 * ticket's text is the one intake and the import index: its number, its category's name, its description
 * and its address.
 *
 * The new index is built beside the old one (`ticket_fts_next`), a chunk of tickets per write transaction
 * in id order, yielding between chunks; its segments are merged; and it takes the old one's place in one
 * transaction — which reads the tickets created meanwhile too, as the writes are serialised. Until then search
 * answers from the old index, complete under the old tokens. Replacing the rows in place instead left
 * FTS5 a tombstone per row to merge: 213 s for a million tickets, and commits that held the event loop
 * for up to 14 s. `through` records the last ticket done, so a restart resumes.
 */
import { setImmediate as yieldToEventLoop } from "node:timers/promises";
import { asc, eq, gt, sql } from "drizzle-orm";
import type { Database, Tx } from "../../db/client";
import { categories, tickets, ticketSearchState } from "../../db/schema";
import { indexText, SEARCH_TOKENS_VERSION } from "./search";

/** Tickets per write transaction: the event loop and other writes wait ~50 ms for one (a million tickets: ~1 minute). */
const CHUNK = 1_000;

/** ticket_fts as migration 0002 creates it: contentless, rows deleted as tickets are. */
const FTS_ARGUMENTS = sql.raw(
  "fts5(tokens, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 0')",
);

/** Adds the tickets after `through` to the new index, up to `limit` of them; returns the last one's id. */
async function addTickets(tx: Tx, through: number, limit?: number): Promise<{ added: number; last: number }> {
  const query = tx
    .select({
      id: tickets.id,
      number: tickets.number,
      category: categories.name,
      description: tickets.description,
      address: tickets.address,
    })
    .from(tickets)
    .innerJoin(categories, eq(tickets.categoryId, categories.id))
    .where(gt(tickets.id, through))
    .orderBy(asc(tickets.id));
  const rows = await (limit ? query.limit(limit) : query);
  if (rows.length) {
    const texts = rows.map((r) => [r.id, indexText(r.number, r.category, r.description, r.address)]);
    await tx.run(
      sql`insert into ticket_fts_next (rowid, tokens) select value ->> 0, value ->> 1 from json_each(${JSON.stringify(texts)})`,
    );
  }
  return { added: rows.length, last: rows.at(-1)?.id ?? through };
}

/**
 * Where the rebuild stands, or null when there is nothing to do. Read inside each step's transaction:
 * several portal processes may run the rebuild at once, and each step continues from the last one
 * committed, whoever committed it.
 */
async function standing(tx: Tx): Promise<{ through: number } | null> {
  const [state] = await tx.select().from(ticketSearchState).where(eq(ticketSearchState.id, 1));
  if (!state || state.version >= SEARCH_TOKENS_VERSION) return null;
  const [next] = await tx.all<{ n: number }>(
    sql`select count(*) as n from sqlite_master where name = 'ticket_fts_next'`,
  );
  // A build whose table is gone (dropped by hand) starts again from the first ticket.
  return { through: Number(next?.n) ? state.through : 0 };
}

/** The next chunk, recorded in `through` (the first creates the new index); null when there is nothing to do. */
async function addChunk(tx: Tx, chunk: number): Promise<number | null> {
  const at = await standing(tx);
  if (!at) return null;
  if (at.through === 0) {
    await tx.run(sql`drop table if exists ticket_fts_next`);
    await tx.run(sql`create virtual table ticket_fts_next using ${FTS_ARGUMENTS}`);
  }
  const { added, last } = await addTickets(tx, at.through, chunk);
  await tx.update(ticketSearchState).set({ through: last }).where(eq(ticketSearchState.id, 1));
  return added;
}

/** The tickets created since the last chunk, and the new index in the old one's place. */
async function swapIn(tx: Tx): Promise<number> {
  const at = await standing(tx);
  if (!at) return 0;
  const { added } = await addTickets(tx, at.through);
  await tx.run(sql`drop table ticket_fts`);
  await tx.run(sql`alter table ticket_fts_next rename to ticket_fts`);
  await tx
    .update(ticketSearchState)
    .set({ version: SEARCH_TOKENS_VERSION, through: 0 })
    .where(eq(ticketSearchState.id, 1));
  return added;
}

/**
 * Merges the new index's segments into one, a step per write transaction (each ≲ 200 ms at a million).
 * A build leaves many: the seek per ticket that finds a page for a common term (queries.ts) cost 58 ms a
 * page across them at a million tickets, 4 ms once merged (~5 s of merging). False if stopped first.
 */
async function mergeSegments(database: Database, signal?: AbortSignal): Promise<boolean> {
  while (!signal?.aborted) {
    const merged = await database.write(async (tx) => {
      // Another process may have swapped the index in meanwhile.
      if (!(await standing(tx))) return false;
      const changes = async () => Number((await tx.all<{ n: number }>(sql`select total_changes() as n`))[0]?.n);
      const before = await changes();
      await tx.run(sql`insert into ticket_fts_next (ticket_fts_next, rank) values ('merge', -500)`);
      // FTS5's way of saying it found something to merge: two changes or more.
      return (await changes()) - before >= 2;
    });
    if (!merged) return true;
    await yieldToEventLoop();
  }
  return false;
}

/**
 * Indexes again every ticket when the index was built with an earlier version of the tokens; returns how
 * many tickets it indexed. Stops between steps when `signal` is aborted (the portal closing).
 */
export async function reindexSearch(database: Database, signal?: AbortSignal, chunk = CHUNK): Promise<number> {
  let done = 0;
  while (!signal?.aborted) {
    const added = await database.write((tx) => addChunk(tx, chunk));
    if (added === null) break;
    done += added;
    if (added < chunk) {
      if (await mergeSegments(database, signal)) done += await database.write(swapIn);
      break;
    }
    await yieldToEventLoop();
  }
  return done;
}
