/**
 * What in the plans domain waits for the actor (the home page's workbench):
 * the latest versions their units must sign and have not, and their units'
 * commitments that are overdue or due within a week.
 */
import { and, asc, eq, inArray, isNotNull, lte, ne, or, sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import {
  councilParties,
  councils,
  monthlyProblems,
  monthlyProblemUnits,
  planCommitments,
  plans,
  planSignatures,
  planVersions,
} from "../../db/schema";
import { orgIdsWith, type Actor } from "../identity";
import { bounded } from "../keyset";
import { beijingDate } from "../tickets";
import { ownerSummary, planOwner, planRecord, readablePlansWhere } from "./access";
import { isOverdue } from "./commitments";
import { requiredSigners } from "./versions";

/** A commitment shows on the workbench from this many days before its deadline. */
export const COMMITMENT_WARNING_DAYS = 7;

/** Candidate plans read per look, before the exact check of who must sign: more than a unit is ever party to at once. */
const SIGN_CANDIDATES = 50;

/**
 * Plans whose latest version waits for the signature of a unit the actor signs
 * for: the unit is one the plan's template requires (a party in a signing
 * role) and has not signed that version. Plans of closed councils and closed
 * monthly problems are left out.
 */
export async function plansToSign(database: Database, actor: Actor, limit: number) {
  const signOrgs = orgIdsWith(actor, "sign:plan");
  if (signOrgs.length === 0) return bounded([], limit);
  const db = database.db;
  const party = or(
    and(
      eq(plans.ownerKind, "council"),
      sql`exists (select 1 from ${councils} where ${councils.id} = ${plans.ownerId} and ${councils.stage} <> 'closed')`,
      sql`exists (select 1 from ${councilParties} where ${councilParties.councilId} = ${plans.ownerId} and ${inArray(councilParties.orgId, signOrgs)})`,
    ),
    and(
      eq(plans.ownerKind, "monthly_problem"),
      sql`exists (select 1 from ${monthlyProblems} where ${monthlyProblems.id} = ${plans.ownerId} and ${monthlyProblems.status} = 'active'
        and (${inArray(monthlyProblems.leadOrgId, signOrgs)} or exists (select 1 from ${monthlyProblemUnits}
          where ${monthlyProblemUnits.problemId} = ${monthlyProblems.id} and ${inArray(monthlyProblemUnits.orgId, signOrgs)})))`,
    ),
  );
  const candidates = await db
    .select({
      plan: plans,
      versionId: planVersions.id,
      number: planVersions.number,
      frozenAt: planVersions.frozenAt,
    })
    .from(plans)
    .innerJoin(
      planVersions,
      and(
        eq(planVersions.planId, plans.id),
        sql`${planVersions.number} = (select max(latest.number) from ${planVersions} latest where latest.plan_id = ${plans.id})`,
      ),
    )
    .where(
      and(
        readablePlansWhere(actor),
        party,
        // Some unit of the actor's has not signed it (which one must, the template decides below).
        sql`(select count(distinct ${planSignatures.orgId}) from ${planSignatures} where ${planSignatures.versionId} = ${planVersions.id} and ${inArray(planSignatures.orgId, signOrgs)}) < ${signOrgs.length}`,
      ),
    )
    .orderBy(asc(planVersions.frozenAt), asc(plans.id))
    .limit(SIGN_CANDIDATES);
  const signatures = candidates.length
    ? await db
        .select({ versionId: planSignatures.versionId, orgId: planSignatures.orgId })
        .from(planSignatures)
        .where(
          inArray(
            planSignatures.versionId,
            candidates.map((c) => c.versionId),
          ),
        )
    : [];
  const waiting = [];
  for (const c of candidates) {
    const plan = planRecord(c.plan);
    const owner = await planOwner(db, actor, plan);
    if (!owner) continue;
    const unsigned = requiredSigners(plan, owner).filter(
      (orgId) => signOrgs.includes(orgId) && !signatures.some((s) => s.versionId === c.versionId && s.orgId === orgId),
    );
    if (unsigned.length === 0) continue;
    const summary = await ownerSummary(db, actor, plan.ownerKind, plan.ownerId);
    waiting.push({ planId: plan.id, number: c.number, frozenAt: c.frozenAt, title: summary?.title ?? "" });
    if (waiting.length > limit) break;
  }
  return bounded(waiting, limit);
}

/** The actor's units' commitments not done whose deadline has passed or comes within a week, the earliest first. */
export async function commitmentsDue(database: Database, actor: Actor, now: Date, limit: number) {
  const orgIds = orgIdsWith(actor, "edit:plan-rows");
  if (orgIds.length === 0) return bounded([], limit);
  const until = beijingDate(new Date(now.getTime() + COMMITMENT_WARNING_DAYS * 86_400_000));
  const rows = await database.db
    .select({
      id: planCommitments.id,
      planId: planCommitments.planId,
      task: planCommitments.task,
      deadline: planCommitments.deadline,
      status: planCommitments.status,
      progress: planCommitments.progress,
    })
    .from(planCommitments)
    .innerJoin(plans, eq(plans.id, planCommitments.planId))
    .where(
      and(
        inArray(planCommitments.ownerOrgId, orgIds),
        ne(planCommitments.status, "done"),
        isNotNull(planCommitments.deadline),
        lte(planCommitments.deadline, until),
        readablePlansWhere(actor),
      ),
    )
    .orderBy(asc(planCommitments.deadline), asc(planCommitments.id))
    .limit(limit + 1);
  return bounded(
    rows.map((c) => ({ ...c, overdue: isOverdue(c, now) })),
    limit,
  );
}
