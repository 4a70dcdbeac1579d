/**
 * Who may do what with a plan: the permission module asked about the plan's
 * owner (docs/decisions/0015). A plan's owner is generic (kind + id); a
 * council-owned plan takes the council's target (its place, its party
 * organisations, a resident representative as owner), so the plan's editors
 * are exactly the council's members.
 */
import { and, eq, or, sql, type SQL } from "drizzle-orm";
import type { Database, Queryable } from "../../db/client";
import { councils, monthlyProblems, plans } from "../../db/schema";
import type { PartyRole } from "../../db/schema/councils";
import type { Access } from "../../realtime/gateway";
import { parsePlanDocumentName } from "../../realtime/plan-document";
import { councilsWhere, councilTarget, loadCouncil } from "../councils";
import { NotFoundError } from "../errors";
import { can, type Actor, type Target } from "../identity";
import { mayReadProblem, monthlyProblemOwner, problemsWhere } from "../insights";
import type { ListDefinition } from "./templates";

export type PlanRecord = Omit<typeof plans.$inferSelect, "lists" | "signerRoles"> & {
  lists: ListDefinition[];
  signerRoles: PartyRole[];
};

export interface PlanOwner {
  /** What the permission module is asked about, for this actor. */
  target: Target;
  /** Parties whose organisations hold rows (and may be asked to sign), with their role. */
  parties: { orgId: number; role: PartyRole }[];
  /** The owner's region: the chair's rights are area rights. */
  regionCode: string;
}

/** A `plans` row with its JSON columns typed. */
export function planRecord(row: typeof plans.$inferSelect): PlanRecord {
  return { ...row, lists: row.lists as ListDefinition[], signerRoles: row.signerRoles as PartyRole[] };
}

export async function loadPlan(db: Queryable, planId: number): Promise<PlanRecord | null> {
  const plan = await db.select().from(plans).where(eq(plans.id, planId)).get();
  return plan ? planRecord(plan) : null;
}

/**
 * The owner's title and page, for the plan's pages and printouts. The page is null where it would not
 * open for the actor: a property company or an owners' committee is a party to a monthly problem's
 * plan without reading insights.
 */
export async function ownerSummary(
  db: Queryable,
  actor: Actor | null,
  ownerKind: PlanRecord["ownerKind"],
  ownerId: number,
) {
  if (ownerKind === "monthly_problem") {
    const [problem, readable] = await Promise.all([
      monthlyProblemOwner(db, ownerId),
      mayReadProblem(db, actor, ownerId),
    ]);
    return problem
      ? { title: problem.title, href: readable ? `/insights/monthly-problems/${ownerId}` : null, stage: null }
      : null;
  }
  const loaded = await loadCouncil(db, ownerId);
  return loaded ? { title: loaded.council.title, href: `/councils/${ownerId}`, stage: loaded.council.stage } : null;
}

/** The plan's owner as the permission module sees it, or null when the owner is gone. */
export async function planOwner(
  db: Queryable,
  actor: Actor | null,
  plan: Pick<PlanRecord, "ownerKind" | "ownerId">,
): Promise<PlanOwner | null> {
  switch (plan.ownerKind) {
    case "council": {
      const loaded = await loadCouncil(db, plan.ownerId);
      if (!loaded) return null;
      return {
        target: councilTarget(loaded.council, loaded.parties, actor),
        parties: loaded.parties.flatMap((p) => (p.orgId == null ? [] : [{ orgId: p.orgId, role: p.role }])),
        regionCode: loaded.council.regionCode,
      };
    }
    case "monthly_problem": {
      // 每月一题 (decision 0014): the area's conveners chair it, its lead and cooperating units are its parties.
      const problem = await monthlyProblemOwner(db, plan.ownerId);
      if (!problem) return null;
      return {
        target: { regionCode: problem.regionCode, orgIds: problem.parties.map((p) => p.orgId) },
        parties: problem.parties,
        regionCode: problem.regionCode,
      };
    }
  }
}

/** The plan text and problem list: the owner's members edit, readers of the plan or its council read. */
export function sharedAccess(actor: Actor | null, owner: PlanOwner): Access {
  if (can(actor, "edit:plan", owner.target)) return "edit";
  if (can(actor, "read:plan", owner.target) || can(actor, "read:council", owner.target)) return "read";
  return "none";
}

/** `sharedAccess` is not "none", as a filter on `plans`: the plans a list shows the actor. */
export function readablePlansWhere(actor: Actor | null): SQL {
  const permissions = ["edit:plan", "read:plan", "read:council"] as const;
  // A condition left undefined holds for every owner (the permission in scope "any").
  const anyOf = (conditions: (SQL | undefined)[]) =>
    conditions.includes(undefined) ? sql`1 = 1` : or(...(conditions as SQL[]))!;
  const council = anyOf(permissions.map((p) => councilsWhere(actor, p)));
  const problem = anyOf(permissions.map((p) => problemsWhere(actor, p)));
  return or(
    and(
      eq(plans.ownerKind, "council"),
      sql`exists (select 1 from ${councils} where ${councils.id} = ${plans.ownerId} and ${council})`,
    ),
    and(
      eq(plans.ownerKind, "monthly_problem"),
      sql`exists (select 1 from ${monthlyProblems} where ${monthlyProblems.id} = ${plans.ownerId} and ${problem})`,
    ),
  )!;
}

/** A party's rows: only that organisation's members edit them; whoever may read the plan reads them. */
export function partyAccess(actor: Actor | null, owner: PlanOwner, partyOrgId: number): Access {
  if (!owner.parties.some((p) => p.orgId === partyOrgId)) return "none";
  const shared = sharedAccess(actor, owner);
  if (shared === "none") return "none";
  return can(actor, "edit:plan-rows", { orgId: partyOrgId }) ? "edit" : "read";
}

/** The realtime authoriser of `plan:N` and `plan:N:party:M`. */
export async function planDocumentAccess(database: Database, actor: Actor, name: string): Promise<Access> {
  const parsed = parsePlanDocumentName(name);
  if (!parsed) return "none";
  const plan = await loadPlan(database.db, parsed.planId);
  if (!plan) return "none";
  const owner = await planOwner(database.db, actor, plan);
  if (!owner) return "none";
  return parsed.partyOrgId === null ? sharedAccess(actor, owner) : partyAccess(actor, owner, parsed.partyOrgId);
}

/** Loads a plan the actor may read, with its owner, or 404 (a plan one may not read does not exist for them). */
export async function readablePlan(db: Queryable, actor: Actor | null, planId: number) {
  const plan = await loadPlan(db, planId);
  const owner = plan ? await planOwner(db, actor, plan) : null;
  if (!plan || !owner || sharedAccess(actor, owner) === "none") throw new NotFoundError("方案不存在");
  return { plan, owner };
}
