/** Helpers for tests of the integration APIs against a started portal. */
import { and, eq, isNotNull } from "drizzle-orm";
import type { Database } from "../../db/client";
import { categories } from "../../db/schema";
import { createApiKey } from "../../server/tickets";
import { actorOf } from "./database";

/** A fresh key created by the demo admin; returns the secret. */
export async function newApiKey(database: Database, name = "12345 市级平台"): Promise<string> {
  const key = await createApiKey(database, await actorOf(database, "admin"), { name });
  return key.secret;
}

/** A category leaf a street handles on working days (物业服务 and the like). */
export async function streetLeaf(database: Database) {
  const leaf = await database.db
    .select({ id: categories.id, code: categories.code, name: categories.name })
    .from(categories)
    .where(
      and(eq(categories.handlerKind, "street"), eq(categories.limitClass, "general"), isNotNull(categories.parentId)),
    )
    .limit(1)
    .get();
  if (!leaf) throw new Error("no street leaf category: is the reference data seeded?");
  return leaf;
}

/** JSON request to the portal with an optional Bearer key. */
export async function callJson(
  baseUrl: string,
  path: string,
  options: { method?: string; key?: string | null; body?: unknown; headers?: Record<string, string> } = {},
) {
  const headers: Record<string, string> = { ...options.headers };
  if (options.key) headers.authorization = `Bearer ${options.key}`;
  let body: string | undefined;
  if (options.body !== undefined) {
    body = typeof options.body === "string" ? options.body : JSON.stringify(options.body);
    headers["content-type"] ??= "application/json";
  }
  const res = await fetch(`${baseUrl}${path}`, { method: options.method ?? (body ? "POST" : "GET"), headers, body });
  const text = await res.text();
  let json: unknown = undefined;
  try {
    json = JSON.parse(text);
  } catch {
    // Not JSON: the test looks at `text`.
  }
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return { res, status: res.status, text, json: json as any };
}
