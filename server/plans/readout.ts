/**
 * Versions read by people (issue 5 items 6 and 8): the history with names,
 * the difference between two versions, and a signed version as it goes on
 * paper or into a workbook. Everything is read from the stored version
 * documents, so a print shows exactly what was frozen and signed, never the
 * live draft.
 */
import { and, asc, desc, eq } from "drizzle-orm";
import type { Database, Queryable } from "../../db/client";
import { planSignatures, planVersionDocuments, planVersions } from "../../db/schema";
import { parsePlanDocumentName, type DocumentContent, type PlanRow } from "../../realtime/plan-document";
import { NotFoundError } from "../errors";
import { orgBriefs, userBriefs, type Actor } from "../identity";
import { ownerSummary, readablePlan, type PlanOwner, type PlanRecord } from "./access";
import { diffContents, readableBlocks } from "./diff";
import { mayChair } from "./plans";
import type { ListDefinition } from "./templates";
import { planVersionHistory, read, requiredSigners, type PlanDocuments } from "./versions";

/** The list keys a document holds, by its name: the shared one the plan lists, a party's the party lists. */
function listsIn(plan: PlanRecord, name: string): string[] {
  const scope = parsePlanDocumentName(name)?.partyOrgId == null ? "plan" : "party";
  return plan.lists.filter((l) => l.scope === scope).map((l) => l.key);
}

/** What version `versionId` froze, per document. */
async function versionContents(db: Queryable, plan: PlanRecord, versionId: number) {
  const stored = await db.select().from(planVersionDocuments).where(eq(planVersionDocuments.versionId, versionId));
  return Object.fromEntries(
    stored.map((d) => [d.name, read(new Uint8Array(d.state), listsIn(plan, d.name))]),
  ) as Record<string, DocumentContent>;
}

/** What the plan belongs to, as a title for its pages (the council's or the monthly problem's subject). */
async function ownerTitle(db: Queryable, plan: PlanRecord): Promise<string> {
  return (await ownerSummary(db, null, plan.ownerKind, plan.ownerId))?.title ?? "";
}

async function names(db: Queryable, orgIds: Iterable<number>, userIds: Iterable<number>) {
  const [orgs, people] = await Promise.all([
    orgBriefs(db, [...new Set(orgIds)]),
    userBriefs(db, [...new Set(userIds)]),
  ]);
  return {
    org: (id: number) => orgs.find((o) => o.id === id)?.name ?? "",
    user: (id: number) => people.find((u) => u.userId === id)?.displayName ?? "",
  };
}

const partyOrgIds = (owner: PlanOwner) => [...new Set(owner.parties.map((p) => p.orgId))];

/**
 * The versions page: every version newest first with who froze it, what it
 * restored and each required party's signature on it (or none), and whether
 * the live plan is a draft past the latest version.
 */
export async function versionHistoryView(database: Database, documents: PlanDocuments, actor: Actor, planId: number) {
  const db = database.db;
  const { plan, owner } = await readablePlan(db, actor, planId);
  const history = await planVersionHistory(database, documents, actor, planId);
  const signatures = history.versions.flatMap((v) => v.signatures);
  const name = await names(
    db,
    [...partyOrgIds(owner), ...signatures.map((s) => s.orgId)],
    [...history.versions.map((v) => v.frozenBy), ...signatures.map((s) => s.userId)],
  );
  const numberOf = new Map(history.versions.map((v) => [v.id, v.number]));
  return {
    plan: { id: plan.id, title: await ownerTitle(db, plan), lists: plan.lists },
    mayRestore: mayChair(actor, owner),
    draft: history.draft,
    parties: partyOrgIds(owner).map((orgId) => ({ orgId, name: name.org(orgId) })),
    versions: history.versions.map((v) => ({
      id: v.id,
      number: v.number,
      hash: v.hash,
      frozenAt: v.frozenAt,
      frozenBy: name.user(v.frozenBy),
      restoredFrom: v.restoredFrom == null ? null : (numberOf.get(v.restoredFrom) ?? null),
      complete: history.required.every((orgId) => v.signatures.some((s) => s.orgId === orgId)),
      signatures: history.required.map((orgId) => {
        const s = v.signatures.find((x) => x.orgId === orgId);
        return {
          orgId,
          orgName: name.org(orgId),
          signed: s ? { userName: name.user(s.userId), signedAt: s.signedAt, hash: s.hash } : null,
        };
      }),
    })),
  };
}

async function versionByNumber(db: Queryable, planId: number, number: number) {
  const version = await db
    .select()
    .from(planVersions)
    .where(and(eq(planVersions.planId, planId), eq(planVersions.number, number)))
    .get();
  if (!version) throw new NotFoundError(`第${number}版不存在`);
  return version;
}

/** The difference from version `from` to version `to` (by their numbers). */
export async function compareVersions(database: Database, actor: Actor, planId: number, from: number, to: number) {
  const db = database.db;
  const { plan } = await readablePlan(db, actor, planId);
  const [a, b] = await Promise.all([versionByNumber(db, planId, from), versionByNumber(db, planId, to)]);
  const [before, after] = await Promise.all([versionContents(db, plan, a.id), versionContents(db, plan, b.id)]);
  return diffContents(before, after);
}

export interface SignedList extends ListDefinition {
  /** Rows with the party they belong to (null in a list of the shared document). */
  rows: { party: string | null; row: PlanRow }[];
}

/**
 * A version as it goes on paper or into a workbook: the latest version every
 * required party signed, or version `number` (which may still lack
 * signatures; `complete` says so). Its text as blocks, its lists with each
 * party's rows, and a line per required party with its signature.
 */
export async function signedVersion(database: Database, actor: Actor, planId: number, number?: number) {
  const db = database.db;
  const { plan, owner } = await readablePlan(db, actor, planId);
  const required = requiredSigners(plan, owner);
  const versions = await db.query.planVersions.findMany({
    where: eq(planVersions.planId, planId),
    orderBy: desc(planVersions.number),
    with: { signatures: { orderBy: asc(planSignatures.signedAt) } },
  });
  const isComplete = (v: (typeof versions)[number]) =>
    required.every((orgId) => v.signatures.some((s) => s.orgId === orgId));
  const version = number === undefined ? versions.find(isComplete) : versions.find((v) => v.number === number);
  if (!version) throw new NotFoundError(number === undefined ? "尚无各方签署完毕的版本" : `第${number}版不存在`);
  const contents = await versionContents(db, plan, version.id);
  const name = await names(
    db,
    [...partyOrgIds(owner), ...version.signatures.map((s) => s.orgId)],
    [version.frozenBy, ...version.signatures.map((s) => s.userId)],
  );
  const docs = Object.keys(contents).sort();
  const lists: SignedList[] = plan.lists.map((list) => ({
    ...list,
    rows: docs.flatMap((doc) => {
      const partyOrgId = parsePlanDocumentName(doc)?.partyOrgId ?? null;
      if ((partyOrgId === null) !== (list.scope === "plan")) return [];
      const party = partyOrgId === null ? null : name.org(partyOrgId);
      return (contents[doc]!.lists[list.key] ?? []).map((row) => ({ party, row }));
    }),
  }));
  const shared = docs.find((d) => parsePlanDocumentName(d)?.partyOrgId === null);
  return {
    plan: { id: plan.id, title: await ownerTitle(db, plan) },
    version: {
      number: version.number,
      hash: version.hash,
      frozenAt: version.frozenAt,
      frozenBy: name.user(version.frozenBy),
    },
    complete: isComplete(version),
    text: readableBlocks(shared ? contents[shared]!.text : ""),
    lists,
    signatures: required.map((orgId) => {
      const s = version.signatures.find((x) => x.orgId === orgId);
      return {
        orgName: name.org(orgId),
        signed: s ? { userName: name.user(s.userId), signedAt: s.signedAt, hash: s.hash } : null,
      };
    }),
  };
}
