/**
 * The workbench (工作台): what waits for the actor across the portal, for
 * the home page — the tickets in each of their work queues, whistles to
 * report to, meetings coming up, topics to review, plans to sign, commitments
 * falling due, and for a resident their answered tickets to rate and their
 * community's councils to review. Each domain decides, through the permission
 * module, what the actor may act on; this only gathers it. Every list is
 * bounded (its head and whether there is more), every count capped, so the
 * page costs the same at a million tickets as at a thousand.
 */
import type { Database } from "../../db/client";
import { councilsToReview, topicsToReview, upcomingMeetings, whistlesToReport } from "../councils";
import type { Actor } from "../identity";
import { bounded } from "../keyset";
import { commitmentsDue, plansToSign } from "../plans";
import { actionQueues, awaitingRating, queueCounts, queueRole } from "../tickets";

/** Items a list on the workbench shows before it links to the rest. */
export const WORKBENCH_LIST = 5;

export async function workbench(database: Database, actor: Actor, now = new Date()) {
  const role = queueRole(actor);
  // Rating a ticket and reviewing a council are a resident's part; the administrator, who may do
  // anything, is not asked to.
  const resident = role === "resident";
  const [queues, toRate, whistles, meetings, topics, reviews, signatures, commitments] = await Promise.all([
    queueCounts(database, actor, actionQueues[role], now),
    resident ? awaitingRating(database, actor, WORKBENCH_LIST) : bounded([], WORKBENCH_LIST),
    whistlesToReport(database, actor, now, WORKBENCH_LIST),
    upcomingMeetings(database, actor, now, WORKBENCH_LIST),
    topicsToReview(database, actor),
    resident ? councilsToReview(database, actor, WORKBENCH_LIST) : bounded([], WORKBENCH_LIST),
    plansToSign(database, actor, WORKBENCH_LIST),
    commitmentsDue(database, actor, now, WORKBENCH_LIST),
  ]);
  return { role, queues, toRate, whistles, meetings, topics, reviews, signatures, commitments };
}
