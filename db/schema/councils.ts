/**
 * The councils domain (DOMAIN.md, 吹哨报到 and 圆桌会议): whistles and the
 * units they summon, councils with their parties, stages and audited history,
 * residents' topics, meetings with agenda and attendance, votes, decisions with
 * signatures, and residents' reviews. Reports, ballots, signatures, stage
 * changes and reviews are append-only rows: nothing is edited away.
 */
import { relations } from "drizzle-orm";
import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { organisations, users } from "./identity";
import { regions } from "./regions";
import { tickets } from "./tickets";

/** 吹哨的三种情形: a problem residents keep raising · joint enforcement · an emergency. */
export const whistleGrounds = ["recurring_problem", "joint_enforcement", "emergency"] as const;
export type WhistleGround = (typeof whistleGrounds)[number];

/** DOMAIN.md's steps: 议题征集 → 审核排期 → 协商议事 → 决议 → 落实 → 居民评议 → 结案. */
export const councilStages = [
  "topic_intake",
  "review",
  "deliberation",
  "decision",
  "implementation",
  "residents_review",
  "closed",
] as const;
export type CouncilStage = (typeof councilStages)[number];

/** 牵头 · 配合 (organisations) · 居民代表 (users). */
export const partyRoles = ["lead", "cooperating", "resident_rep"] as const;
export type PartyRole = (typeof partyRoles)[number];

export const topicStatuses = ["proposed", "accepted", "rejected"] as const;
export const meetingStatuses = ["scheduled", "held", "cancelled"] as const;
export const decisionModes = ["vote", "consensus"] as const;
/** 一人一票 among the members present, or one vote per party. */
export const votingModes = ["per_member", "per_party"] as const;
export const ballotChoices = ["for", "against", "abstain"] as const;
export type BallotChoice = (typeof ballotChoices)[number];
export const votingResults = ["passed", "rejected", "no_quorum"] as const;
export type VotingResult = (typeof votingResults)[number];
/** 双考核: the convener scores each unit, each unit scores the convener. */
export const evaluationDirections = ["of_unit", "of_convener"] as const;

const ts = (name: string) => integer(name, { mode: "timestamp_ms" });

/**
 * How long a summoned unit has to report, per ground (configuration, not code:
 * DOMAIN.md's 30 minutes for emergencies is Pinggu's rule). The newest row per
 * ground applies; a whistle keeps the deadline it was given.
 */
export const whistleReportRules = sqliteTable("whistle_report_rules", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  ground: text("ground", { enum: whistleGrounds }).notNull(),
  amount: integer("amount").notNull(),
  unit: text("unit", { enum: ["minutes", "hours", "working_days"] }).notNull(),
  createdBy: integer("created_by").references(() => users.id),
  createdAt: ts("created_at").notNull(),
});

export const whistles = sqliteTable(
  "whistles",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    ground: text("ground", { enum: whistleGrounds }).notNull(),
    problem: text("problem").notNull(),
    /** The street or community whose problem it is: read rights by area follow it. */
    regionCode: text("region_code")
      .notNull()
      .references(() => regions.code),
    initiatorUserId: integer("initiator_user_id")
      .notNull()
      .references(() => users.id),
    initiatorOrgId: integer("initiator_org_id").references(() => organisations.id),
    reportDeadlineAt: ts("report_deadline_at").notNull(),
    createdAt: ts("created_at").notNull(),
    /** Measures taken and the outcome, written when the whistle is closed. */
    outcome: text("outcome"),
    closedAt: ts("closed_at"),
  },
  (t) => [index("whistles_region_idx").on(t.regionCode, t.createdAt)],
);

export const whistleTickets = sqliteTable(
  "whistle_tickets",
  {
    whistleId: integer("whistle_id")
      .notNull()
      .references(() => whistles.id),
    ticketId: integer("ticket_id")
      .notNull()
      .references(() => tickets.id),
  },
  (t) => [primaryKey({ columns: [t.whistleId, t.ticketId] }), index("whistle_tickets_ticket_idx").on(t.ticketId)],
);

/** A summoned unit and its 报到 (set once: a report is never rewritten). */
export const whistleUnits = sqliteTable(
  "whistle_units",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    whistleId: integer("whistle_id")
      .notNull()
      .references(() => whistles.id),
    orgId: integer("org_id")
      .notNull()
      .references(() => organisations.id),
    reportedAt: ts("reported_at"),
    reportedBy: integer("reported_by").references(() => users.id),
    reportNote: text("report_note"),
    /** Reminders sent, so the sweep sends each once. */
    dueNotifiedAt: ts("due_notified_at"),
    overdueNotifiedAt: ts("overdue_notified_at"),
  },
  (t) => [uniqueIndex("whistle_units_uq").on(t.whistleId, t.orgId), index("whistle_units_org_idx").on(t.orgId)],
);

export const whistleEvaluations = sqliteTable(
  "whistle_evaluations",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    whistleId: integer("whistle_id")
      .notNull()
      .references(() => whistles.id),
    direction: text("direction", { enum: evaluationDirections }).notNull(),
    /** The organisation evaluated: a summoned unit, or the convening unit. */
    subjectOrgId: integer("subject_org_id")
      .notNull()
      .references(() => organisations.id),
    /** The organisation giving the score. */
    byOrgId: integer("by_org_id")
      .notNull()
      .references(() => organisations.id),
    byUserId: integer("by_user_id")
      .notNull()
      .references(() => users.id),
    score: integer("score").notNull(),
    comment: text("comment"),
    createdAt: ts("created_at").notNull(),
  },
  (t) => [
    uniqueIndex("whistle_evaluations_uq").on(t.whistleId, t.byOrgId, t.subjectOrgId),
    index("whistle_evaluations_subject_idx").on(t.subjectOrgId, t.createdAt),
  ],
);

export const councils = sqliteTable(
  "councils",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    title: text("title").notNull(),
    description: text("description").notNull(),
    /** The community (or street) the council belongs to. */
    regionCode: text("region_code")
      .notNull()
      .references(() => regions.code),
    address: text("address").notNull(),
    lon: real("lon"),
    lat: real("lat"),
    stage: text("stage", { enum: councilStages }).notNull(),
    whistleId: integer("whistle_id").references(() => whistles.id),
    convenerOrgId: integer("convener_org_id").references(() => organisations.id),
    createdBy: integer("created_by")
      .notNull()
      .references(() => users.id),
    /** 落实: the named owner and deadline, set when implementation starts. */
    implementationOrgId: integer("implementation_org_id").references(() => organisations.id),
    implementationDueAt: ts("implementation_due_at"),
    createdAt: ts("created_at").notNull(),
    updatedAt: ts("updated_at").notNull(),
  },
  (t) => [index("councils_region_idx").on(t.regionCode, t.updatedAt), index("councils_stage_idx").on(t.stage)],
);

/** The audited history of stages: every change, by whom, when and why. */
export const councilStageEvents = sqliteTable(
  "council_stage_events",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    councilId: integer("council_id")
      .notNull()
      .references(() => councils.id),
    fromStage: text("from_stage", { enum: councilStages }),
    toStage: text("to_stage", { enum: councilStages }).notNull(),
    actorUserId: integer("actor_user_id").references(() => users.id),
    note: text("note"),
    at: ts("at").notNull(),
  },
  (t) => [index("council_stage_events_council_idx").on(t.councilId, t.id)],
);

export const councilTickets = sqliteTable(
  "council_tickets",
  {
    councilId: integer("council_id")
      .notNull()
      .references(() => councils.id),
    ticketId: integer("ticket_id")
      .notNull()
      .references(() => tickets.id),
  },
  (t) => [primaryKey({ columns: [t.councilId, t.ticketId] }), index("council_tickets_ticket_idx").on(t.ticketId)],
);

/** A party: an organisation (lead or cooperating) or a resident representative (a user). */
export const councilParties = sqliteTable(
  "council_parties",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    councilId: integer("council_id")
      .notNull()
      .references(() => councils.id),
    role: text("role", { enum: partyRoles }).notNull(),
    orgId: integer("org_id").references(() => organisations.id),
    userId: integer("user_id").references(() => users.id),
    addedAt: ts("added_at").notNull(),
  },
  (t) => [
    index("council_parties_council_idx").on(t.councilId),
    index("council_parties_org_idx").on(t.orgId),
    index("council_parties_user_idx").on(t.userId),
  ],
);

/** 议题征集: a topic proposed by a resident (or staff) of a community, reviewed by its secretary. */
export const councilTopics = sqliteTable(
  "council_topics",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    regionCode: text("region_code")
      .notNull()
      .references(() => regions.code),
    title: text("title").notNull(),
    description: text("description").notNull(),
    proposedBy: integer("proposed_by")
      .notNull()
      .references(() => users.id),
    proposedAt: ts("proposed_at").notNull(),
    status: text("status", { enum: topicStatuses }).notNull(),
    reviewedBy: integer("reviewed_by").references(() => users.id),
    reviewedAt: ts("reviewed_at"),
    reviewNote: text("review_note"),
    /** The council it was taken into. */
    councilId: integer("council_id").references(() => councils.id),
  },
  (t) => [index("council_topics_region_idx").on(t.regionCode, t.status)],
);

export const meetings = sqliteTable(
  "meetings",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    councilId: integer("council_id")
      .notNull()
      .references(() => councils.id),
    title: text("title").notNull(),
    startsAt: ts("starts_at").notNull(),
    endsAt: ts("ends_at").notNull(),
    place: text("place").notNull(),
    lon: real("lon"),
    lat: real("lat"),
    onlineUrl: text("online_url"),
    status: text("status", { enum: meetingStatuses }).notNull(),
    minutes: text("minutes"),
    createdBy: integer("created_by")
      .notNull()
      .references(() => users.id),
    createdAt: ts("created_at").notNull(),
    heldAt: ts("held_at"),
    /** Raised by each change of time, place or status after the notice: the invitation's SEQUENCE, so calendars take the change. */
    revision: integer("revision").notNull().default(0),
  },
  (t) => [index("meetings_council_idx").on(t.councilId, t.startsAt)],
);

export const agendaItems = sqliteTable(
  "agenda_items",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    meetingId: integer("meeting_id")
      .notNull()
      .references(() => meetings.id),
    position: integer("position").notNull(),
    title: text("title").notNull(),
    description: text("description"),
  },
  (t) => [index("agenda_items_meeting_idx").on(t.meetingId, t.position)],
);

export const agendaItemTickets = sqliteTable(
  "agenda_item_tickets",
  {
    itemId: integer("item_id")
      .notNull()
      .references(() => agendaItems.id),
    ticketId: integer("ticket_id")
      .notNull()
      .references(() => tickets.id),
  },
  (t) => [primaryKey({ columns: [t.itemId, t.ticketId] })],
);

/** Who was there. One row per member present; `orgId` is the party they sat for (null: resident rep). */
export const attendance = sqliteTable(
  "attendance",
  {
    meetingId: integer("meeting_id")
      .notNull()
      .references(() => meetings.id),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id),
    partyId: integer("party_id")
      .notNull()
      .references(() => councilParties.id),
    recordedAt: ts("recorded_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.meetingId, t.userId] })],
);

/** A vote on one agenda item, with its rules fixed when it opens and its result fixed when it closes. */
export const votings = sqliteTable(
  "votings",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    itemId: integer("item_id")
      .notNull()
      .references(() => agendaItems.id),
    question: text("question").notNull(),
    mode: text("mode", { enum: votingModes }).notNull(),
    /** Share (percent) of those entitled who must cast a ballot. */
    quorumPercent: integer("quorum_percent").notNull(),
    /** The motion passes when votes for exceed this share (percent) of ballots cast. */
    thresholdPercent: integer("threshold_percent").notNull(),
    /** How many were entitled when it opened: members present, or parties present. */
    eligible: integer("eligible").notNull(),
    openedBy: integer("opened_by")
      .notNull()
      .references(() => users.id),
    openedAt: ts("opened_at").notNull(),
    closedAt: ts("closed_at"),
    result: text("result", { enum: votingResults }),
  },
  (t) => [index("votings_item_idx").on(t.itemId)],
);

/** One ballot; per party, the party's first ballot is its vote. Never changed. */
export const ballots = sqliteTable(
  "ballots",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    votingId: integer("voting_id")
      .notNull()
      .references(() => votings.id),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id),
    partyId: integer("party_id")
      .notNull()
      .references(() => councilParties.id),
    /** `u<userId>` per member, `p<partyId>` per party: one ballot per voter key. */
    voterKey: text("voter_key").notNull(),
    choice: text("choice", { enum: ballotChoices }).notNull(),
    castAt: ts("cast_at").notNull(),
  },
  (t) => [uniqueIndex("ballots_voter_uq").on(t.votingId, t.voterKey)],
);

/** 决议: the text agreed on an agenda item, by vote or consensus; signed, then published (公示). */
export const decisions = sqliteTable(
  "decisions",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    councilId: integer("council_id")
      .notNull()
      .references(() => councils.id),
    meetingId: integer("meeting_id")
      .notNull()
      .references(() => meetings.id),
    itemId: integer("item_id")
      .notNull()
      .references(() => agendaItems.id),
    mode: text("mode", { enum: decisionModes }).notNull(),
    votingId: integer("voting_id").references(() => votings.id),
    text: text("text").notNull(),
    createdBy: integer("created_by")
      .notNull()
      .references(() => users.id),
    createdAt: ts("created_at").notNull(),
    publishedAt: ts("published_at"),
    publishedBy: integer("published_by").references(() => users.id),
  },
  (t) => [index("decisions_council_idx").on(t.councilId), uniqueIndex("decisions_item_uq").on(t.itemId)],
);

export const decisionSignatures = sqliteTable(
  "decision_signatures",
  {
    decisionId: integer("decision_id")
      .notNull()
      .references(() => decisions.id),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id),
    partyId: integer("party_id")
      .notNull()
      .references(() => councilParties.id),
    signedAt: ts("signed_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.decisionId, t.userId] })],
);

/** 居民评议: residents rate the outcome; a review may ask to reopen. */
export const councilReviews = sqliteTable(
  "council_reviews",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    councilId: integer("council_id")
      .notNull()
      .references(() => councils.id),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id),
    rating: integer("rating").notNull(),
    comment: text("comment"),
    reopenRequested: integer("reopen_requested", { mode: "boolean" }).notNull(),
    createdAt: ts("created_at").notNull(),
  },
  (t) => [uniqueIndex("council_reviews_uq").on(t.councilId, t.userId)],
);

export const councilsRelations = relations(councils, ({ many, one }) => ({
  whistle: one(whistles, { fields: [councils.whistleId], references: [whistles.id] }),
  parties: many(councilParties),
  stageEvents: many(councilStageEvents),
  meetings: many(meetings),
}));

export const councilPartiesRelations = relations(councilParties, ({ one }) => ({
  council: one(councils, { fields: [councilParties.councilId], references: [councils.id] }),
  organisation: one(organisations, { fields: [councilParties.orgId], references: [organisations.id] }),
  user: one(users, { fields: [councilParties.userId], references: [users.id] }),
}));

export const councilStageEventsRelations = relations(councilStageEvents, ({ one }) => ({
  council: one(councils, { fields: [councilStageEvents.councilId], references: [councils.id] }),
}));

export const meetingsRelations = relations(meetings, ({ one }) => ({
  council: one(councils, { fields: [meetings.councilId], references: [councils.id] }),
}));
