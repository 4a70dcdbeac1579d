/**
 * Accounts: resident self-registration, accepting an invitation, and the
 * admin's account controls. Every change writes its audit row in the same
 * transaction.
 */
import { and, eq, gt, isNull } from "drizzle-orm";
import { z } from "zod";
import type { Database, Tx } from "../../db/client";
import { invitations, memberships, organisations, regions, sessions, users } from "../../db/schema";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "../errors";
import { audit } from "./audit";
import { hashPassword } from "./passwords";
import { can, type Actor } from "./permissions";
import { insertSession } from "./sessions";
import { hashToken } from "./tokens";

const username = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9._-]{2,31}$/, "用户名为 3–32 位小写字母、数字或 . _ -，以字母或数字开头");
const password = z.string().min(10, "密码至少 10 位").max(256, "密码过长");
const displayName = z.string().trim().min(1, "请输入姓名").max(40, "姓名过长");
const phone = z
  .string()
  .trim()
  .regex(/^1\d{10}$/, "请输入 11 位手机号")
  .optional()
  .or(z.literal("").transform(() => undefined));

export const accountSchema = z.object({ username, displayName, password });
export const registrationSchema = accountSchema.extend({
  phone,
  communityCode: z.string().regex(/^\d{12}$/, "请选择所在社区"),
});
export type RegistrationInput = z.input<typeof registrationSchema>;

interface Meta {
  ip: string;
  userAgent?: string | null;
}

async function insertUser(tx: Tx, input: z.output<typeof accountSchema> & { phone?: string }, passwordHash: string) {
  const taken = await tx.query.users.findFirst({ where: eq(users.username, input.username) });
  if (taken) throw new ValidationError("用户名已被使用", { username: ["用户名已被使用"] });
  const [user] = await tx
    .insert(users)
    .values({ username: input.username, displayName: input.displayName, passwordHash, phone: input.phone ?? null })
    .returning({ id: users.id });
  return user!.id;
}

/**
 * An account that acts for a machine (an API key), never for a person: pass a
 * name registration refuses (e.g. with a colon); its password hash
 * verifies nothing and it is disabled, so nobody can sign in as it. Events it
 * causes name it, so the history shows that a machine acted.
 */
export async function insertSystemUser(tx: Tx, username: string, displayName: string): Promise<number> {
  const [user] = await tx
    .insert(users)
    .values({ username, displayName, passwordHash: "!", status: "disabled" })
    .returning({ id: users.id });
  return user!.id;
}

/**
 * What a rule without a message of its own says: zod's defaults are English and technical
 * ("Invalid input: expected string, received undefined"), and they reach the form's field.
 */
export function fallbackMessage(issue: { input?: unknown }): string {
  return issue.input === undefined || issue.input === "" ? "此项为必填项" : "填写的格式不正确";
}

/**
 * The input as the schema reads it, or a ValidationError with each problem under its field: the
 * top-level key, or what `fieldOf` makes of an issue's path (a table's `rows.3.amount`).
 */
export function parseOrThrow<S extends z.ZodType>(
  schema: S,
  input: unknown,
  fieldOf: (path: PropertyKey[]) => string = (path) => String(path[0] ?? "_"),
): z.output<S> {
  const parsed = schema.safeParse(input, { error: fallbackMessage });
  if (parsed.success) return parsed.data;
  const fieldErrors: Record<string, string[]> = {};
  for (const issue of parsed.error.issues) (fieldErrors[fieldOf(issue.path)] ??= []).push(issue.message);
  throw new ValidationError("请检查填写的内容", fieldErrors);
}

/** A resident registers themself in their community and is signed in. */
export async function registerResident(database: Database, input: unknown, meta: Meta) {
  const data = parseOrThrow(registrationSchema, input);
  const passwordHash = await hashPassword(data.password);
  return database.write(async (tx) => {
    const community = await tx.query.regions.findFirst({ where: eq(regions.code, data.communityCode) });
    if (!community || community.level !== "community") {
      throw new ValidationError("请选择所在社区", { communityCode: ["请选择所在社区"] });
    }
    const userId = await insertUser(tx, data, passwordHash);
    await tx.insert(memberships).values({ userId, role: "resident", regionCode: community.code });
    await audit(tx, {
      actorUserId: userId,
      action: "user.registered",
      entity: "user",
      entityId: userId,
      detail: { role: "resident", communityCode: community.code },
      ip: meta.ip,
    });
    const { token, session } = await insertSession(tx, userId, meta);
    return { userId, token, expiresAt: session.expiresAt };
  });
}

/** An invitation that can still be accepted: not used, not revoked, not expired. */
export function isOpenInvitation(now: Date) {
  return and(isNull(invitations.acceptedAt), isNull(invitations.revokedAt), gt(invitations.expiresAt, now));
}

/** The invitation a link stands for, if it can still be accepted. */
export async function findOpenInvitation(database: Database, token: string, now = new Date()) {
  const row = await database.db
    .select({
      id: invitations.id,
      role: invitations.role,
      manager: invitations.manager,
      expiresAt: invitations.expiresAt,
      orgId: organisations.id,
      orgName: organisations.name,
      orgKind: organisations.kind,
    })
    .from(invitations)
    .innerJoin(organisations, eq(invitations.orgId, organisations.id))
    .where(and(eq(invitations.tokenHash, hashToken(token)), isOpenInvitation(now)))
    .get();
  return row ?? null;
}

/**
 * Accepts an invitation: with a new account (`account` given) or for the
 * signed-in actor. Single use: the row is claimed inside the transaction.
 */
export async function acceptInvitation(
  database: Database,
  token: string,
  who: { actor: Actor } | { account: unknown },
  meta: Meta,
  now = new Date(),
) {
  const account = "account" in who ? parseOrThrow(accountSchema, who.account) : null;
  const passwordHash = account ? await hashPassword(account.password) : null;
  return database.write(async (tx) => {
    const claimed = await tx
      .update(invitations)
      .set({ acceptedAt: now })
      .where(and(eq(invitations.tokenHash, hashToken(token)), isOpenInvitation(now)))
      .returning();
    const invitation = claimed[0];
    if (!invitation) throw new ConflictError("邀请链接无效、已使用或已过期");
    const userId = account ? await insertUser(tx, account, passwordHash!) : (who as { actor: Actor }).actor.userId;
    const existing = await tx.query.memberships.findFirst({
      where: and(eq(memberships.userId, userId), eq(memberships.orgId, invitation.orgId)),
    });
    if (existing) throw new ConflictError("您已是该组织成员");
    await tx.update(invitations).set({ acceptedBy: userId }).where(eq(invitations.id, invitation.id));
    await tx
      .insert(memberships)
      .values({ userId, orgId: invitation.orgId, role: invitation.role, manager: invitation.manager });
    await audit(tx, {
      actorUserId: userId,
      action: "invitation.accepted",
      entity: "organisation",
      entityId: invitation.orgId,
      detail: {
        invitationId: invitation.id,
        role: invitation.role,
        manager: invitation.manager,
        newAccount: !!account,
      },
      ip: meta.ip,
    });
    const session = account ? await insertSession(tx, userId, meta, now) : null;
    return { userId, orgId: invitation.orgId, token: session?.token, expiresAt: session?.session.expiresAt };
  });
}

/** Admin: disable or re-enable an account. Disabling signs it out everywhere. */
export async function setUserStatus(
  database: Database,
  actor: Actor,
  userId: number,
  status: "active" | "disabled",
  meta: Meta,
) {
  if (!can(actor, "manage:user")) throw new ForbiddenError();
  if (userId === actor.userId) throw new ConflictError("不能停用自己的账号");
  await database.write(async (tx) => {
    const user = await tx.query.users.findFirst({ where: eq(users.id, userId) });
    if (!user) throw new NotFoundError("用户不存在");
    if (user.status === status) return;
    await tx.update(users).set({ status }).where(eq(users.id, userId));
    if (status === "disabled") {
      await tx.delete(sessions).where(eq(sessions.userId, userId));
    }
    await audit(tx, {
      actorUserId: actor.userId,
      action: status === "disabled" ? "user.disabled" : "user.enabled",
      entity: "user",
      entityId: userId,
      ip: meta.ip,
    });
  });
}
