/**
 * Plan documents through the realtime server's front door (docs/decisions/0014):
 * the real portal on port 0 with its production document kinds, stock
 * y-websocket clients signed in as demo users of a council's parties.
 * The plan text is edited by the council's members; each party's rows only
 * by that party; a tampered client cannot touch another party's rows.
 */
import { eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { realtimeDocuments, realtimeUpdates } from "../../db/schema";
import { encodeUpdate } from "../../realtime/protocol";
import { listRows, newRow, PLAN_TEXT_FIELD, planDocumentName } from "../../realtime/plan-document";
import { createCouncil } from "../../server/councils";
import { createPlan } from "../../server/plans";
import { actorOf, orgId } from "../helpers/database";
import { startPortal, type TestPortal } from "../helpers/portal";
import { connectClient, eventually, sessionCookieFor, tryUpgrade, until, type TestClient } from "../helpers/realtime";

let p: TestPortal;
let planId: number;
let org: Record<"xiheyan" | "property" | "housing", number>;
const cookies: Record<string, string> = {};
const logLines: string[] = [];
let clients: TestClient[] = [];

function client(name: string, user: string): TestClient {
  const c = connectClient(p.port, name, cookies[user]!);
  clients.push(c);
  return c;
}

async function storedUpdateCount(name: string): Promise<number> {
  const doc = await p.portal.database.db.query.realtimeDocuments.findFirst({
    where: eq(realtimeDocuments.name, name),
  });
  if (!doc) return 0;
  const rows = await p.portal.database.db
    .select({ id: realtimeUpdates.id })
    .from(realtimeUpdates)
    .where(eq(realtimeUpdates.documentId, doc.id));
  return rows.length + (doc.snapshot ? 1 : 0);
}

beforeAll(async () => {
  p = await startPortal({}, { log: (line) => logLines.push(line) });
  const database = p.portal.database;
  org = {
    xiheyan: await orgId(database, "西河沿社区居委会"),
    property: await orgId(database, "北京宣房大德物业管理有限公司"),
    housing: await orgId(database, "西城区住房和城市建设委员会"),
  };
  const secretary = await actorOf(database, "secretary");
  const councilId = await createCouncil(database, secretary, {
    title: "西河沿街停车方案",
    description: "错时停车",
    regionCode: "110102013901",
    address: "西河沿社区居委会",
    cooperatingOrgIds: [org.property, org.housing],
  });
  planId = await createPlan(database, secretary, { kind: "council", id: councilId }, { template: "three_lists" });
  for (const user of ["secretary", "worker", "property", "housing", "resident", "operator", "committee"])
    cookies[user] = await sessionCookieFor(database, user);
});

afterEach(() => {
  for (const c of clients) c.destroy();
  clients = [];
});

afterAll(() => p?.close());

const url = (name: string) => `ws://127.0.0.1:${p.port}/realtime/${encodeURIComponent(name)}`;

describe("who may open which plan document", () => {
  it("answers per role: members open, strangers get 403, unknown plans 403, no session 401", async () => {
    const shared = planDocumentName(planId);
    const propertyRows = planDocumentName(planId, org.property);
    expect(await tryUpgrade(url(shared), cookies.secretary)).toBe("open");
    expect(await tryUpgrade(url(shared), cookies.property)).toBe("open");
    expect(await tryUpgrade(url(propertyRows), cookies.housing)).toBe("open"); // reads another party's rows
    expect(await tryUpgrade(url(shared), cookies.operator)).toBe("open"); // the centre reads
    // A resident who is not a representative on this council, and a unit that is not a party.
    expect(await tryUpgrade(url(shared), cookies.resident)).toBe(403);
    expect(await tryUpgrade(url(shared), cookies.committee)).toBe(403);
    // Rows of an organisation that is not a party, a plan that does not exist, a malformed name.
    expect(await tryUpgrade(url(planDocumentName(planId, org.xiheyan + 100_000)), cookies.secretary)).toBe(403);
    expect(await tryUpgrade(url(planDocumentName(planId + 1000)), cookies.secretary)).toBe(403);
    expect(await tryUpgrade(url(`plan:${planId}:party:`), cookies.secretary)).toBe(403);
    expect(await tryUpgrade(url(shared))).toBe(401);
  });
});

describe("editing", () => {
  it("council members co-edit the plan text and the problem list", async () => {
    const name = planDocumentName(planId);
    const secretary = client(name, "secretary");
    const housing = client(name, "housing");
    await Promise.all([secretary.synced(), housing.synced()]);
    const paragraph = new Y.XmlElement("paragraph");
    paragraph.insert(0, [new Y.XmlText("目标：夜间车位增加40个")]);
    secretary.doc.getXmlFragment(PLAN_TEXT_FIELD).insert(0, [paragraph]);
    listRows(housing.doc, "problems").push([newRow({ problem: "夜间占道停车", location: "西河沿街" })]);
    const done = (d: Y.Doc) =>
      d.getXmlFragment(PLAN_TEXT_FIELD).toString().includes("夜间车位") && listRows(d, "problems").length === 1;
    await Promise.all([until(secretary.doc, () => done(secretary.doc)), until(housing.doc, () => done(housing.doc))]);
    expect(listRows(secretary.doc, "problems").get(0).get("problem")).toBe("夜间占道停车");
  });

  it("a party edits its own rows, and every member sees them", async () => {
    const name = planDocumentName(planId, org.property);
    const property = client(name, "property");
    const secretary = client(name, "secretary");
    await Promise.all([property.synced(), secretary.synced()]);
    listRows(property.doc, "tasks").push([newRow({ task: "施划临时泊位", target: "40个", deadline: "2025-06-30" })]);
    await until(secretary.doc, () => listRows(secretary.doc, "tasks").length === 1);
    expect(listRows(secretary.doc, "tasks").get(0).get("target")).toBe("40个");
  });

  it("a tampered client of one party cannot change another party's rows: dropped, never stored", async () => {
    const housingRows = planDocumentName(planId, org.housing);
    const housing = client(housingRows, "housing");
    await housing.synced();
    listRows(housing.doc, "tasks").push([newRow({ task: "规范停车管理", target: "每周巡查2次" })]);
    await eventually(async () => (await storedUpdateCount(housingRows)) >= 1);
    const before = await storedUpdateCount(housingRows);
    const dropsBefore = p.portal.realtime.metrics().readOnlyUpdatesDropped;

    // The property company's client opens housing's rows (it may read them) and,
    // ignoring what the page would allow, sends an update rewriting them —
    // both through the provider and as a raw frame on its socket.
    const tampered = client(housingRows, "property");
    await tampered.synced();
    const rows = listRows(tampered.doc, "tasks");
    rows.get(0).set("target", "不巡查");
    rows.push([newRow({ task: "物业冒充住建委" })]);
    const forged = new Y.Doc();
    listRows(forged, "tasks").push([newRow({ task: "伪造的任务" })]);
    tampered.provider.ws!.send(encodeUpdate(Y.encodeStateAsUpdate(forged)));
    await eventually(() => p.portal.realtime.metrics().readOnlyUpdatesDropped >= dropsBefore + 3);

    // Nobody else sees it, nothing was stored, and a newcomer loads the owner's rows.
    expect(listRows(housing.doc, "tasks").toJSON()).toMatchObject([{ task: "规范停车管理", target: "每周巡查2次" }]);
    expect(await storedUpdateCount(housingRows)).toBe(before);
    const newcomer = client(housingRows, "secretary");
    await newcomer.synced();
    expect(listRows(newcomer.doc, "tasks").toJSON()).toMatchObject([{ task: "规范停车管理", target: "每周巡查2次" }]);
    expect(logLines.some((l) => l.includes("property") && l.includes(housingRows))).toBe(true);
  });

  it("the centre reads the plan but its edits reach no one", async () => {
    const name = planDocumentName(planId);
    const operator = client(name, "operator");
    const worker = client(name, "worker");
    await Promise.all([operator.synced(), worker.synced()]);
    const dropsBefore = p.portal.realtime.metrics().readOnlyUpdatesDropped;
    listRows(operator.doc, "problems").push([newRow({ problem: "热线中心不能改" })]);
    await eventually(() => p.portal.realtime.metrics().readOnlyUpdatesDropped > dropsBefore);
    listRows(worker.doc, "problems").push([newRow({ problem: "社区工作者可以改" })]);
    await until(operator.doc, () =>
      listRows(operator.doc, "problems")
        .toArray()
        .some((r) => r.get("problem") === "社区工作者可以改"),
    );
    expect(
      listRows(worker.doc, "problems")
        .toArray()
        .map((r) => r.get("problem")),
    ).not.toContain("热线中心不能改");
  });
});
