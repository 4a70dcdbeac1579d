/**
 * The one permission module (DESIGN.md): who may do what, as a table of
 * `action:entity:scope` grants per role. Routes, services and the realtime
 * server all ask `can()`; its test is a decision table over every role.
 * Pure and isomorphic, so the UI can hide what the server would refuse —
 * hiding is courtesy, the server check is the enforcement.
 */
import type { OrgKind, Role } from "../../db/schema/identity";
import { regionContains } from "../regions/codes";

export const scopes = ["any", "own-area", "own-org", "managed-org", "own"] as const;
export type Scope = (typeof scopes)[number];

export const permissions = [
  // identity and administration
  "manage:organisation",
  "read:organisation",
  "read:membership",
  "manage:membership",
  "invite:user",
  "manage:user",
  "read:audit",
  // places
  "read:region",
  // the portal's sections; later issues narrow them per record
  "read:ticket",
  // tickets (接诉即办)
  "create:ticket",
  "dispatch:ticket",
  "handle:ticket",
  "supervise:ticket",
  "callback:ticket",
  "appeal:ticket",
  "read:ticket-contact",
  "import:ticket",
  "read:scorecard",
  "manage:taxonomy",
  "manage:api-key",
  // whistles and councils (吹哨报到, 圆桌会议)
  "read:council",
  "whistle:council",
  "report:whistle",
  "convene:council",
  "participate:council",
  "propose:council-topic",
  "review:council",
  // plans (一方案N清单): the shared text and problem list; a party's own rows; its signature
  "read:plan",
  "edit:plan",
  "edit:plan-rows",
  "sign:plan",
  "read:map",
  // insights (未诉先办): read hot spots and trends; review one (dismiss it, or take it on as a monthly problem)
  "read:insight",
  "review:insight",
  // the governance-type streets list 治理类街乡镇 (the centre curates it; the ranking and warnings are read:insight)
  "manage:governance-street",
  // the year's monthly problems (每月一题): draw them up, change and close them
  "manage:monthly_problem",
] as const;
export type Permission = (typeof permissions)[number];
export type Grant = `${Permission}:${Scope}`;

const staffSections: Grant[] = ["read:council:own-area", "read:plan:own-area", "read:map:any"];

/**
 * Council rights of the units a whistle or council names (departments,
 * property companies, owners' committees, co-building units): they read, report
 * and take part where they are summoned or a party (own-org).
 */
const partyGrants: Grant[] = [
  "read:council:own-org",
  "report:whistle:own-org",
  "participate:council:own-org",
  "edit:plan:own-org",
  "edit:plan-rows:own-org",
  "sign:plan:own-org",
];

/** Streets and community secretaries convene in their area and take part where their unit is a party. */
const convenerGrants: Grant[] = [
  "whistle:council:own-area",
  "convene:council:own-area",
  "propose:council-topic:own-area",
  "report:whistle:own-org",
  "participate:council:own-org",
  // The plan's editors are the council's: who convenes it and who sits on it (docs/decisions/0015).
  "edit:plan:own-area",
  "edit:plan:own-org",
  "edit:plan-rows:own-org",
  "sign:plan:own-org",
];

/**
 * The table. A role has exactly the grants listed; nothing is implied.
 * Ticket rights: the centre dispatches, supervises and calls back anywhere;
 * a unit handles what is assigned to it (own-org: lead, co-handler or first
 * receiver, as the service states per action); streets and communities also
 * read what happens in their area; residents see and rate their own.
 */
export const grantsByRole: Record<Role, readonly Grant[]> = {
  // The administrator may do everything, anywhere.
  admin: permissions.map((p): Grant => `${p}:any`),
  operator: [
    "read:organisation:any",
    "read:region:any",
    "read:ticket:any",
    "create:ticket:any",
    "dispatch:ticket:any",
    "supervise:ticket:any",
    "callback:ticket:any",
    "read:ticket-contact:any",
    "import:ticket:any",
    "read:scorecard:any",
    "read:council:any",
    "read:plan:any",
    "read:map:any",
    "read:insight:any",
    "manage:governance-street:any",
  ],
  street_officer: [
    "read:organisation:own-org",
    "read:membership:own-org",
    "read:region:any",
    "read:ticket:own-area",
    "read:ticket:own-org",
    "dispatch:ticket:own-org",
    "handle:ticket:own-org",
    "appeal:ticket:own-org",
    "read:ticket-contact:own-org",
    "read:scorecard:own-org",
    "read:insight:own-area",
    "review:insight:own-area",
    // A street draws up its own monthly problems (every area of one inside the street); the city's are the admin's.
    "manage:monthly_problem:own-area",
    ...staffSections,
    ...convenerGrants,
  ],
  community_secretary: [
    "read:organisation:own-org",
    "read:membership:own-org",
    "read:region:any",
    "read:ticket:own-area",
    "read:ticket:own-org",
    "handle:ticket:own-org",
    "appeal:ticket:own-org",
    "read:ticket-contact:own-org",
    "read:scorecard:own-org",
    "read:insight:own-area",
    "review:insight:own-area",
    ...staffSections,
    ...convenerGrants,
  ],
  community_worker: [
    "read:organisation:own-org",
    "read:membership:own-org",
    "read:region:any",
    "read:ticket:own-area",
    "read:ticket:own-org",
    "handle:ticket:own-org",
    "read:ticket-contact:own-org",
    ...staffSections,
    "propose:council-topic:own-area",
    "report:whistle:own-org",
    "participate:council:own-org",
    // A worker writes the community's rows; the secretary signs for the community.
    "edit:plan:own-org",
    "edit:plan-rows:own-org",
  ],
  department_officer: [
    "read:organisation:own-org",
    "read:membership:own-org",
    "read:region:any",
    "read:ticket:own-org",
    "handle:ticket:own-org",
    "appeal:ticket:own-org",
    "read:ticket-contact:own-org",
    "read:scorecard:own-org",
    ...partyGrants,
    "read:plan:own-org",
    "read:map:any",
    "read:insight:own-area",
  ],
  property_manager: [
    "read:organisation:own-org",
    "read:membership:own-org",
    "read:region:any",
    "read:ticket:own-org",
    "handle:ticket:own-org",
    "read:ticket-contact:own-org",
    ...partyGrants,
    "read:plan:own-org",
    "read:map:any",
  ],
  committee_member: [
    "read:organisation:own-org",
    "read:membership:own-org",
    "read:region:any",
    ...partyGrants,
    "read:plan:own-org",
    "read:map:any",
  ],
  resident: [
    "read:region:any",
    "read:ticket:own",
    "create:ticket:own",
    "callback:ticket:own",
    "read:ticket-contact:own",
    // A resident reads and takes part in the councils they represent residents on (own: the
    // council service names the actor as owner when they are a representative); every other
    // council they see on its public page. They propose topics and review outcomes in their community.
    "read:council:own",
    "participate:council:own",
    "propose:council-topic:own-area",
    "review:council:own-area",
    // A representative co-edits the plan text and problem list of their council; they own no rows.
    "read:plan:own",
    "edit:plan:own",
    "read:map:any",
  ],
};

/** What an organisation's managers may do in it, whatever their role. */
export const managerGrants: readonly Grant[] = [
  "read:membership:managed-org",
  "manage:membership:managed-org",
  "invite:user:managed-org",
];

/** Which roles a member of each kind of organisation can hold. */
export const rolesByOrgKind: Record<OrgKind, readonly Role[]> = {
  hotline_centre: ["operator"],
  street_office: ["street_officer"],
  community_committee: ["community_secretary", "community_worker"],
  department: ["department_officer"],
  property_company: ["property_manager"],
  owners_committee: ["committee_member"],
  co_building_unit: ["committee_member"],
  // Water, power, gas and heating companies handle tickets the way departments do.
  utility_company: ["department_officer"],
};

export interface ActorGrant {
  role: Role;
  orgId: number | null;
  orgKind: OrgKind | null;
  /** The organisation's region, or a resident's community. */
  regionCode: string | null;
  manager: boolean;
}

export interface Actor {
  userId: number;
  username: string;
  displayName: string;
  grants: ActorGrant[];
}

/** What a permission is asked about. Omit it to ask "in any scope at all?". */
export interface Target {
  orgId?: number | null;
  /** Several organisations (a ticket's lead, co-handlers, first receiver): any of them counts as the actor's own. */
  orgIds?: readonly (number | null)[];
  regionCode?: string | null;
  ownerUserId?: number | null;
}

function isTargetOrg(orgId: number | null, target: Target): boolean {
  return orgId != null && (target.orgId === orgId || (target.orgIds?.includes(orgId) ?? false));
}

function scopeAllows(scope: Scope, g: ActorGrant, actor: Actor, target: Target | undefined): boolean {
  if (target === undefined) return true;
  switch (scope) {
    case "any":
      return true;
    case "own-area":
      return g.regionCode != null && target.regionCode != null && regionContains(g.regionCode, target.regionCode);
    case "own-org":
      return isTargetOrg(g.orgId, target);
    case "managed-org":
      return g.manager && isTargetOrg(g.orgId, target);
    case "own":
      return target.ownerUserId != null && target.ownerUserId === actor.userId;
  }
}

/**
 * Each permission a grant holds, with its scopes in the table's order: read from the tables above once
 * per role (and manager flag). A page asks `can` a few dozen times (the header's menu, each form's
 * buttons); reading the role's whole list for each question was ~0.6 % of the ticket queue's CPU.
 */
const scopesByGrant = new Map<string, ReadonlyMap<Permission, readonly Scope[]>>();

function scopesHeld(g: ActorGrant): ReadonlyMap<Permission, readonly Scope[]> {
  const key = g.manager ? `${g.role} manager` : g.role;
  let held = scopesByGrant.get(key);
  if (!held) {
    const scopes = new Map<Permission, Scope[]>();
    for (const grant of g.manager ? [...grantsByRole[g.role], ...managerGrants] : grantsByRole[g.role]) {
      const at = grant.lastIndexOf(":");
      const permission = grant.slice(0, at) as Permission;
      const listed = scopes.get(permission) ?? [];
      if (!listed.length) scopes.set(permission, listed);
      listed.push(grant.slice(at + 1) as Scope);
    }
    scopesByGrant.set(key, (held = scopes));
  }
  return held;
}

/**
 * Each of the actor's grants that holds `permission`, with the scope it holds it in: what `can` checks
 * a target against, and what a list's query filter is built from (conditions.ts), so both read the
 * same table.
 */
export function scopedGrants(actor: Actor | null, permission: Permission): { scope: Scope; grant: ActorGrant }[] {
  if (!actor) return [];
  const out: { scope: Scope; grant: ActorGrant }[] = [];
  for (const grant of actor.grants)
    for (const scope of scopesHeld(grant).get(permission) ?? []) out.push({ scope, grant });
  return out;
}

/** The scopes in which the actor holds `permission` (for filtering queries). */
export function scopesFor(actor: Actor | null, permission: Permission): Scope[] {
  return [...new Set(scopedGrants(actor, permission).map((g) => g.scope))];
}

/**
 * May `actor` do `permission` on `target`? With no target: does the actor
 * hold the permission in any scope (e.g. to show a menu entry)?
 */
export function can(actor: Actor | null, permission: Permission, target?: Target): boolean {
  return scopedGrants(actor, permission).some(({ scope, grant }) => scopeAllows(scope, grant, actor!, target));
}

/** The organisations the actor belongs to (a person may hold roles in several). */
export function actorOrgIds(actor: Actor): number[] {
  return [...new Set(actor.grants.flatMap((g) => (g.orgId == null ? [] : [g.orgId])))];
}

/** The actor's own organisations in which they hold `permission`: the units they may act for. */
export function orgIdsWith(actor: Actor | null, permission: Permission): number[] {
  return actor ? actorOrgIds(actor).filter((orgId) => can(actor, permission, { orgId })) : [];
}

/** May the actor give `role` (and manager rights) in an organisation of this kind? */
export function canAssignRole(actor: Actor | null, orgId: number, orgKind: OrgKind, role: Role): boolean {
  return rolesByOrgKind[orgKind].includes(role) && can(actor, "manage:membership", { orgId });
}
