/**
 * Who may see and change a council or a whistle: the permission module asked
 * about the right target. A council's target is its place (area rights), its
 * party organisations (own-org rights) and, for a resident representative,
 * the actor themself (own). `councilAccess` is what a realtime authoriser
 * (issue 5's plan documents, `plan:N`) calls.
 */
import { eq, or, sql } from "drizzle-orm";
import type { Database, Queryable } from "../../db/client";
import { councilParties, councils, whistles, whistleUnits } from "../../db/schema";
import { NotFoundError } from "../errors";
import { can, membersOf, permissionCondition, userBriefs, type Actor, type Permission, type Target } from "../identity";

export type CouncilRow = typeof councils.$inferSelect;
export type PartyRow = typeof councilParties.$inferSelect;

export function councilTarget(
  council: Pick<CouncilRow, "regionCode">,
  parties: readonly PartyRow[],
  actor: Actor | null,
): Target {
  const rep = actor != null && parties.some((p) => p.userId === actor.userId);
  return {
    regionCode: council.regionCode,
    orgIds: parties.filter((p) => p.orgId != null).map((p) => p.orgId),
    ownerUserId: rep ? actor.userId : null,
  };
}

/** How many councils, or whistles, a list page shows. */
export const LIST_PAGE = 30;

/** `councilTarget` as a filter on `councils`: the councils on which the actor holds `permission`. */
export function councilsWhere(actor: Actor | null, permission: Permission) {
  const party = (column: typeof councilParties.orgId | typeof councilParties.userId, id: number) =>
    sql`exists (select 1 from ${councilParties} where ${councilParties.councilId} = ${councils.id} and ${column} = ${id})`;
  return permissionCondition(actor, permission, {
    regionCode: councils.regionCode,
    hasOrg: (orgId) => party(councilParties.orgId, orgId),
    ownedBy: (userId) => party(councilParties.userId, userId),
  });
}

export async function loadCouncil(db: Queryable, councilId: number) {
  const council = await db.select().from(councils).where(eq(councils.id, councilId)).get();
  if (!council) return null;
  const parties = await db.select().from(councilParties).where(eq(councilParties.councilId, councilId));
  return { council, parties };
}

/** Loads a council the actor may read, or 404 (a council one may not read does not exist for them). */
export async function readableCouncil(db: Queryable, actor: Actor | null, councilId: number) {
  const loaded = await loadCouncil(db, councilId);
  if (!loaded || !can(actor, "read:council", councilTarget(loaded.council, loaded.parties, actor)))
    throw new NotFoundError("议事不存在");
  return loaded;
}

export function mayOnCouncil(
  actor: Actor | null,
  permission: Permission,
  loaded: { council: Pick<CouncilRow, "regionCode">; parties: readonly PartyRow[] },
) {
  return can(actor, permission, councilTarget(loaded.council, loaded.parties, actor));
}

/** none · read · edit: what the actor may do with a council and what hangs off it (its plan). */
export async function councilAccess(database: Database, actor: Actor | null, councilId: number) {
  const loaded = await loadCouncil(database.db, councilId);
  if (!loaded) return "none" as const;
  if (mayOnCouncil(actor, "convene:council", loaded) || mayOnCouncil(actor, "participate:council", loaded))
    return "edit" as const;
  return mayOnCouncil(actor, "read:council", loaded) ? ("read" as const) : ("none" as const);
}

export interface CouncilMember {
  userId: number;
  displayName: string;
  partyId: number;
  orgId: number | null;
}

/** The council's members: every active member of its party organisations, and its resident representatives. */
export async function councilMembers(db: Queryable, councilId: number): Promise<CouncilMember[]> {
  const parties = await db.select().from(councilParties).where(eq(councilParties.councilId, councilId));
  const partyOfOrg = new Map(parties.filter((p) => p.orgId != null).map((p) => [p.orgId!, p.id]));
  const reps = parties.filter((p) => p.userId != null);
  const [orgMembers, repUsers] = await Promise.all([
    membersOf(db, [...partyOfOrg.keys()]),
    userBriefs(
      db,
      reps.map((p) => p.userId!),
    ),
  ]);
  const out = new Map<number, CouncilMember>();
  for (const m of orgMembers)
    if (!out.has(m.userId))
      out.set(m.userId, {
        userId: m.userId,
        displayName: m.displayName,
        partyId: partyOfOrg.get(m.orgId)!,
        orgId: m.orgId,
      });
  for (const u of repUsers) {
    const party = reps.find((p) => p.userId === u.userId)!;
    if (!out.has(u.userId)) out.set(u.userId, { ...u, partyId: party.id, orgId: null });
  }
  return [...out.values()];
}

export type WhistleRow = typeof whistles.$inferSelect;

export async function loadWhistle(db: Queryable, whistleId: number) {
  const whistle = await db.select().from(whistles).where(eq(whistles.id, whistleId)).get();
  if (!whistle) return null;
  const units = await db.select().from(whistleUnits).where(eq(whistleUnits.whistleId, whistleId));
  return { whistle, units };
}

export function whistleTarget(whistle: WhistleRow, units: readonly { orgId: number }[]): Target {
  return { regionCode: whistle.regionCode, orgIds: [whistle.initiatorOrgId, ...units.map((u) => u.orgId)] };
}

/** `whistleTarget` as a filter on `whistles`. */
export function whistlesWhere(actor: Actor | null, permission: Permission) {
  return permissionCondition(actor, permission, {
    regionCode: whistles.regionCode,
    hasOrg: (orgId) =>
      or(
        eq(whistles.initiatorOrgId, orgId),
        sql`exists (select 1 from ${whistleUnits} where ${whistleUnits.whistleId} = ${whistles.id} and ${whistleUnits.orgId} = ${orgId})`,
      )!,
  });
}
