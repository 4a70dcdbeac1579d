/**
 * The plan pages over real HTTP against the production build: creating a
 * plan from its council's page (the convener only, field errors in Chinese),
 * who may open the plan, and the page's action — freezing is the chair's
 * (403 for a party), signing is a required party's (403 for a community
 * worker), and a stale or changed version is refused with 409 and the reason.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listRows, newRow, planDocumentName } from "../../realtime/plan-document";
import { createCouncil } from "../../server/councils";
import { actorOf, orgId } from "../helpers/database";
import { get, postForm } from "../helpers/http";
import { signIn, startPortal, type TestPortal } from "../helpers/portal";
import { connectClient, eventually, sessionCookieFor, type TestClient } from "../helpers/realtime";
import { applyUpdate, Doc } from "yjs";

let p: TestPortal;
const cookie: Record<string, string> = {};
let councilId: number;
let planId: number;
let propertyOrg: number;
const clients: TestClient[] = [];

const planUrl = () => `${p.url}/plans/${planId}`;
const as = (user: string) => ({ cookie: cookie[user]! });

/**
 * A page's HTML without NUL characters: React 18's streaming renderer can
 * leave a few where a multi-byte character meets its 2 KB buffer's end
 * (facebook/react#24985, fixed in React 19 by #26228). Browsers drop them;
 * a substring search over the raw HTML would not.
 */
const html = async (url: string, user: string) => (await (await get(url, as(user))).text()).replaceAll("\0", "");

/** The latest version's id, read from the page's sign form. */
async function latestVersionId(user: string): Promise<number> {
  return Number(/name="versionId" value="(\d+)"/.exec(await html(planUrl(), user))?.[1]);
}

/** A party's row typed through a real y-websocket client, then stored on the server. */
async function typeTask(task: string) {
  const name = planDocumentName(planId, propertyOrg);
  const client = connectClient(p.port, name, await sessionCookieFor(p.portal.database, "property"));
  clients.push(client);
  await client.synced();
  listRows(client.doc, "tasks").push([newRow({ task })]);
  await eventually(async () => {
    const doc = new Doc();
    applyUpdate(doc, await p.portal.realtime.documents.state(name));
    return listRows(doc, "tasks")
      .toArray()
      .some((r) => r.get("task") === task);
  });
}

beforeAll(async () => {
  p = await startPortal();
  for (const u of ["secretary", "property", "housing", "worker", "committee"]) cookie[u] = await signIn(p.url, u);
  const database = p.portal.database;
  propertyOrg = await orgId(database, "北京宣房大德物业管理有限公司");
  councilId = await createCouncil(database, await actorOf(database, "secretary"), {
    title: "西河沿楼道堆物清理",
    description: "楼道堆物影响消防通道",
    regionCode: "110102013901",
    address: "西河沿社区居委会",
    cooperatingOrgIds: [propertyOrg],
  });
});

afterAll(async () => {
  for (const c of clients) c.destroy();
  await p?.close();
});

describe("creating a plan from the council page", () => {
  it("is the convener's: a party gets 403", async () => {
    const res = await postForm(`${p.url}/councils/${councilId}`, { intent: "create-plan" }, as("property"));
    expect(res.status).toBe(403);
  });

  it("shows a custom list without columns as a field error, in Chinese, and creates nothing", async () => {
    const res = await postForm(
      `${p.url}/councils/${councilId}`,
      { intent: "create-plan", template: "three_lists", customTitle1: "宣传清单", customScope1: "party" },
      as("secretary"),
    );
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("至少一列");
    expect(await html(`${p.url}/councils/${councilId}`, "secretary")).toContain("创建方案");
  });

  it("creates the plan and goes to it; the council page links it", async () => {
    const res = await postForm(
      `${p.url}/councils/${councilId}`,
      {
        intent: "create-plan",
        template: "four_lists",
        customTitle1: "宣传清单",
        customScope1: "party",
        customColumns1: "形式、次数",
      },
      as("secretary"),
    );
    expect(res.status).toBe(302);
    const location = res.headers.get("location")!;
    expect(location).toMatch(/^\/plans\/\d+$/);
    planId = Number(location.split("/").at(-1));
    expect(await html(`${p.url}/councils/${councilId}`, "property")).toContain(`href="/plans/${planId}"`);
  });
});

describe("the plan page", () => {
  it("opens to the council's members, not to others; needs an account", async () => {
    for (const u of ["secretary", "property"]) {
      expect((await get(planUrl(), as(u))).status, u).toBe(200);
      const page = await html(planUrl(), u);
      for (const list of ["问题清单", "任务清单", "责任清单", "项目清单", "宣传清单"]) expect(page).toContain(list);
    }
    expect((await get(planUrl(), as("committee"))).status).toBe(404);
    expect((await get(`${p.url}/plans/999999`, as("secretary"))).status).toBe(404);
    expect((await get(planUrl())).headers.get("location")).toMatch(/^\/login\?redirectTo=/);
    expect(await html(`${p.url}/plans`, "property")).toContain("西河沿楼道堆物清理 · 方案");
    expect(await html(`${p.url}/plans`, "committee")).not.toContain("西河沿楼道堆物清理");
    // The demo's councils that reached deliberation have their plans: 曙光花园's is the committee's to read.
    expect(await html(`${p.url}/plans`, "secretary")).toContain("西河沿街超时停车圆桌会议 · 方案");
    expect(await html(`${p.url}/plans`, "committee")).toContain("曙光花园垃圾分类“社区合伙人”议事 · 方案");
  });

  it("lets only the chair freeze a version, and not twice unchanged", async () => {
    await typeTask("清理三号楼楼道");
    expect((await postForm(planUrl(), { intent: "freeze" }, as("property"))).status).toBe(403);
    expect((await postForm(planUrl(), { intent: "freeze" }, as("secretary"))).status).toBe(200);
    const again = await postForm(planUrl(), { intent: "freeze" }, as("secretary"));
    expect(again.status).toBe(409);
    expect(await again.text()).toContain("方案内容与第1版相同");
  });

  it("lets a required party sign, not a community worker; a changed or stale version is refused with 409", async () => {
    const v1 = await latestVersionId("property");
    expect(v1).toBeGreaterThan(0);
    expect((await postForm(planUrl(), { intent: "sign", versionId: String(v1) }, as("worker"))).status).toBe(403);
    await typeTask("清理五号楼楼道");
    const changed = await postForm(planUrl(), { intent: "sign", versionId: String(v1) }, as("property"));
    expect(changed.status).toBe(409);
    expect(await changed.text()).toContain("方案在定稿后已修改");
    expect(await html(planUrl(), "property")).toContain("草稿已修改，签名不随之转移");
    expect((await postForm(planUrl(), { intent: "freeze" }, as("secretary"))).status).toBe(200);
    const stale = await postForm(planUrl(), { intent: "sign", versionId: String(v1) }, as("property"));
    expect(stale.status).toBe(409);
    expect(await stale.text()).toContain("只能签署最新定稿的版本");
    const v2 = await latestVersionId("property");
    expect((await postForm(planUrl(), { intent: "sign", versionId: String(v2) }, as("property"))).status).toBe(200);
    const page = await html(planUrl(), "secretary");
    expect(page).toContain("北京宣房大德物业管理有限公司：刘伟");
    expect(page).toContain("尚有1个单位未签署");
  });

  it("answers an unknown intent with 400", async () => {
    expect((await postForm(planUrl(), { intent: "burn" }, as("secretary"))).status).toBe(400);
  });
});
