/**
 * A believable year of dispatched tickets for the 三率 dashboard's browser
 * test and screenshots: spread over months, streets, categories and units,
 * with varied response, callbacks and a few appeals — all through the real
 * services, so the rollups are what production would keep. Deterministic.
 */
import { and, asc, eq, inArray, isNotNull } from "drizzle-orm";
import type { Database } from "../../db/client";
import { categories, organisations, regions } from "../../db/schema";
import type { Actor } from "../../server/identity";
import { act, beijingMonth, createTicket, requestAppeal, shiftMonth } from "../../server/tickets";
import { actorOf, orgId } from "./database";

const HOUR = 3_600_000;

/** mulberry32: a small seeded generator, so every run builds the same data. */
function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface RateFixture {
  tickets: number;
  months: string[];
  streets: string[];
}

export async function seedRateTickets(
  database: Database,
  options: { months?: number; perMonth?: number; now?: Date; streets?: number } = {},
): Promise<RateFixture> {
  const now = options.now ?? new Date();
  const rand = random(12345);
  const pick = <T>(items: readonly T[]) => items[Math.floor(rand() * items.length)]!;
  const [operator, admin, street] = (await Promise.all(
    ["operator", "admin", "street"].map((u) => actorOf(database, u)),
  )) as [Actor, Actor, Actor];
  const dashilar = await orgId(database, "大栅栏街道办事处");

  const allStreets = await database.db
    .select({ code: regions.code })
    .from(regions)
    .where(eq(regions.level, "street"))
    .orderBy(asc(regions.code));
  // Every few streets across the city, always including the demo's 大栅栏.
  const step = Math.max(1, Math.floor(allStreets.length / (options.streets ?? 40)));
  const streets = [...new Set(["110102013", ...allStreets.filter((_, i) => i % step === 0).map((s) => s.code)])];
  const leaves = await database.db
    .select({ id: categories.id })
    .from(categories)
    .where(and(eq(categories.level, 3), eq(categories.active, true), isNotNull(categories.limitClass)))
    .orderBy(asc(categories.code));
  const units = await database.db
    .select({ id: organisations.id })
    .from(organisations)
    .where(inArray(organisations.kind, ["street_office", "community_committee", "department", "utility_company"]));

  const last = beijingMonth(now);
  const monthCount = options.months ?? 12;
  const months = Array.from({ length: monthCount }, (_, i) => shiftMonth(last, i - monthCount + 1));
  let created = 0;
  for (const [mi, month] of months.entries()) {
    for (let k = 0; k < (options.perMonth ?? 40); k++) {
      const day = 1 + Math.floor(rand() * 25);
      const at = new Date(
        `${month}-${String(day).padStart(2, "0")}T${String(8 + (k % 9)).padStart(2, "0")}:00:00+08:00`,
      );
      if (at.getTime() > now.getTime() - 2 * HOUR) continue;
      const ours = k % 5 === 0; // a fifth go to 大栅栏, whose officer handles them (and can appeal)
      const unit = ours ? dashilar : pick(units).id;
      const handler = ours ? street : admin;
      const { id } = await createTicket(
        database,
        operator,
        {
          type: pick(["complaint", "help", "report", "suggestion"] as const),
          categoryId: pick(leaves).id,
          description: "居民反映的问题，请尽快处理并回复",
          address: "示例地址",
          regionCode: ours ? "110102013" : pick(streets),
          dispatchOrgId: unit,
        },
        { now: at },
      );
      created++;
      // Older months are mostly finished; the latest has work in hand. Streets differ in quality.
      const quality = 0.55 + (streets.indexOf(pick(streets)) % 9) * 0.05;
      const later = (hours: number) => new Date(Math.min(at.getTime() + hours * HOUR, now.getTime() - HOUR));
      await act(database, handler, id, { kind: "accept" }, later(1));
      const r = rand();
      if (r < 0.05) continue; // accepted, never contacted
      await act(
        database,
        handler,
        id,
        { kind: "contact", note: "已联系诉求人" },
        later(r < 0.85 * quality + 0.1 ? 3 : 30),
      );
      if (rand() < 0.15 + (mi === months.length - 1 ? 0.4 : 0)) continue; // still in hand
      if (at.getTime() + 72 * HOUR > now.getTime()) continue;
      await act(database, handler, id, { kind: "reply", content: "已处理完毕" }, later(48));
      const s = rand();
      await act(
        database,
        operator,
        id,
        {
          kind: "callback",
          resolution: s < quality ? "resolved" : s < quality + 0.2 ? "partly" : "unresolved",
          satisfaction: s < quality + 0.05 ? "satisfied" : s < quality + 0.25 ? "basic" : "dissatisfied",
          speed: 4,
          effect: 4,
          attitude: 5,
        },
        later(70),
      );
      if (ours && s > quality + 0.2 && rand() < 0.5)
        await requestAppeal(
          database,
          street,
          id,
          { reason: "诉求超出政策范围，属不合理诉求" },
          { ip: "127.0.0.1" },
          later(80),
        );
    }
  }
  return { tickets: created, months, streets };
}
