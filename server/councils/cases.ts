/**
 * Whistles and councils as multi-party cases, for the map (decision 0013):
 * where each case is in the flow 未诉先办 → 吹哨报到 → 圆桌议事 → 一方案三清单 →
 * 落实 → 评价, and each party with its role and where it stands — a
 * summoned unit's 报到, a council party's signature on the latest decision.
 * Only cases the actor may read; closed ones are done and leave the flow.
 */
import { and, asc, desc, gte, inArray, isNull, like, lt, ne } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import type { Database } from "../../db/client";
import {
  councilParties,
  councils,
  councilTickets,
  decisions,
  decisionSignatures,
  meetings,
  whistles,
  whistleTickets,
  whistleUnits,
  type CouncilStage,
} from "../../db/schema";
import { orgBriefs, userBriefs, type Actor } from "../identity";
import { councilsWhere, whistlesWhere } from "./access";
import { reportState, type ReportState } from "./deadlines";

export const flowStages = ["proactive", "whistle", "council", "plan", "implementation", "review"] as const;
export type FlowStage = (typeof flowStages)[number];

/** A council's stage in the flow: deliberating is 圆桌议事, deciding is agreeing the plan (一方案三清单). */
const flowOfCouncil: Record<CouncilStage, FlowStage | null> = {
  topic_intake: "council",
  review: "council",
  deliberation: "council",
  decision: "plan",
  implementation: "implementation",
  residents_review: "review",
  closed: null,
};

export type PartyStatus = ReportState | "signed" | "unsigned" | "no_decision";

export interface CaseParty {
  orgId: number | null;
  userId: number | null;
  name: string;
  role: "summoned" | "lead" | "cooperating" | "resident_rep";
  status: PartyStatus;
  /** The organisation's region (for the party's place on the map); null for a resident. */
  regionCode: string | null;
}

/** A council's meeting, scheduled or held, with the place it meets (cancelled ones are left out). */
export interface CaseMeeting {
  id: number;
  title: string;
  startsAt: Date;
  place: string;
  lon: number | null;
  lat: number | null;
  status: "scheduled" | "held";
}

export interface MapCase {
  /** A monthly problem (每月一题) is a case of 未诉先办 until a whistle or a council takes it on. */
  kind: "problem" | "whistle" | "council";
  id: number;
  title: string;
  stage: FlowStage;
  regionCode: string;
  lon: number | null;
  lat: number | null;
  createdAt: Date;
  parties: CaseParty[];
  ticketIds: number[];
  /** The council a whistle led to, if any (the whistle then is part of that case). */
  councilId: number | null;
  meetings: CaseMeeting[];
}

/** How many open councils, and as many open whistles, a map shows at once: the latest within its area and dates. */
export const MAP_CASES_BOUND = 2_000;

/** Where and when the map looks: cases in the area (a region code's prefix), created within the dates. */
export interface CaseScope {
  regionPrefix?: string;
  from?: Date;
  /** Exclusive. */
  to?: Date;
}

function scopeCondition(regionCode: SQLiteColumn, createdAt: SQLiteColumn, scope: CaseScope) {
  return and(
    scope.regionPrefix ? like(regionCode, `${scope.regionPrefix}%`) : undefined,
    scope.from ? gte(createdAt, scope.from) : undefined,
    scope.to ? lt(createdAt, scope.to) : undefined,
  );
}

export async function casesForMap(
  database: Database,
  actor: Actor,
  scope: CaseScope = {},
  now = new Date(),
): Promise<{ cases: MapCase[]; bounded: boolean }> {
  const db = database.db;
  // The area and dates are conditions of the query, not filters of its answer: the bound then keeps a
  // street's own cases however many the rest of the city has.
  const [openCouncils, openWhistles] = await Promise.all([
    db
      .select()
      .from(councils)
      .where(
        and(
          ne(councils.stage, "closed"),
          councilsWhere(actor, "read:council"),
          scopeCondition(councils.regionCode, councils.createdAt, scope),
        ),
      )
      .orderBy(desc(councils.updatedAt))
      .limit(MAP_CASES_BOUND),
    db
      .select()
      .from(whistles)
      .where(
        and(
          isNull(whistles.closedAt),
          whistlesWhere(actor, "read:council"),
          scopeCondition(whistles.regionCode, whistles.createdAt, scope),
        ),
      )
      .orderBy(desc(whistles.id))
      .limit(MAP_CASES_BOUND),
  ]);
  const councilIds = openCouncils.map((c) => c.id);
  const whistleIds = openWhistles.map((w) => w.id);
  const [parties, units, cTickets, wTickets, latest, led, held] = await Promise.all([
    councilIds.length ? db.select().from(councilParties).where(inArray(councilParties.councilId, councilIds)) : [],
    whistleIds.length ? db.select().from(whistleUnits).where(inArray(whistleUnits.whistleId, whistleIds)) : [],
    councilIds.length ? db.select().from(councilTickets).where(inArray(councilTickets.councilId, councilIds)) : [],
    whistleIds.length ? db.select().from(whistleTickets).where(inArray(whistleTickets.whistleId, whistleIds)) : [],
    councilIds.length
      ? db.select().from(decisions).where(inArray(decisions.councilId, councilIds)).orderBy(desc(decisions.id))
      : [],
    // Whistles that became a council, open or closed: the council stands for them.
    whistleIds.length
      ? db.select({ whistleId: councils.whistleId }).from(councils).where(inArray(councils.whistleId, whistleIds))
      : [],
    councilIds.length
      ? db
          .select()
          .from(meetings)
          .where(and(inArray(meetings.councilId, councilIds), ne(meetings.status, "cancelled")))
          .orderBy(asc(meetings.startsAt))
      : [],
  ]);
  const latestDecision = new Map<number, number>();
  for (const d of latest) if (!latestDecision.has(d.councilId)) latestDecision.set(d.councilId, d.id);
  const signatures = latestDecision.size
    ? await db
        .select({ decisionId: decisionSignatures.decisionId, partyId: decisionSignatures.partyId })
        .from(decisionSignatures)
        .where(inArray(decisionSignatures.decisionId, [...latestDecision.values()]))
    : [];
  const signed = new Set(signatures.map((s) => `${s.decisionId}:${s.partyId}`));
  const orgs = new Map(
    (
      await orgBriefs(
        db,
        [...new Set([...parties.map((p) => p.orgId), ...units.map((u) => u.orgId)])].filter(
          (o): o is number => o != null,
        ),
      )
    ).map((o) => [o.id, o]),
  );
  const people = new Map(
    (
      await userBriefs(
        db,
        parties.map((p) => p.userId).filter((u): u is number => u != null),
      )
    ).map((u) => [u.userId, u.displayName]),
  );

  const cases: MapCase[] = [];
  const ledToCouncil = new Set(led.map((l) => l.whistleId));
  for (const c of openCouncils) {
    const stage = flowOfCouncil[c.stage];
    if (!stage) continue;
    const own = parties.filter((p) => p.councilId === c.id);
    const decision = latestDecision.get(c.id);
    cases.push({
      kind: "council",
      id: c.id,
      title: c.title,
      stage,
      regionCode: c.regionCode,
      lon: c.lon,
      lat: c.lat,
      createdAt: c.createdAt,
      councilId: c.id,
      ticketIds: cTickets.filter((x) => x.councilId === c.id).map((x) => x.ticketId),
      meetings: held
        .filter((m) => m.councilId === c.id)
        .map((m) => ({
          id: m.id,
          title: m.title,
          startsAt: m.startsAt,
          place: m.place,
          lon: m.lon,
          lat: m.lat,
          status: m.status === "held" ? "held" : "scheduled",
        })),
      parties: own.map((p) => ({
        orgId: p.orgId,
        userId: p.userId,
        name: p.orgId != null ? (orgs.get(p.orgId)?.name ?? "") : (people.get(p.userId!) ?? ""),
        role: p.role,
        status: decision == null ? "no_decision" : signed.has(`${decision}:${p.id}`) ? "signed" : "unsigned",
        regionCode: p.orgId != null ? (orgs.get(p.orgId)?.regionCode ?? null) : null,
      })),
    });
  }
  for (const w of openWhistles) {
    const own = units.filter((u) => u.whistleId === w.id);
    // A whistle that became a council is that council's case, or done with it once the council closed.
    if (ledToCouncil.has(w.id)) continue;
    cases.push({
      kind: "whistle",
      id: w.id,
      title: w.problem.length > 40 ? `${w.problem.slice(0, 40)}…` : w.problem,
      stage: "whistle",
      regionCode: w.regionCode,
      lon: null,
      lat: null,
      createdAt: w.createdAt,
      councilId: null,
      ticketIds: wTickets.filter((x) => x.whistleId === w.id).map((x) => x.ticketId),
      meetings: [],
      parties: own.map((u) => ({
        orgId: u.orgId,
        userId: null,
        name: orgs.get(u.orgId)?.name ?? "",
        role: "summoned" as const,
        status: reportState(u.reportedAt, w.reportDeadlineAt, now),
        regionCode: orgs.get(u.orgId)?.regionCode ?? null,
      })),
    });
  }
  return { cases, bounded: openCouncils.length === MAP_CASES_BOUND || openWhistles.length === MAP_CASES_BOUND };
}
