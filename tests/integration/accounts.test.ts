/**
 * The identity services against a real database with the demo seed:
 * invitations, resident registration, membership changes, disabling
 * accounts — and the database guarantees they rely on.
 */
import { createHash } from "node:crypto";
import { and, count, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../db/client";
import { auditLog, invitations, memberships, organisations, sessions, users } from "../../db/schema";
import { DEMO_PASSWORD } from "../../db/seed/demo";
import { ConflictError, ForbiddenError, NotFoundError, ServiceError, ValidationError } from "../../server/errors";
import {
  acceptInvitation,
  BAD_CREDENTIALS,
  changeMembership,
  createInvitation,
  findOpenInvitation,
  INVITATION_LIFETIME_MS,
  getOrganisation,
  listOrganisations,
  listUsers,
  MEMBERS_SHOWN,
  ORGS_SHOWN,
  loadActor,
  USERS_PAGE,
  login,
  registerResident,
  revokeInvitation,
  setUserStatus,
  validateSessionToken,
  type Actor,
} from "../../server/identity";
import { actorOf, openTestDatabase, orgId, userId, type TestDatabase } from "../helpers/database";

const meta = { ip: "192.0.2.10", userAgent: "vitest" };
const DASHILAR = "大栅栏街道办事处";
const XIHEYAN = "西河沿社区居委会";

let t: TestDatabase;
let database: Database;
let street: Actor;
let admin: Actor;
let worker: Actor;
let secretary: Actor;
let resident: Actor;
let dashilar: number;
let xiheyan: number;

beforeAll(async () => {
  t = await openTestDatabase({ demo: true });
  database = t.database;
  street = await actorOf(database, "street");
  admin = await actorOf(database, "admin");
  worker = await actorOf(database, "worker");
  secretary = await actorOf(database, "secretary");
  resident = await actorOf(database, "resident");
  dashilar = await orgId(database, DASHILAR);
  xiheyan = await orgId(database, XIHEYAN);
});
afterAll(() => t?.close());

/** The error a promise rejects with; fails if it resolves. */
async function rejection(promise: Promise<unknown>): Promise<ServiceError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ServiceError);
    return error as ServiceError;
  }
  throw new Error("expected a rejection");
}

async function rows(table: typeof users | typeof invitations | typeof memberships | typeof auditLog) {
  const [row] = await database.db.select({ n: count() }).from(table);
  return row!.n;
}

async function lastAudit(action: string) {
  const found = await database.db.query.auditLog.findMany({ where: eq(auditLog.action, action) });
  return found.at(-1);
}

let accounts = 0;
function newAccount(prefix = "member") {
  accounts += 1;
  return { username: `${prefix}${accounts}`, displayName: `新成员${accounts}`, password: "a-long-password" };
}

/** Invites into `org` as `by` and accepts with a new account; returns the new user's id. */
async function inviteAndAccept(by: Actor, org: number, input: Record<string, unknown>) {
  const { token } = await createInvitation(database, by, org, input, meta);
  const accepted = await acceptInvitation(database, token, { account: newAccount() }, meta);
  return accepted.userId;
}

describe("invitations", () => {
  it("a manager invites into their own organisation; the link is accepted once, with a new account", async () => {
    const now = new Date();
    const inv = await createInvitation(
      database,
      street,
      dashilar,
      { role: "street_officer", note: "新同事" },
      meta,
      now,
    );
    expect(inv.expiresAt.getTime()).toBe(now.getTime() + INVITATION_LIFETIME_MS);

    // Only the hash is kept.
    const stored = await database.db.query.invitations.findFirst({ where: eq(invitations.id, inv.invitationId) });
    expect(stored?.tokenHash).toBe(createHash("sha256").update(inv.token).digest("hex"));
    const raw = await database.client.execute("SELECT * FROM invitations");
    expect(JSON.stringify(raw.rows)).not.toContain(inv.token);
    expect(await lastAudit("invitation.created")).toMatchObject({
      actorUserId: street.userId,
      entityId: String(dashilar),
      detail: { invitationId: inv.invitationId, role: "street_officer", manager: false },
    });

    expect(await findOpenInvitation(database, inv.token)).toMatchObject({
      id: inv.invitationId,
      orgId: dashilar,
      orgName: DASHILAR,
      orgKind: "street_office",
      role: "street_officer",
      manager: false,
    });

    const account = { username: "New.Officer", displayName: "新同事", password: "a-long-password" };
    const accepted = await acceptInvitation(database, inv.token, { account }, meta);
    expect(accepted.orgId).toBe(dashilar);
    const validated = await validateSessionToken(database, accepted.token!);
    expect(validated?.actor).toMatchObject({
      userId: accepted.userId,
      username: "new.officer",
      grants: [{ role: "street_officer", orgId: dashilar, regionCode: "110102013", manager: false }],
    });
    expect(await lastAudit("invitation.accepted")).toMatchObject({
      actorUserId: accepted.userId,
      detail: { invitationId: inv.invitationId, role: "street_officer", manager: false, newAccount: true },
    });

    // Second use: refused, and the second account is not created.
    const usersBefore = await rows(users);
    const again = await rejection(
      acceptInvitation(database, inv.token, { account: { ...account, username: "second.person" } }, meta),
    );
    expect(again).toBeInstanceOf(ConflictError);
    expect(again.status).toBe(409);
    expect(await rows(users)).toBe(usersBefore);
    expect(await findOpenInvitation(database, inv.token)).toBeNull();
  });

  it("carries manager rights when the invitation says so", async () => {
    const id = await inviteAndAccept(street, dashilar, { role: "street_officer", manager: "on" });
    expect((await loadActor(database, id))?.grants).toMatchObject([{ orgId: dashilar, manager: true }]);
  });

  it("a signed-in user accepting adds the organisation to their account", async () => {
    const { token } = await createInvitation(database, admin, dashilar, { role: "street_officer" }, meta);
    const accepted = await acceptInvitation(database, token, { actor: resident }, meta);
    expect(accepted.userId).toBe(resident.userId);
    expect(accepted.token).toBeUndefined(); // no new session: they are already signed in
    const grants = (await loadActor(database, resident.userId))!.grants;
    expect(grants.map((g) => g.role).sort()).toEqual(["resident", "street_officer"]);
  });

  it("refuses a member joining their own organisation twice, and leaves the link usable", async () => {
    const { token } = await createInvitation(database, street, dashilar, { role: "street_officer" }, meta);
    const error = await rejection(acceptInvitation(database, token, { actor: street }, meta));
    expect(error).toBeInstanceOf(ConflictError);
    // The claim was rolled back with the rest of the transaction.
    expect(await findOpenInvitation(database, token)).not.toBeNull();
  });

  it("refuses an expired invitation, from the expiry instant on", async () => {
    const t0 = new Date(Date.now() - 1000);
    const { token, expiresAt } = await createInvitation(
      database,
      street,
      dashilar,
      { role: "street_officer" },
      meta,
      t0,
    );
    expect(await findOpenInvitation(database, token, new Date(expiresAt.getTime() - 1))).not.toBeNull();
    expect(await findOpenInvitation(database, token, expiresAt)).toBeNull();
    const usersBefore = await rows(users);
    const error = await rejection(acceptInvitation(database, token, { account: newAccount() }, meta, expiresAt));
    expect(error).toBeInstanceOf(ConflictError);
    expect(await rows(users)).toBe(usersBefore);
  });

  it("refuses a revoked invitation; revoking is audited and happens once", async () => {
    const { token, invitationId } = await createInvitation(
      database,
      street,
      dashilar,
      { role: "street_officer" },
      meta,
    );
    expect(await rejection(revokeInvitation(database, secretary, invitationId, meta))).toBeInstanceOf(ForbiddenError);
    await revokeInvitation(database, street, invitationId, meta);
    expect(await lastAudit("invitation.revoked")).toMatchObject({
      actorUserId: street.userId,
      detail: { invitationId },
    });
    expect(await findOpenInvitation(database, token)).toBeNull();
    expect(await rejection(acceptInvitation(database, token, { account: newAccount() }, meta))).toBeInstanceOf(
      ConflictError,
    );
    expect(await rejection(revokeInvitation(database, street, invitationId, meta))).toBeInstanceOf(ConflictError);
  });

  it("forbids non-managers and managers of other organisations, and writes nothing", async () => {
    const plainOfficer = (await loadActor(
      database,
      await inviteAndAccept(street, dashilar, { role: "street_officer" }),
    ))!;
    const before = await rows(invitations);
    const cases: [string, Actor, number][] = [
      ["plain member of the organisation", plainOfficer, dashilar],
      ["plain member of another organisation", worker, dashilar],
      ["plain member inviting into their own", worker, xiheyan],
      ["manager of another organisation", secretary, dashilar],
      ["resident", resident, xiheyan],
    ];
    for (const [label, who, org] of cases) {
      const error = await rejection(createInvitation(database, who, org, { role: "street_officer" }, meta));
      expect(error, label).toBeInstanceOf(ForbiddenError);
      expect(error.status).toBe(403);
    }
    expect(await rows(invitations)).toBe(before);
    // The manager of the other organisation may invite into their own.
    await createInvitation(database, secretary, xiheyan, { role: "community_worker" }, meta);
    expect(await rows(invitations)).toBe(before + 1);
  });

  it("refuses a role the organisation cannot have, and an unknown organisation", async () => {
    for (const role of ["community_secretary", "admin", "resident"]) {
      const error = await rejection(createInvitation(database, street, dashilar, { role }, meta));
      expect(error, role).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).fieldErrors.role, role).toHaveLength(1);
    }
    const unknownRole = await rejection(createInvitation(database, street, dashilar, { role: "king" }, meta));
    expect((unknownRole as ValidationError).fieldErrors.role).toBeDefined();
    expect(await rejection(createInvitation(database, admin, 999_999, { role: "operator" }, meta))).toBeInstanceOf(
      NotFoundError,
    );
  });
});

describe("registerResident", () => {
  const valid = {
    username: "Zhou.Neighbour",
    displayName: "周邻居",
    password: "a-long-password",
    phone: "13900001111",
    communityCode: "110102013901",
  };

  it.each([
    ["username", { username: "A!" }],
    ["username", { username: "ab" }],
    ["username", { username: "-starts-with-dash" }],
    ["password", { password: "short" }],
    ["displayName", { displayName: "  " }],
    ["phone", { phone: "12345" }],
    ["communityCode", { communityCode: "110102013" }],
    ["communityCode", { communityCode: "110102013999" }],
  ])("refuses a bad %s with a field error, creating nothing", async (field, override) => {
    const before = await rows(users);
    const error = await rejection(registerResident(database, { ...valid, ...override }, meta));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.status).toBe(400);
    expect(Object.keys((error as ValidationError).fieldErrors)).toEqual([field]);
    expect(await rows(users)).toBe(before);
  });

  it("reports every bad field at once", async () => {
    const error = await rejection(
      registerResident(database, { username: "A", displayName: "", password: "x", communityCode: "" }, meta),
    );
    expect(Object.keys((error as ValidationError).fieldErrors).sort()).toEqual([
      "communityCode",
      "displayName",
      "password",
      "username",
    ]);
  });

  it("creates a resident of the community, signed in, with a hashed password", async () => {
    const registered = await registerResident(database, valid, meta);
    const user = await database.db.query.users.findFirst({ where: eq(users.id, registered.userId) });
    expect(user).toMatchObject({ username: "zhou.neighbour", displayName: "周邻居", phone: "13900001111" });
    expect(user!.passwordHash).toMatch(/^\$argon2id\$/);
    const membership = await database.db.query.memberships.findMany({
      where: eq(memberships.userId, registered.userId),
    });
    expect(membership).toMatchObject([{ role: "resident", orgId: null, regionCode: "110102013901", manager: false }]);
    const validated = await validateSessionToken(database, registered.token);
    expect(validated?.actor.userId).toBe(registered.userId);
    expect(await lastAudit("user.registered")).toMatchObject({
      actorUserId: registered.userId,
      detail: { role: "resident", communityCode: "110102013901" },
    });
    // and the password works
    await expect(
      login(database, { username: "zhou.neighbour", password: valid.password }, meta),
    ).resolves.toMatchObject({ userId: registered.userId });
  });

  it("refuses a taken username, whatever its case", async () => {
    const error = await rejection(registerResident(database, { ...valid, username: "ZHOU.neighbour" }, meta));
    expect((error as ValidationError).fieldErrors.username).toEqual(["用户名已被使用"]);
  });

  it("accepts an empty phone as none", async () => {
    const { userId: id } = await registerResident(
      database,
      { ...valid, username: "no.phone", phone: "", communityCode: "110102019901" },
      meta,
    );
    expect((await database.db.query.users.findFirst({ where: eq(users.id, id) }))?.phone).toBeNull();
  });
});

describe("changeMembership", () => {
  let memberId: number;
  let membershipId: number;
  beforeAll(async () => {
    memberId = await inviteAndAccept(street, dashilar, { role: "street_officer" });
    const m = await database.db.query.memberships.findFirst({
      where: and(eq(memberships.userId, memberId), eq(memberships.orgId, dashilar)),
    });
    membershipId = m!.id;
  });

  it("gives manager rights and audits before and after", async () => {
    await changeMembership(database, street, membershipId, { role: "street_officer", manager: "on" }, meta);
    expect((await loadActor(database, memberId))?.grants).toMatchObject([{ manager: true }]);
    expect(await lastAudit("membership.changed")).toMatchObject({
      actorUserId: street.userId,
      entity: "organisation",
      entityId: String(dashilar),
      ip: meta.ip,
      detail: {
        membershipId,
        userId: memberId,
        before: { role: "street_officer", manager: false },
        after: { role: "street_officer", manager: true },
      },
    });

    await changeMembership(database, street, membershipId, { role: "street_officer" }, meta);
    expect((await lastAudit("membership.changed"))?.detail).toMatchObject({
      before: { manager: true },
      after: { manager: false },
    });
  });

  it("refuses a role the organisation cannot have, changing nothing", async () => {
    const auditBefore = await rows(auditLog);
    const error = await rejection(changeMembership(database, street, membershipId, { role: "operator" }, meta));
    expect(error).toBeInstanceOf(ValidationError);
    expect(await rows(auditLog)).toBe(auditBefore);
    expect((await loadActor(database, memberId))?.grants).toMatchObject([{ role: "street_officer" }]);
  });

  it("forbids a plain member and another organisation's manager", async () => {
    for (const who of [worker, secretary, resident]) {
      const error = await rejection(
        changeMembership(database, who, membershipId, { role: "street_officer", manager: true }, meta),
      );
      expect(error, who.username).toBeInstanceOf(ForbiddenError);
    }
  });

  it("does not let a manager drop their own manager rights, and 404s an unknown membership", async () => {
    const own = await database.db.query.memberships.findFirst({ where: eq(memberships.userId, street.userId) });
    expect(
      await rejection(changeMembership(database, street, own!.id, { role: "street_officer" }, meta)),
    ).toBeInstanceOf(ConflictError);
    expect(await rejection(changeMembership(database, admin, 999_999, { role: "operator" }, meta))).toBeInstanceOf(
      NotFoundError,
    );
  });
});

describe("setUserStatus", () => {
  it("disabling signs the user out everywhere; re-enabling lets them sign in again", async () => {
    const committeeId = await userId(database, "committee");
    const first = await login(database, { username: "committee", password: DEMO_PASSWORD }, meta);
    await login(database, { username: "committee", password: DEMO_PASSWORD }, meta);
    const live = await database.db.select({ n: count() }).from(sessions).where(eq(sessions.userId, committeeId));
    expect(live[0]!.n).toBe(2);

    await setUserStatus(database, admin, committeeId, "disabled", meta);
    const after = await database.db.select({ n: count() }).from(sessions).where(eq(sessions.userId, committeeId));
    expect(after[0]!.n).toBe(0);
    expect(await validateSessionToken(database, first.token)).toBeNull();
    expect(await lastAudit("user.disabled")).toMatchObject({
      actorUserId: admin.userId,
      entityId: String(committeeId),
    });

    // A disabled account is told the same as a wrong password.
    const refused = await rejection(
      login(database, { username: "committee", password: DEMO_PASSWORD }, { ip: "192.0.2.11" }),
    );
    expect(refused).toBeInstanceOf(ValidationError);
    expect(refused.message).toBe(BAD_CREDENTIALS);

    // Disabling again changes nothing and audits nothing.
    const auditBefore = await rows(auditLog);
    await setUserStatus(database, admin, committeeId, "disabled", meta);
    expect(await rows(auditLog)).toBe(auditBefore);

    await setUserStatus(database, admin, committeeId, "active", meta);
    expect(await lastAudit("user.enabled")).toMatchObject({ entityId: String(committeeId) });
    await expect(
      login(database, { username: "committee", password: DEMO_PASSWORD }, { ip: "192.0.2.12" }),
    ).resolves.toMatchObject({ userId: committeeId });
  });

  it("is the admin's alone, never on themself, and 404s an unknown user", async () => {
    const target = await userId(database, "property");
    for (const who of [street, secretary, resident]) {
      expect(await rejection(setUserStatus(database, who, target, "disabled", meta)), who.username).toBeInstanceOf(
        ForbiddenError,
      );
    }
    expect((await loadActor(database, target))?.userId).toBe(target);
    expect(await rejection(setUserStatus(database, admin, admin.userId, "disabled", meta))).toBeInstanceOf(
      ConflictError,
    );
    expect(await rejection(setUserStatus(database, admin, 999_999, "disabled", meta))).toBeInstanceOf(NotFoundError);
  });
});

/** Resolves when `promise` fails with SQLite's foreign-key error (drizzle wraps it as the cause). */
async function refusedByForeignKey(promise: Promise<unknown>): Promise<void> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, "the insert went through").toBeInstanceOf(Error);
  const messages = [(error as Error).message, String(((error as Error).cause as Error | undefined)?.message)];
  expect(messages.join(" | ")).toMatch(/FOREIGN KEY constraint failed/);
}

describe("listUsers", () => {
  it("pages through every account newest first and finds one by username, name or phone", async () => {
    // A district's worth of new residents, registered after the demo's accounts.
    const base = Date.now() + 60_000;
    const residents = Array.from({ length: USERS_PAGE + 15 }, (_, i) => ({
      username: `resident_${String(i).padStart(3, "0")}`,
      displayName: i === 42 ? "欧阳100%" : `居民${i}`,
      passwordHash: "x",
      phone: `1390000${String(i).padStart(4, "0")}`,
      createdAt: new Date(base + Math.floor(i / 2) * 1000),
    }));
    await database.db.insert(users).values(residents);
    const total = (await database.db.select({ n: count() }).from(users).get())!.n;

    const seen: number[] = [];
    let cursor: string | undefined;
    let first = true;
    do {
      const page = await listUsers(t.database, admin, { cursor });
      if (first) {
        expect(page.users).toHaveLength(USERS_PAGE);
        // Newest first: the last registered resident leads the first page.
        expect(page.users[0]!.username).toBe(`resident_${String(USERS_PAGE + 14).padStart(3, "0")}`);
        first = false;
      }
      seen.push(...page.users.map((u) => u.id));
      cursor = page.next ?? undefined;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toHaveLength(total);

    const find = async (q: string) => (await listUsers(t.database, admin, { q })).users.map((u) => u.username);
    expect(await find("RESIDENT_007")).toEqual(["resident_007"]);
    expect(await find("13900000042")).toEqual(["resident_042"]);
    // A typed % is a character, not a wildcard.
    expect(await find("100%")).toEqual(["resident_042"]);
    expect(await find("周大")).toEqual(["resident"]);
    expect(await find("没有这个人")).toEqual([]);
    // Roles come with each account.
    const [street] = (await listUsers(t.database, admin, { q: "street" })).users;
    expect(street!.memberships).toEqual([{ role: "street_officer", orgName: DASHILAR }]);
  });

  it("is the administrator's alone", async () => {
    expect(await rejection(listUsers(t.database, street))).toBeInstanceOf(ForbiddenError);
    expect(await rejection(listUsers(t.database, resident))).toBeInstanceOf(ForbiddenError);
  });
});

describe("listOrganisations", () => {
  it("finds the administrator's organisations by name, the first hundred of many, with how many match", async () => {
    const named = await listOrganisations(database, admin, { q: "西河沿" });
    expect(named.orgs.map((o) => o.name)).toContain(XIHEYAN);
    expect(named.orgs.every((o) => o.name.includes("西河沿"))).toBe(true);
    expect(named.total).toBe(named.orgs.length);
    expect(named.orgs.find((o) => o.name === XIHEYAN)!.members).toBeGreaterThan(0);
    await database.db.insert(organisations).values(
      Array.from({ length: ORGS_SHOWN + 10 }, (_, i) => ({
        name: `测试物业公司${String(i).padStart(3, "0")}`,
        kind: "property_company" as const,
        regionCode: "110102013901",
      })),
    );
    const many = await listOrganisations(database, admin, { q: "测试物业" });
    expect(many.orgs).toHaveLength(ORGS_SHOWN);
    expect(many.total).toBe(ORGS_SHOWN + 10);
    expect(many.orgs[0]!.name).toBe("测试物业公司000");
    expect((await listOrganisations(database, admin, { q: "没有这个单位" })).orgs).toEqual([]);
  });

  it("shows anyone else only their own organisations, searched or not", async () => {
    expect((await listOrganisations(database, street)).orgs.map((o) => o.name)).toEqual([DASHILAR]);
    expect((await listOrganisations(database, street, { q: "测试物业" })).orgs).toEqual([]);
  });
});

describe("an organisation's members", () => {
  it("come managers first, then by name, the first hundred of many, with how many match, found by name or username", async () => {
    const before = (await getOrganisation(database, admin, dashilar)).memberTotal;
    const added = await database.db
      .insert(users)
      .values(
        Array.from({ length: MEMBERS_SHOWN + 10 }, (_, i) => ({
          username: `clerk${String(i).padStart(3, "0")}`,
          displayName: i === 7 ? "王%明" : `街道干部${String(i).padStart(3, "0")}`,
          passwordHash: "!",
        })),
      )
      .returning({ id: users.id });
    await database.db
      .insert(memberships)
      .values(
        added.map((u) => ({ userId: u.id, orgId: dashilar, regionCode: "110102013", role: "street_officer" as const })),
      );
    const page = await getOrganisation(database, admin, dashilar);
    expect(page.members).toHaveLength(MEMBERS_SHOWN);
    expect(page.memberTotal).toBe(before + MEMBERS_SHOWN + 10);
    const managers = page.members.filter((m) => m.manager).length;
    expect(page.members.slice(0, managers).every((m) => m.manager)).toBe(true);
    // A typed % is a character, not a wildcard; a username is found in any case.
    expect((await getOrganisation(database, admin, dashilar, { q: "%" })).members.map((m) => m.displayName)).toEqual([
      "王%明",
    ]);
    const byUsername = await getOrganisation(database, admin, dashilar, { q: "CLERK10" });
    expect(byUsername.members.map((m) => m.username).sort()).toEqual(
      Array.from({ length: 10 }, (_, i) => `clerk${100 + i}`),
    );
    expect(byUsername.memberTotal).toBe(10);
    // A resident may not open the street office's page at all.
    await expect(getOrganisation(database, resident, dashilar)).rejects.toThrow(ForbiddenError);
  });
});

describe("the database", () => {
  const badMembership = { userId: 999_999, role: "resident" as const, regionCode: "110102013901" };

  it("runs in WAL mode", async () => {
    const result = await database.client.execute("PRAGMA journal_mode");
    expect(result.rows[0]?.journal_mode).toBe("wal");
  });

  it("refuses a foreign-key violation after transactions have run, and rolls the transaction back", async () => {
    await database.write((tx) => tx.run(sql`SELECT 1`));
    await refusedByForeignKey(database.db.insert(memberships).values(badMembership).execute());

    const auditBefore = await rows(auditLog);
    await refusedByForeignKey(
      database.write(async (tx) => {
        await tx.insert(auditLog).values({ actorUserId: null, action: "test.partial", entity: "test" });
        await tx.insert(memberships).values(badMembership);
      }),
    );
    expect(await rows(auditLog)).toBe(auditBefore);

    // A failed write does not jam the queue of writes behind it.
    await expect(database.write(async () => "next")).resolves.toBe("next");
  });

  it("enforces foreign keys on a connection the pool opens later", async () => {
    // Hold one connection in a transaction, so the next statements must run on a connection opened now.
    // On the embedded file it is marked with a TEMP table (temp tables are per connection) to prove it;
    // a libsql server refuses temp tables, and gives every stream a connection of its own anyway.
    const held = await database.client.transaction("deferred");
    try {
      if (database.embedded) {
        await held.execute("CREATE TEMP TABLE held_marker (x INTEGER)");
        const marker = await database.client.execute(
          "SELECT count(*) AS n FROM sqlite_temp_master WHERE name = 'held_marker'",
        );
        expect(Number(marker.rows[0]?.n)).toBe(0); // a different connection
      } else {
        await held.execute("SELECT 1");
      }
      const fk = await database.client.execute("PRAGMA foreign_keys");
      expect(Number(fk.rows[0]?.foreign_keys)).toBe(1);
      await refusedByForeignKey(database.db.insert(memberships).values(badMembership).execute());
    } finally {
      await held.rollback();
      held.close();
    }
  });
});
