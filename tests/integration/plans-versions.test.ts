/**
 * Versions and sign-off over the real portal's documents (docs/decisions/0014):
 * parties type through stock y-websocket clients; the chair freezes, parties
 * sign, an edit makes a new draft, restore makes a new version, and the last
 * required signature turns the tasks into commitments.
 */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyUpdate, Doc as YDoc, type Doc } from "yjs";
import { planCommitments } from "../../db/schema";
import { listRows, newRow, planDocumentName } from "../../realtime/plan-document";
import { createCouncil } from "../../server/councils";
import { ConflictError, ForbiddenError } from "../../server/errors";
import type { Actor } from "../../server/identity";
import {
  createPlan,
  freezeVersion,
  planVersionHistory,
  restoreVersion,
  signVersion,
  type PlanDocuments,
} from "../../server/plans";
import { actorOf, orgId } from "../helpers/database";
import { startPortal, type TestPortal } from "../helpers/portal";
import { connectClient, eventually, sessionCookieFor, until, type TestClient } from "../helpers/realtime";

let p: TestPortal;
let docs: PlanDocuments;
let planId: number;
const a: Record<string, Actor> = {};
const org = { xiheyan: 0, property: 0, housing: 0 };
const clients: TestClient[] = [];

async function client(name: string, user: string) {
  const c = connectClient(p.port, name, await sessionCookieFor(p.portal.database, user));
  clients.push(c);
  await c.synced();
  return c;
}

const tasks = (d: Doc) => listRows(d, "tasks").toJSON() as Record<string, string>[];

/** Waits until the server's copy of a party's document has its rows as `check` wants (edits travel). */
async function serverTasks(orgId: number, check: (rows: Record<string, string>[]) => boolean) {
  await eventually(async () => {
    const doc = new YDoc();
    applyUpdate(doc, await docs.state(planDocumentName(planId, orgId)));
    return check(tasks(doc));
  });
}

beforeAll(async () => {
  p = await startPortal();
  docs = p.portal.realtime.documents;
  const database = p.portal.database;
  for (const u of ["secretary", "worker", "property", "housing"]) a[u] = await actorOf(database, u);
  org.xiheyan = await orgId(database, "西河沿社区居委会");
  org.property = await orgId(database, "北京宣房大德物业管理有限公司");
  org.housing = await orgId(database, "西城区住房和城市建设委员会");
  const councilId = await createCouncil(database, a.secretary!, {
    title: "西河沿停车方案",
    description: "错时停车",
    regionCode: "110102013901",
    address: "西河沿社区居委会",
    cooperatingOrgIds: [org.property, org.housing],
  });
  planId = await createPlan(database, a.secretary!, { kind: "council", id: councilId }, {});
});

afterAll(async () => {
  for (const c of clients) c.destroy();
  await p?.close();
});

describe("freeze, sign, edit, restore, commit", () => {
  let v1: number;
  let property: TestClient;
  let housing: TestClient;

  it("only the chair freezes; an unchanged plan is not frozen twice", async () => {
    property = await client(planDocumentName(planId, org.property), "property");
    housing = await client(planDocumentName(planId, org.housing), "housing");
    listRows(property.doc, "tasks").push([newRow({ task: "施划临时泊位", target: "40个", deadline: "2025-06-30" })]);
    listRows(housing.doc, "tasks").push([newRow({ task: "协调错时停车", target: "2处" })]);
    await serverTasks(org.property, (rows) => rows.length === 1);
    await serverTasks(org.housing, (rows) => rows.length === 1);
    await expect(freezeVersion(p.portal.database, docs, a.property!, planId)).rejects.toThrow(ForbiddenError);
    const version = await freezeVersion(p.portal.database, docs, a.secretary!, planId);
    expect(version.number).toBe(1);
    expect(version.hash).toMatch(/^[0-9a-f]{64}$/);
    v1 = version.id;
    await expect(freezeVersion(p.portal.database, docs, a.secretary!, planId)).rejects.toThrow(ConflictError);
  });

  it("a party signs once; a community worker signs for no one", async () => {
    expect(await signVersion(p.portal.database, docs, a.property!, planId, v1)).toEqual({ complete: false });
    await expect(signVersion(p.portal.database, docs, a.property!, planId, v1)).rejects.toThrow(ConflictError);
    await expect(signVersion(p.portal.database, docs, a.worker!, planId, v1)).rejects.toThrow(ForbiddenError);
  });

  it("an edit after freezing is a new draft: no signing it, the signature stays on version 1", async () => {
    listRows(housing.doc, "tasks").get(0).set("target", "3处");
    await serverTasks(org.housing, (rows) => rows[0]?.target === "3处");
    await expect(signVersion(p.portal.database, docs, a.secretary!, planId, v1)).rejects.toThrow(/已修改/);
    const history = await planVersionHistory(p.portal.database, docs, a.secretary!, planId);
    expect(history.draft).toBe(true);
    expect(history.required.sort()).toEqual([org.xiheyan, org.property, org.housing].sort());
    const v2 = await freezeVersion(p.portal.database, docs, a.secretary!, planId);
    await expect(signVersion(p.portal.database, docs, a.property!, planId, v1)).rejects.toThrow(/最新/);
    const after = await planVersionHistory(p.portal.database, docs, a.secretary!, planId);
    expect(after.versions.map((v) => [v.number, v.signatures.map((s) => s.orgId)])).toEqual([
      [2, []],
      [1, [org.property]],
    ]);
    expect(after.versions[0]!.hash).toBe(v2.hash);
    expect(after.draft).toBe(false);
  });

  it("restoring version 1 is a new version with version 1's content, seen by the connected party", async () => {
    const history = await planVersionHistory(p.portal.database, docs, a.secretary!, planId);
    const v1Hash = history.versions.find((v) => v.id === v1)!.hash;
    const v3 = await restoreVersion(p.portal.database, docs, a.secretary!, planId, v1);
    expect(v3).toMatchObject({ number: 3, restoredFrom: v1, hash: v1Hash });
    await until(housing.doc, () => tasks(housing.doc)[0]?.target === "2处");
  });

  it("the last required signature turns every party's tasks into commitments", async () => {
    const v3 = (await planVersionHistory(p.portal.database, docs, a.secretary!, planId)).versions[0]!.id;
    expect(await signVersion(p.portal.database, docs, a.property!, planId, v3)).toEqual({ complete: false });
    expect(await signVersion(p.portal.database, docs, a.housing!, planId, v3)).toEqual({ complete: false });
    expect(await p.portal.database.db.select().from(planCommitments).where(eq(planCommitments.planId, planId))).toEqual(
      [],
    );
    expect(await signVersion(p.portal.database, docs, a.secretary!, planId, v3)).toEqual({ complete: true });
    const commitments = await p.portal.database.db
      .select()
      .from(planCommitments)
      .where(eq(planCommitments.planId, planId));
    expect(commitments.map((c) => [c.ownerOrgId, c.task, c.target, c.deadline, c.status]).sort()).toEqual(
      [
        [org.property, "施划临时泊位", "40个", "2025-06-30", "not_started"],
        [org.housing, "协调错时停车", "2处", null, "not_started"],
      ].sort(),
    );
  });
});
