/**
 * The dispatch catalogue's matching rule (派单目录), as pure functions: which
 * units suit a category at a place. The server ranks candidates with it
 * (unitChoicesFor), and the intake form uses the same rule in the browser to
 * put the likely unit first before the ticket exists.
 */
import type { OrgKind } from "../../db/schema/identity";
import type { HandlerKind } from "../../db/schema/tickets";

export interface CatalogueEntry {
  handlerKind: HandlerKind | null;
  handlerFunction: string | null;
}

export interface CandidateUnit {
  kind: OrgKind;
  regionCode: string;
  functionKey: string | null;
}

export interface TicketPlace {
  districtCode: string | null;
  streetCode: string | null;
  communityCode: string | null;
}

/** True when the catalogue names this kind of unit for the category, at the ticket's place. */
export function suitsCategory(category: CatalogueEntry | null, place: TicketPlace, org: CandidateUnit): boolean {
  const at = place.communityCode ?? place.streetCode ?? place.districtCode ?? "";
  // A city-wide unit (110000) covers every place; a district department its district.
  const covers = org.regionCode.endsWith("0000") || (at !== "" && at.startsWith(org.regionCode));
  switch (category?.handlerKind) {
    case "street":
      return org.kind === "street_office" && place.streetCode != null && place.streetCode === org.regionCode;
    case "district_department":
    case "city_department":
      return org.kind === "department" && org.functionKey === category.handlerFunction && covers;
    case "utility_company":
      return org.kind === "utility_company" && org.functionKey === category.handlerFunction;
    default:
      return false;
  }
}

/**
 * Whom a unit (not the centre) may hand its own ticket to under 首接负责
 * (lifecycle.ts enforces it; this only spares people a refused choice):
 * never another street, a community only inside its own area, and not itself.
 */
export function mayReceiveRedispatch(
  org: CandidateUnit & { id: number },
  actor: { regionCode: string | null; leadOrgId: number | null },
): boolean {
  if (org.id === actor.leadOrgId || org.kind === "street_office") return false;
  if (org.kind === "community_committee") return !!actor.regionCode && org.regionCode.startsWith(actor.regionCode);
  return true;
}

/**
 * The choice of units for a re-dispatch: the centre may choose any unit but
 * the current lead; a unit handing down its own ticket sees only those it may
 * hand to, with the ticket's own community first.
 */
export function redispatchChoices<U extends CandidateUnit & { id: number }>(
  units: { suggested: U[]; others: U[] },
  ctx: { byCentre: boolean; regionCode: string | null; leadOrgId: number | null; communityCode: string | null },
): { suggested: U[]; others: U[] } {
  const open = (u: U) => (ctx.byCentre ? u.id !== ctx.leadOrgId : mayReceiveRedispatch(u, ctx));
  const all = [...units.suggested, ...units.others].filter(open);
  const first = (u: U) =>
    units.suggested.includes(u) ||
    (u.kind === "community_committee" && ctx.communityCode != null && u.regionCode === ctx.communityCode);
  return { suggested: all.filter(first), others: all.filter((u) => !first(u)) };
}
