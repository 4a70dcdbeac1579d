import { and, eq, max, sql } from "drizzle-orm";
import type { Tx } from "../../db/client";
import { ticketNumberCounters, tickets } from "../../db/schema";
import { beijingDate } from "./calendar";

/**
 * Our own ticket numbers: the Beijing date and a per-day sequence, 20261121000042.
 * Numbers of the same shape may arrive by other doors (imports, pushes, seeds)
 * without moving the counter, so the sequence starts above the day's highest
 * number already taken: a generated number never collides.
 */
export async function nextTicketNumber(tx: Tx, now: Date): Promise<string> {
  const day = beijingDate(now).replaceAll("-", "");
  const [taken] = await tx
    .select({ highest: max(tickets.number) })
    .from(tickets)
    .where(
      and(
        sql`${tickets.number} between ${`${day}000000`} and ${`${day}999999`}`,
        eq(sql`length(${tickets.number})`, 14),
      ),
    );
  const floor = taken?.highest ? Number(taken.highest.slice(8)) : 0;
  const [row] = await tx
    .insert(ticketNumberCounters)
    .values({ day, last: floor + 1 })
    .onConflictDoUpdate({
      target: ticketNumberCounters.day,
      set: { last: sql`max(${ticketNumberCounters.last} + 1, ${floor + 1})` },
    })
    .returning({ last: ticketNumberCounters.last });
  return `${day}${String(row!.last).padStart(6, "0")}`;
}
