/**
 * The home page's workbench (工作台) over the real portal and the demo data:
 * its queue counts agree with the queue pages, each list holds what the actor
 * can act on and nothing of anyone else's, and an item leaves the list when
 * its work is done.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  changeStage,
  councilsToReview,
  proposeTopic,
  reportToWhistle,
  reviewOutcome,
  scheduleMeeting,
} from "../../server/councils";
import { blowWhistle, closeWhistle } from "../../server/councils/whistles";
import { loadActor, registerResident, type Actor } from "../../server/identity";
import { signVersion } from "../../server/plans";
import { actionQueues, listTickets, QUEUE_COUNT_CAP, queueCounts, queueRole, type Queue } from "../../server/tickets";
import { workbench, WORKBENCH_LIST } from "../../server/workbench";
import { actorOf } from "../helpers/database";
import { planFixture, type PlanFixture } from "../helpers/plans";
import { signIn, startPortal, type TestPortal } from "../helpers/portal";

let p: TestPortal;
let unsigned: PlanFixture;
let signed: PlanFixture;
const a: Record<string, Actor> = {};
const users = ["admin", "operator", "street", "secretary", "worker", "housing", "property", "committee", "resident"];

beforeAll(async () => {
  p = await startPortal();
  for (const u of users) a[u] = await actorOf(p.portal.database, u);
  unsigned = await planFixture(p.portal, { sign: false });
  signed = await planFixture(p.portal, { sign: true });
});
afterAll(async () => {
  await p?.close();
});

const bench = (user: string, now = new Date()) => workbench(p.portal.database, a[user]!, now);

/** Every ticket of a queue, paged through as the queue page pages. */
async function queueLength(actor: Actor, queue: Queue, now: Date) {
  let total = 0;
  let cursor: string | undefined;
  do {
    const page = await listTickets(p.portal.database, actor, { queue, cursor, limit: 200 }, now);
    total += page.rows.length;
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return total;
}

describe("the workbench's ticket counts", () => {
  it("count each action queue exactly as its page lists it, for the centre and for units", async () => {
    const now = new Date();
    for (const user of ["operator", "street", "secretary", "housing", "property"]) {
      const actor = a[user]!;
      const counts = await queueCounts(p.portal.database, actor, actionQueues[queueRole(actor)], now);
      expect(counts.map((c) => c.queue)).toEqual(actionQueues[queueRole(actor)]);
      for (const c of counts) {
        expect(c.more).toBe(false);
        expect({ user, queue: c.queue, count: c.count }).toEqual({
          user,
          queue: c.queue,
          count: await queueLength(actor, c.queue, now),
        });
      }
    }
    // The demo holds work for these, so the comparison above is not of zeros only.
    const operator = await queueCounts(p.portal.database, a.operator!, ["to_dispatch", "to_callback"], now);
    expect(operator.every((c) => c.count > 0)).toBe(true);
  });

  it("stop counting at the cap and say there are more", async () => {
    const all = await queueLength(a.operator!, "all", new Date());
    expect(all).toBeGreaterThan(QUEUE_COUNT_CAP);
    expect(await queueCounts(p.portal.database, a.operator!, ["all"])).toEqual([
      { queue: "all", count: QUEUE_COUNT_CAP, more: true },
    ]);
  });

  it("are not shown to a resident, who sees their answered tickets to rate instead", async () => {
    const work = await bench("resident");
    expect(work.queues).toEqual([]);
    const replied = await listTickets(p.portal.database, a.resident!, { queue: "mine", status: "replied" });
    expect(work.toRate.items.map((t) => t.number)).toEqual(replied.rows.slice(0, WORKBENCH_LIST).map((r) => r.number));
    // Staff have no such list: their rating is the centre's callback queue.
    expect((await bench("operator")).toRate.items).toEqual([]);
  });
});

describe("the workbench's lists", () => {
  it("list a plan version to sign for each required party that has not signed it, until it has", async () => {
    const title = (user: string) =>
      bench(user).then((w) => w.signatures.items.map((s) => [s.planId, s.number, s.title]));
    for (const user of ["secretary", "housing", "property"])
      expect(await title(user)).toEqual([[unsigned.planId, 2, "西河沿停车方案"]]);
    // The worker edits rows but signs for no one; the others are no party to it.
    for (const user of ["worker", "committee", "resident", "operator", "street"]) expect(await title(user)).toEqual([]);
    await signVersion(
      p.portal.database,
      p.portal.realtime.documents,
      a.property!,
      unsigned.planId,
      unsigned.versions[2]!,
    );
    expect(await title("property")).toEqual([]);
    expect(await title("housing")).toEqual([[unsigned.planId, 2, "西河沿停车方案"]]);
  });

  it("list the units' commitments overdue or due within a week, earliest first, and only the owner's", async () => {
    // The signed plan's (the demo's own plan has commitments too, all overdue by then).
    const due = (user: string, now: string) =>
      bench(user, new Date(`${now}T09:00:00+08:00`)).then((w) =>
        w.commitments.items
          .filter((c) => c.planId === signed.planId)
          .map((c) => [c.planId, c.task, c.deadline, c.overdue]),
      );
    expect(await due("property", "2099-12-20")).toEqual([[signed.planId, "施划临时泊位", "2020-06-30", true]]);
    expect(await due("property", "2099-12-27")).toEqual([
      [signed.planId, "施划临时泊位", "2020-06-30", true],
      [signed.planId, "夜间巡查", "2099-12-31", false],
    ]);
    // The community's own task (due 2099-06-30) is the secretary's and the worker's, not the property company's.
    expect(await due("secretary", "2099-06-25")).toEqual([[signed.planId, "入户宣传错时停车", "2099-06-30", false]]);
    expect(await due("worker", "2099-06-25")).toEqual([[signed.planId, "入户宣传错时停车", "2099-06-30", false]]);
    // The housing bureau's task has no deadline: it is tracked on the plan, never "due" here.
    for (const user of ["housing", "committee", "resident", "operator"])
      expect(await due(user, "2099-12-27")).toEqual([]);
  });

  it("list a whistle to each summoned unit until it reports, late once the deadline has passed, and not after closing", async () => {
    const blown = new Date();
    const { id } = await blowWhistle(
      p.portal.database,
      a.secretary!,
      {
        ground: "joint_enforcement",
        problem: "西河沿街夜间违法停车联合整治",
        regionCode: "110102013901",
        orgIds: [unsigned.org.housing, unsigned.org.property],
      },
      blown,
    );
    const listed = (user: string, now: Date) =>
      bench(user, now).then((w) => w.whistles.items.filter((x) => x.id === id).map((x) => x.state));
    const soon = new Date(blown.getTime() + 60_000);
    expect(await listed("housing", soon)).toEqual(["pending"]);
    expect(await listed("property", soon)).toEqual(["pending"]);
    // Who blew it, and units not summoned, have nothing to report.
    for (const user of ["secretary", "committee", "resident", "street"]) expect(await listed(user, soon)).toEqual([]);
    await reportToWhistle(p.portal.database, a.housing!, id, { note: "已派员到场" }, soon);
    expect(await listed("housing", soon)).toEqual([]);
    const deadline = (await bench("property", soon)).whistles.items.find((x) => x.id === id)!.reportDeadlineAt;
    expect(await listed("property", new Date(deadline.getTime() + 60_000))).toEqual(["absent"]);
    await closeWhistle(p.portal.database, a.secretary!, id, { outcome: "联合整治完成" }, soon);
    expect(await listed("property", soon)).toEqual([]);
  });

  it("list the coming meetings of councils one convenes or sits on, within two weeks", async () => {
    const now = new Date();
    const beijing = (days: number) =>
      new Date(now.getTime() + days * 86_400_000 + 8 * 3_600_000).toISOString().slice(0, 16);
    const meeting = (title: string, days: number) =>
      scheduleMeeting(p.portal.database, a.secretary!, unsigned.councilId, {
        title,
        startsAt: beijing(days),
        place: "西河沿社区居委会会议室",
        agenda: [{ title: "停车方案" }],
      });
    await changeStage(p.portal.database, a.secretary!, unsigned.councilId, { to: "review" });
    await meeting("停车方案第一次协商", 3);
    await meeting("停车方案第二次协商", 20);
    const titles = (user: string) =>
      bench(user, now).then((w) =>
        w.meetings.items.filter((m) => m.councilId === unsigned.councilId).map((m) => m.title),
      );
    for (const user of ["secretary", "housing", "property"]) expect(await titles(user)).toEqual(["停车方案第一次协商"]);
    // The street reads the council (its area) but neither convenes nor sits on it; the others have no part in it.
    for (const user of ["street", "committee", "resident", "operator"]) expect(await titles(user)).toEqual([]);
  });

  it("count proposed topics for those who convene in the area", async () => {
    const before = await Promise.all(["secretary", "street"].map((u) => bench(u).then((w) => w.topics)));
    await proposeTopic(p.portal.database, a.resident!, {
      regionCode: "110102013901",
      title: "楼道堆物清理",
      description: "三号楼楼道堆放杂物，影响通行",
    });
    const after = await Promise.all(["secretary", "street"].map((u) => bench(u).then((w) => w.topics)));
    expect(after).toEqual(before.map((n) => n + 1));
    for (const user of ["housing", "property", "resident", "worker"]) expect((await bench(user)).topics).toBe(0);
  });

  it("list councils in residents' review to the community's residents who have not reviewed them", async () => {
    // The demo resident reviewed 西河沿's parking council already; a neighbour who just registered has not.
    expect((await bench("resident")).reviews.items).toEqual([]);
    const { userId } = await registerResident(
      p.portal.database,
      {
        username: "neighbour",
        displayName: "钱邻居",
        password: "a-long-password",
        phone: "13900002222",
        communityCode: "110102013901",
      },
      { ip: "127.0.0.1" },
    );
    const neighbour = (await loadActor(p.portal.database, userId))!;
    const pending = await councilsToReview(p.portal.database, neighbour, WORKBENCH_LIST);
    expect(pending.items.map((c) => c.title)).toEqual(["西河沿街超时停车圆桌会议"]);
    await reviewOutcome(p.portal.database, neighbour, pending.items[0]!.id, { rating: 5, comment: "好多了" });
    expect((await councilsToReview(p.portal.database, neighbour, WORKBENCH_LIST)).items).toEqual([]);
    // Staff review nothing: residents' review is the residents' — nor is the administrator asked to,
    // though the permission table lets them do anything.
    for (const user of ["secretary", "street", "housing", "admin"])
      expect((await bench(user)).reviews.items).toEqual([]);
  });
});

describe("the home page", () => {
  const home = async (user: string) => {
    const res = await fetch(`${p.url}/`, { headers: { cookie: await signIn(p.url, user) } });
    expect(res.status).toBe(200);
    return res.text();
  };

  it("shows each count linked to its queue, and the lists with links to act on them", async () => {
    const html = await home("operator");
    for (const c of (await bench("operator")).queues)
      expect(html).toMatch(
        new RegExp(`data-queue="${c.queue}"[^>]*href="/tickets\\?queue=${c.queue}"><strong>${c.count}</strong>`),
      );
    const housing = await home("housing");
    expect(housing).toContain(`href="/plans/${unsigned.planId}"`);
    expect(housing).toContain("待签署的方案");
    expect(housing).toContain("停车方案第一次协商");
  });

  it("shows nobody else's work", async () => {
    const committee = await home("committee");
    expect(committee).not.toContain(`href="/plans/${unsigned.planId}"`);
    expect(committee).not.toContain("停车方案第一次协商");
    expect(committee).not.toContain('data-queue="');
  });
});
