/**
 * The cases on the map (decision 0013): whistles and councils as markers at
 * their stage of the flow, each party placed at its organisation's area so
 * the page can draw the lines from a case to its parties, and the flow band's
 * counts for the current filters.
 */
import type { Database } from "../../db/client";
import { regions } from "../../db/schema";
import { casesForMap, flowStages, type CaseMeeting, type FlowStage, type MapCase } from "../councils";
import { ForbiddenError } from "../errors";
import { parseOrThrow } from "../identity/accounts";
import { can, type Actor } from "../identity/permissions";
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

function inFilters(c: MapCase, f: MapFilters): boolean {
  const prefix = f.regionCode && !(f.regionCode.length === 6 && f.regionCode.endsWith("0000")) ? f.regionCode : "";
  if (prefix && !c.regionCode.startsWith(prefix)) return false;
  const day = c.createdAt.getTime();
  if (f.from && day < Date.parse(`${f.from}T00:00:00+08:00`)) return false;
  if (f.to && day >= Date.parse(`${f.to}T00:00:00+08:00`) + 86_400_000) return false;
  return true;
}

/** The cases the actor may read that pass the area and time filters (category, type and status are the tickets'). */
export async function filteredCases(database: Database, actor: Actor, filters: MapFilters) {
  return (await casesForMap(database, actor)).filter((c) => inFilters(c, filters));
}

export async function mapCases(database: Database, actor: Actor, input: unknown) {
  if (!can(actor, "read:map")) throw new ForbiddenError();
  const filters = parseOrThrow(mapFilterSchema, input);
  const [cases, at] = await Promise.all([filteredCases(database, actor, filters), positions(database)]);
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
      link: c.kind === "council" ? `/councils/${c.id}` : `/councils/whistles/${c.id}`,
      ticketCount: c.ticketIds.length,
      parties: c.parties.map((p) => ({ ...p, ...(placeOf(p.regionCode, at) ?? { lon: null, lat: null }) })),
      meetings: c.meetings.map((m) => ({ ...m, startsAt: m.startsAt.toISOString() })),
    });
  }
  return { stages, cases: markers };
}
