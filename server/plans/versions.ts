/**
 * Versions and sign-off (docs/decisions/0015): the chair freezes the live
 * documents as a version with a content hash; the required parties sign
 * that version; an edit afterwards is a new draft, signatures stay with the
 * version they signed. Restoring is a new change and a new version. When
 * every required party has signed, the version's tasks become commitments.
 */
import { and, asc, desc, eq, sql } from "drizzle-orm";
import * as Y from "yjs";
import type { Database, Tx } from "../../db/client";
import { planCommitments, planSignatures, planVersionDocuments, planVersions } from "../../db/schema";
import {
  contentHash,
  documentContent,
  parsePlanDocumentName,
  planDocumentName,
  replaceContent,
  type DocumentContent,
} from "../../realtime/plan-document";
import { implementSignedPlan } from "../councils";
import { ConflictError, ForbiddenError, NotFoundError } from "../errors";
import { audit, can, type Actor } from "../identity";
import { readablePlan, type PlanOwner, type PlanRecord } from "./access";
import { mayChair } from "./plans";
import { TASKS_LIST } from "./templates";

/** The realtime server's server-side door to documents (the gateway's `documents`). */
export interface PlanDocuments {
  state(name: string): Promise<Uint8Array>;
  change(name: string, fn: (doc: Y.Doc) => void): Promise<void>;
}

/** The plan's documents and the list keys each holds: the shared one, then one per party organisation. */
export function documentsOf(plan: PlanRecord, owner: PlanOwner): { name: string; lists: string[] }[] {
  const ofScope = (scope: "plan" | "party") => plan.lists.filter((l) => l.scope === scope).map((l) => l.key);
  const partyOrgs = [...new Set(owner.parties.map((p) => p.orgId))].sort((a, b) => a - b);
  return [
    { name: planDocumentName(plan.id), lists: ofScope("plan") },
    ...partyOrgs.map((orgId) => ({ name: planDocumentName(plan.id, orgId), lists: ofScope("party") })),
  ];
}

/** The plain content of a stored or live document state. */
export function read(state: Uint8Array, lists: string[]): DocumentContent {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, state);
  const content = documentContent(doc, lists);
  doc.destroy();
  return content;
}

/** The live state of every document of the plan, its content and hash. */
async function live(documents: PlanDocuments, plan: PlanRecord, owner: PlanOwner) {
  const docs = documentsOf(plan, owner);
  const states = await Promise.all(docs.map((d) => documents.state(d.name)));
  const contents = Object.fromEntries(docs.map((d, i) => [d.name, read(states[i]!, d.lists)]));
  return { docs, states, contents, hash: contentHash(contents) };
}

async function latestVersion(tx: Database["db"] | Tx, planId: number) {
  return tx.select().from(planVersions).where(eq(planVersions.planId, planId)).orderBy(desc(planVersions.number)).get();
}

/** Organisations whose signature the plan's template requires. */
export function requiredSigners(plan: PlanRecord, owner: PlanOwner): number[] {
  return [...new Set(owner.parties.filter((p) => plan.signerRoles.includes(p.role)).map((p) => p.orgId))];
}

/** Stores the live documents as the next version (in the caller's transaction). */
async function storeVersion(
  tx: Tx,
  actor: Actor,
  plan: PlanRecord,
  state: Awaited<ReturnType<typeof live>>,
  restoredFrom: number | null,
  now: Date,
) {
  const latest = await latestVersion(tx, plan.id);
  if (latest?.hash === state.hash && restoredFrom === null)
    throw new ConflictError(`方案内容与第${latest.number}版相同，无需重新定稿`);
  const number = (latest?.number ?? 0) + 1;
  const version = await tx
    .insert(planVersions)
    .values({ planId: plan.id, number, hash: state.hash, restoredFrom, frozenBy: actor.userId, frozenAt: now })
    .returning()
    .get();
  await tx.insert(planVersionDocuments).values(
    state.docs.map((d, i) => ({
      versionId: version.id,
      name: d.name,
      state: Buffer.from(state.states[i]!),
    })),
  );
  return version;
}

/** The plan and its owner, for its chair only (freezing and restoring are the chair's). */
async function chairing(database: Database, actor: Actor, planId: number) {
  const found = await readablePlan(database.db, actor, planId);
  if (!mayChair(actor, found.owner)) throw new ForbiddenError();
  return found;
}

/** 定稿: the chair freezes the live plan for signing. */
export async function freezeVersion(
  database: Database,
  documents: PlanDocuments,
  actor: Actor,
  planId: number,
  now = new Date(),
) {
  const { plan, owner } = await chairing(database, actor, planId);
  const state = await live(documents, plan, owner);
  return database.write(async (tx) => {
    const version = await storeVersion(tx, actor, plan, state, null, now);
    await audit(tx, {
      actorUserId: actor.userId,
      action: "plan.frozen",
      entity: "plan",
      entityId: plan.id,
      detail: { version: version.number, hash: version.hash },
    });
    return version;
  });
}

/**
 * A party signs the latest version, for every required organisation the
 * actor may sign for. Refused when the live plan no longer equals that
 * version: the signature must be bound to what the party saw.
 */
export async function signVersion(
  database: Database,
  documents: PlanDocuments,
  actor: Actor,
  planId: number,
  versionId: number,
  now = new Date(),
) {
  const { plan, owner } = await readablePlan(database.db, actor, planId);
  const required = requiredSigners(plan, owner);
  const signingFor = required.filter((orgId) => can(actor, "sign:plan", { orgId }));
  if (signingFor.length === 0) throw new ForbiddenError();
  const { hash } = await live(documents, plan, owner);
  return database.write(async (tx) => {
    const latest = await latestVersion(tx, plan.id);
    if (!latest || latest.id !== versionId) throw new ConflictError("只能签署最新定稿的版本");
    if (latest.hash !== hash) throw new ConflictError("方案在定稿后已修改，须由召集人重新定稿后再签署");
    const signed = await tx.select().from(planSignatures).where(eq(planSignatures.versionId, versionId));
    const fresh = signingFor.filter((orgId) => !signed.some((s) => s.orgId === orgId));
    if (fresh.length === 0) throw new ConflictError("本单位已签署该版本");
    await tx
      .insert(planSignatures)
      .values(fresh.map((orgId) => ({ versionId, orgId, userId: actor.userId, hash: latest.hash, signedAt: now })));
    await audit(tx, {
      actorUserId: actor.userId,
      action: "plan.signed",
      entity: "plan",
      entityId: plan.id,
      detail: { version: latest.number, hash: latest.hash, orgIds: fresh },
    });
    const signedOrgs = new Set([...signed.map((s) => s.orgId), ...fresh]);
    const complete = required.every((orgId) => signedOrgs.has(orgId));
    if (complete) await commitTasks(tx, actor, plan, latest.id, latest.number, now);
    return { complete };
  });
}

/** Every required party signed: the version's task rows become commitments of their organisations. */
async function commitTasks(tx: Tx, actor: Actor, plan: PlanRecord, versionId: number, number: number, now: Date) {
  const stored = await tx.select().from(planVersionDocuments).where(eq(planVersionDocuments.versionId, versionId));
  const rows: (typeof planCommitments.$inferInsert)[] = [];
  for (const d of stored) {
    const orgId = parsePlanDocumentName(d.name)?.partyOrgId;
    if (orgId == null) continue;
    const { lists } = read(new Uint8Array(d.state), [TASKS_LIST]);
    for (const row of lists[TASKS_LIST] ?? []) {
      if (!row.task?.trim()) continue;
      rows.push({
        planId: plan.id,
        versionId,
        ownerOrgId: orgId,
        rowId: row.id ?? `${d.name}:${rows.length}`,
        task: row.task.trim(),
        target: row.target?.trim() ?? "",
        deadline: /^\d{4}-\d{2}-\d{2}$/.test(row.deadline ?? "") ? row.deadline! : null,
        status: "not_started",
        progress: 0,
        createdAt: now,
        updatedAt: now,
      });
    }
  }
  // A later fully signed version replaces the commitments of the rows it still has.
  if (rows.length)
    await tx
      .insert(planCommitments)
      .values(rows)
      .onConflictDoUpdate({
        target: [planCommitments.planId, planCommitments.rowId],
        set: {
          versionId,
          task: sql`excluded.task`,
          target: sql`excluded.target`,
          deadline: sql`excluded.deadline`,
          updatedAt: now,
        },
      });
  await audit(tx, {
    actorUserId: actor.userId,
    action: "plan.committed",
    entity: "plan",
    entityId: plan.id,
    detail: { version: number, commitments: rows.length },
  });
  if (plan.ownerKind === "council") {
    const deadlines = rows.flatMap((r) => (r.deadline ? [r.deadline] : [])).sort();
    const last = deadlines.at(-1);
    // A deadline is a Beijing calendar day: the work is due by that day's end.
    const lastDeadline = last ? new Date(`${last}T23:59:59+08:00`) : null;
    await implementSignedPlan(tx, actor, plan.ownerId, { version: number, lastDeadline }, now);
  }
}

/** Version history: each version with its signatures, newest first, and whether the live plan still equals the latest. */
export async function planVersionHistory(database: Database, documents: PlanDocuments, actor: Actor, planId: number) {
  const { plan, owner } = await readablePlan(database.db, actor, planId);
  const versions = await database.db.query.planVersions.findMany({
    where: eq(planVersions.planId, planId),
    orderBy: desc(planVersions.number),
    with: { signatures: { orderBy: asc(planSignatures.signedAt) } },
  });
  const { hash } = await live(documents, plan, owner);
  return { versions, required: requiredSigners(plan, owner), draft: versions[0]?.hash !== hash, liveHash: hash };
}

/** Restores version `versionId` as a new change to the live documents and a new version. */
export async function restoreVersion(
  database: Database,
  documents: PlanDocuments,
  actor: Actor,
  planId: number,
  versionId: number,
  now = new Date(),
) {
  const { plan, owner } = await chairing(database, actor, planId);
  const version = await database.db
    .select()
    .from(planVersions)
    .where(and(eq(planVersions.id, versionId), eq(planVersions.planId, planId)))
    .get();
  if (!version) throw new NotFoundError("版本不存在");
  const stored = await database.db
    .select()
    .from(planVersionDocuments)
    .where(eq(planVersionDocuments.versionId, versionId));
  for (const d of documentsOf(plan, owner)) {
    const source = new Y.Doc();
    const old = stored.find((s) => s.name === d.name);
    if (old) Y.applyUpdate(source, new Uint8Array(old.state));
    await documents.change(d.name, (doc) => replaceContent(doc, source, d.lists));
    source.destroy();
  }
  const state = await live(documents, plan, owner);
  return database.write(async (tx) => {
    const restored = await storeVersion(tx, actor, plan, state, version.id, now);
    await audit(tx, {
      actorUserId: actor.userId,
      action: "plan.restored",
      entity: "plan",
      entityId: plan.id,
      detail: { from: version.number, version: restored.number, hash: restored.hash },
    });
    return restored;
  });
}
