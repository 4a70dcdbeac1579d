import type { Database } from "../../db/client";
import { createDocumentKind } from "../../realtime/gateway";
import { planDocumentAccess } from "./access";

/** `plan:N` and `plan:N:party:M` as realtime documents, with rights from the permission module. */
export const planDocumentKind = (database: Database) =>
  createDocumentKind({ prefix: "plan:", access: (actor, name) => planDocumentAccess(database, actor, name) });
