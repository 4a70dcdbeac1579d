/**
 * The notifications domain's public face: in-app notices with read state
 * (DOMAIN flow: whistle received, report due/overdue, meeting notice, decision
 * published, review requested) and the daily digest, written only on days
 * when a user has unread notices to be told about.
 */
import { and, count, desc, eq, gte, inArray, isNull, lt, sql } from "drizzle-orm";
import { preparedQuery, type Database, type Db, type Queryable, type Tx } from "../../db/client";
import { notificationDigests, notifications, type NotificationKind } from "../../db/schema";
import { NotFoundError } from "../errors";
import { newestFirstPage } from "../keyset";
import type { Actor } from "../identity";
import { beijingDate } from "../tickets";
import { BEIJING_OFFSET_MS } from "../../app/i18n/dates";

export interface Notice {
  kind: NotificationKind;
  title: string;
  body: string;
  link: string;
}

/** Writes one notice per user, inside the caller's transaction (the change and its notice stand together). */
export async function notify(tx: Tx, userIds: Iterable<number>, notice: Notice, now: Date): Promise<number> {
  const rows = [...new Set(userIds)].map((userId) => ({ userId, ...notice, createdAt: now }));
  for (let i = 0; i < rows.length; i += 500) await tx.insert(notifications).values(rows.slice(i, i + 500));
  return rows.length;
}

export const NOTIFICATIONS_PAGE = 50;

/** The actor's notices, newest first, a page at a time; `unread` keeps those not yet read. */
export async function listNotifications(
  database: Database,
  actor: Actor,
  options: { cursor?: string | null; unread?: boolean } = {},
) {
  const { rows, next } = await newestFirstPage(
    options.cursor,
    NOTIFICATIONS_PAGE,
    (after, order, limit) =>
      database.db
        .select()
        .from(notifications)
        .where(
          and(eq(notifications.userId, actor.userId), options.unread ? isNull(notifications.readAt) : undefined, after),
        )
        .orderBy(...order)
        .limit(limit),
    { id: notifications.id },
  );
  return { notices: rows, next };
}

/** Every page's statement (the header's badge): built once (db/client.ts `preparedQuery`). */
const unreadOf = preparedQuery((db) =>
  db
    .select({ n: count() })
    .from(notifications)
    .where(and(eq(notifications.userId, sql.placeholder("userId")), isNull(notifications.readAt)))
    .prepare(),
);

export async function unreadCount(db: Db, userId: number): Promise<number> {
  const [row] = await unreadOf(db).all({ userId });
  return row?.n ?? 0;
}

/** Marks one notice (or, without an id, all of them) read; only the actor's own. */
export async function markRead(database: Database, actor: Actor, notificationId: number | null, now = new Date()) {
  return database.write(async (tx) => {
    const mine = eq(notifications.userId, actor.userId);
    if (notificationId == null) {
      await tx
        .update(notifications)
        .set({ readAt: now })
        .where(and(mine, isNull(notifications.readAt)));
      return;
    }
    const row = await tx
      .select({ id: notifications.id })
      .from(notifications)
      .where(and(mine, eq(notifications.id, notificationId)))
      .get();
    if (!row) throw new NotFoundError("通知不存在");
    await tx
      .update(notifications)
      .set({ readAt: now })
      .where(and(eq(notifications.id, notificationId), isNull(notifications.readAt)));
  });
}

const DAY = 24 * 60 * 60 * 1000;
/** Digests go out from 08:00 Beijing: a morning summary of the day before. */
const DIGEST_HOUR_BEIJING = 8;

/**
 * The digest of one user for the Beijing day of `now`: their notices of the
 * last 24 hours still unread, by kind. Null when there is nothing to say.
 */
export async function composeDigest(db: Queryable, userId: number, now: Date) {
  const unread = await db
    .select({ kind: notifications.kind, title: notifications.title })
    .from(notifications)
    .where(
      and(
        eq(notifications.userId, userId),
        isNull(notifications.readAt),
        gte(notifications.createdAt, new Date(now.getTime() - DAY)),
        lt(notifications.createdAt, now),
      ),
    )
    .orderBy(notifications.id);
  if (unread.length === 0) return null;
  return { count: unread.length, body: unread.map((n) => `· ${n.title}`).join("\n") };
}

/**
 * Writes today's digests (idempotent: one per user and day) for every user
 * with something unread; users with nothing get nothing. Returns how many were written.
 */
export async function produceDailyDigests(database: Database, now = new Date()): Promise<number> {
  const beijingHour = new Date(now.getTime() + BEIJING_OFFSET_MS).getUTCHours();
  if (beijingHour < DIGEST_HOUR_BEIJING) return 0;
  const day = beijingDate(now);
  return database.write(async (tx) => {
    const candidates = await tx
      .selectDistinct({ userId: notifications.userId })
      .from(notifications)
      .where(and(isNull(notifications.readAt), gte(notifications.createdAt, new Date(now.getTime() - DAY))));
    if (candidates.length === 0) return 0;
    const done = await tx
      .select({ userId: notificationDigests.userId })
      .from(notificationDigests)
      .where(
        and(
          eq(notificationDigests.day, day),
          inArray(
            notificationDigests.userId,
            candidates.map((c) => c.userId),
          ),
        ),
      );
    const skip = new Set(done.map((d) => d.userId));
    let written = 0;
    for (const { userId } of candidates) {
      if (skip.has(userId)) continue;
      const digest = await composeDigest(tx, userId, now);
      if (!digest) continue;
      await tx.insert(notificationDigests).values({ userId, day, ...digest, createdAt: now });
      written++;
    }
    return written;
  });
}

export async function latestDigest(database: Database, actor: Actor) {
  return (
    (await database.db
      .select()
      .from(notificationDigests)
      .where(eq(notificationDigests.userId, actor.userId))
      .orderBy(desc(notificationDigests.id))
      .get()) ?? null
  );
}
