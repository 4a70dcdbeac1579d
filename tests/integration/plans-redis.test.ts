/**
 * A plan co-edited across two real portal processes (`server/main.ts`, as
 * `npm start` runs it) that share one database and a real redis-server
 * (docs/decisions/0022): the plan text and each party's own rows cross
 * between the processes, and a party's rights are enforced by the process
 * its connection reached — a forbidden edit is dropped there and never
 * reaches the other. A version frozen on one process holds what the other
 * stored even when Redis could not tell it (the freeze reads the database).
 */
import { rmSync } from "node:fs";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import * as Y from "yjs";
import { planVersionDocuments } from "../../db/schema";
import { listRows, newRow, PLAN_TEXT_FIELD, planDocumentName } from "../../realtime/plan-document";
import { createCouncil } from "../../server/councils";
import { createPlan, freezeVersion } from "../../server/plans";
import { actorOf, openTestDatabase, orgId } from "../helpers/database";
import { startPortal, type TestPortal } from "../helpers/portal";
import { freePort, spawnPortal, type PortalProcess } from "../helpers/process";
import { connectClient, eventually, sessionCookieFor, until, type TestClient } from "../helpers/realtime";
import { startRedis, type TestRedis } from "../helpers/redis";

let redis: TestRedis;
const portals: { proc: PortalProcess; port: number }[] = [];
const cookies: Record<string, string> = {};
const clients: TestClient[] = [];
let planId: number;
let propertyOrg: number;
let dir: string;
let url: string;

async function startPortalProcess(url: string) {
  const port = await freePort();
  const proc = spawnPortal({
    NODE_ENV: "production",
    DATABASE_URL: url,
    PORT: String(port),
    HOST: "127.0.0.1",
    REDIS_URL: redis.url,
    SEED_DEMO: "0",
    HOT_SPOT_DETECTION: "0",
  });
  await proc.waitForOutput(/listening on/);
  portals.push({ proc, port });
  return port;
}

function client(port: number, name: string, user: string): TestClient {
  const c = connectClient(port, name, cookies[user]!);
  clients.push(c);
  return c;
}

beforeAll(async () => {
  redis = await startRedis();
  const prepared = await openTestDatabase({ demo: true });
  dir = prepared.dir;
  url = prepared.url;
  const database = prepared.database;
  propertyOrg = await orgId(database, "北京宣房大德物业管理有限公司");
  const housingOrg = await orgId(database, "西城区住房和城市建设委员会");
  const councilId = await createCouncil(database, await actorOf(database, "secretary"), {
    title: "西河沿街停车方案",
    description: "错时停车",
    regionCode: "110102013901",
    address: "西河沿社区居委会",
    cooperatingOrgIds: [propertyOrg, housingOrg],
  });
  planId = await createPlan(
    database,
    await actorOf(database, "secretary"),
    { kind: "council", id: councilId },
    { template: "three_lists" },
  );
  for (const user of ["secretary", "property", "housing"]) cookies[user] = await sessionCookieFor(database, user);
  database.close();
  await Promise.all([startPortalProcess(prepared.url), startPortalProcess(prepared.url)]);
}, 120_000);

afterAll(async () => {
  for (const c of clients) c.destroy();
  for (const p of portals) p.proc.kill();
  await Promise.all(portals.map((p) => p.proc.exited));
  await redis?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

it("the plan text and a party's rows cross between portal processes; rights hold where the edit arrives", async () => {
  const [a, b] = portals.map((p) => p.port) as [number, number];
  const shared = planDocumentName(planId);
  const secretaryOnA = client(a, shared, "secretary");
  const housingOnB = client(b, shared, "housing");
  await Promise.all([secretaryOnA.synced(), housingOnB.synced()]);
  const paragraph = new Y.XmlElement("paragraph");
  paragraph.insert(0, [new Y.XmlText("目标：夜间车位增加40个")]);
  secretaryOnA.doc.getXmlFragment(PLAN_TEXT_FIELD).insert(0, [paragraph]);
  await until(housingOnB.doc, () => housingOnB.doc.getXmlFragment(PLAN_TEXT_FIELD).toString().includes("夜间车位"));

  const rows = planDocumentName(planId, propertyOrg);
  const propertyOnA = client(a, rows, "property");
  const secretaryOnB = client(b, rows, "secretary");
  const housingOnB2 = client(b, rows, "housing");
  await Promise.all([propertyOnA.synced(), secretaryOnB.synced(), housingOnB2.synced()]);
  listRows(propertyOnA.doc, "tasks").push([newRow({ task: "施划临时泊位", target: "40个" })]);
  await until(secretaryOnB.doc, () => listRows(secretaryOnB.doc, "tasks").length === 1);
  await until(housingOnB2.doc, () => listRows(housingOnB2.doc, "tasks").length === 1);

  // Housing may only read the property company's rows: process B drops its edit, so A never hears of it.
  listRows(housingOnB2.doc, "tasks").get(0).set("target", "不施划");
  listRows(propertyOnA.doc, "tasks").push([newRow({ task: "夜间巡查" })]);
  await until(secretaryOnB.doc, () => listRows(secretaryOnB.doc, "tasks").length === 2);
  await until(propertyOnA.doc, () => listRows(propertyOnA.doc, "tasks").length === 2);
  expect(listRows(propertyOnA.doc, "tasks").get(0).get("target")).toBe("40个");
  expect(listRows(secretaryOnB.doc, "tasks").get(0).get("target")).toBe("40个");
  // B says it dropped the edit (its log reaches us through a pipe, so wait for it).
  await eventually(() => /dropped a document update from housing, read-only/.test(portals[1]!.proc.stdout()));
}, 120_000);

it("a version frozen on one process holds an edit another process stored while Redis was down", async () => {
  // This process is A, in the test (so the freeze can be called directly); B is a spawned portal.
  const a: TestPortal = await startPortal({
    DATABASE_URL: url,
    REDIS_URL: redis.url,
    SEED_DEMO: "0",
    HOT_SPOT_DETECTION: "0",
  });
  try {
    const b = portals[0]!.port;
    const shared = planDocumentName(planId);
    const onA = client(a.port, shared, "secretary");
    const onB = client(b, shared, "housing");
    await Promise.all([onA.synced(), onB.synced()]);

    await redis.stop();
    const paragraph = new Y.XmlElement("paragraph");
    paragraph.insert(0, [new Y.XmlText("停电期间的修改")]);
    onB.doc.getXmlFragment(PLAN_TEXT_FIELD).push([paragraph]);
    // Stored by B (it tells a second client of its own only after storing it) …
    const witness = client(b, shared, "secretary");
    await until(witness.doc, () => witness.doc.getXmlFragment(PLAN_TEXT_FIELD).toString().includes("停电期间"));
    // … but A never heard of it.
    expect(onA.doc.getXmlFragment(PLAN_TEXT_FIELD).toString()).not.toContain("停电期间");

    const version = await freezeVersion(
      a.portal.database,
      a.portal.realtime.documents,
      await actorOf(a.portal.database, "secretary"),
      planId,
    );
    const frozen = await a.portal.database.db
      .select()
      .from(planVersionDocuments)
      .where(eq(planVersionDocuments.versionId, version.id));
    const text = frozen.find((d) => d.name === shared)!;
    const doc = new Y.Doc();
    Y.applyUpdate(doc, new Uint8Array(text.state));
    expect(doc.getXmlFragment(PLAN_TEXT_FIELD).toString()).toContain("停电期间的修改");
    // Catching up for the version told A's clients too.
    await until(onA.doc, () => onA.doc.getXmlFragment(PLAN_TEXT_FIELD).toString().includes("停电期间"));
  } finally {
    await redis.start();
    await a.close();
  }
}, 120_000);
