/**
 * The cases on the map (decision 0013): whistles and councils as markers at
 * their stage of the flow, each party placed at its organisation's area so
 * the page can draw the lines from a case to its parties, and the flow band's
 * counts for the current filters.
 */
import type { Database } from "../../db/client";
import { inArray } from "drizzle-orm";
import { hotSpotTickets, regions } from "../../db/schema";
import {
  casesForMap,
  flowStages,
  MAP_CASES_BOUND,
  type CaseMeeting,
  type CaseScope,
  type FlowStage,
  type MapCase,
} from "../councils";
import { ForbiddenError } from "../errors";
import { parseOrThrow } from "../identity/accounts";
import { orgBriefs } from "../identity";
import { can, type Actor } from "../identity/permissions";
import { listMonthlyProblems } from "../insights";
import { mapFilterSchema, type MapFilters } from "./filters";

export interface CaseMarker {
  key: string;
  kind: MapCase["kind"];
  id: number;
  title: string;
  stage: FlowStage;
  lon: number;
  lat: number;
  link: string;
  ticketCount: number;
  parties: (MapCase["parties"][number] & { lon: number | null; lat: number | null })[];
  /** Meetings as the browser receives them (times as ISO text); those with a position are drawn. */
  meetings: (Omit<CaseMeeting, "startsAt"> & { startsAt: string })[];
}

type Positions = Map<string, { lon: number; lat: number }>;

async function positions(database: Database): Promise<Positions> {
  const rows = await database.db.select({ code: regions.code, lon: regions.lon, lat: regions.lat }).from(regions);
  return new Map(rows.filter((r) => r.lon != null && r.lat != null).map((r) => [r.code, { lon: r.lon!, lat: r.lat! }]));
}

/** A region's place, or the nearest enclosing one that has a position (streets have none: their district). */
function placeOf(code: string | null, at: Positions) {
  if (!code) return null;
  return at.get(code) ?? at.get(code.slice(0, 9)) ?? at.get(code.slice(0, 6)) ?? null;
}

/** The filters' area (the city as a whole is no area) and Beijing days, as a case scope. */
function scopeOf(f: MapFilters): CaseScope {
  const wholeCity = f.regionCode?.length === 6 && f.regionCode.endsWith("0000");
  return {
    regionPrefix: f.regionCode && !wholeCity ? f.regionCode : undefined,
    from: f.from ? new Date(`${f.from}T00:00:00+08:00`) : undefined,
    to: f.to ? new Date(Date.parse(`${f.to}T00:00:00+08:00`) + 86_400_000) : undefined,
  };
}

function inScope(c: MapCase, scope: CaseScope): boolean {
  if (scope.regionPrefix && !c.regionCode.startsWith(scope.regionPrefix)) return false;
  if (scope.from && c.createdAt < scope.from) return false;
  return !(scope.to && c.createdAt >= scope.to);
}

/**
 * 未诉先办: the monthly problems the actor may read (insights, decision 0014)
 * that no whistle or council has taken on yet — once one has, that case
 * stands for the problem. Its tickets are its source hot spot's.
 */
async function proactiveCases(database: Database, actor: Actor): Promise<MapCase[]> {
  if (!can(actor, "read:insight")) return [];
  const problems = (await listMonthlyProblems(database, actor)).filter(
    (p) => p.status === "active" && p.whistleId == null && p.councilId == null,
  );
  const sources = problems.flatMap((p) => (p.sourceHotSpotId == null ? [] : [p.sourceHotSpotId]));
  const [links, leads] = await Promise.all([
    sources.length
      ? database.db
          .select({ hotSpotId: hotSpotTickets.hotSpotId, ticketId: hotSpotTickets.ticketId })
          .from(hotSpotTickets)
          .where(inArray(hotSpotTickets.hotSpotId, sources))
      : [],
    orgBriefs(
      database.db,
      problems.flatMap((p) => (p.leadOrgId == null ? [] : [p.leadOrgId])),
    ),
  ]);
  const lead = new Map(leads.map((o) => [o.id, o]));
  return problems.map((p) => {
    const org = p.leadOrgId == null ? undefined : lead.get(p.leadOrgId);
    return {
      kind: "problem",
      id: p.id,
      title: p.title,
      stage: "proactive",
      regionCode: p.regionCode,
      lon: null,
      lat: null,
      createdAt: p.createdAt,
      councilId: null,
      meetings: [],
      ticketIds: links.filter((l) => l.hotSpotId === p.sourceHotSpotId).map((l) => l.ticketId),
      parties: org
        ? [{ orgId: org.id, userId: null, name: org.name, role: "lead", status: "pending", regionCode: org.regionCode }]
        : [],
    };
  });
}

/** The cases the actor may read that pass the area and time filters (category, type and status are the tickets'). */
export async function filteredCases(database: Database, actor: Actor, filters: MapFilters) {
  const scope = scopeOf(filters);
  const [councilCases, proactive] = await Promise.all([
    casesForMap(database, actor, scope),
    proactiveCases(database, actor),
  ]);
  return {
    cases: [...proactive.filter((c) => inScope(c, scope)), ...councilCases.cases],
    bounded: councilCases.bounded,
  };
}

const caseLink: Record<MapCase["kind"], (id: number) => string> = {
  problem: (id) => `/insights/monthly-problems/${id}`,
  whistle: (id) => `/councils/whistles/${id}`,
  council: (id) => `/councils/${id}`,
};

export async function mapCases(database: Database, actor: Actor, input: unknown) {
  if (!can(actor, "read:map")) throw new ForbiddenError();
  const filters = parseOrThrow(mapFilterSchema, input);
  const [{ cases, bounded }, at] = await Promise.all([filteredCases(database, actor, filters), positions(database)]);
  const stages = Object.fromEntries(flowStages.map((s) => [s, 0])) as Record<FlowStage, number>;
  for (const c of cases) stages[c.stage]++;
  const markers: CaseMarker[] = [];
  for (const c of cases) {
    if (filters.stage && c.stage !== filters.stage) continue;
    const place = c.lon != null && c.lat != null ? { lon: c.lon, lat: c.lat } : placeOf(c.regionCode, at);
    if (!place) continue;
    markers.push({
      key: `${c.kind}:${c.id}`,
      kind: c.kind,
      id: c.id,
      title: c.title,
      stage: c.stage,
      ...place,
      link: caseLink[c.kind](c.id),
      ticketCount: c.ticketIds.length,
      parties: c.parties.map((p) => ({ ...p, ...(placeOf(p.regionCode, at) ?? { lon: null, lat: null }) })),
      meetings: c.meetings.map((m) => ({ ...m, startsAt: m.startsAt.toISOString() })),
    });
  }
  // The bound, when a list stopped at it (older cases in the view are left out), for the page to say.
  return { stages, cases: markers, bound: bounded ? MAP_CASES_BOUND : null };
}
