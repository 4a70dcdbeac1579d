/**
 * A bench database: a fresh temp file with the migrations applied, the
 * reference data and the demo organisations (whose street offices and
 * departments are the lead units of generated tickets).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { asc } from "drizzle-orm";
import { openDatabase, type Database } from "../../db/client";
import { categories, organisations, regions } from "../../db/schema";
import { seedDemo } from "../../db/seed/demo";
import { seedReference } from "../../db/seed/reference";
import type { FileLeaf, FileStreet } from "./ticket-file";

export interface BenchDatabase {
  database: Database;
  dir: string;
  path: string;
  close(): void;
}

export async function openBenchDatabase(options: { seed?: boolean; dir?: string } = {}): Promise<BenchDatabase> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), "roundtable-bench-"));
  const path = join(dir, `bench-${Date.now()}-${Math.floor(Math.random() * 1e6)}.db`);
  const database = await openDatabase(`file:${path}`);
  if (options.seed !== false) {
    await seedReference(database);
    await seedDemo(database);
  }
  return {
    database,
    dir,
    path,
    close() {
      database.close();
      if (!options.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** What the file generator needs from a seeded database: streets with their offices, leaves with paths, units by function. */
export async function fileInputs(database: Database) {
  const regionRows = await database.db.select().from(regions).orderBy(asc(regions.code));
  const districtName = new Map(regionRows.filter((r) => r.level === "district").map((r) => [r.code, r.name]));
  const orgRows = await database.db.select().from(organisations);
  const officeByRegion = new Map(orgRows.filter((o) => o.kind === "street_office").map((o) => [o.regionCode, o.name]));
  const streets: FileStreet[] = regionRows
    .filter((r) => r.level === "street")
    .map((r) => ({
      code: r.code,
      name: r.name,
      districtName: districtName.get(r.code.slice(0, 6)) ?? "",
      office: officeByRegion.get(r.code) ?? null,
    }));
  const unitsByFunction = new Map<string, string[]>();
  for (const o of orgRows) {
    if ((o.kind === "department" || o.kind === "utility_company") && o.functionKey) {
      unitsByFunction.set(o.functionKey, [...(unitsByFunction.get(o.functionKey) ?? []), o.name]);
    }
  }
  const categoryRows = await database.db.select().from(categories).orderBy(asc(categories.code));
  const byId = new Map(categoryRows.map((c) => [c.id, c]));
  const leaves: FileLeaf[] = categoryRows
    .filter((c) => c.limitClass && c.active)
    .map((c) => {
      const names: string[] = [];
      for (let at: typeof c | undefined = c; at; at = at.parentId == null ? undefined : byId.get(at.parentId))
        names.unshift(at.name);
      return { path: names.join("/"), name: c.name, handlerKind: c.handlerKind, handlerFunction: c.handlerFunction };
    });
  return { streets, leaves, unitsByFunction };
}
