/** Creating a plan and finding it: the plan row says whose it is and which lists it has. */
import { and, eq } from "drizzle-orm";
import { z } from "zod";
import type { Database, Queryable } from "../../db/client";
import { plans, planOwnerKinds, type PlanOwnerKind } from "../../db/schema";
import { ConflictError, ForbiddenError, NotFoundError } from "../errors";
import { audit, can, parseOrThrow, type Actor } from "../identity";
import { loadPlan, planOwner } from "./access";
import { inGovernanceStreet } from "../insights";
import { templateCodes, templates, type ListDefinition, type TemplateCode } from "./templates";

const customList = z.object({
  title: z.string().trim().min(1, "请填写清单名称").max(30, "清单名称不超过30字"),
  scope: z.enum(["plan", "party"], { message: "请选择由谁填写" }),
  columns: z
    .array(z.string().trim().min(1, "列名不能为空").max(20, "列名不超过20字"))
    .min(1, "至少一列")
    .max(8, "至多八列"),
});

export const planSchema = z.object({
  // Left open (or ""): the owner's street decides — a governance-type street's plan has four lists.
  template: z
    .enum(templateCodes, { message: "请选择方案模板" })
    .optional()
    .or(z.literal("").transform(() => undefined)),
  customLists: z.array(customList).max(4, "自定义清单至多四个").default([]),
});

export const planOwnerSchema = z.object({
  kind: z.enum(planOwnerKinds),
  id: z.number().int().positive(),
});

/** The chair's right: who convenes the owner (for a council: `convene:council` on it). */
export function mayChair(actor: Actor | null, owner: { target: Parameters<typeof can>[2] }) {
  return can(actor, "convene:council", owner.target);
}

/**
 * The template a plan takes when its creator leaves the choice open: 一方案四清单
 * in a governance-type street 治理类街乡镇 (DOMAIN.md, The plan), else 一方案三清单.
 */
export async function defaultTemplate(
  db: Queryable,
  regionCode: string | null,
  now = new Date(),
): Promise<TemplateCode> {
  return regionCode && (await inGovernanceStreet(db, regionCode, now)) ? "four_lists" : "three_lists";
}

/** Creates the plan of an owner (one per owner) from a template (chosen, else by its street) plus custom lists. */
export async function createPlan(
  database: Database,
  actor: Actor,
  owner: { kind: PlanOwnerKind; id: number },
  input: unknown,
  now = new Date(),
) {
  const { kind, id } = parseOrThrow(planOwnerSchema, owner);
  const data = parseOrThrow(planSchema, input);
  return database.write(async (tx) => {
    const found = await planOwner(tx, actor, { ownerKind: kind, ownerId: id });
    if (!found) throw new NotFoundError("议事不存在");
    if (!mayChair(actor, found)) throw new ForbiddenError();
    const existing = await planOf(tx, kind, id);
    if (existing) throw new ConflictError("该议事已有方案");
    const templateCode = data.template ?? (await defaultTemplate(tx, found.regionCode, now));
    const template = templates[templateCode];
    const lists: ListDefinition[] = [
      ...template.lists,
      ...data.customLists.map((list, i): ListDefinition => ({
        key: `custom${i + 1}`,
        title: list.title,
        scope: list.scope,
        columns: list.columns.map((title, c) => ({ key: `c${c + 1}`, title, kind: "text" })),
      })),
    ];
    const created = await tx
      .insert(plans)
      .values({
        ownerKind: kind,
        ownerId: id,
        template: data.customLists.length ? "custom" : templateCode,
        lists,
        signerRoles: template.signerRoles,
        createdBy: actor.userId,
        createdAt: now,
      })
      .returning({ id: plans.id })
      .get();
    await audit(tx, {
      actorUserId: actor.userId,
      action: "plan.created",
      entity: "plan",
      entityId: created.id,
      detail: {
        owner: `${kind}:${id}`,
        template: templateCode,
        chosen: data.template != null,
        lists: lists.map((l) => l.title),
      },
    });
    return created.id;
  });
}

/** The plan of an owner, if it has one. */
export async function planOf(db: Queryable, kind: PlanOwnerKind, ownerId: number) {
  const row = await db
    .select({ id: plans.id })
    .from(plans)
    .where(and(eq(plans.ownerKind, kind), eq(plans.ownerId, ownerId)))
    .get();
  return row ? loadPlan(db, row.id) : null;
}
