/**
 * The notification centre and the daily digest on a real database: read
 * state per user, and a digest only for users with something unread.
 */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { notificationDigests } from "../../db/schema";
import { NotFoundError } from "../../server/errors";
import type { Actor } from "../../server/identity";
import {
  composeDigest,
  latestDigest,
  listNotifications,
  markRead,
  NOTIFICATIONS_PAGE,
  notify,
  produceDailyDigests,
  unreadCount,
} from "../../server/notifications";
import { actorOf, openTestDatabase, type TestDatabase } from "../helpers/database";

let t: TestDatabase;
const a: Record<string, Actor> = {};
type Notices = Awaited<ReturnType<typeof listNotifications>>["notices"];
const bj = (local: string) => new Date(`${local}+08:00`);

beforeAll(async () => {
  t = await openTestDatabase({ demo: true });
  for (const u of ["housing", "property", "resident"]) a[u] = await actorOf(t.database, u);
});
afterAll(() => t?.close());

const send = (usernames: string[], title: string, at: Date) =>
  t.database.write((tx) =>
    notify(
      tx,
      usernames.map((u) => a[u]!.userId),
      { kind: "meeting_notice", title, body: "会议通知", link: "/councils/1" },
      at,
    ),
  );

describe("the notification centre", () => {
  it("each user sees their own notices, newest first, and marks them read one by one or all at once", async () => {
    await send(["housing", "property"], "第一次议事会", bj("2025-03-03T10:00:00"));
    await send(["housing"], "第二次议事会", bj("2025-03-04T10:00:00"));
    const mine = (await listNotifications(t.database, a.housing!)).notices;
    expect(mine.map((n) => n.title)).toEqual(["第二次议事会", "第一次议事会"]);
    expect(await unreadCount(t.database.db, a.housing!.userId)).toBe(2);
    await markRead(t.database, a.housing!, mine[1]!.id);
    expect(await unreadCount(t.database.db, a.housing!.userId)).toBe(1);
    // Someone else's notice is not there for them.
    const theirs = (await listNotifications(t.database, a.property!)).notices[0]!;
    await expect(markRead(t.database, a.housing!, theirs.id)).rejects.toThrow(NotFoundError);
    await markRead(t.database, a.housing!, null);
    expect(await unreadCount(t.database.db, a.housing!.userId)).toBe(0);
    expect(await unreadCount(t.database.db, a.property!.userId)).toBe(1);
  });
});

describe("the daily digest", () => {
  it("is produced only for users with something unread, once a day, from the morning", async () => {
    const evening = bj("2025-03-10T20:00:00");
    await send(["property", "resident"], "决议公示前会议", evening);
    // The resident reads theirs: nothing left to tell them.
    await markRead(t.database, a.resident!, null, bj("2025-03-10T21:00:00"));
    expect(await composeDigest(t.database.db, a.resident!.userId, bj("2025-03-11T09:00:00"))).toBeNull();
    expect(await composeDigest(t.database.db, a.housing!.userId, bj("2025-03-11T09:00:00"))).toBeNull();

    // Before 08:00 Beijing nothing is produced.
    expect(await produceDailyDigests(t.database, bj("2025-03-11T07:30:00"))).toBe(0);
    expect(await produceDailyDigests(t.database, bj("2025-03-11T09:00:00"))).toBe(1);
    expect(await produceDailyDigests(t.database, bj("2025-03-11T10:00:00"))).toBe(0);
    const digests = await t.database.db.select().from(notificationDigests);
    expect(digests).toHaveLength(1);
    expect(digests[0]).toMatchObject({ userId: a.property!.userId, day: "2025-03-11", count: 1 });
    expect(digests[0]!.body).toContain("决议公示前会议");
    expect((await latestDigest(t.database, a.property!))?.day).toBe("2025-03-11");
    expect(await latestDigest(t.database, a.resident!)).toBeNull();

    // A quiet day: no digest for anyone.
    expect(await produceDailyDigests(t.database, bj("2025-03-13T09:00:00"))).toBe(0);
    expect(
      await t.database.db.select().from(notificationDigests).where(eq(notificationDigests.day, "2025-03-13")),
    ).toEqual([]);
  });
});

describe("a long inbox", () => {
  it("comes a page at a time, newest first, each notice once; the unread tab pages alone", async () => {
    // The resident reads what came before, then 120 notices arrive, every third one read.
    await markRead(t.database, a.resident!, null);
    for (let i = 0; i < 120; i++)
      await send(["resident"], `通知${i}`, bj(`2025-04-01T10:${String(i % 60).padStart(2, "0")}:00`));
    const walk = async (unread: boolean) => {
      const pages: Notices[] = [];
      let cursor: string | null = null;
      do {
        const page: { notices: Notices; next: string | null } = await listNotifications(t.database, a.resident!, {
          cursor,
          unread,
        });
        pages.push(page.notices);
        cursor = page.next;
      } while (cursor);
      return pages;
    };
    const numbered = (notices: Notices) =>
      notices.filter((n) => /^通知\d+$/.test(n.title)).map((n) => ({ ...n, i: Number(n.title.slice(2)) }));
    for (const n of numbered((await walk(false)).flat()))
      if (n.i % 3 === 0) await markRead(t.database, a.resident!, n.id);

    const everything = await walk(false);
    const total = everything.flat().length;
    // Every page full but the last, and each notice once, in order.
    expect(total).toBeGreaterThanOrEqual(120);
    expect(everything.map((p) => p.length)).toEqual(
      Array.from({ length: Math.ceil(total / NOTIFICATIONS_PAGE) }, (_, k) =>
        Math.min(NOTIFICATIONS_PAGE, total - k * NOTIFICATIONS_PAGE),
      ),
    );
    expect(numbered(everything.flat()).map((n) => n.i)).toEqual(Array.from({ length: 120 }, (_, k) => 119 - k));

    const unread = (await walk(true)).flat();
    expect(unread.every((n) => n.readAt === null)).toBe(true);
    expect(numbered(unread).map((n) => n.i)).toEqual(
      Array.from({ length: 120 }, (_, k) => 119 - k).filter((i) => i % 3 !== 0),
    );
    expect(await unreadCount(t.database.db, a.resident!.userId)).toBe(unread.length);
  });

  it("keeps its place when new notices arrive while one reads", async () => {
    const first = await listNotifications(t.database, a.resident!);
    await send(["resident"], "新到的通知", bj("2025-04-02T09:00:00"));
    const second = await listNotifications(t.database, a.resident!, { cursor: first.next });
    expect(second.notices[0]!.id).toBeLessThan(first.notices.at(-1)!.id);
    expect(second.notices.map((n) => n.title)).not.toContain("新到的通知");
  });
});
