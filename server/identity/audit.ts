import { auditLog } from "../../db/schema";
import type { Tx } from "../../db/client";

/**
 * Every audited action and entity, named once: the audit log's Chinese labels
 * (app/i18n, admin.audit) are typed against these lists, so a new action
 * without a label does not compile.
 */
export const auditActions = [
  "user.registered",
  "user.disabled",
  "user.enabled",
  "login.succeeded",
  "login.failed",
  "logout",
  "organisation.created",
  "invitation.created",
  "invitation.accepted",
  "invitation.revoked",
  "membership.changed",
  "membership.removed",
  "demo.seeded",
  "api_key.created",
  "api_key.revoked",
  "category.created",
  "category.renamed",
  "category.reactivated",
  "category.deactivated",
  "category.handler_changed",
  "time_limits.version_created",
  "score_weights.version_created",
  "calendar.day_added",
  "calendar.day_changed",
  "calendar.day_removed",
  "ticket.contact_viewed",
  "ticket.appeal_requested",
  "ticket.appeal_approved",
  "ticket.appeal_rejected",
  "whistle.blown",
  "whistle.reported",
  "whistle.closed",
  "whistle.evaluated",
  "whistle_rule.created",
  "council.created",
  "council.party_added",
  "council.stage",
  "council.reviewed",
  "topic.proposed",
  "topic.accepted",
  "topic.rejected",
  "meeting.scheduled",
  "meeting.rescheduled",
  "meeting.cancelled",
  "meeting.attendance",
  "meeting.minutes",
  "voting.opened",
  "voting.ballot",
  "voting.closed",
  "decision.recorded",
  "decision.signed",
  "decision.published",
  "plan.created",
  "plan.frozen",
  "plan.restored",
  "plan.signed",
  "plan.committed",
  "commitment.progress",
  "insight_rules.version_created",
  "hot_spot.dismissed",
  "monthly_problem.created",
  "monthly_problem.whistle_linked",
  "monthly_problem.council_linked",
  "governance_street.added",
  "governance_street.removed",
  "category.tags_changed",
  "monthly_problem.updated",
  "monthly_problem.closed",
] as const;
export type AuditAction = (typeof auditActions)[number];

export const auditEntities = [
  "user",
  "organisation",
  "system",
  "api_key",
  "category",
  "time_limit_version",
  "score_weight_version",
  "calendar_day",
  "ticket",
  "whistle",
  "whistle_rule",
  "council",
  "council_topic",
  "plan",
  "plan_commitment",
  "insight_rule_version",
  "hot_spot",
  "monthly_problem",
  "governance_street",
] as const;
export type AuditEntity = (typeof auditEntities)[number];

export interface AuditEntry {
  actorUserId: number | null;
  action: AuditAction;
  entity: AuditEntity;
  entityId?: string | number | null;
  detail?: Record<string, unknown>;
  ip?: string | null;
}

/** Written inside the caller's transaction: the change and its record stand or fall together. */
export async function audit(tx: Tx, entry: AuditEntry): Promise<void> {
  await tx.insert(auditLog).values({
    actorUserId: entry.actorUserId,
    action: entry.action,
    entity: entry.entity,
    entityId: entry.entityId == null ? null : String(entry.entityId),
    detail: entry.detail ?? null,
    ip: entry.ip ?? null,
  });
}
