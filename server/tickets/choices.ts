/**
 * What the ticket forms offer to choose from: the leaf categories with their
 * full path (a ticket is always classified at a leaf), and the units a ticket
 * can be dispatched to at intake, before there is a ticket to suggest for.
 */
import { asc, inArray } from "drizzle-orm";
import type { Database } from "../../db/client";
import { categories, organisations } from "../../db/schema";
import { ForbiddenError } from "../errors";
import { can, type Actor } from "../identity/permissions";
import { handlingKinds } from "./lifecycle";

export interface LeafCategory {
  id: number;
  code: string;
  name: string;
  /** Names from the top level down: 交通管理 › 停车管理 › 占道停车. */
  path: string[];
  handlerKind: (typeof categories.$inferSelect)["handlerKind"];
  handlerFunction: string | null;
}

/** Every active category with its full path, in code order (the tree's own order): leaves and the groups above them. */
export async function categoryPaths(database: Database) {
  const rows = await database.db
    .select({
      id: categories.id,
      parentId: categories.parentId,
      code: categories.code,
      name: categories.name,
      handlerKind: categories.handlerKind,
      handlerFunction: categories.handlerFunction,
      limitClass: categories.limitClass,
      active: categories.active,
    })
    .from(categories)
    .orderBy(asc(categories.code));
  const byId = new Map(rows.map((r) => [r.id, r]));
  const pathOf = (id: number | null): string[] => {
    const names: string[] = [];
    for (
      let at = id == null ? undefined : byId.get(id);
      at;
      at = at.parentId == null ? undefined : byId.get(at.parentId)
    )
      names.unshift(at.name);
    return names;
  };
  return rows.filter((r) => r.active).map((r) => ({ ...r, path: pathOf(r.id) }));
}

/** The active leaves of the category tree, in code order (the tree's own order). */
export async function leafCategories(database: Database): Promise<LeafCategory[]> {
  return (await categoryPaths(database))
    .filter((r) => r.limitClass != null)
    .map((r) => ({
      id: r.id,
      code: r.code,
      name: r.name,
      path: r.path,
      handlerKind: r.handlerKind,
      handlerFunction: r.handlerFunction,
    }));
}

export type HandlingUnit = Awaited<ReturnType<typeof handlingUnits>>[number];

/** Units that handle tickets, for dispatching at intake: the centre's choice only. */
export async function handlingUnits(database: Database, actor: Actor) {
  if (!can(actor, "dispatch:ticket", {})) throw new ForbiddenError();
  return database.db
    .select({
      id: organisations.id,
      name: organisations.name,
      kind: organisations.kind,
      regionCode: organisations.regionCode,
      functionKey: organisations.functionKey,
    })
    .from(organisations)
    .where(inArray(organisations.kind, [...handlingKinds]))
    .orderBy(asc(organisations.kind), asc(organisations.name));
}
