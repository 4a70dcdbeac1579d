/**
 * The notifications domain: in-app notices per user with read state, and the
 * daily digests (one per user and Beijing day, written only when there is
 * something unread to tell).
 */
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { users } from "./identity";

export const notificationKinds = [
  "whistle_received", // 吹哨：已被召集
  "report_due", // 报到即将到期
  "report_overdue", // 报到已超时
  "meeting_notice", // 会议通知
  "decision_published", // 决议公示
  "review_requested", // 请评议
  "reopen_requested", // 居民请求重新议事
  "council_invited", // 被列为议事参与方
  "commitment_overdue", // 方案承诺事项逾期
  "governance_warning", // 预警约谈：月度工单量前列而未列入治理类街乡镇
] as const;
export type NotificationKind = (typeof notificationKinds)[number];

const ts = (name: string) => integer(name, { mode: "timestamp_ms" });

export const notifications = sqliteTable(
  "notifications",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id),
    kind: text("kind", { enum: notificationKinds }).notNull(),
    title: text("title").notNull(),
    body: text("body").notNull(),
    /** A path inside the portal. */
    link: text("link").notNull(),
    createdAt: ts("created_at").notNull(),
    readAt: ts("read_at"),
  },
  (t) => [index("notifications_user_idx").on(t.userId, t.id), index("notifications_unread_idx").on(t.userId, t.readAt)],
);

export const notificationDigests = sqliteTable(
  "notification_digests",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id),
    /** The Beijing date (YYYY-MM-DD) it covers. */
    day: text("day").notNull(),
    /** The unread notices it lists, by kind, with their titles. */
    body: text("body").notNull(),
    count: integer("count").notNull(),
    createdAt: ts("created_at").notNull(),
  },
  (t) => [uniqueIndex("notification_digests_user_day_uq").on(t.userId, t.day)],
);
