/**
 * The councils pages over real HTTP against the production build, on the
 * demo the portal seeds: who gets what status, the 409 of an illegal stage
 * change, the .ics invitation, and the public page without an account.
 */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { councils, councilTopics, meetings, organisations, regions } from "../../db/schema";
import { zhCN } from "../../app/i18n/zh-CN";
import { get, postForm } from "../helpers/http";
import { signIn, startPortal, type TestPortal } from "../helpers/portal";

let p: TestPortal;
const cookie: Record<string, string> = {};
let xiheyan: number;
let meetingId: number;

/** A street of a real city's size: 大栅栏 gets 14 more communities before any page lists places. */
const moreCommunities = Array.from({ length: 14 }, (_, i) => ({
  code: `1101020139${String(50 + i)}`,
  name: `测试${String(i + 1).padStart(2, "0")}社区`,
  level: "community" as const,
  parentCode: "110102013",
  lon: 116.39 + i / 1000,
  lat: 39.895,
  approximate: true,
}));

beforeAll(async () => {
  p = await startPortal();
  await p.portal.database.db.insert(regions).values(moreCommunities);
  for (const u of ["secretary", "housing", "property", "committee", "resident", "operator", "street"])
    cookie[u] = await signIn(p.url, u);
  const db = p.portal.database.db;
  xiheyan = (await db.select().from(councils).where(eq(councils.regionCode, "110102013901")).get())!.id;
  meetingId = (await db.select().from(meetings).where(eq(meetings.councilId, xiheyan)).get())!.id;
});
afterAll(() => p?.close());

describe("the councils pages over HTTP", () => {
  it("need an account, except the public page", async () => {
    expect((await get(`${p.url}/councils`)).status).toBe(302);
    expect((await get(`${p.url}/councils/${xiheyan}`)).headers.get("location")).toMatch(/^\/login\?redirectTo=/);
    const open = await get(`${p.url}/public/councils/${xiheyan}`);
    expect(open.status).toBe(200);
    const html = await open.text();
    expect(html).toContain("错时停车");
    expect(html).toContain("张**");
    for (const secret of ["张丽华", "周大爷", "13812345678"]) expect(html).not.toContain(secret);
  });

  it("find resident representatives by name for conveners only, within a community when asked", async () => {
    const find = (u: string, query: string) => get(`${p.url}/councils/residents?${query}`, { cookie: cookie[u]! });
    const found = await find("secretary", `q=${encodeURIComponent("周")}`);
    expect(found.status).toBe(200);
    expect(await found.json()).toEqual([{ userId: expect.any(Number), displayName: "周大爷", place: "西河沿社区" }]);
    expect(await (await find("secretary", `q=${encodeURIComponent("周")}&region=110102013901`)).json()).toHaveLength(1);
    expect(await (await find("secretary", "q=")).json()).toEqual([]);
    // Not a convener there, or not a convener at all.
    expect((await find("secretary", `q=${encodeURIComponent("周")}&region=110108025901`)).status).toBe(403);
    for (const u of ["housing", "property", "resident"]) expect((await find(u, "q=a")).status, u).toBe(403);
    expect((await get(`${p.url}/councils/residents?q=a`)).status).toBe(302);
  });

  it("open a council to its parties, its area and the centre; not to others", async () => {
    for (const u of ["secretary", "property", "resident", "operator"])
      expect((await get(`${p.url}/councils/${xiheyan}`, { cookie: cookie[u]! })).status, u).toBe(200);
    for (const u of ["housing", "committee"])
      expect((await get(`${p.url}/councils/${xiheyan}`, { cookie: cookie[u]! })).status, u).toBe(404);
  });

  it("offer a street's many places through a filter on the council and whistle forms, and a community's few in a plain select", async () => {
    const street = await (await get(`${p.url}/councils/new`, { cookie: cookie.street! })).text();
    expect(street).toContain(`>${zhCN.councils.placePicker.filter}</label>`);
    expect(street).toContain("大栅栏街道 › 测试07社区");
    const whistle = await (await get(`${p.url}/councils/whistles/new`, { cookie: cookie.street! })).text();
    expect(whistle).toContain(`>${zhCN.councils.placePicker.filter}</label>`);
    const secretary = await (await get(`${p.url}/councils/new`, { cookie: cookie.secretary! })).text();
    expect(secretary).not.toContain(zhCN.councils.placePicker.filter);
    expect(secretary).toContain("大栅栏街道 › 西河沿社区");
    // What the filter chose is what the council is held in.
    const made = await postForm(
      `${p.url}/councils/new`,
      {
        title: "测试07社区停车议事",
        description: "小区停车位不足，议定错时停车方案。",
        regionCode: moreCommunities[6]!.code,
        address: "测试07社区活动室",
      },
      { cookie: cookie.street! },
    );
    expect(made.status).toBe(302);
    const id = Number(made.headers.get("location")!.split("/").at(-1));
    expect((await p.portal.database.db.select().from(councils).where(eq(councils.id, id)).get())?.regionCode).toBe(
      moreCommunities[6]!.code,
    );
  });

  it("take a resident's topic in their community, and offer a street's many communities through a filter", async () => {
    const resident = await (await get(`${p.url}/councils`, { cookie: cookie.resident! })).text();
    expect(resident).toContain("大栅栏街道 › 西河沿社区");
    expect(resident).not.toContain(zhCN.councils.placePicker.filter);
    const proposed = await postForm(
      `${p.url}/councils`,
      {
        intent: "propose",
        regionCode: "110102013901",
        title: "楼道堆物清理",
        description: "三号楼楼道长期堆放杂物，影响消防通道。",
      },
      { cookie: cookie.resident! },
    );
    expect(proposed.status).toBe(200);
    expect(await proposed.text()).toContain(zhCN.councils.topics.done);
    const topic = await p.portal.database.db
      .select()
      .from(councilTopics)
      .where(eq(councilTopics.title, "楼道堆物清理"))
      .get();
    expect(topic?.regionCode).toBe("110102013901");
    const street = await (await get(`${p.url}/councils`, { cookie: cookie.street! })).text();
    expect(street).toContain(`>${zhCN.councils.placePicker.filter}</label>`);
    expect(street).toContain("大栅栏街道 › 测试07社区");
  });

  it("refuse an illegal stage change with 409 and the reason, and a party's stage change with 403", async () => {
    const refused = await postForm(
      `${p.url}/councils/${xiheyan}`,
      { intent: "stage", to: "implementation" },
      { cookie: cookie.secretary! },
    );
    expect(refused.status).toBe(409);
    expect(await refused.text()).toContain("议事当前阶段为「居民评议」，不能转到「落实」");
    const party = await postForm(
      `${p.url}/councils/${xiheyan}`,
      { intent: "stage", to: "closed" },
      { cookie: cookie.property! },
    );
    expect(party.status).toBe(403);
  });

  it("serve the meeting's .ics to those who may read the council", async () => {
    const ics = await get(`${p.url}/councils/${xiheyan}/meetings/${meetingId}.ics`, { cookie: cookie.resident! });
    expect(ics.status).toBe(200);
    expect(ics.headers.get("content-type")).toContain("text/calendar");
    expect(await ics.text()).toMatch(/BEGIN:VEVENT[\s\S]*GEO:39\.\d+;116\.\d+[\s\S]*END:VEVENT/);
    expect(
      (await get(`${p.url}/councils/${xiheyan}/meetings/${meetingId}.ics`, { cookie: cookie.committee! })).status,
    ).toBe(404);
  });

  it("show each user their own notifications", async () => {
    const page = await (await get(`${p.url}/notifications`, { cookie: cookie.resident! })).text();
    expect(page).toContain("请评议");
    expect(await (await get(`${p.url}/notifications`, { cookie: cookie.committee! })).text()).not.toContain("请评议");
  });
  it("list a user's unread notices on their own tab, until all are marked read", async () => {
    const unread = async () => (await get(`${p.url}/notifications?show=unread`, { cookie: cookie.resident! })).text();
    const before = await unread();
    expect(before).toContain("请评议");
    expect(before).toContain("全部标为已读");
    expect(before).toMatch(/aria-current="page"[^>]*>未读 \d+</);
    const marked = await postForm(`${p.url}/notifications?show=unread`, { id: "all" }, { cookie: cookie.resident! });
    expect(marked.status).toBe(200);
    const after = await unread();
    expect(after).toContain("没有未读通知");
    expect(after).not.toContain("全部标为已读");
    // Read notices stay on the first tab.
    expect(await (await get(`${p.url}/notifications`, { cookie: cookie.resident! })).text()).toContain("请评议");
  });
  it("let the convener add a party through the page; the new party may then open it", async () => {
    const page = await (await get(`${p.url}/councils/${xiheyan}`, { cookie: cookie.secretary! })).text();
    expect(page).toContain("增加参与方");
    // The owners' committee of 曙光花园 joins (runs last: afterwards the committee may open the council).
    const target = (await p.portal.database.db
      .select()
      .from(organisations)
      .where(eq(organisations.name, "曙光花园业主委员会"))
      .get())!.id;
    const missing = await postForm(
      `${p.url}/councils/${xiheyan}`,
      { intent: "add-party", role: "cooperating", orgId: "" },
      { cookie: cookie.secretary! },
    );
    expect(missing.status).toBe(400);
    expect(await missing.text()).toContain("请选择单位");
    const added = await postForm(
      `${p.url}/councils/${xiheyan}`,
      { intent: "add-party", role: "cooperating", orgId: String(target) },
      { cookie: cookie.secretary! },
    );
    expect(added.status).toBe(200);
    expect((await get(`${p.url}/councils/${xiheyan}`, { cookie: cookie.committee! })).status).toBe(200);
    const byParty = await postForm(
      `${p.url}/councils/${xiheyan}`,
      { intent: "add-party", role: "cooperating", orgId: String(target) },
      { cookie: cookie.property! },
    );
    expect(byParty.status).toBe(403);
  });
});
