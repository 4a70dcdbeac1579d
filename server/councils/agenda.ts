/**
 * What in the councils domain waits for the actor (the home page's workbench):
 * whistles their units must still report to, the meetings coming up on the
 * councils they convene or sit on, topics residents proposed in the areas they
 * convene, and councils of their community open for residents' review that
 * they have not reviewed. Every list is also held to the permission the action
 * needs, so an item here is one the actor can act on.
 */
import { and, asc, count, eq, gte, inArray, isNull, lt, or, sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import {
  councilParties,
  councilReviews,
  councils,
  councilTopics,
  meetings,
  whistles,
  whistleUnits,
} from "../../db/schema";
import { bounded } from "../keyset";
import { actorOrgIds, can, orgIdsWith, permissionCondition, type Actor } from "../identity";
import { councilsWhere, whistlesWhere } from "./access";
import { reportState } from "./deadlines";

/** How far ahead the workbench looks for meetings. */
export const MEETINGS_AHEAD_DAYS = 14;

/** Open whistles a unit of the actor is summoned to and has not reported to yet, the earliest deadline first. */
export async function whistlesToReport(database: Database, actor: Actor, now: Date, limit: number) {
  const orgIds = orgIdsWith(actor, "report:whistle");
  if (orgIds.length === 0) return bounded([], limit);
  const rows = await database.db
    .selectDistinct({ id: whistles.id, problem: whistles.problem, reportDeadlineAt: whistles.reportDeadlineAt })
    .from(whistleUnits)
    .innerJoin(whistles, eq(whistles.id, whistleUnits.whistleId))
    .where(
      and(
        inArray(whistleUnits.orgId, orgIds),
        isNull(whistleUnits.reportedAt),
        isNull(whistles.closedAt),
        whistlesWhere(actor, "read:council"),
      ),
    )
    .orderBy(asc(whistles.reportDeadlineAt), asc(whistles.id))
    .limit(limit + 1);
  return bounded(
    rows.map((w) => ({ ...w, state: reportState(null, w.reportDeadlineAt, now) })),
    limit,
  );
}

/**
 * Meetings not yet over and starting within two weeks, of the open councils
 * the actor convenes (their unit) or sits on (their unit, or themself as
 * residents' representative) — not every council they may read.
 */
export async function upcomingMeetings(database: Database, actor: Actor, now: Date, limit: number) {
  const orgIds = actorOrgIds(actor);
  const partyOf = or(inArray(councilParties.orgId, orgIds), eq(councilParties.userId, actor.userId));
  const involved = or(
    inArray(councils.convenerOrgId, orgIds),
    sql`exists (select 1 from ${councilParties} where ${councilParties.councilId} = ${councils.id} and ${partyOf})`,
  );
  const rows = await database.db
    .select({
      id: meetings.id,
      title: meetings.title,
      startsAt: meetings.startsAt,
      place: meetings.place,
      onlineUrl: meetings.onlineUrl,
      councilId: councils.id,
      councilTitle: councils.title,
    })
    .from(meetings)
    .innerJoin(councils, eq(councils.id, meetings.councilId))
    .where(
      and(
        eq(meetings.status, "scheduled"),
        gte(meetings.endsAt, now),
        lt(meetings.startsAt, new Date(now.getTime() + MEETINGS_AHEAD_DAYS * 86_400_000)),
        sql`${councils.stage} <> 'closed'`,
        involved,
        councilsWhere(actor, "read:council"),
      ),
    )
    .orderBy(asc(meetings.startsAt), asc(meetings.id))
    .limit(limit + 1);
  return bounded(rows, limit);
}

/** How many proposed topics wait for a decision in the areas the actor convenes. */
export async function topicsToReview(database: Database, actor: Actor): Promise<number> {
  if (!can(actor, "convene:council")) return 0;
  const [row] = await database.db
    .select({ n: count() })
    .from(councilTopics)
    .where(
      and(
        eq(councilTopics.status, "proposed"),
        permissionCondition(actor, "convene:council", { regionCode: councilTopics.regionCode }),
      ),
    );
  return row?.n ?? 0;
}

/** Councils in residents' review (居民评议) the actor may review and has not yet, the longest waiting first. */
export async function councilsToReview(database: Database, actor: Actor, limit: number) {
  if (!can(actor, "review:council")) return bounded([], limit);
  const rows = await database.db
    .select({ id: councils.id, title: councils.title, address: councils.address })
    .from(councils)
    .where(
      and(
        eq(councils.stage, "residents_review"),
        permissionCondition(actor, "review:council", { regionCode: councils.regionCode }),
        sql`not exists (select 1 from ${councilReviews} where ${councilReviews.councilId} = ${councils.id} and ${councilReviews.userId} = ${actor.userId})`,
      ),
    )
    .orderBy(asc(councils.updatedAt), asc(councils.id))
    .limit(limit + 1);
  return bounded(rows, limit);
}
