/**
 * A permission as a query filter: the rows whose target `can` would allow,
 * selected by the database rather than fetched and tested one by one. Lists
 * that fetched the newest few hundred rows and then dropped what the viewer may
 * not see lost everything of theirs older than that window once a city's
 * other areas had filled it.
 *
 * Each scope maps to SQL exactly as `scopeAllows` (permissions.ts) decides it;
 * the equivalence is tested per list against `can` over every demo role.
 */
import { or, sql, type SQL, type SQLWrapper } from "drizzle-orm";
import { significantPrefix } from "../regions/codes";
import { scopedGrants, type Actor, type Permission } from "./permissions";

/** How a list's rows present the parts of a permission target. Leave out what its target never has. */
export interface TargetColumns {
  /** The target's region (`Target.regionCode`). */
  regionCode?: SQLWrapper;
  /** True where `orgId` is one of the target's organisations (`Target.orgId` / `orgIds`). */
  hasOrg?: (orgId: number) => SQL;
  /** True where the target's owner is `userId` (`Target.ownerUserId`). */
  ownedBy?: (userId: number) => SQL;
}

const NOTHING = sql`0 = 1`;

/** The condition under which `can(actor, permission, target-of-the-row)` holds; undefined means every row. */
export function permissionCondition(
  actor: Actor | null,
  permission: Permission,
  target: TargetColumns,
): SQL | undefined {
  const parts: SQL[] = [];
  for (const { scope, grant } of scopedGrants(actor, permission)) {
    switch (scope) {
      case "any":
        return undefined;
      case "own-area":
        if (grant.regionCode != null && target.regionCode)
          parts.push(sql`${target.regionCode} like ${`${significantPrefix(grant.regionCode)}%`}`);
        break;
      case "own-org":
        if (grant.orgId != null && target.hasOrg) parts.push(target.hasOrg(grant.orgId));
        break;
      case "managed-org":
        if (grant.manager && grant.orgId != null && target.hasOrg) parts.push(target.hasOrg(grant.orgId));
        break;
      case "own":
        if (target.ownedBy) parts.push(target.ownedBy(actor!.userId));
        break;
      default: {
        // A scope added to the permission module needs its SQL here: typecheck stops at this line.
        const unmapped: never = scope;
        throw new Error(`no query filter for scope ${String(unmapped)}`);
      }
    }
  }
  return parts.length ? or(...parts) : NOTHING;
}
