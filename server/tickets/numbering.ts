import { sql } from "drizzle-orm";
import type { Tx } from "../../db/client";
import { ticketNumberCounters } from "../../db/schema";
import { beijingDate } from "./calendar";

/** Our own ticket numbers: the Beijing date and a per-day sequence, 20261121000042. */
export async function nextTicketNumber(tx: Tx, now: Date): Promise<string> {
  const day = beijingDate(now).replaceAll("-", "");
  const [row] = await tx
    .insert(ticketNumberCounters)
    .values({ day, last: 1 })
    .onConflictDoUpdate({ target: ticketNumberCounters.day, set: { last: sql`${ticketNumberCounters.last} + 1` } })
    .returning({ last: ticketNumberCounters.last });
  return `${day}${String(row!.last).padStart(6, "0")}`;
}
