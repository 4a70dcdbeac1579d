/**
 * A resident follows a ticket without an account: its number plus the last
 * four digits of the phone they called from. Wrong guesses are throttled like
 * sign-ins, so the four digits cannot be brute-forced.
 */
import { asc, eq } from "drizzle-orm";
import { z } from "zod";
import type { Database } from "../../db/client";
import { categories, organisations, ticketEvents, tickets } from "../../db/schema";
import { NotFoundError, TooManyRequestsError, ValidationError } from "../errors";
import { parseOrThrow } from "../identity/accounts";
import { blockedFor, recordFailure, type ThrottlePolicy } from "../identity/throttle";
import { loadCalendar } from "./calendar";
import { decide } from "./lifecycle";
import { maskName } from "./masking";
import { loadTicket, stateOf } from "./state";
import { actionSchema, applyDecision, ruleOf } from "./workflow";

export const trackSchema = z.object({
  number: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9-]{4,40}$/, "请输入工单编号"),
  phoneLast4: z
    .string()
    .trim()
    .regex(/^\d{4}$/, "请输入来电号码后四位"),
});

const MINUTE = 60_000;
/** Ten tries per number per quarter hour: a typo is forgiven, 10,000 guesses are not. */
const trackPolicy: ThrottlePolicy = { maxFailures: 10, windowMs: 15 * MINUTE, blockMs: 15 * MINUTE };

/** Event kinds a reporter sees on the public timeline; internal steps (supervision, appeals) stay internal. */
const publicKinds = new Set([
  "received",
  "answered",
  "dispatched",
  "redispatched",
  "return_approved",
  "accepted",
  "contacted",
  "extension_approved",
  "replied",
  "called_back",
  "closed",
  "reopened",
  "council_noted",
]);

/**
 * What a reporter sees of a ticket's events (here and on their own ticket
 * page): the public kinds only, and of their data only the reply to them and
 * their own callback — notes between units stay internal.
 */
export function forReporter<E extends { kind: string; data: Record<string, unknown> | null }>(events: E[]): E[] {
  return (
    events
      .filter((e) => publicKinds.has(e.kind))
      // A council's decision is published (公示) anyway: the reporter sees its text.
      .map((e) => (["replied", "answered", "called_back", "council_noted"].includes(e.kind) ? e : { ...e, data: null }))
  );
}

/**
 * The ticket with this number whose reporter's phone ends in these four
 * digits — or a throttled failure. Both the public page and the reporter's
 * callback go through here, so neither can be used to guess the digits.
 */
async function findTracked(database: Database, input: unknown, now: Date) {
  const { number, phoneLast4 } = parseOrThrow(trackSchema, input);
  const key = `track:${number}`;
  const wait = await blockedFor(database, key, now);
  if (wait > 0) throw new TooManyRequestsError("查询次数过多，请稍后再试", Math.ceil(wait / 1000));
  const row = await database.db
    .select({
      id: tickets.id,
      number: tickets.number,
      type: tickets.type,
      status: tickets.status,
      address: tickets.address,
      description: tickets.description,
      reporterName: tickets.reporterName,
      reporterPhone: tickets.reporterPhone,
      reporterUserId: tickets.reporterUserId,
      receivedAt: tickets.receivedAt,
      deadlineAt: tickets.deadlineAt,
      categoryName: categories.name,
      leadName: organisations.name,
    })
    .from(tickets)
    .innerJoin(categories, eq(tickets.categoryId, categories.id))
    .leftJoin(organisations, eq(tickets.leadOrgId, organisations.id))
    .where(eq(tickets.number, number))
    .get();
  const digits = row?.reporterPhone?.replace(/\D/g, "") ?? "";
  if (!row || digits.length < 4 || !digits.endsWith(phoneLast4)) {
    await database.write((tx) => recordFailure(tx, key, trackPolicy, now));
    throw new ValidationError("未找到匹配的工单，请核对工单编号和来电号码后四位");
  }
  return row;
}

export async function trackTicket(database: Database, input: unknown, meta: { ip: string }, now = new Date()) {
  const row = await findTracked(database, input, now);
  const events = await database.db
    .select({ at: ticketEvents.at, kind: ticketEvents.kind, data: ticketEvents.data, orgName: organisations.name })
    .from(ticketEvents)
    .leftJoin(organisations, eq(ticketEvents.actorOrgId, organisations.id))
    .where(eq(ticketEvents.ticketId, row.id))
    .orderBy(asc(ticketEvents.id));
  const { reporterPhone: _phone, reporterUserId: _user, ...rest } = row;
  return {
    ticket: { ...rest, reporterName: maskName(row.reporterName) },
    timeline: events
      .filter((e) => publicKinds.has(e.kind))
      .map((e) => ({
        at: e.at,
        kind: e.kind,
        orgName: e.orgName,
        // The unit's reply is for the reporter; notes between units are not.
        text:
          e.kind === "replied"
            ? String(e.data?.content ?? "")
            : e.kind === "answered"
              ? String(e.data?.reply ?? "")
              : null,
      })),
    canCallBack: row.status === "replied",
  };
}

/**
 * The reporter's own callback (回访) from the public tracking page: the number
 * and the phone's last four digits are checked again (same throttle), then the
 * `callback` action goes through the state machine like any other, recorded
 * with no user — the reporter has no account — and marked as theirs.
 */
export async function callbackByReporter(
  database: Database,
  number: string,
  phoneLast4: string,
  input: unknown,
  now = new Date(),
) {
  const tracked = await findTracked(database, { number, phoneLast4 }, now);
  const parsed = parseOrThrow(actionSchema, { ...(input as Record<string, unknown>), kind: "callback" });
  if (parsed.kind !== "callback") throw new ValidationError("回访内容不完整");
  return database.write(async (tx) => {
    const loaded = await loadTicket(tx, tracked.id);
    if (!loaded) throw new NotFoundError("工单不存在");
    const { rule, extensionCapWorkingDays } = await ruleOf(tx, loaded.row);
    const decision = decide(stateOf(loaded.row, loaded.coOrgIds), parsed, {
      now,
      rule,
      calendar: await loadCalendar(tx),
      extensionCapWorkingDays,
      byCentre: false,
      actorRegionCode: null,
    });
    await applyDecision(
      tx,
      loaded.row,
      { ...decision, data: { ...decision.data, by: "reporter" } },
      { userId: null, orgId: null },
      now,
    );
    return { status: decision.toStatus };
  });
}
