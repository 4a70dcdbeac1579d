import type { Database } from "../../db/client";
import { can, type Actor } from "../../server/identity";
import { monthSchema, scorecardMonths } from "../../server/tickets";
import { loadOrThrow } from "./forms.server";

/** The organisation whose trend a unit's officer sees: its own. Null for the centre. */
export function ownScorecardOrg(actor: Actor): number | null {
  if (can(actor, "read:scorecard", {})) return null;
  return actor.grants.find((g) => g.orgId != null && can(actor, "read:scorecard", { orgId: g.orgId }))?.orgId ?? null;
}

/** The month asked for (400 if malformed), or the latest month with data in the actor's scope. */
export async function resolveMonth(database: Database, actor: Actor, asked: string | null) {
  if (asked && !monthSchema.safeParse(asked).success) throw new Response("月份格式应为 YYYY-MM", { status: 400 });
  const range = await loadOrThrow(() => scorecardMonths(database, actor));
  return { month: asked || range.last || range.current, range };
}
