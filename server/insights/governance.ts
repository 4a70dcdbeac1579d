/**
 * Governance-type streets 治理类街乡镇 and the 预警约谈 warning
 * (DOMAIN.md, Acting before the call; docs/decisions/0018): the centre keeps
 * the list; every street is ranked by its month's ticket volume, read from the
 * half-month volume rollup (never by grouping the tickets); a street in the
 * top N (the insight rule's `warningTopN`) that is not on the list is warned,
 * and its street office told once per month.
 */
import { and, asc, desc, eq, gte, inArray, isNull, lte, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import { z } from "zod";
import type { Database, Queryable } from "../../db/client";
import {
  governanceStreets,
  governanceWarnings,
  organisations,
  regions,
  ticketVolumeRollups,
  users,
} from "../../db/schema";
import { ConflictError, ForbiddenError, NotFoundError } from "../errors";
import { audit, can, membersOf, parseOrThrow, type Actor } from "../identity";
import { notify } from "../notifications";
import { beijingDate, beijingMonth, monthSchema, shiftMonth } from "../tickets";
import { currentInsightRule, insightAreas } from "./read";
import { governanceWarnings as warningsOf, listDateFor, listedOn, rankByVolume } from "./warning";

interface Meta {
  ip: string;
}

const dateText = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "日期格式应为 YYYY-MM-DD");

export const governanceStreetSchema = z.object({
  streetCode: z.string({ message: "请选择街道（乡镇）" }).regex(/^\d{9}$/, "请选择街道（乡镇）"),
  reason: z.string().trim().min(4, "请写明列入理由（至少 4 个字）").max(500, "理由不能超过 500 字"),
  enteredOn: dateText.optional().or(z.literal("").transform(() => undefined)),
});

export const removeGovernanceStreetSchema = z.object({
  leftNote: z.string().trim().min(2, "请写明移出理由").max(500, "理由不能超过 500 字"),
});

function requireCurator(actor: Actor) {
  if (!can(actor, "manage:governance-street", {})) throw new ForbiddenError();
}

/** Every entry, current ones first, with the street's and the curators' names. */
export async function listGovernanceStreets(database: Database, actor: Actor) {
  // Every reader of insights reads the list (it is on the ranking anyway): read:insight in any scope.
  insightAreas(actor);
  const added = alias(users, "added");
  const removed = alias(users, "removed");
  const district = alias(regions, "district");
  const rows = await database.db
    .select({
      id: governanceStreets.id,
      streetCode: governanceStreets.streetCode,
      streetName: regions.name,
      districtName: district.name,
      reason: governanceStreets.reason,
      enteredOn: governanceStreets.enteredOn,
      leftOn: governanceStreets.leftOn,
      leftNote: governanceStreets.leftNote,
      addedBy: added.displayName,
      removedBy: removed.displayName,
    })
    .from(governanceStreets)
    .innerJoin(regions, eq(regions.code, governanceStreets.streetCode))
    .leftJoin(district, eq(district.code, regions.parentCode))
    .innerJoin(added, eq(added.id, governanceStreets.addedBy))
    .leftJoin(removed, eq(removed.id, governanceStreets.removedBy))
    .orderBy(
      sql`${governanceStreets.leftOn} is not null`,
      desc(governanceStreets.enteredOn),
      asc(governanceStreets.id),
    );
  return { entries: rows, mayManage: can(actor, "manage:governance-street", {}) };
}

export async function addGovernanceStreet(
  database: Database,
  actor: Actor,
  input: unknown,
  meta: Meta,
  now = new Date(),
) {
  requireCurator(actor);
  const data = parseOrThrow(governanceStreetSchema, input);
  const today = beijingDate(now);
  const enteredOn = data.enteredOn ?? today;
  if (enteredOn > today) throw new ConflictError("列入日期不能晚于今天");
  return database.write(async (tx) => {
    const street = await tx.select().from(regions).where(eq(regions.code, data.streetCode)).get();
    if (!street || street.level !== "street") throw new NotFoundError("街道（乡镇）不存在");
    const current = await tx
      .select({ id: governanceStreets.id })
      .from(governanceStreets)
      .where(and(eq(governanceStreets.streetCode, data.streetCode), isNull(governanceStreets.leftOn)))
      .get();
    if (current) throw new ConflictError(`${street.name}已在治理类街乡镇名单中`);
    const row = await tx
      .insert(governanceStreets)
      .values({
        streetCode: data.streetCode,
        reason: data.reason,
        enteredOn,
        addedBy: actor.userId,
        createdAt: now,
      })
      .returning({ id: governanceStreets.id })
      .get();
    await audit(tx, {
      actorUserId: actor.userId,
      action: "governance_street.added",
      entity: "governance_street",
      entityId: row.id,
      detail: { streetCode: data.streetCode, name: street.name, reason: data.reason, enteredOn },
      ip: meta.ip,
    });
    return row.id;
  });
}

/** Takes a street off the list from today; the entry stays, with who removed it and why. */
export async function removeGovernanceStreet(
  database: Database,
  actor: Actor,
  id: number,
  input: unknown,
  meta: Meta,
  now = new Date(),
) {
  requireCurator(actor);
  const data = parseOrThrow(removeGovernanceStreetSchema, input);
  const today = beijingDate(now);
  return database.write(async (tx) => {
    const entry = await tx.select().from(governanceStreets).where(eq(governanceStreets.id, id)).get();
    if (!entry) throw new NotFoundError("名单条目不存在");
    if (entry.leftOn != null) throw new ConflictError("该街道已于此前移出名单");
    // Entered and left the same day would make an entry that never held: the list would not show it at all.
    const leftOn = entry.enteredOn > today ? entry.enteredOn : today;
    await tx
      .update(governanceStreets)
      .set({ leftOn, leftNote: data.leftNote, removedBy: actor.userId })
      .where(eq(governanceStreets.id, id));
    await audit(tx, {
      actorUserId: actor.userId,
      action: "governance_street.removed",
      entity: "governance_street",
      entityId: id,
      detail: { streetCode: entry.streetCode, leftOn, note: data.leftNote },
      ip: meta.ip,
    });
  });
}

/** True when the place (a community, street or district code) lies in a street on the list today. */
export async function inGovernanceStreet(db: Queryable, regionCode: string, now = new Date()) {
  if (regionCode.length < 9) return false;
  const today = beijingDate(now);
  const entries = await db
    .select({
      streetCode: governanceStreets.streetCode,
      enteredOn: governanceStreets.enteredOn,
      leftOn: governanceStreets.leftOn,
    })
    .from(governanceStreets)
    .where(eq(governanceStreets.streetCode, regionCode.slice(0, 9)));
  return listedOn(entries, today).size > 0;
}

/** Calls per street in `months` (YYYY-MM), from the half-month rollup: communities add up to their street by code prefix. */
async function streetVolumes(db: Queryable, first: string, last: string) {
  const r = ticketVolumeRollups;
  const rows = await db
    .select({
      month: sql<string>`substr(${r.period}, 1, 7)`,
      street: sql<string>`substr(${r.place}, 1, 9)`,
      n: sql<number>`sum(${r.n})`.mapWith(Number),
    })
    .from(r)
    // District-only tickets (a 6-digit place) belong to no street.
    .where(and(gte(r.period, `${first}-1`), lte(r.period, `${last}-2`), sql`length(${r.place}) >= 9`))
    .groupBy(sql`1`, sql`2`);
  const byMonth = new Map<string, Map<string, number>>();
  for (const row of rows) {
    const m = byMonth.get(row.month) ?? new Map<string, number>();
    m.set(row.street, row.n);
    byMonth.set(row.month, m);
  }
  return byMonth;
}

const district = alias(regions, "district");

async function rankMonth(database: Database, month: string, now: Date) {
  const db = database.db;
  const previousMonth = shiftMonth(month, -1);
  const [streets, volumes, entries, rule, notified] = await Promise.all([
    db
      .select({ code: regions.code, name: regions.name, districtName: district.name })
      .from(regions)
      .leftJoin(district, eq(district.code, regions.parentCode))
      .where(eq(regions.level, "street")),
    streetVolumes(db, previousMonth, month),
    db
      .select({
        streetCode: governanceStreets.streetCode,
        enteredOn: governanceStreets.enteredOn,
        leftOn: governanceStreets.leftOn,
      })
      .from(governanceStreets),
    currentInsightRule(database),
    db
      .select({ streetCode: governanceWarnings.streetCode, notifiedAt: governanceWarnings.notifiedAt })
      .from(governanceWarnings)
      .where(eq(governanceWarnings.month, month)),
  ]);
  const current = volumes.get(month) ?? new Map<string, number>();
  const before = volumes.get(previousMonth) ?? new Map<string, number>();
  const previousRanks = new Map(
    rankByVolume(streets.map((s) => ({ code: s.code, volume: before.get(s.code) ?? 0 }))).map((r) => [r.code, r.rank]),
  );
  const ranked = rankByVolume(streets.map((s) => ({ ...s, volume: current.get(s.code) ?? 0 })));
  const listed = listedOn(entries, listDateFor(month, beijingDate(now)));
  const warned = new Set(warningsOf(ranked, listed, rule.warningTopN).map((s) => s.code));
  const notifiedAt = new Map(notified.map((n) => [n.streetCode, n.notifiedAt]));
  return {
    month,
    topN: rule.warningTopN,
    streets: ranked.map((s) => {
      const previous = before.get(s.code) ?? 0;
      return {
        ...s,
        previous,
        change: s.volume - previous,
        previousRank: previousRanks.get(s.code) ?? null,
        listed: listed.has(s.code),
        warned: warned.has(s.code),
        notifiedAt: notifiedAt.get(s.code) ?? null,
      };
    }),
  };
}

/**
 * Every street ranked by the month's ticket volume, with the change against
 * the month before, whether it is on the list (as of the month's end, or today
 * while it runs) and whether it is warned. Like the three-rate ranking
 * (decision 0010) it is open to every reader of insights: it is named at the
 * city's review, and a street needs to see where it stands.
 */
export async function volumeRanking(database: Database, actor: Actor, input: { month: string }, now = new Date()) {
  // Refuses those without read:insight; the ranking itself is city-wide whatever their area.
  insightAreas(actor);
  const { month } = parseOrThrow(z.object({ month: monthSchema }), input);
  return rankMonth(database, month, now);
}

/** The warned streets of the month in progress, for the insights overview. */
export async function currentWarnings(database: Database, actor: Actor, now = new Date()) {
  const ranking = await volumeRanking(database, actor, { month: beijingMonth(now) }, now);
  return { month: ranking.month, topN: ranking.topN, streets: ranking.streets.filter((s) => s.warned) };
}

/**
 * Tells each warned street's office, once, about its 预警约谈 for the last
 * closed month (the portal's minute sweep): a month is ranked once it is over,
 * and `governance_warnings` keeps the sweep from repeating a notice — across
 * restarts too. Returns the notices written.
 */
export async function sweepGovernanceWarnings(database: Database, now = new Date()) {
  const month = shiftMonth(beijingMonth(now), -1);
  const ranking = await rankMonth(database, month, now);
  const due = ranking.streets.filter((s) => s.warned && s.notifiedAt == null);
  if (due.length === 0) return 0;
  return database.write(async (tx) => {
    const already = new Set(
      (
        await tx
          .select({ code: governanceWarnings.streetCode })
          .from(governanceWarnings)
          .where(
            and(
              eq(governanceWarnings.month, month),
              inArray(
                governanceWarnings.streetCode,
                due.map((s) => s.code),
              ),
            ),
          )
      ).map((r) => r.code),
    );
    let sent = 0;
    for (const street of due.filter((s) => !already.has(s.code))) {
      const offices = await tx
        .select({ id: organisations.id })
        .from(organisations)
        .where(and(eq(organisations.kind, "street_office"), eq(organisations.regionCode, street.code)));
      const officers = await membersOf(
        tx,
        offices.map((o) => o.id),
      );
      sent += await notify(
        tx,
        officers.map((o) => o.userId),
        {
          kind: "governance_warning",
          title: `预警约谈：${street.name} ${month} 工单量全市第 ${street.rank} 名`,
          body: `${month} 受理 ${street.volume} 件，居全市前 ${ranking.topN} 名，尚未列入治理类街乡镇名单。`,
          link: `/insights/streets?month=${month}`,
        },
        now,
      );
      await tx.insert(governanceWarnings).values({
        month,
        streetCode: street.code,
        rank: street.rank!,
        volume: street.volume,
        notifiedAt: now,
      });
    }
    return sent;
  });
}
