/**
 * From plan to work over the real portal (issue 5 items 6–8): the last
 * signature makes commitments and moves the council to implementation; the
 * owner reports progress and no one else may; overdue is computed when read;
 * versions compare; and the versions page, the print view and the workbook
 * answer over HTTP to readers and refuse outsiders.
 */
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { councils, councilStageEvents, notifications, planCommitments, planCommitmentUpdates } from "../../db/schema";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "../../server/errors";
import { orgIdsWith } from "../../server/identity";
import {
  commitmentsPage,
  commitmentStates,
  compareVersions,
  listCommitments,
  signedVersion,
  sweepOverdueCommitments,
  updateCommitment,
  type CommitmentState,
} from "../../server/plans";
import { planFixture, type PlanFixture } from "../helpers/plans";
import { signIn, startPortal, type TestPortal } from "../helpers/portal";

let p: TestPortal;
let f: PlanFixture;
const cookies: Record<string, string> = {};

beforeAll(async () => {
  p = await startPortal();
  f = await planFixture(p.portal, { sign: true });
  for (const u of ["secretary", "property", "housing", "committee", "resident", "operator"])
    cookies[u] = await signIn(p.url, u);
});

afterAll(async () => {
  await p?.close();
});

const get = (path: string, user: string) => fetch(`${p.url}${path}`, { headers: { cookie: cookies[user]! } });

describe("from plan to work", () => {
  it("the last signature moved the council to implementation, led by the lead party, due with the last task", async () => {
    const council = await p.portal.database.db.select().from(councils).where(eq(councils.id, f.councilId)).get();
    expect(council).toMatchObject({ stage: "implementation", implementationOrgId: f.org.xiheyan });
    expect(council!.implementationDueAt).toEqual(new Date("2099-12-31T23:59:59+08:00"));
    const events = await p.portal.database.db
      .select()
      .from(councilStageEvents)
      .where(eq(councilStageEvents.councilId, f.councilId));
    expect(events.at(-1)).toMatchObject({ fromStage: "topic_intake", toStage: "implementation" });
    expect(events.at(-1)!.note).toContain("第2版");
  });

  it("every party's tasks are commitments, the past deadline overdue, seen by plan, council and linked ticket", async () => {
    const now = new Date("2026-11-21T06:00:00Z");
    const byPlan = await listCommitments(p.portal.database, f.actors.property, { planId: f.planId }, now);
    expect(byPlan.map((c) => [c.ownerOrgId, c.task, c.target, c.deadline, c.status, c.overdue, c.mayUpdate])).toEqual([
      [f.org.housing, "协调错时停车", "3处", null, "not_started", false, false],
      [f.org.property, "施划临时泊位", "40个", "2020-06-30", "not_started", true, true],
      [f.org.xiheyan, "入户宣传错时停车", "300户", "2099-06-30", "not_started", false, false],
      [f.org.property, "夜间巡查", "每日一次", "2099-12-31", "not_started", false, true],
    ]);
    expect(await listCommitments(p.portal.database, f.actors.secretary, { councilId: f.councilId }, now)).toEqual(
      await listCommitments(p.portal.database, f.actors.secretary, { ticketId: f.ticket.id }, now),
    );
    // Someone who may read the ticket but not the plan sees no commitments there; the plan itself is 404 to them.
    expect(await listCommitments(p.portal.database, f.actors.resident, { ticketId: f.ticket.id }, now)).toEqual([]);
    await expect(listCommitments(p.portal.database, f.actors.committee, { planId: f.planId })).rejects.toThrow(
      NotFoundError,
    );
  });

  it("the chair is told once that a commitment is overdue", async () => {
    // The portal's own minute sweep may have run first; either way there is exactly one notice.
    await sweepOverdueCommitments(p.portal.database);
    expect(await sweepOverdueCommitments(p.portal.database)).toBe(0);
    const told = await p.portal.database.db
      .select()
      .from(notifications)
      .where(
        and(
          eq(notifications.userId, f.actors.secretary.userId),
          eq(notifications.kind, "commitment_overdue"),
          // The fixture's council (the demo's own plan has an overdue commitment too).
          eq(notifications.link, `/councils/${f.councilId}`),
        ),
      );
    expect(told.map((n) => [n.title, n.body, n.link])).toEqual([
      ["承诺事项逾期：北京宣房大德物业管理有限公司", "施划临时泊位（完成时限 2020-06-30）", `/councils/${f.councilId}`],
    ]);
    const property = await p.portal.database.db
      .select()
      .from(notifications)
      .where(and(eq(notifications.userId, f.actors.property.userId), eq(notifications.kind, "commitment_overdue")));
    expect(property).toEqual([]);
  });

  it("the owner reports progress; another party is refused; status only moves forward", async () => {
    const [late] = await listCommitments(p.portal.database, f.actors.property, { planId: f.planId });
    const id = (await listCommitments(p.portal.database, f.actors.property, { planId: f.planId })).find(
      (c) => c.task === "施划临时泊位",
    )!.id;
    expect(late).toBeDefined();
    await expect(
      updateCommitment(p.portal.database, f.actors.housing, id, { status: "in_progress", progress: 10, note: "代报" }),
    ).rejects.toThrow(ForbiddenError);
    await expect(
      updateCommitment(p.portal.database, f.actors.property, id, { status: "done", progress: 50, note: "完成一半" }),
    ).rejects.toThrow(ValidationError);
    await updateCommitment(p.portal.database, f.actors.property, id, {
      status: "in_progress",
      progress: "60",
      note: "已施划24个",
    });
    await expect(
      updateCommitment(p.portal.database, f.actors.property, id, { status: "not_started", progress: 0, note: "重来" }),
    ).rejects.toThrow(/不能改回/);
    await updateCommitment(p.portal.database, f.actors.property, id, { status: "done", progress: 100, note: "完成" });
    await expect(
      updateCommitment(p.portal.database, f.actors.property, id, { status: "done", progress: 100, note: "再报" }),
    ).rejects.toThrow(ConflictError);
    const done = (await listCommitments(p.portal.database, f.actors.secretary, { planId: f.planId })).find(
      (c) => c.id === id,
    )!;
    expect(done).toMatchObject({ status: "done", progress: 100, overdue: false, mayUpdate: false });
    expect(done.updates.map((u) => [u.userName, u.status, u.progress, u.note])).toEqual([
      ["刘伟", "done", 100, "完成"],
      ["刘伟", "in_progress", 60, "已施划24个"],
    ]);
    const log = await p.portal.database.db
      .select()
      .from(planCommitmentUpdates)
      .where(eq(planCommitmentUpdates.commitmentId, id));
    expect(log).toHaveLength(2);
  });
});

describe("versions compared and read out", () => {
  it("version 1 to 2: the edited paragraph's words, the new paragraph, the new problem, the changed target", async () => {
    const diff = await compareVersions(p.portal.database, f.actors.housing, f.planId, 1, 2);
    expect(diff.same).toBe(false);
    const changed = diff.text.find((b) => b.op === "changed");
    expect(changed && "pieces" in changed ? changed.pieces.filter((x) => x.op !== "same") : []).toEqual([
      { op: "removed", text: "三十" },
      { op: "added", text: "四十" },
    ]);
    expect(diff.text.at(-1)).toEqual({ op: "added", text: "三、监督：每月公示" });
    expect(diff.lists.map((l) => [l.key, l.partyOrgId, l.added.length, l.changed.map((c) => c.cells)])).toEqual([
      ["problems", null, 1, []],
      ["tasks", f.org.housing, 0, [[{ column: "target", before: "2处", after: "3处" }]]],
    ]);
    await expect(compareVersions(p.portal.database, f.actors.housing, f.planId, 1, 9)).rejects.toThrow(/第9版/);
  });

  it("the signed version: text, lists with each party's rows, a signature per required party", async () => {
    const signed = await signedVersion(p.portal.database, f.actors.operator, f.planId);
    expect(signed.version.number).toBe(2);
    expect(signed.complete).toBe(true);
    expect(signed.text.map((b) => b.text)).toEqual([
      "一、问题：夜间停车位不足四十个",
      "二、措施：错时停车",
      "三、监督：每月公示",
    ]);
    const tasks = signed.lists.find((l) => l.key === "tasks")!;
    expect(tasks.rows.map((r) => [r.party, r.row.task])).toEqual(
      expect.arrayContaining([
        ["北京宣房大德物业管理有限公司", "施划临时泊位"],
        ["西城区住房和城市建设委员会", "协调错时停车"],
      ]),
    );
    expect(signed.signatures.map((s) => [s.orgName, s.signed?.userName])).toEqual(
      expect.arrayContaining([
        ["西河沿社区居委会", "张丽华"],
        ["北京宣房大德物业管理有限公司", "刘伟"],
        ["西城区住房和城市建设委员会", "陈志强"],
      ]),
    );
    const v1 = await signedVersion(p.portal.database, f.actors.operator, f.planId, 1);
    expect(v1.complete).toBe(false);
    expect(v1.signatures.every((s) => s.signed === null)).toBe(true);
  });
});

describe("over HTTP", () => {
  it("the versions page shows the history and the chosen difference; outsiders get 404", async () => {
    const res = await get(`/plans/${f.planId}/versions?from=1&to=2`, "housing");
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("版本记录");
    expect(html).toContain("三、监督：每月公示");
    expect(html).toMatch(/<del[^>]*>三十<\/del>/);
    expect(html).toMatch(/<ins[^>]*>四十<\/ins>/);
    for (const outsider of ["committee", "resident"])
      expect((await get(`/plans/${f.planId}/versions`, outsider)).status).toBe(404);
  });

  it("only the chair restores: a party's restore is refused with 403", async () => {
    const body = new URLSearchParams({ versionId: String(f.versions[1]), number: "1" });
    const res = await fetch(`${p.url}/plans/${f.planId}/versions`, {
      method: "POST",
      body,
      headers: { cookie: cookies.property! },
    });
    expect(res.status).toBe(403);
  });

  it("progress reports over HTTP: another party 403, a note missing 400 with the field, the owner 200", async () => {
    const id = (await listCommitments(p.portal.database, f.actors.property, { planId: f.planId })).find(
      (c) => c.task === "夜间巡查",
    )!.id;
    const post = (user: string, fields: Record<string, string>) =>
      fetch(`${p.url}/plans/${f.planId}/commitments`, {
        method: "POST",
        body: new URLSearchParams({ commitmentId: String(id), ...fields }),
        headers: { cookie: cookies[user]! },
      });
    const report = { status: "in_progress", progress: "20", note: "已排班" };
    expect((await post("housing", report)).status).toBe(403);
    const missing = await post("property", { ...report, note: "" });
    expect(missing.status).toBe(400);
    expect(await missing.text()).toContain("请说明进展");
    expect((await post("property", report)).status).toBe(200);
    const after = (await listCommitments(p.portal.database, f.actors.property, { planId: f.planId })).find(
      (c) => c.id === id,
    )!;
    expect(after).toMatchObject({ status: "in_progress", progress: 20 });
  });

  it("the print view has the signed text, lists and signatures, and A4 print CSS", async () => {
    const res = await get(`/plans/${f.planId}/print`, "property");
    expect(res.status).toBe(200);
    const html = await res.text();
    for (const text of ["三、监督：每月公示", "施划临时泊位", "协调错时停车", "陈志强", "刘伟", "张丽华"])
      expect(html).toContain(text);
    const sheet = /href="(\/assets\/plan-work-[\w-]+\.css)"/.exec(html)?.[1];
    const css = await (await fetch(`${p.url}${sheet}`)).text();
    expect(css).toMatch(/@page\s*\{[^}]*size:\s*A4/);
    expect(css).toMatch(/@media print\s*\{[^}]*\.site-header/);
    expect((await get(`/plans/${f.planId}/print?version=1`, "property")).status).toBe(200);
    expect((await get(`/plans/${f.planId}/print?version=7`, "property")).status).toBe(404);
    expect((await get(`/plans/${f.planId}/print`, "committee")).status).toBe(404);
  });

  it("the workbook has a sheet per list with the template's headers and the parties, and a sheet of signatures", async () => {
    const res = await get(`/plans/${f.planId}/export.xlsx`, "operator");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("spreadsheetml");
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await res.arrayBuffer());
    expect(workbook.worksheets.map((s) => s.name)).toEqual(["问题清单", "任务清单", "责任清单", "签署"]);
    const values = (name: string) =>
      workbook
        .getWorksheet(name)!
        .getSheetValues()
        .slice(1)
        .map((row) => (row as unknown[]).slice(1));
    expect(values("问题清单")).toEqual([
      ["问题", "位置", "来源工单", "原因"],
      ["夜间停车难", "西河沿街", "", ""],
      ["外来车辆占位", "前门西大街", "", ""],
    ]);
    const tasks = values("任务清单");
    expect(tasks[0]).toEqual(["单位", "任务", "量化目标", "完成时限", "状态", "进度"]);
    expect(tasks).toContainEqual(["北京宣房大德物业管理有限公司", "施划临时泊位", "40个", "2020-06-30", "", ""]);
    expect(tasks).toContainEqual(["西城区住房和城市建设委员会", "协调错时停车", "3处", "", "", ""]);
    const signatures = values("签署");
    expect(signatures[0]).toEqual(["单位", "签署人", "签署时间", "内容哈希"]);
    expect(signatures).toHaveLength(4);
    expect(signatures.every((row, i) => i === 0 || /^[0-9a-f]{64}$/.test(String(row[3])))).toBe(true);
    expect((await get(`/plans/${f.planId}/export.xlsx`, "committee")).status).toBe(404);
  });
});

describe("the commitments list across plans", () => {
  /** Every commitment the user's list should hold, worked out from the plans each may read. */
  async function reference(user: keyof PlanFixture["actors"], who: "mine" | "all", state: CommitmentState) {
    const actor = f.actors[user];
    const now = new Date();
    const mine = actor.grants.flatMap((g) => (g.orgId == null ? [] : [g.orgId]));
    const all = await p.portal.database.db.select().from(planCommitments);
    const readable = new Map<number, boolean>();
    for (const planId of new Set(all.map((c) => c.planId)))
      readable.set(
        planId,
        await listCommitments(p.portal.database, actor, { planId }, now).then(
          () => true,
          () => false,
        ),
      );
    const today = new Intl.DateTimeFormat("sv-SE", { timeZone: "Asia/Shanghai" }).format(now);
    return all
      .filter((c) => readable.get(c.planId))
      .filter((c) => who === "all" || mine.includes(c.ownerOrgId))
      .filter((c) =>
        state === "open"
          ? c.status !== "done"
          : state === "overdue"
            ? c.status !== "done" && c.deadline != null && c.deadline < today
            : state === "done"
              ? c.status === "done"
              : true,
      )
      .sort((a, b) => (a.deadline ?? "9999-12-31").localeCompare(b.deadline ?? "9999-12-31") || a.id - b.id)
      .map((c) => c.id);
  }

  async function paged(user: keyof PlanFixture["actors"], input: Record<string, string>) {
    const ids: number[] = [];
    let cursor: string | undefined;
    do {
      const page = await commitmentsPage(p.portal.database, f.actors[user], { ...input, cursor }, new Date(), 2);
      ids.push(...page.commitments.map((c) => c.id));
      cursor = page.next ?? undefined;
    } while (cursor);
    return ids;
  }

  it("holds, page after page, each unit's own or every readable plan's commitments in each state, by deadline", async () => {
    let sizes = 0;
    for (const user of ["property", "housing", "secretary", "operator", "committee", "worker", "resident"] as const)
      for (const who of ["mine", "all"] as const)
        for (const state of commitmentStates) {
          const want = await reference(user, who, state);
          // Someone whose units own no commitments' rows is shown every readable plan's.
          const owns = orgIdsWith(f.actors[user], "edit:plan-rows").length > 0;
          const expected = owns ? want : await reference(user, "all", state);
          expect({ user, who, state, ids: await paged(user, { who, state }) }).toEqual({
            user,
            who,
            state,
            ids: expected,
          });
          sizes += expected.length;
        }
    expect(sizes).toBeGreaterThan(10);
    // Mine by default, not done by default.
    const first = await commitmentsPage(p.portal.database, f.actors.property, {});
    expect([first.who, first.state]).toEqual(["mine", "open"]);
    expect(first.commitments.map((c) => c.task)).toEqual(expect.arrayContaining(["夜间巡查"]));
    expect(first.commitments.map((c) => c.task)).not.toContain("施划临时泊位");
    expect(first.planOwners[f.planId]).toMatchObject({ href: `/councils/${f.councilId}` });
  });

  it("is a page with the plan of each commitment, tabs for scope and state, and the owner's progress form", async () => {
    const res = await get("/commitments?state=all", "property");
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("施划临时泊位");
    expect(html).toContain(`href="/plans/${f.planId}"`);
    expect(html).toContain('aria-current="page"');
    // The property company may report on its own open commitment, from this page, to the plan's action.
    expect(html).toContain(`action="/plans/${f.planId}/commitments"`);
    const housing = await (await get("/commitments?who=mine", "housing")).text();
    expect(housing).toContain("协调错时停车");
    expect(housing).not.toContain("夜间巡查");
    // Query values no page made give the first page, not an error.
    const odd = Buffer.from(`${Number.MAX_SAFE_INTEGER}:1`).toString("base64url");
    for (const query of [`cursor=${odd}`, "cursor=%%%", "who=everyone&state=soon"])
      expect((await get(`/commitments?${query}`, "property")).status, query).toBe(200);
    // Signed out: to the sign-in page.
    const out = await fetch(`${p.url}/commitments`, { redirect: "manual" });
    expect(out.status).toBe(302);
    expect(out.headers.get("location")).toMatch(/^\/login/);
  });
});
