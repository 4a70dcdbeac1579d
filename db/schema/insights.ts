/**
 * The insights domain (DOMAIN.md, 未诉先办): the detection rules as versioned
 * data, the hot spots found and their tickets (docs/decisions/0014-hot-spots.md).
 */
import { index, integer, primaryKey, real, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { organisations, users } from "./identity";
import { regions } from "./regions";
import { categories, tickets } from "./tickets";

export const hotSpotTrends = ["rising", "steady", "falling"] as const;
export const hotSpotStatuses = ["active", "gone"] as const;
/** An officer's review of a hot spot: not yet looked at, dismissed with a reason, or turned into proactive work. */
export const hotSpotReviews = ["open", "dismissed", "proactive"] as const;
export type HotSpotReview = (typeof hotSpotReviews)[number];
export const monthlyProblemStatuses = ["active", "closed"] as const;

/**
 * A version of the detection rules. The newest applies; a change adds a row
 * (an administrator's edit, audited), and the next full run uses it.
 */
export const insightRuleVersions = sqliteTable("insight_rule_versions", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  /** Category family: the level-1 or level-2 ancestor of a ticket's category. */
  familyLevel: integer("family_level").notNull(),
  radiusM: integer("radius_m").notNull(),
  windowHours: integer("window_hours").notNull(),
  minTickets: integer("min_tickets").notNull(),
  /** Recurring places: positions this close are one place; repeats after a closure needed. */
  sameplaceM: integer("sameplace_m").notNull(),
  minRepeats: integer("min_repeats").notNull(),
  /** Rising categories: half-months of baseline, the test's significance, the smallest count flagged. */
  baselinePeriods: integer("baseline_periods").notNull(),
  significance: real("significance").notNull(),
  minRisingCount: integer("min_rising_count").notNull(),
  /** 预警约谈: a street ranked this high by monthly volume and not on the governance list is warned. */
  warningTopN: integer("warning_top_n").notNull().default(10),
  note: text("note").notNull(),
  createdBy: integer("created_by").references(() => users.id),
  createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
});

/** A spatio-temporal cluster of tickets. Its id stays while the same cluster persists across runs. */
export const hotSpots = sqliteTable(
  "hot_spots",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    ruleVersionId: integer("rule_version_id")
      .notNull()
      .references(() => insightRuleVersions.id),
    familyId: integer("family_id")
      .notNull()
      .references(() => categories.id),
    status: text("status", { enum: hotSpotStatuses }).notNull(),
    ticketCount: integer("ticket_count").notNull(),
    centreLon: real("centre_lon").notNull(),
    centreLat: real("centre_lat").notNull(),
    radiusM: real("radius_m").notNull(),
    west: real("west").notNull(),
    south: real("south").notNull(),
    east: real("east").notNull(),
    north: real("north").notNull(),
    firstAt: integer("first_at", { mode: "timestamp_ms" }).notNull(),
    lastAt: integer("last_at", { mode: "timestamp_ms" }).notNull(),
    recent: integer("recent").notNull(),
    previous: integer("previous").notNull(),
    trend: text("trend", { enum: hotSpotTrends }).notNull(),
    score: real("score").notNull(),
    foundAt: integer("found_at", { mode: "timestamp_ms" }).notNull(),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
    /**
     * Where most of its tickets are: the community (or street, or district)
     * code the largest share of them carry. Read rights by area follow it.
     */
    regionCode: text("region_code"),
    /** Kept apart from `status` (which detection owns): a review survives reruns. */
    review: text("review", { enum: hotSpotReviews }).notNull().default("open"),
    reviewNote: text("review_note"),
    reviewedBy: integer("reviewed_by").references(() => users.id),
    reviewedAt: integer("reviewed_at", { mode: "timestamp_ms" }),
  },
  (t) => [index("hot_spots_status_score_idx").on(t.status, t.score), index("hot_spots_region_idx").on(t.regionCode)],
);

export const hotSpotTickets = sqliteTable(
  "hot_spot_tickets",
  {
    hotSpotId: integer("hot_spot_id")
      .notNull()
      .references(() => hotSpots.id),
    ticketId: integer("ticket_id")
      .notNull()
      .references(() => tickets.id),
  },
  (t) => [primaryKey({ columns: [t.hotSpotId, t.ticketId] }), index("hot_spot_tickets_ticket_idx").on(t.ticketId)],
);

/**
 * Calls per half-month ("YYYY-MM-1" = days 1–15, "-2" = 16–end, Beijing time),
 * place (a ticket's community code, else street, else district) and leaf
 * category: the rollup behind rising categories and a monthly problem's
 * watch, kept by triggers on `tickets` in the same transaction as every change.
 */
export const ticketVolumeRollups = sqliteTable(
  "ticket_volume_rollups",
  {
    period: text("period").notNull(),
    place: text("place").notNull(),
    categoryId: integer("category_id").notNull(),
    n: integer("n").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.period, t.place, t.categoryId] }),
    // A monthly problem's watch reads a few leaves over its periods, whatever the place (decision 0021).
    index("ticket_volume_rollups_category_idx").on(t.categoryId, t.period),
  ],
);

/**
 * 每月一题 (DOMAIN.md, Acting before the call): a problem behind many calls,
 * one of the year's list an administrator draws up — or taken on from a hot
 * spot — with a theme, the categories and areas whose calls it is about, a
 * lead unit and cooperating units, and a quantified target for the calls it
 * should prevent. Its whistle and council are the councils domain's; the ids
 * link them. (docs/decisions/0021-yearly-monthly-problems.md)
 */
export const monthlyProblems = sqliteTable(
  "monthly_problems",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    /** YYYY-MM the problem starts in (Beijing time); its year is the list it belongs to. */
    month: text("month").notNull(),
    /** The theme of the year's list it answers (e.g. 停车管理). */
    theme: text("theme").notNull().default(""),
    title: text("title").notNull(),
    description: text("description").notNull(),
    /**
     * The narrowest region holding every linked area: rights over the problem
     * (and its plan's chair) are area rights on it.
     */
    regionCode: text("region_code").notNull(),
    leadOrgId: integer("lead_org_id").references(() => organisations.id),
    /** Fewer calls aimed at, in percent of the baseline (quantified target). */
    targetReductionPct: integer("target_reduction_pct").notNull(),
    /** Optionally also: at most this many calls in any half month once it started. */
    ceilingPerHalfMonth: integer("ceiling_per_half_month"),
    /** How many half months before the start form the baseline mean. */
    baselinePeriods: integer("baseline_periods").notNull().default(6),
    sourceHotSpotId: integer("source_hot_spot_id").references(() => hotSpots.id),
    status: text("status", { enum: monthlyProblemStatuses }).notNull(),
    closedAt: integer("closed_at", { mode: "timestamp_ms" }),
    whistleId: integer("whistle_id"),
    councilId: integer("council_id"),
    createdBy: integer("created_by")
      .notNull()
      .references(() => users.id),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [
    index("monthly_problems_region_idx").on(t.regionCode, t.month),
    index("monthly_problems_month_idx").on(t.month),
  ],
);

/** The categories a problem's calls are counted in; a category covers its whole subtree. */
export const monthlyProblemCategories = sqliteTable(
  "monthly_problem_categories",
  {
    problemId: integer("problem_id")
      .notNull()
      .references(() => monthlyProblems.id),
    categoryId: integer("category_id")
      .notNull()
      .references(() => categories.id),
  },
  (t) => [primaryKey({ columns: [t.problemId, t.categoryId] })],
);

/** The areas (district, street or community codes) a problem's calls are counted in. */
export const monthlyProblemAreas = sqliteTable(
  "monthly_problem_areas",
  {
    problemId: integer("problem_id")
      .notNull()
      .references(() => monthlyProblems.id),
    regionCode: text("region_code").notNull(),
  },
  (t) => [primaryKey({ columns: [t.problemId, t.regionCode] })],
);

/** The cooperating units (配合单位) of a problem, besides its lead unit: parties of its plan. */
export const monthlyProblemUnits = sqliteTable(
  "monthly_problem_units",
  {
    problemId: integer("problem_id")
      .notNull()
      .references(() => monthlyProblems.id),
    orgId: integer("org_id")
      .notNull()
      .references(() => organisations.id),
  },
  (t) => [primaryKey({ columns: [t.problemId, t.orgId] }), index("monthly_problem_units_org_idx").on(t.orgId)],
);

/**
 * The governance-type streets 治理类街乡镇 (DOMAIN.md, Acting before the call):
 * curated by the centre, each entry with its reason and the day it entered;
 * leaving sets `leftOn` and who removed it, so the list at any date is the
 * entries with enteredOn ≤ date < leftOn. A street may re-enter: a new row.
 */
export const governanceStreets = sqliteTable(
  "governance_streets",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    streetCode: text("street_code")
      .notNull()
      .references(() => regions.code),
    reason: text("reason").notNull(),
    /** Beijing dates, YYYY-MM-DD. */
    enteredOn: text("entered_on").notNull(),
    leftOn: text("left_on"),
    leftNote: text("left_note"),
    addedBy: integer("added_by")
      .notNull()
      .references(() => users.id),
    removedBy: integer("removed_by").references(() => users.id),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [index("governance_streets_street_idx").on(t.streetCode)],
);

/** 预警约谈 notices sent: one per street and month, so the monthly sweep never repeats one. */
export const governanceWarnings = sqliteTable(
  "governance_warnings",
  {
    month: text("month").notNull(),
    streetCode: text("street_code").notNull(),
    rank: integer("rank").notNull(),
    volume: integer("volume").notNull(),
    notifiedAt: integer("notified_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.month, t.streetCode] })],
);
