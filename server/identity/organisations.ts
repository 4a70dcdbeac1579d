/**
 * Organisations and their members: listing what the actor may see, creating
 * organisations (admin), invitations by link, role changes and removals.
 */
import { and, asc, count, desc, eq, inArray, like, sql } from "drizzle-orm";
import { z } from "zod";
import type { Database, Queryable, Tx } from "../../db/client";
import {
  auditLog,
  invitations,
  memberships,
  organisations,
  orgKinds,
  regions,
  roles,
  users,
  type Role,
} from "../../db/schema";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "../errors";
import { isOpenInvitation, parseOrThrow } from "./accounts";
import { audit } from "./audit";
import { actorOrgIds, can, rolesByOrgKind, type Actor } from "./permissions";
import { permissionCondition } from "./conditions";
import { generateToken, hashToken } from "./tokens";
import { newestFirstPage } from "../keyset";
import { regionPath } from "../regions";

interface Meta {
  ip: string;
}

const DAY = 24 * 60 * 60 * 1000;
/** Long enough to reach someone over a weekend and a holiday, short enough that a leaked link goes stale. */
export const INVITATION_LIFETIME_MS = 7 * DAY;

/**
 * Writes an invitation link inside the caller's transaction. The caller has
 * authorised it: an organisation's manager (createInvitation), or a whistle
 * summoning a unit that has no account yet (server/councils).
 */
export async function insertInvitation(
  tx: Tx,
  input: { orgId: number; role: Role; manager: boolean; note: string | null; createdBy: number; now: Date },
) {
  const token = generateToken();
  const expiresAt = new Date(input.now.getTime() + INVITATION_LIFETIME_MS);
  const [row] = await tx
    .insert(invitations)
    .values({
      tokenHash: hashToken(token),
      orgId: input.orgId,
      role: input.role,
      manager: input.manager,
      note: input.note,
      createdBy: input.createdBy,
      createdAt: input.now,
      expiresAt,
    })
    .returning({ id: invitations.id });
  return { token, expiresAt, invitationId: row!.id };
}

/** The active members of these organisations (a unit's people: its notices, its seats at a council). */
export async function membersOf(db: Queryable, orgIds: readonly number[]) {
  if (orgIds.length === 0) return [];
  const rows = await db
    .selectDistinct({ userId: memberships.userId, orgId: memberships.orgId, displayName: users.displayName })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(inArray(memberships.orgId, [...orgIds]), eq(users.status, "active")))
    .orderBy(asc(memberships.userId));
  return rows.map((r) => ({ userId: r.userId, orgId: r.orgId!, displayName: r.displayName }));
}

/** Users by id: their display names. */
export async function userBriefs(db: Queryable, userIds: readonly number[]) {
  if (userIds.length === 0) return [];
  return db
    .select({ userId: users.id, displayName: users.displayName })
    .from(users)
    .where(inArray(users.id, [...userIds]));
}

/** Which of `userIds` are active residents of the region (a community, or an area's communities). */
export async function residentsAmong(
  db: Queryable,
  regionCode: string,
  userIds: readonly number[],
): Promise<Set<number>> {
  if (userIds.length === 0) return new Set();
  const rows = await db
    .select({ userId: users.id })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(
      and(
        eq(memberships.role, "resident"),
        eq(users.status, "active"),
        like(memberships.regionCode, `${regionCode}%`),
        inArray(users.id, [...userIds]),
      ),
    );
  return new Set(rows.map((r) => r.userId));
}

/** Organisations by id: name, kind and place. */
export async function orgBriefs(db: Queryable, orgIds: readonly number[]) {
  if (orgIds.length === 0) return [];
  return db
    .select({
      id: organisations.id,
      name: organisations.name,
      kind: organisations.kind,
      regionCode: organisations.regionCode,
    })
    .from(organisations)
    .where(inArray(organisations.id, [...orgIds]));
}

/** An organisation as lists and its page show it: name, kind and place (join `regions` on its code). */
const orgSummary = {
  id: organisations.id,
  name: organisations.name,
  kind: organisations.kind,
  regionCode: organisations.regionCode,
  regionName: regions.name,
};

/** How many organisations the list shows at once: a city has thousands, found by name. */
export const ORGS_SHOWN = 100;

/**
 * The organisations the actor may see (all for an administrator, their own otherwise), by kind and
 * name; those whose name contains `q` when it is given. The first ORGS_SHOWN, and how many match.
 */
export async function listOrganisations(database: Database, actor: Actor, options: { q?: string } = {}) {
  if (!can(actor, "read:organisation")) throw new ForbiddenError();
  const q = options.q?.trim() ?? "";
  const where = and(
    // The same target as an organisation's page asks about: the organisation itself.
    permissionCondition(actor, "read:organisation", { hasOrg: (orgId) => eq(organisations.id, orgId) }),
    q ? sql`instr(${organisations.name}, ${q}) > 0` : undefined,
  );
  const [orgs, total] = await Promise.all([
    database.db
      .select({
        ...orgSummary,
        members: sql<number>`(select count(*) from ${memberships} where ${memberships.orgId} = ${organisations.id})`,
      })
      .from(organisations)
      .innerJoin(regions, eq(organisations.regionCode, regions.code))
      .where(where)
      .orderBy(asc(organisations.kind), asc(organisations.name))
      .limit(ORGS_SHOWN),
    database.db.select({ n: count() }).from(organisations).where(where).get(),
  ]);
  return { orgs, total: total?.n ?? 0 };
}

/** How many members an organisation's page shows at once: a street office or a department has hundreds, found by name. */
export const MEMBERS_SHOWN = 100;

/**
 * An organisation with what the actor may see of it: its members (managers first, then by name; those
 * whose name or username contains `q` when given; the first MEMBERS_SHOWN, and how many match), its open
 * invitations, and what the actor may do there.
 */
export async function getOrganisation(
  database: Database,
  actor: Actor,
  orgId: number,
  options: { q?: string; now?: Date } = {},
) {
  const now = options.now ?? new Date();
  const q = options.q?.trim() ?? "";
  const org = await database.db
    .select(orgSummary)
    .from(organisations)
    .innerJoin(regions, eq(organisations.regionCode, regions.code))
    .where(eq(organisations.id, orgId))
    .get();
  if (!org) throw new NotFoundError("组织不存在");
  if (!can(actor, "read:organisation", { orgId })) throw new ForbiddenError();
  const seeMembers = can(actor, "read:membership", { orgId });
  const memberWhere = and(
    eq(memberships.orgId, orgId),
    // instr, not like: a typed % or _ is then a character, not a wildcard.
    q ? sql`(instr(${users.displayName}, ${q}) > 0 or instr(${users.username}, ${q.toLowerCase()}) > 0)` : undefined,
  );
  const [members, memberTotal] = seeMembers
    ? await Promise.all([
        database.db
          .select({
            membershipId: memberships.id,
            userId: users.id,
            username: users.username,
            displayName: users.displayName,
            status: users.status,
            role: memberships.role,
            manager: memberships.manager,
          })
          .from(memberships)
          .innerJoin(users, eq(memberships.userId, users.id))
          .where(memberWhere)
          .orderBy(desc(memberships.manager), asc(users.displayName), asc(memberships.id))
          .limit(MEMBERS_SHOWN),
        database.db
          .select({ n: count() })
          .from(memberships)
          .innerJoin(users, eq(memberships.userId, users.id))
          .where(memberWhere)
          .get()
          .then((row) => row?.n ?? 0),
      ])
    : [[], 0];
  const openInvitations = can(actor, "invite:user", { orgId })
    ? await database.db
        .select({
          id: invitations.id,
          role: invitations.role,
          manager: invitations.manager,
          note: invitations.note,
          expiresAt: invitations.expiresAt,
        })
        .from(invitations)
        .where(and(eq(invitations.orgId, orgId), isOpenInvitation(now)))
        .orderBy(desc(invitations.createdAt))
    : [];
  return {
    org,
    members,
    memberTotal,
    invitations: openInvitations,
    assignableRoles: rolesByOrgKind[org.kind],
    canManage: can(actor, "manage:membership", { orgId }),
    canInvite: can(actor, "invite:user", { orgId }),
  };
}

export const organisationSchema = z.object({
  name: z.string().trim().min(2, "请输入组织名称").max(60, "名称过长"),
  kind: z.enum(orgKinds, { message: "请选择组织类型" }),
  regionCode: z.string().regex(/^\d{6,12}$/, "请选择所属区域"),
});

export async function createOrganisation(database: Database, actor: Actor, input: unknown, meta: Meta) {
  if (!can(actor, "manage:organisation")) throw new ForbiddenError();
  const data = parseOrThrow(organisationSchema, input);
  return database.write(async (tx) => {
    const region = await tx.query.regions.findFirst({ where: eq(regions.code, data.regionCode) });
    if (!region) throw new ValidationError("请选择所属区域", { regionCode: ["区域不存在"] });
    const clash = await tx.query.organisations.findFirst({
      where: and(eq(organisations.name, data.name), eq(organisations.regionCode, data.regionCode)),
    });
    if (clash) throw new ValidationError("该区域已有同名组织", { name: ["该区域已有同名组织"] });
    const [org] = await tx.insert(organisations).values(data).returning({ id: organisations.id });
    await audit(tx, {
      actorUserId: actor.userId,
      action: "organisation.created",
      entity: "organisation",
      entityId: org!.id,
      detail: data,
      ip: meta.ip,
    });
    return org!.id;
  });
}

export const invitationSchema = z.object({
  role: z.enum(roles, { message: "请选择角色" }),
  manager: z
    .union([z.boolean(), z.literal("on"), z.literal("true"), z.literal("false")])
    .optional()
    .transform((v) => v === true || v === "on" || v === "true"),
  note: z.string().trim().max(100, "备注过长").optional(),
});

/** Creates a single-use invitation link; returns the token (shown once, stored only as a hash). */
export async function createInvitation(
  database: Database,
  actor: Actor,
  orgId: number,
  input: unknown,
  meta: Meta,
  now = new Date(),
) {
  const data = parseOrThrow(invitationSchema, input);
  return database.write(async (tx) => {
    const org = await tx.query.organisations.findFirst({ where: eq(organisations.id, orgId) });
    if (!org) throw new NotFoundError("组织不存在");
    if (!can(actor, "invite:user", { orgId })) throw new ForbiddenError();
    if (!rolesByOrgKind[org.kind].includes(data.role)) {
      throw new ValidationError("该组织不能设此角色", { role: ["该组织不能设此角色"] });
    }
    const { token, expiresAt, invitationId } = await insertInvitation(tx, {
      orgId,
      role: data.role,
      manager: data.manager,
      note: data.note || null,
      createdBy: actor.userId,
      now,
    });
    await audit(tx, {
      actorUserId: actor.userId,
      action: "invitation.created",
      entity: "organisation",
      entityId: orgId,
      detail: { invitationId, role: data.role, manager: data.manager },
      ip: meta.ip,
    });
    return { token, expiresAt, invitationId };
  });
}

export async function revokeInvitation(database: Database, actor: Actor, invitationId: number, meta: Meta) {
  await database.write(async (tx) => {
    const inv = await tx.query.invitations.findFirst({ where: eq(invitations.id, invitationId) });
    if (!inv) throw new NotFoundError("邀请不存在");
    if (!can(actor, "invite:user", { orgId: inv.orgId })) throw new ForbiddenError();
    if (inv.acceptedAt || inv.revokedAt) throw new ConflictError("邀请已使用或已撤销");
    await tx.update(invitations).set({ revokedAt: new Date() }).where(eq(invitations.id, invitationId));
    await audit(tx, {
      actorUserId: actor.userId,
      action: "invitation.revoked",
      entity: "organisation",
      entityId: inv.orgId,
      detail: { invitationId },
      ip: meta.ip,
    });
  });
}

export const membershipChangeSchema = z.object({
  role: z.enum(roles, { message: "请选择角色" }),
  manager: invitationSchema.shape.manager,
});

async function loadMembershipForChange(database: Database, actor: Actor, membershipId: number) {
  const m = await database.db
    .select({ id: memberships.id, userId: memberships.userId, orgId: memberships.orgId, kind: organisations.kind })
    .from(memberships)
    .innerJoin(organisations, eq(memberships.orgId, organisations.id))
    .where(eq(memberships.id, membershipId))
    .get();
  if (!m || m.orgId == null) throw new NotFoundError("成员不存在");
  if (!can(actor, "manage:membership", { orgId: m.orgId })) throw new ForbiddenError();
  return { ...m, orgId: m.orgId };
}

/** Changes a member's role or manager rights: a permission change, audited with before and after. */
export async function changeMembership(
  database: Database,
  actor: Actor,
  membershipId: number,
  input: unknown,
  meta: Meta,
) {
  const data = parseOrThrow(membershipChangeSchema, input);
  const m = await loadMembershipForChange(database, actor, membershipId);
  if (!rolesByOrgKind[m.kind].includes(data.role)) {
    throw new ValidationError("该组织不能设此角色", { role: ["该组织不能设此角色"] });
  }
  if (m.userId === actor.userId && !data.manager) {
    // Keeps an organisation from losing its last manager by accident.
    throw new ConflictError("不能撤销自己的管理权限");
  }
  await database.write(async (tx) => {
    const before = await tx.query.memberships.findFirst({ where: eq(memberships.id, membershipId) });
    await tx
      .update(memberships)
      .set({ role: data.role, manager: data.manager })
      .where(eq(memberships.id, membershipId));
    await audit(tx, {
      actorUserId: actor.userId,
      action: "membership.changed",
      entity: "organisation",
      entityId: m.orgId,
      detail: {
        membershipId,
        userId: m.userId,
        before: { role: before?.role, manager: before?.manager },
        after: data,
      },
      ip: meta.ip,
    });
  });
}

export async function removeMembership(database: Database, actor: Actor, membershipId: number, meta: Meta) {
  const m = await loadMembershipForChange(database, actor, membershipId);
  if (m.userId === actor.userId) throw new ConflictError("不能将自己移出组织");
  await database.write(async (tx) => {
    const before = await tx.query.memberships.findFirst({ where: eq(memberships.id, membershipId) });
    await tx.delete(memberships).where(eq(memberships.id, membershipId));
    await audit(tx, {
      actorUserId: actor.userId,
      action: "membership.removed",
      entity: "organisation",
      entityId: m.orgId,
      detail: { membershipId, userId: m.userId, role: before?.role, manager: before?.manager },
      ip: meta.ip,
    });
  });
}

export const USERS_PAGE = 50;

/**
 * Admin: a page of accounts, newest first, with their roles; those whose username, name or phone
 * contains `q` when it is given. A city's residents register by the hundred thousand: the page
 * finds one by name or phone, or pages back through the newest.
 */
export async function listUsers(database: Database, actor: Actor, options: { q?: string; cursor?: string } = {}) {
  if (!can(actor, "manage:user")) throw new ForbiddenError();
  const q = options.q?.trim() ?? "";
  // instr, not like: a typed % or _ is then a character, not a wildcard.
  const match = q
    ? sql`(instr(${users.username}, ${q.toLowerCase()}) > 0 or instr(${users.displayName}, ${q}) > 0 or instr(coalesce(${users.phone}, ''), ${q}) > 0)`
    : undefined;
  const { rows: page, next } = await newestFirstPage(
    options.cursor,
    USERS_PAGE,
    (after, order, limit) =>
      database.db
        .select({
          id: users.id,
          username: users.username,
          displayName: users.displayName,
          status: users.status,
          createdAt: users.createdAt,
        })
        .from(users)
        .where(and(match, after))
        .orderBy(...order)
        .limit(limit),
    { time: users.createdAt, id: users.id, of: (u) => u.createdAt },
  );
  const roles = page.length
    ? await database.db
        .select({ userId: memberships.userId, role: memberships.role, orgName: organisations.name })
        .from(memberships)
        .leftJoin(organisations, eq(memberships.orgId, organisations.id))
        .where(
          inArray(
            memberships.userId,
            page.map((u) => u.id),
          ),
        )
        .orderBy(asc(memberships.id))
    : [];
  return {
    users: page.map((u) => ({
      id: u.id,
      username: u.username,
      displayName: u.displayName,
      status: u.status,
      memberships: roles.filter((r) => r.userId === u.id).map((r) => ({ role: r.role, orgName: r.orgName })),
    })),
    next,
  };
}

export const AUDIT_PAGE_SIZE = 50;

/** Admin: the audit log, newest first. */
export async function listAudit(database: Database, actor: Actor, page = 1) {
  if (!can(actor, "read:audit")) throw new ForbiddenError();
  const rows = await database.db
    .select({
      id: auditLog.id,
      at: auditLog.at,
      action: auditLog.action,
      entity: auditLog.entity,
      entityId: auditLog.entityId,
      detail: auditLog.detail,
      ip: auditLog.ip,
      actor: users.username,
    })
    .from(auditLog)
    .leftJoin(users, eq(auditLog.actorUserId, users.id))
    .orderBy(desc(auditLog.id))
    .limit(AUDIT_PAGE_SIZE + 1)
    .offset((Math.max(1, page) - 1) * AUDIT_PAGE_SIZE);
  return { rows: rows.slice(0, AUDIT_PAGE_SIZE), hasMore: rows.length > AUDIT_PAGE_SIZE };
}

/** The actor's roles with their organisation and place, for the home page. */
export async function describeGrants(database: Database, actor: Actor) {
  const orgIds = actorOrgIds(actor);
  const orgs = orgIds.length
    ? await database.db
        .select({ id: organisations.id, name: organisations.name })
        .from(organisations)
        .where(inArray(organisations.id, orgIds))
    : [];
  const names = new Map(orgs.map((o) => [o.id, o.name]));
  return Promise.all(
    actor.grants.map(async (g) => ({
      role: g.role,
      manager: g.manager,
      orgId: g.orgId,
      orgName: g.orgId == null ? null : (names.get(g.orgId) ?? null),
      regionCode: g.regionCode,
      regionPath: g.regionCode ? (await regionPath(database, g.regionCode)).map((r) => r.name) : [],
    })),
  );
}

/** Admin overview numbers. */
export async function identitySummary(database: Database, actor: Actor) {
  if (!can(actor, "manage:organisation")) throw new ForbiddenError();
  const [[u], [o], [r]] = await Promise.all([
    database.db.select({ n: count() }).from(users),
    database.db.select({ n: count() }).from(organisations),
    database.db.select({ n: count() }).from(regions),
  ]);
  return { users: u!.n, organisations: o!.n, regions: r!.n };
}
