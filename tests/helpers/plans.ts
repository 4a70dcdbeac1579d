/**
 * A council with a plan, typed and signed through the real services and the
 * realtime server's own door to its documents (`documents.change`, stored
 * then broadcast like a client's update): what the plan-work tests start from.
 */
import { desc, eq } from "drizzle-orm";
import { tickets } from "../../db/schema";
import { listRows, newRow, planDocumentName, writeText } from "../../realtime/plan-document";
import { createCouncil } from "../../server/councils";
import type { Actor } from "../../server/identity";
import { createPlan, freezeVersion, signVersion } from "../../server/plans";
import type { Portal } from "../../server/app";
import { actorOf, orgId } from "./database";

export interface PlanFixture {
  councilId: number;
  planId: number;
  ticket: { id: number; number: string };
  org: { xiheyan: number; property: number; housing: number };
  actors: Record<"secretary" | "property" | "housing" | "worker" | "resident" | "operator" | "committee", Actor>;
  /** Version ids by number. */
  versions: Record<number, number>;
}

/**
 * 西河沿停车: version 1 (tasks of the property company, the housing bureau and the community), version 2 (text and a task edited, a
 * problem added), and — when `sign` — every required party signs version 2.
 * The property company's first task is due `pastDeadline` so it can be overdue.
 */
export async function planFixture(portal: Portal, options: { sign: boolean }): Promise<PlanFixture> {
  const database = portal.database;
  const documents = portal.realtime.documents;
  const actors = {} as PlanFixture["actors"];
  for (const u of ["secretary", "property", "housing", "worker", "resident", "operator", "committee"] as const)
    actors[u] = await actorOf(database, u);
  const org = {
    xiheyan: await orgId(database, "西河沿社区居委会"),
    property: await orgId(database, "北京宣房大德物业管理有限公司"),
    housing: await orgId(database, "西城区住房和城市建设委员会"),
  };
  const ticket = (await database.db
    .select({ id: tickets.id, number: tickets.number })
    .from(tickets)
    .where(eq(tickets.communityCode, "110102013901"))
    .orderBy(desc(tickets.receivedAt))
    .get())!;
  const councilId = await createCouncil(database, actors.secretary, {
    title: "西河沿停车方案",
    description: "夜间停车难，错时停车",
    regionCode: "110102013901",
    address: "西河沿社区居委会",
    ticketNumbers: ticket.number,
    cooperatingOrgIds: [org.property, org.housing],
  });
  const planId = await createPlan(database, actors.secretary, { kind: "council", id: councilId }, {});
  const shared = planDocumentName(planId);
  const property = planDocumentName(planId, org.property);
  const housing = planDocumentName(planId, org.housing);
  await documents.change(shared, (doc) => {
    writeText(doc, ["一、问题：夜间停车位不足三十个", "二、措施：错时停车"]);
    listRows(doc, "problems").push([newRow({ problem: "夜间停车难", location: "西河沿街" }, "p1")]);
  });
  await documents.change(property, (doc) =>
    listRows(doc, "tasks").push([
      newRow({ task: "施划临时泊位", target: "40个", deadline: "2020-06-30" }, "t1"),
      newRow({ task: "夜间巡查", target: "每日一次", deadline: "2099-12-31" }, "t2"),
    ]),
  );
  await documents.change(housing, (doc) =>
    listRows(doc, "tasks").push([newRow({ task: "协调错时停车", target: "2处" }, "t3")]),
  );
  await documents.change(planDocumentName(planId, org.xiheyan), (doc) =>
    listRows(doc, "tasks").push([newRow({ task: "入户宣传错时停车", target: "300户", deadline: "2099-06-30" }, "t4")]),
  );
  const v1 = await freezeVersion(database, documents, actors.secretary, planId);
  await documents.change(shared, (doc) => {
    writeText(doc, ["一、问题：夜间停车位不足四十个", "二、措施：错时停车", "三、监督：每月公示"]);
    listRows(doc, "problems").push([newRow({ problem: "外来车辆占位", location: "前门西大街" }, "p2")]);
  });
  await documents.change(housing, (doc) => listRows(doc, "tasks").get(0).set("target", "3处"));
  const v2 = await freezeVersion(database, documents, actors.secretary, planId);
  if (options.sign)
    for (const who of ["property", "housing", "secretary"] as const)
      await signVersion(database, documents, actors[who], planId, v2.id);
  return { councilId, planId, ticket, org, actors, versions: { 1: v1.id, 2: v2.id } };
}
