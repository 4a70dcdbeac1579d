/**
 * Commitments (承诺事项, issue 5 item 7, docs/decisions/0015): the task rows
 * of a fully signed version, tracked by their owner organisation. Progress is
 * an append-only log (`plan_commitment_updates`); the commitment row caches
 * the latest status and percent. Overdue is computed when read (a Beijing
 * calendar day past the deadline and not done), never stored, so it cannot
 * go stale.
 */
import { and, asc, desc, eq, inArray, isNotNull, isNull, lt, ne, sql } from "drizzle-orm";
import { z } from "zod";
import type { Database, Queryable, Tx } from "../../db/client";
import { commitmentStatuses, planCommitments, planCommitmentUpdates, type CommitmentStatus } from "../../db/schema";
import { councilsOfTicket, loadCouncil } from "../councils";
import { ConflictError, ForbiddenError, NotFoundError } from "../errors";
import { audit, can, membersOf, orgBriefs, parseOrThrow, userBriefs, type Actor } from "../identity";
import { notify } from "../notifications";
import { beijingDate } from "../tickets";
import { loadPlan, planOwner, readablePlan, sharedAccess } from "./access";
import { planOf } from "./plans";

export interface CommitmentUpdateView {
  id: number;
  userName: string;
  status: CommitmentStatus;
  progress: number;
  note: string;
  at: Date;
}

export interface CommitmentView {
  id: number;
  planId: number;
  ownerOrgId: number;
  ownerOrgName: string;
  task: string;
  target: string;
  deadline: string | null;
  status: CommitmentStatus;
  progress: number;
  overdue: boolean;
  updatedAt: Date;
  /** The actor belongs to the owner organisation and may report progress. */
  mayUpdate: boolean;
  /** Progress reports, newest first. */
  updates: CommitmentUpdateView[];
}

/** Past its deadline day (Beijing) and not done. */
export function isOverdue(c: { deadline: string | null; status: CommitmentStatus }, now: Date): boolean {
  return c.deadline != null && c.status !== "done" && c.deadline < beijingDate(now);
}

/** Reporting progress is the owner's own work, like editing its own rows of the plan. */
const mayReport = (actor: Actor, ownerOrgId: number) => can(actor, "edit:plan-rows", { orgId: ownerOrgId });

async function views(db: Queryable, actor: Actor, planIds: number[], now: Date): Promise<CommitmentView[]> {
  if (planIds.length === 0) return [];
  const rows = await db
    .select()
    .from(planCommitments)
    .where(inArray(planCommitments.planId, planIds))
    .orderBy(asc(planCommitments.planId), asc(planCommitments.deadline), asc(planCommitments.id));
  if (rows.length === 0) return [];
  const updates = await db
    .select()
    .from(planCommitmentUpdates)
    .where(
      inArray(
        planCommitmentUpdates.commitmentId,
        rows.map((r) => r.id),
      ),
    )
    .orderBy(desc(planCommitmentUpdates.id));
  const [orgs, people] = await Promise.all([
    orgBriefs(db, [...new Set(rows.map((r) => r.ownerOrgId))]),
    userBriefs(db, [...new Set(updates.map((u) => u.userId))]),
  ]);
  const orgName = new Map(orgs.map((o) => [o.id, o.name]));
  const userName = new Map(people.map((u) => [u.userId, u.displayName]));
  return rows.map((r) => ({
    id: r.id,
    planId: r.planId,
    ownerOrgId: r.ownerOrgId,
    ownerOrgName: orgName.get(r.ownerOrgId) ?? "",
    task: r.task,
    target: r.target,
    deadline: r.deadline,
    status: r.status,
    progress: r.progress,
    overdue: isOverdue(r, now),
    updatedAt: r.updatedAt,
    mayUpdate: mayReport(actor, r.ownerOrgId),
    updates: updates
      .filter((u) => u.commitmentId === r.id)
      .map((u) => ({
        id: u.id,
        userName: userName.get(u.userId) ?? "",
        status: u.status,
        progress: u.progress,
        note: u.note,
        at: u.at,
      })),
  }));
}

export type CommitmentScope = { planId: number } | { councilId: number } | { ticketId: number };

/**
 * Commitments of a plan (404 if the actor may not read it), of a council's
 * plan, or of the plans of every council a ticket is linked to — for a
 * council or a ticket, plans the actor may not read are left out (the ticket
 * page is open to people the plan is not).
 */
export async function listCommitments(
  database: Database,
  actor: Actor,
  scope: CommitmentScope,
  now = new Date(),
): Promise<CommitmentView[]> {
  const db = database.db;
  if ("planId" in scope) {
    await readablePlan(db, actor, scope.planId);
    return views(db, actor, [scope.planId], now);
  }
  const councilIds = "councilId" in scope ? [scope.councilId] : await councilsOfTicket(db, scope.ticketId);
  const planIds: number[] = [];
  for (const councilId of councilIds) {
    const plan = await planOf(db, "council", councilId);
    const owner = plan ? await planOwner(db, actor, plan) : null;
    if (plan && owner && sharedAccess(actor, owner) !== "none") planIds.push(plan.id);
  }
  return views(db, actor, planIds, now);
}

/**
 * A plan's task progress at a glance (a monthly problem's page): commitments
 * by status, done of total, and how many are overdue — or null when the actor
 * may not read the plan.
 */
export async function commitmentProgress(database: Database, actor: Actor, planId: number, now = new Date()) {
  const db = database.db;
  const readable = await readablePlan(db, actor, planId).catch((e: unknown) => {
    if (e instanceof NotFoundError) return null;
    throw e;
  });
  if (!readable) return null;
  const c = planCommitments;
  const rows = await db
    .select({
      status: c.status,
      n: sql<number>`count(*)`,
      overdue: sql<number>`sum(case when ${c.deadline} < ${beijingDate(now)} and ${c.status} <> 'done' then 1 else 0 end)`,
    })
    .from(c)
    .where(eq(c.planId, planId))
    .groupBy(c.status);
  const byStatus = Object.fromEntries(commitmentStatuses.map((status) => [status, 0])) as Record<
    CommitmentStatus,
    number
  >;
  for (const r of rows) byStatus[r.status] = Number(r.n);
  return {
    byStatus,
    total: rows.reduce((a, r) => a + Number(r.n), 0),
    done: byStatus.done,
    overdue: rows.reduce((a, r) => a + Number(r.overdue ?? 0), 0),
  };
}

export const commitmentUpdateSchema = z
  .object({
    status: z.enum(commitmentStatuses, { message: "请选择状态" }),
    progress: z.coerce
      .number({ message: "请填写进度" })
      .int("进度须为整数")
      .min(0, "进度在0到100之间")
      .max(100, "进度在0到100之间"),
    note: z.string({ message: "请说明进展" }).trim().min(1, "请说明进展").max(500, "进展说明不超过500字"),
  })
  .superRefine((data, ctx) => {
    if (data.status === "done" && data.progress !== 100)
      ctx.addIssue({ code: "custom", path: ["progress"], message: "标记完成时进度须为100%" });
    if (data.status === "not_started" && data.progress !== 0)
      ctx.addIssue({ code: "custom", path: ["status"], message: "已有进度，请选择“进行中”" });
  });

const statusOrder: Record<CommitmentStatus, number> = { not_started: 0, in_progress: 1, done: 2 };

/**
 * The owner organisation reports progress. Status moves forward only: a done
 * commitment is closed (a reopened task is a new version of the plan, signed
 * again), and work under way does not become "not started" again — both 409.
 */
export async function updateCommitment(
  database: Database,
  actor: Actor,
  commitmentId: number,
  input: unknown,
  now = new Date(),
) {
  const data = parseOrThrow(commitmentUpdateSchema, input);
  return database.write(async (tx) => {
    const commitment = await tx.select().from(planCommitments).where(eq(planCommitments.id, commitmentId)).get();
    const plan = commitment ? await loadPlan(tx, commitment.planId) : null;
    const owner = plan ? await planOwner(tx, actor, plan) : null;
    if (!commitment || !owner || sharedAccess(actor, owner) === "none") throw new NotFoundError("承诺事项不存在");
    if (!mayReport(actor, commitment.ownerOrgId)) throw new ForbiddenError("只有责任单位可以报告进展");
    if (commitment.status === "done") throw new ConflictError("该事项已完成，不能再更改");
    if (statusOrder[data.status] < statusOrder[commitment.status])
      throw new ConflictError("事项已在进行中，不能改回“未开始”");
    await tx.insert(planCommitmentUpdates).values({ commitmentId, userId: actor.userId, ...data, at: now });
    await tx
      .update(planCommitments)
      .set({ status: data.status, progress: data.progress, updatedAt: now })
      .where(eq(planCommitments.id, commitmentId));
    await audit(tx, {
      actorUserId: actor.userId,
      action: "commitment.progress",
      entity: "plan",
      entityId: commitment.planId,
      detail: { commitmentId, status: data.status, progress: data.progress },
    });
    return { status: data.status, progress: data.progress };
  });
}

/** The chair of a plan's owner: for a council, the people of its convening unit (its lead units if none). */
async function chairsOf(tx: Tx, plan: { ownerKind: string; ownerId: number }): Promise<number[]> {
  if (plan.ownerKind !== "council") return [];
  const loaded = await loadCouncil(tx, plan.ownerId);
  if (!loaded) return [];
  const { council, parties } = loaded;
  const orgIds = council.convenerOrgId
    ? [council.convenerOrgId]
    : parties.flatMap((p) => (p.role === "lead" && p.orgId != null ? [p.orgId] : []));
  return (await membersOf(tx, orgIds)).map((m) => m.userId);
}

/**
 * Tells the chair, once per commitment, that it is overdue (the portal's
 * minute sweep, server/app.ts). The overdue state itself is still computed
 * when read; the marker only keeps the notice from repeating.
 */
export async function sweepOverdueCommitments(database: Database, now = new Date()) {
  const due = and(
    isNotNull(planCommitments.deadline),
    lt(planCommitments.deadline, beijingDate(now)),
    ne(planCommitments.status, "done"),
    isNull(planCommitments.overdueNotifiedAt),
  );
  const pending = (q: Queryable) => q.select().from(planCommitments).where(due);
  // Nothing newly overdue (the usual case): no write lock taken.
  if ((await pending(database.db)).length === 0) return 0;
  return database.write(async (tx) => {
    let sent = 0;
    for (const c of await pending(tx)) {
      const plan = await loadPlan(tx, c.planId);
      const [org] = await orgBriefs(tx, [c.ownerOrgId]);
      if (plan)
        sent += await notify(
          tx,
          await chairsOf(tx, plan),
          {
            kind: "commitment_overdue",
            title: `承诺事项逾期：${org?.name ?? ""}`,
            body: `${c.task}（完成时限 ${c.deadline}）`,
            link: plan.ownerKind === "council" ? `/councils/${plan.ownerId}` : `/plans/${plan.id}/commitments`,
          },
          now,
        );
      await tx.update(planCommitments).set({ overdueNotifiedAt: now }).where(eq(planCommitments.id, c.id));
    }
    return sent;
  });
}
