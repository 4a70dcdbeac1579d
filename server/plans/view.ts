/**
 * What the plan pages show: a plan with its owner, its parties (names, who
 * may edit which document), the actor's rights, and the sign-off state of the
 * latest version. Read-only; the rights come from the same functions the
 * realtime server asks (access.ts), so the page and the server agree.
 */
import { and } from "drizzle-orm";
import type { Database } from "../../db/client";
import { plans } from "../../db/schema";
import { LIST_PAGE } from "../councils";
import { actorOrgIds, can, orgBriefs, userBriefs, type Actor } from "../identity";
import { newestFirstPage } from "../keyset";
import { ownerSummary, partyAccess, readablePlan, readablePlansWhere, sharedAccess } from "./access";
import { mayChair } from "./plans";
import { planVersionHistory, type PlanDocuments } from "./versions";

/** Everything the plan page needs, or 404 for a plan the actor may not read. */
export async function planView(database: Database, documents: PlanDocuments, actor: Actor, planId: number) {
  const { plan, owner } = await readablePlan(database.db, actor, planId);
  const history = await planVersionHistory(database, documents, actor, planId);
  const latest = history.versions[0] ?? null;
  const orgIds = [...new Set(owner.parties.map((p) => p.orgId))];
  const orgs = new Map((await orgBriefs(database.db, orgIds)).map((o) => [o.id, o.name]));
  const signers = await userBriefs(database.db, latest ? latest.signatures.map((s) => s.userId) : []);
  const signerName = new Map(signers.map((u) => [u.userId, u.displayName]));
  const myOrgs = new Set(actorOrgIds(actor));
  const parties = orgIds
    .map((orgId) => ({
      orgId,
      name: orgs.get(orgId) ?? "",
      role: owner.parties.find((p) => p.orgId === orgId)!.role,
      editable: partyAccess(actor, owner, orgId) === "edit",
    }))
    .sort((a, b) => Number(b.editable) - Number(a.editable) || a.orgId - b.orgId);
  const signedOrgs = new Set(latest?.signatures.map((s) => s.orgId) ?? []);
  return {
    plan: { id: plan.id, template: plan.template, lists: plan.lists, createdAt: plan.createdAt },
    owner: await ownerSummary(database.db, actor, plan.ownerKind, plan.ownerId),
    parties,
    me: {
      userId: actor.userId,
      name: actor.displayName,
      /** The organisation shown next to the name in presence: a party of the plan first. */
      orgName: orgIds.filter((o) => myOrgs.has(o)).map((o) => orgs.get(o))[0] ?? null,
      editText: sharedAccess(actor, owner) === "edit",
      chair: mayChair(actor, owner),
    },
    signing: {
      latest: latest
        ? {
            id: latest.id,
            number: latest.number,
            hash: latest.hash,
            frozenAt: latest.frozenAt,
            signatures: latest.signatures.map((s) => ({
              orgId: s.orgId,
              orgName: orgs.get(s.orgId) ?? "",
              userName: signerName.get(s.userId) ?? "",
              signedAt: s.signedAt,
            })),
          }
        : null,
      required: history.required.map((orgId) => ({
        orgId,
        name: orgs.get(orgId) ?? "",
        signed: signedOrgs.has(orgId),
      })),
      /** Some version has every required signature: there is a plan to print and export. */
      anySigned: history.versions.some((v) =>
        history.required.every((orgId) => v.signatures.some((sig) => sig.orgId === orgId)),
      ),
      /** The live plan differs from the latest version: signatures do not carry over. */
      draft: latest !== null && history.draft,
      /** Required organisations the actor may still sign the latest version for. */
      mySigning: latest
        ? history.required.filter((orgId) => !signedOrgs.has(orgId) && can(actor, "sign:plan", { orgId }))
        : [],
    },
  };
}

export type PlanView = Awaited<ReturnType<typeof planView>>;

/** One page of the plans the actor may read (any owner), newest first, with their owner; and the next page's cursor. */
export async function listReadablePlans(database: Database, actor: Actor, cursor?: string | null) {
  const { rows, next } = await newestFirstPage(
    cursor,
    LIST_PAGE,
    (after, order, limit) =>
      database.db
        .select({
          id: plans.id,
          template: plans.template,
          createdAt: plans.createdAt,
          ownerKind: plans.ownerKind,
          ownerId: plans.ownerId,
        })
        .from(plans)
        .where(and(readablePlansWhere(actor), after))
        .orderBy(...order)
        .limit(limit),
    { time: plans.createdAt, id: plans.id, of: (p) => p.createdAt },
  );
  return {
    plans: await Promise.all(
      rows.map(async (p) => ({
        id: p.id,
        template: p.template,
        createdAt: p.createdAt,
        owner: await ownerSummary(database.db, actor, p.ownerKind, p.ownerId),
      })),
    ),
    next,
  };
}
