/**
 * A real database for service tests: a fresh SQLite file in a temp folder,
 * migrated by openDatabase, optionally with the reference data (as at start) and the demo.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { openDatabase, type Database } from "../../db/client";
import { organisations, users } from "../../db/schema";
import { seedDemo } from "../../db/seed/demo";
import { seedReference } from "../../db/seed/reference";
import { loadActor } from "../../server/identity/sessions";
import type { Actor } from "../../server/identity/permissions";

export interface TestDatabase {
  database: Database;
  dir: string;
  url: string;
  close(): void;
}

export async function openTestDatabase(options: { demo?: boolean } = {}): Promise<TestDatabase> {
  const dir = mkdtempSync(join(tmpdir(), "roundtable-db-"));
  const url = `file:${join(dir, "test.db")}`;
  const database = await openDatabase(url);
  if (options.demo) {
    await seedReference(database);
    await seedDemo(database);
  }
  return {
    database,
    dir,
    url,
    close() {
      database.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function userId(database: Database, username: string): Promise<number> {
  const user = await database.db.query.users.findFirst({ where: eq(users.username, username) });
  if (!user) throw new Error(`no user ${username}`);
  return user.id;
}

/** The seeded user's actor, as a session would load it. */
export async function actorOf(database: Database, username: string): Promise<Actor> {
  const actor = await loadActor(database, await userId(database, username));
  if (!actor) throw new Error(`user ${username} is not active`);
  return actor;
}

export async function orgId(database: Database, name: string): Promise<number> {
  const org = await database.db.query.organisations.findFirst({ where: eq(organisations.name, name) });
  if (!org) throw new Error(`no organisation ${name}`);
  return org.id;
}
