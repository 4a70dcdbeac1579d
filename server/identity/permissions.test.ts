/**
 * The permission module's decision table (DESIGN.md: "Permissions are a
 * table, tested as a table"). The expected tables below are written out by
 * hand on purpose: a change to `grantsByRole` must be made here too, so every
 * widening or narrowing of a role's rights is a visible, reviewed change.
 */
import { describe, expect, it } from "vitest";
import { orgKinds, roles, type OrgKind, type Role } from "../../db/schema/identity";
import {
  can,
  canAssignRole,
  grantsByRole,
  managerGrants,
  permissions,
  rolesByOrgKind,
  scopes,
  scopesFor,
  type Actor,
  type ActorGrant,
  type Permission,
  type Scope,
  type Target,
} from "./permissions";

/** role → permission → the scope(s) in which a plain (non-manager) member holds it. Absent: not held. */
const expectedScopes: Record<Role, Partial<Record<Permission, Scope | Scope[]>>> = {
  // The administrator holds every permission, anywhere (checked below for each one).
  admin: Object.fromEntries(permissions.map((p) => [p, "any"])),
  operator: {
    "read:organisation": "any",
    "read:region": "any",
    "read:ticket": "any",
    "create:ticket": "any",
    "dispatch:ticket": "any",
    "supervise:ticket": "any",
    "callback:ticket": "any",
    "read:ticket-contact": "any",
    "import:ticket": "any",
    "read:scorecard": "any",
    "read:council": "any",
    "read:plan": "any",
    "read:map": "any",
    "read:insight": "any",
    "manage:governance-street": "any",
  },
  street_officer: {
    "read:organisation": "own-org",
    "read:membership": "own-org",
    "read:region": "any",
    "read:ticket": ["own-area", "own-org"],
    "dispatch:ticket": "own-org",
    "handle:ticket": "own-org",
    "appeal:ticket": "own-org",
    "read:ticket-contact": "own-org",
    "read:scorecard": "own-org",
    "read:council": "own-area",
    "read:plan": "own-area",
    "read:map": "any",
    "read:insight": "own-area",
    "review:insight": "own-area",
    "manage:monthly_problem": "own-area",
    "whistle:council": "own-area",
    "convene:council": "own-area",
    "propose:council-topic": "own-area",
    "report:whistle": "own-org",
    "participate:council": "own-org",
    "edit:plan": ["own-area", "own-org"],
    "edit:plan-rows": "own-org",
    "sign:plan": "own-org",
  },
  community_secretary: {
    "read:organisation": "own-org",
    "read:membership": "own-org",
    "read:region": "any",
    "read:ticket": ["own-area", "own-org"],
    "handle:ticket": "own-org",
    "appeal:ticket": "own-org",
    "read:ticket-contact": "own-org",
    "read:scorecard": "own-org",
    "read:council": "own-area",
    "read:plan": "own-area",
    "read:map": "any",
    "read:insight": "own-area",
    "review:insight": "own-area",
    "whistle:council": "own-area",
    "convene:council": "own-area",
    "propose:council-topic": "own-area",
    "report:whistle": "own-org",
    "participate:council": "own-org",
    "edit:plan": ["own-area", "own-org"],
    "edit:plan-rows": "own-org",
    "sign:plan": "own-org",
  },
  community_worker: {
    "read:organisation": "own-org",
    "read:membership": "own-org",
    "read:region": "any",
    "read:ticket": ["own-area", "own-org"],
    "handle:ticket": "own-org",
    "read:ticket-contact": "own-org",
    "read:council": "own-area",
    "propose:council-topic": "own-area",
    "report:whistle": "own-org",
    "participate:council": "own-org",
    "read:plan": "own-area",
    "edit:plan": "own-org",
    "edit:plan-rows": "own-org",
    "read:map": "any",
  },
  department_officer: {
    "read:organisation": "own-org",
    "read:membership": "own-org",
    "read:region": "any",
    "read:ticket": "own-org",
    "handle:ticket": "own-org",
    "appeal:ticket": "own-org",
    "read:ticket-contact": "own-org",
    "read:scorecard": "own-org",
    "read:council": "own-org",
    "report:whistle": "own-org",
    "participate:council": "own-org",
    "edit:plan": "own-org",
    "edit:plan-rows": "own-org",
    "sign:plan": "own-org",
    "read:plan": "own-org",
    "read:map": "any",
    "read:insight": "own-area",
  },
  property_manager: {
    "read:organisation": "own-org",
    "read:membership": "own-org",
    "read:region": "any",
    "read:ticket": "own-org",
    "handle:ticket": "own-org",
    "read:ticket-contact": "own-org",
    "read:council": "own-org",
    "report:whistle": "own-org",
    "participate:council": "own-org",
    "edit:plan": "own-org",
    "edit:plan-rows": "own-org",
    "sign:plan": "own-org",
    "read:plan": "own-org",
    "read:map": "any",
  },
  committee_member: {
    "read:organisation": "own-org",
    "read:membership": "own-org",
    "read:region": "any",
    "read:council": "own-org",
    "report:whistle": "own-org",
    "participate:council": "own-org",
    "edit:plan": "own-org",
    "edit:plan-rows": "own-org",
    "sign:plan": "own-org",
    "read:plan": "own-org",
    "read:map": "any",
  },
  resident: {
    "read:region": "any",
    "read:ticket": "own",
    "create:ticket": "own",
    "callback:ticket": "own",
    "read:ticket-contact": "own",
    "read:council": "own",
    "participate:council": "own",
    "propose:council-topic": "own-area",
    "review:council": "own-area",
    "read:plan": "own",
    "edit:plan": "own",
    "read:map": "any",
  },
};

/** What an organisation's manager holds on top of the role, whatever the role. */
const expectedManagerScopes: Partial<Record<Permission, Scope>> = {
  "read:membership": "managed-org",
  "manage:membership": "managed-org",
  "invite:user": "managed-org",
};

/** A believable grant per role: its organisation and the area it stands for. */
interface Fixture {
  orgId: number | null;
  orgKind: OrgKind | null;
  regionCode: string | null;
  /** A place inside the area, and one outside it. */
  inside: string;
  outside: string;
}

const fixtures: Record<Role, Fixture> = {
  admin: { orgId: null, orgKind: null, regionCode: null, inside: "110102013901", outside: "120101001001" },
  operator: { orgId: 1, orgKind: "hotline_centre", regionCode: "110000", inside: "110108025901", outside: "120101" },
  street_officer: {
    orgId: 2,
    orgKind: "street_office",
    regionCode: "110102013",
    inside: "110102013901",
    outside: "110102019901",
  },
  community_secretary: {
    orgId: 9,
    orgKind: "community_committee",
    regionCode: "110102013901",
    inside: "110102013901",
    outside: "110102013902",
  },
  community_worker: {
    orgId: 9,
    orgKind: "community_committee",
    regionCode: "110102013901",
    inside: "110102013901",
    outside: "110102019901",
  },
  department_officer: {
    orgId: 17,
    orgKind: "department",
    regionCode: "110102",
    inside: "110102019901",
    outside: "110108025901",
  },
  property_manager: {
    orgId: 24,
    orgKind: "property_company",
    regionCode: "110102013",
    inside: "110102013901",
    outside: "110102010901",
  },
  committee_member: {
    orgId: 28,
    orgKind: "owners_committee",
    regionCode: "110108025901",
    inside: "110108025901",
    outside: "110102013901",
  },
  resident: { orgId: null, orgKind: null, regionCode: "110102013901", inside: "110102013901", outside: "110102019901" },
};

const USER_ID = 42;
const OTHER_ORG = 999;

function actorWith(...grants: ActorGrant[]): Actor {
  return { userId: USER_ID, username: "someone", displayName: "某人", grants };
}

function grantFor(role: Role, manager = false): ActorGrant {
  const f = fixtures[role];
  return { role, orgId: f.orgId, orgKind: f.orgKind, regionCode: f.regionCode, manager };
}

/** The targets a scope is judged against, relative to the actor's grant. */
type TargetKind = "empty" | "ownOrg" | "otherOrg" | "inArea" | "outOfArea" | "ownRecord" | "othersRecord";
const targetKinds: TargetKind[] = ["empty", "ownOrg", "otherOrg", "inArea", "outOfArea", "ownRecord", "othersRecord"];

function target(kind: TargetKind, role: Role): Target {
  const f = fixtures[role];
  switch (kind) {
    case "empty":
      return {};
    case "ownOrg":
      return { orgId: f.orgId };
    case "otherOrg":
      return { orgId: OTHER_ORG };
    case "inArea":
      return { regionCode: f.inside };
    case "outOfArea":
      return { regionCode: f.outside };
    case "ownRecord":
      return { ownerUserId: USER_ID };
    case "othersRecord":
      return { ownerUserId: USER_ID + 1 };
  }
}

/**
 * Which targets each scope admits (for an actor whose grant has an
 * organisation and an area). `managed-org` admits its own organisation only
 * for a manager; that row is the manager's.
 */
const scopeAdmits: Record<Scope, readonly TargetKind[]> = {
  any: targetKinds,
  "own-area": ["inArea"],
  "own-org": ["ownOrg"],
  "managed-org": ["ownOrg"],
  own: ["ownRecord"],
};

describe("the grant table itself", () => {
  it("names a role for every role, and only those", () => {
    expect(Object.keys(grantsByRole).sort()).toEqual([...roles].sort());
    expect(Object.keys(expectedScopes).sort()).toEqual([...roles].sort());
  });

  it("spells every grant as a known permission and a known scope, without duplicates", () => {
    const all = [...Object.entries(grantsByRole), ["(manager)", managerGrants] as const];
    for (const [role, grants] of all) {
      for (const grant of grants) {
        const at = grant.lastIndexOf(":");
        const permission = grant.slice(0, at);
        const scope = grant.slice(at + 1);
        expect(permissions, `${role}: ${grant}`).toContain(permission);
        expect(scopes, `${role}: ${grant}`).toContain(scope);
      }
      expect(new Set(grants).size, `${role} lists a grant twice`).toBe(grants.length);
    }
  });
});

describe.each(roles)("role %s", (role) => {
  for (const manager of [false, true]) {
    const label = manager ? "as an organisation's manager" : "as a plain member";
    const hasOrg = fixtures[role].orgId != null;
    if (manager && !hasOrg) continue; // admins and residents belong to no organisation

    describe(label, () => {
      const actor = actorWith(grantFor(role, manager));
      const expected = (permission: Permission): Scope[] => {
        const own = [expectedScopes[role][permission] ?? []].flat();
        const extra = manager ? expectedManagerScopes[permission] : undefined;
        return [...new Set([...own, extra].filter((s): s is Scope => s !== undefined))].sort();
      };

      it.each(permissions)("holds %s exactly in the expected scopes (no target)", (permission) => {
        const want = expected(permission);
        expect(scopesFor(actor, permission).sort()).toEqual(want);
        expect(can(actor, permission)).toBe(want.length > 0);
      });

      it.each(permissions)("decides %s per target as its scope says", (permission) => {
        const admitted = new Set(expected(permission).flatMap((s) => scopeAdmits[s]));
        for (const kind of targetKinds) {
          expect(can(actor, permission, target(kind, role)), `${permission} on ${kind}`).toBe(admitted.has(kind));
        }
      });
    });
  }
});

describe("scoped decisions", () => {
  const street = actorWith(grantFor("street_officer"));

  it("a street officer reads tickets in the communities of their street, not a neighbour's", () => {
    expect(can(street, "read:ticket", { regionCode: "110102013901" })).toBe(true);
    expect(can(street, "read:ticket", { regionCode: "110102013" })).toBe(true);
    expect(can(street, "read:ticket", { regionCode: "110102019901" })).toBe(false);
    // the district above the street is not inside it
    expect(can(street, "read:ticket", { regionCode: "110102" })).toBe(false);
    // a target with no place is outside every area
    expect(can(street, "read:ticket", { regionCode: null })).toBe(false);
  });

  it("a department covering a district reads insights anywhere in that district only", () => {
    const dept = actorWith(grantFor("department_officer"));
    expect(can(dept, "read:insight", { regionCode: "110102019901" })).toBe(true);
    expect(can(dept, "read:insight", { regionCode: "110102013" })).toBe(true);
    expect(can(dept, "read:insight", { regionCode: "110108025901" })).toBe(false);
    // tickets follow the organisation they are assigned to, not the place
    expect(can(dept, "read:ticket", { regionCode: "110102019901" })).toBe(false);
    // a ticket names several units: any of them being the department's own counts
    expect(can(dept, "handle:ticket", { orgIds: [OTHER_ORG, fixtures.department_officer.orgId] })).toBe(true);
    expect(can(dept, "handle:ticket", { orgIds: [OTHER_ORG, null] })).toBe(false);
    expect(can(dept, "read:ticket", { orgId: fixtures.department_officer.orgId })).toBe(true);
    expect(can(dept, "read:ticket", { orgId: OTHER_ORG })).toBe(false);
  });

  it("the hotline operator's city-wide area is not mistaken for containment by digits", () => {
    // 110000 stands for prefix 11: all of Beijing, none of Tianjin (12…)
    const operator = actorWith(grantFor("operator"));
    expect(can(operator, "read:ticket", { regionCode: "120101001001" })).toBe(true); // scope any
    const cityWide: ActorGrant = { ...grantFor("street_officer"), regionCode: "110000" };
    const actor = actorWith(cityWide);
    expect(can(actor, "read:ticket", { regionCode: "110108025901" })).toBe(true);
    expect(can(actor, "read:ticket", { regionCode: "120101001001" })).toBe(false);
  });

  it("a resident reads their own tickets only, and only the councils they represent residents on", () => {
    const resident = actorWith(grantFor("resident"));
    expect(can(resident, "read:ticket", { ownerUserId: USER_ID })).toBe(true);
    expect(can(resident, "read:ticket", { ownerUserId: USER_ID + 1 })).toBe(false);
    expect(can(resident, "read:ticket", { ownerUserId: null })).toBe(false);
    // a ticket in their community filed by someone else is not theirs
    expect(can(resident, "read:ticket", { regionCode: "110102013901", ownerUserId: USER_ID + 1 })).toBe(false);
    // a council of their community is public to them, not open: only as its resident representative
    expect(can(resident, "read:council", { regionCode: "110102013901" })).toBe(false);
    expect(can(resident, "read:council", { regionCode: "110102013901", ownerUserId: USER_ID })).toBe(true);
    expect(can(resident, "propose:council-topic", { regionCode: "110102013901" })).toBe(true);
    expect(can(resident, "propose:council-topic", { regionCode: "110102019901" })).toBe(false);
    expect(can(resident, "convene:council", { regionCode: "110102013901" })).toBe(false);
    expect(can(resident, "read:organisation")).toBe(false);
  });

  it("own-org and managed-org: a manager manages their organisation; a plain member only reads it", () => {
    const orgId = fixtures.street_officer.orgId;
    const manager = actorWith(grantFor("street_officer", true));
    const member = actorWith(grantFor("street_officer", false));

    expect(can(manager, "manage:membership", { orgId })).toBe(true);
    expect(can(manager, "invite:user", { orgId })).toBe(true);
    expect(can(manager, "read:membership", { orgId })).toBe(true);
    expect(can(manager, "manage:membership", { orgId: OTHER_ORG })).toBe(false);
    expect(can(manager, "invite:user", { orgId: OTHER_ORG })).toBe(false);
    expect(can(manager, "read:membership", { orgId: OTHER_ORG })).toBe(false);

    expect(can(member, "read:membership", { orgId })).toBe(true);
    expect(can(member, "read:organisation", { orgId })).toBe(true);
    expect(can(member, "manage:membership", { orgId })).toBe(false);
    expect(can(member, "invite:user", { orgId })).toBe(false);
    expect(can(member, "manage:membership")).toBe(false);
  });

  it("managed-org never matches an organisation-less grant, even with manager set", () => {
    const odd = actorWith({ role: "resident", orgId: null, orgKind: null, regionCode: "110102013901", manager: true });
    expect(can(odd, "manage:membership", { orgId: null })).toBe(false);
    expect(can(odd, "manage:membership", {})).toBe(false);
  });

  it("an admin may do everything, on any target", () => {
    const admin = actorWith(grantFor("admin"));
    for (const permission of permissions) {
      expect(can(admin, permission, { orgId: OTHER_ORG, regionCode: "120101", ownerUserId: 7 })).toBe(true);
    }
  });

  it("several grants add up: each is judged with its own organisation and area", () => {
    const both = actorWith(grantFor("resident"), grantFor("department_officer", true));
    const deptOrg = fixtures.department_officer.orgId;
    expect(can(both, "read:ticket", { ownerUserId: USER_ID })).toBe(true);
    expect(can(both, "read:ticket", { orgId: deptOrg })).toBe(true);
    expect(can(both, "read:ticket", { orgId: OTHER_ORG })).toBe(false);
    expect(can(both, "invite:user", { orgId: deptOrg })).toBe(true);
    // the resident's community is not a managed organisation
    expect(can(both, "invite:user", { orgId: OTHER_ORG })).toBe(false);
    expect(scopesFor(both, "read:ticket").sort()).toEqual(["own", "own-org"]);
  });

  it("nobody signed in may do nothing", () => {
    for (const permission of permissions) {
      expect(can(null, permission)).toBe(false);
      expect(can(null, permission, {})).toBe(false);
      expect(scopesFor(null, permission)).toEqual([]);
    }
    expect(canAssignRole(null, 1, "street_office", "street_officer")).toBe(false);
  });

  it("an actor without grants may do nothing", () => {
    const empty = actorWith();
    for (const permission of permissions) expect(can(empty, permission)).toBe(false);
  });
});

describe("roles by organisation kind", () => {
  it("matches the table of who can belong where", () => {
    const expected: Record<OrgKind, Role[]> = {
      hotline_centre: ["operator"],
      street_office: ["street_officer"],
      community_committee: ["community_secretary", "community_worker"],
      department: ["department_officer"],
      property_company: ["property_manager"],
      owners_committee: ["committee_member"],
      co_building_unit: ["committee_member"],
      utility_company: ["department_officer"],
    };
    expect(Object.keys(rolesByOrgKind).sort()).toEqual([...orgKinds].sort());
    for (const kind of orgKinds) expect([...rolesByOrgKind[kind]].sort(), kind).toEqual(expected[kind].sort());
  });

  it("never lets an organisation hand out admin or resident", () => {
    for (const kind of orgKinds) {
      expect(rolesByOrgKind[kind]).not.toContain("admin");
      expect(rolesByOrgKind[kind]).not.toContain("resident");
    }
  });

  it("gives every staff role a home in some kind of organisation", () => {
    const placed = new Set(Object.values(rolesByOrgKind).flat());
    for (const role of roles.filter((r) => r !== "admin" && r !== "resident")) expect(placed, role).toContain(role);
  });
});

describe("canAssignRole", () => {
  const orgId = fixtures.community_secretary.orgId!;
  const manager = actorWith(grantFor("community_secretary", true));
  const member = actorWith(grantFor("community_worker", false));
  const admin = actorWith(grantFor("admin"));

  it("lets a manager give the roles their kind of organisation has, in their own organisation", () => {
    expect(canAssignRole(manager, orgId, "community_committee", "community_worker")).toBe(true);
    expect(canAssignRole(manager, orgId, "community_committee", "community_secretary")).toBe(true);
  });

  it("refuses roles the organisation cannot have, even to a manager or an admin", () => {
    for (const who of [manager, admin]) {
      expect(canAssignRole(who, orgId, "community_committee", "street_officer")).toBe(false);
      expect(canAssignRole(who, orgId, "community_committee", "admin")).toBe(false);
      expect(canAssignRole(who, orgId, "community_committee", "resident")).toBe(false);
    }
  });

  it("refuses a manager in another organisation and a plain member in their own", () => {
    expect(canAssignRole(manager, OTHER_ORG, "community_committee", "community_worker")).toBe(false);
    expect(canAssignRole(member, orgId, "community_committee", "community_worker")).toBe(false);
  });

  it("lets an admin assign in any organisation", () => {
    expect(canAssignRole(admin, OTHER_ORG, "department", "department_officer")).toBe(true);
    expect(canAssignRole(admin, orgId, "community_committee", "community_worker")).toBe(true);
  });
});
