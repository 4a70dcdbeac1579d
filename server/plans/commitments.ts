/**
 * Commitments (承诺事项, issue 5 item 7, docs/decisions/0015): the task rows
 * of a fully signed version, tracked by their owner organisation. Progress is
 * an append-only log (`plan_commitment_updates`); the commitment row caches
 * the latest status and percent. Overdue is computed when read (a Beijing
 * calendar day past the deadline and not done), never stored, so it cannot
 * go stale.
 */
import { and, asc, desc, eq, inArray, isNotNull, isNull, lt, ne, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import type { Database, Queryable, Tx } from "../../db/client";
import {
  commitmentStatuses,
  planCommitments,
  planCommitmentUpdates,
  plans,
  type CommitmentStatus,
} from "../../db/schema";
import { councilsOfTicket, loadCouncil } from "../councils";
import { ConflictError, ForbiddenError, NotFoundError } from "../errors";
import { audit, can, membersOf, orgBriefs, orgIdsWith, parseOrThrow, userBriefs, type Actor } from "../identity";
import { afterCursor, decodeCursor, encodeCursor } from "../keyset";
import { notify } from "../notifications";
import { beijingDate } from "../tickets";
import { loadPlan, ownerSummary, planOwner, readablePlan, readablePlansWhere, sharedAccess } from "./access";
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

/** The commitments of these plans, by plan, deadline and id. */
function ofPlans(db: Queryable, actor: Actor, planIds: number[], now: Date): Promise<CommitmentView[]> {
  if (planIds.length === 0) return Promise.resolve([]);
  return views(
    db,
    actor,
    inArray(planCommitments.planId, planIds),
    [asc(planCommitments.planId), asc(planCommitments.deadline), asc(planCommitments.id)],
    now,
  );
}

async function views(db: Queryable, actor: Actor, where: SQL, order: SQL[], now: Date): Promise<CommitmentView[]> {
  const rows = await db
    .select()
    .from(planCommitments)
    .where(where)
    .orderBy(...order);
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
    return ofPlans(db, actor, [scope.planId], now);
  }
  const councilIds = "councilId" in scope ? [scope.councilId] : await councilsOfTicket(db, scope.ticketId);
  const planIds: number[] = [];
  for (const councilId of councilIds) {
    const plan = await planOf(db, "council", councilId);
    const owner = plan ? await planOwner(db, actor, plan) : null;
    if (plan && owner && sharedAccess(actor, owner) !== "none") planIds.push(plan.id);
  }
  return ofPlans(db, actor, planIds, now);
}

/** Which commitments the list shows: not done yet, past their deadline and not done, done, or all. */
export const commitmentStates = ["open", "overdue", "done", "all"] as const;
export type CommitmentState = (typeof commitmentStates)[number];

const commitmentsPageSchema = z.object({
  who: z.enum(["mine", "all"]).optional().catch(undefined),
  state: z.enum(commitmentStates).catch("open"),
  cursor: z.string().max(200).optional(),
});

/** Commitments per page of the list. */
const COMMITMENTS_PAGE = 50;

/** A commitment without a deadline sorts after every dated one. */
const NO_DEADLINE = "9999-12-31";

/**
 * Commitments across plans (the 承诺事项 list), the earliest deadline first: those of the actor's own units
 * (`mine`, the default for anyone whose unit owns commitments), or all in plans the actor may read — the
 * plans' own read rule either way. Each comes with its plan's owner (title and page), for context.
 */
export async function commitmentsPage(
  database: Database,
  actor: Actor,
  input: unknown,
  now = new Date(),
  size = COMMITMENTS_PAGE,
) {
  const f = parseOrThrow(commitmentsPageSchema, input);
  const db = database.db;
  const c = planCommitments;
  const ownOrgIds = orgIdsWith(actor, "edit:plan-rows");
  const who: "mine" | "all" = ownOrgIds.length && f.who !== "all" ? "mine" : "all";
  const today = beijingDate(now);
  const key = sql<string>`coalesce(${c.deadline}, ${NO_DEADLINE})`;
  // A cursor names the last row's deadline day as a time; one no page made is the first page.
  const at = decodeCursor(f.cursor);
  const afterDay = at && Math.abs(at[0]) <= 8.64e15 ? new Date(at[0]).toISOString().slice(0, 10) : null;
  const found = await db
    .select({ id: c.id, key })
    .from(c)
    .innerJoin(plans, eq(plans.id, c.planId))
    .where(
      and(
        readablePlansWhere(actor),
        who === "mine" ? inArray(c.ownerOrgId, ownOrgIds) : undefined,
        f.state === "open" ? ne(c.status, "done") : undefined,
        f.state === "overdue" ? and(ne(c.status, "done"), lt(c.deadline, today)) : undefined,
        f.state === "done" ? eq(c.status, "done") : undefined,
        at && afterDay ? afterCursor(key, c.id, afterDay, at[1], "asc") : undefined,
      ),
    )
    .orderBy(asc(key), asc(c.id))
    .limit(size + 1);
  const page = found.slice(0, size);
  const last = page.at(-1);
  const commitments = page.length
    ? await views(
        db,
        actor,
        inArray(
          c.id,
          page.map((r) => r.id),
        ),
        [asc(key), asc(c.id)],
        now,
      )
    : [];
  const planIds = [...new Set(commitments.map((v) => v.planId))];
  const owners = await db
    .select({ id: plans.id, kind: plans.ownerKind, ownerId: plans.ownerId })
    .from(plans)
    .where(inArray(plans.id, planIds.length ? planIds : [-1]));
  const planOwners = Object.fromEntries(
    await Promise.all(owners.map(async (p) => [p.id, await ownerSummary(db, actor, p.kind, p.ownerId)] as const)),
  );
  return {
    commitments,
    planOwners,
    who,
    state: f.state,
    mayChooseWho: ownOrgIds.length > 0,
    next: found.length > size && last ? encodeCursor(Date.parse(`${last.key}T00:00:00Z`), last.id) : null,
  };
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
