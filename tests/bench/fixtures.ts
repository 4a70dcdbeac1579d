/**
 * What benches share: a bench database (a fresh temp file with the
 * migrations applied, the reference data and the demo organisations, whose
 * street offices and departments are the lead units of generated tickets),
 * the million imported tickets the queue and load benches read, and the
 * production build the benches that serve pages start.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { asc, sql } from "drizzle-orm";
import { openDatabase, type Database } from "../../db/client";
import { categories, organisations, regions } from "../../db/schema";
import { seedDemo } from "../../db/seed/demo";
import { seedReference } from "../../db/seed/reference";
import { runImport, suggestMapping } from "../../server/tickets/import";
import type { BenchContext } from "./lib";
import { FILE_HEADERS, writeTicketFile, type FileLeaf, type FileStreet } from "./ticket-file";

export interface BenchDatabase {
  database: Database;
  dir: string;
  path: string;
  close(): void;
}

export async function openBenchDatabase(options: { seed?: boolean; dir?: string } = {}): Promise<BenchDatabase> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), "roundtable-bench-"));
  const path = join(dir, `bench-${Date.now()}-${Math.floor(Math.random() * 1e6)}.db`);
  // As the portal opens its database (a bench measures what production does).
  const database = await openDatabase(`file:${path}`, undefined, { checkpointInBackground: true });
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

const GENERATE_CHUNK = 100_000;

/**
 * Tickets straight into SQLite (positions are what this bench is about, not
 * the import): a third around the demo communities (within ~1 km), the rest
 * around the districts' centres, most within a few kilometres.
 */
export async function generateMapTickets(database: Database, count: number, offset = 0) {
  await database.bulkWrite((tx) =>
    tx.run(sql`create temp table if not exists bench_places as
      select row_number() over (order by level, code) - 1 as k, level, code, lon, lat,
        case level when 'community' then 0.01 else 0.12 end as spread
      from regions where level in ('district', 'community') and lon is not null`),
  );
  const [leaf] = await database.db.all<{ id: number }>(
    sql`select id from categories where limit_class is not null order by id limit 1`,
  );
  const [counted] = await database.db.all<{ communities: number; districts: number }>(
    sql`select sum(level = 'community') as communities, sum(level = 'district') as districts
      from regions where level in ('district', 'community') and lon is not null`,
  );
  const { communities, districts } = counted!;
  for (let done = 0; done < count; done += GENERATE_CHUNK) {
    const size = Math.min(GENERATE_CHUNK, count - done);
    const first = offset + done;
    await database.bulkWrite(async (tx) => {
      await tx.run(sql`insert into ticket_rate_rollups_deferred (holder) values ('bench')`);
      // Places sort communities first (k < communities), then districts.
      await tx.run(sql`with recursive n(i) as (select 1 union all select i + 1 from n where i < ${size}),
        picked as (
          select i,
            case when i % 3 = 0 then abs(random()) % ${communities} else ${communities} + abs(random()) % ${districts} end as k,
            (abs(random()) % 2000 - 1000) / 1000.0 as dx, (abs(random()) % 2000 - 1000) / 1000.0 as dy
          from n)
        insert into tickets (number, source, type, channel, urgency, category_id, description, address, lon, lat,
          district_code, street_code, community_code, status, received_at, updated_at)
        select 'MAP' || (${first} + p.i), 'import', 'complaint', 'phone', 'normal', ${leaf!.id}, '地图基准工单', '北京市',
          s.lon + p.dx * p.dx * p.dx * s.spread, s.lat + p.dy * p.dy * p.dy * s.spread * 0.75,
          substr(s.code, 1, 6), case when s.level = 'community' then substr(s.code, 1, 9) end,
          case when s.level = 'community' then s.code end, 'closed',
          1704038400000 + abs(random()) % 31536000000, 0
        from picked p join temp.bench_places s on s.k = p.k`);
      await tx.run(sql`delete from ticket_rate_rollups_deferred where holder = 'bench'`);
    });
  }
}

export interface QueueDatabase extends BenchDatabase {
  streets: FileStreet[];
  imported: number;
  loadSeconds: number;
}

/**
 * A million tickets (× BENCH_SCALE) loaded through the bulk import, with
 * histories at every stage of the loop, made once per run and shared by the
 * benches that read queues (loading takes minutes at full scale). No broken
 * or repeated rows: every line becomes a ticket. 大栅栏 is busy, as a
 * governance-type street is. Readers must not write to it.
 */
export function queueDatabase(ctx: BenchContext): Promise<QueueDatabase> {
  const cached = ctx.cache.get("queue-database") as Promise<QueueDatabase> | undefined;
  if (cached) return cached;
  const made = (async () => {
    const rows = Math.round(1_000_000 * ctx.scale);
    const bench = await openBenchDatabase({ dir: ctx.tmpDir });
    ctx.atEnd(() => bench.close());
    const file = join(ctx.tmpDir, "queue-tickets.csv");
    const inputs = await fileInputs(bench.database);
    await writeTicketFile(file, {
      rows,
      seed: 777,
      badEvery: Number.MAX_SAFE_INTEGER,
      duplicateEvery: Number.MAX_SAFE_INTEGER,
      ...inputs,
      busyStreets: ["110102013", "110105001", "110108025"],
    });
    const t0 = performance.now();
    const loaded = await runImport(bench.database, {
      path: file,
      fileName: "queue-tickets.csv",
      format: "csv",
      mapping: suggestMapping(FILE_HEADERS),
    });
    rmSync(file, { force: true });
    const loadSeconds = (performance.now() - t0) / 1000;
    ctx.log(`loaded ${loaded.imported.toLocaleString()} tickets in ${loadSeconds.toFixed(1)} s`);
    return { ...bench, streets: inputs.streets, imported: loaded.imported, loadSeconds };
  })();
  ctx.cache.set("queue-database", made);
  return made;
}

/**
 * The production build (`remix vite:build`) into ROUNDTABLE_BUILD_DIR
 * (default build-bench), made fresh once per run: an old build would
 * measure old code.
 */
export function productionBuild(ctx: BenchContext): string {
  const dir = resolve(process.env.ROUNDTABLE_BUILD_DIR ?? "build-bench");
  if (!ctx.cache.has("production-build")) {
    ctx.log(`building the portal into ${dir}`);
    execFileSync("npx", ["remix", "vite:build"], { env: { ...process.env, ROUNDTABLE_BUILD_DIR: dir }, stdio: "ignore" });
    ctx.cache.set("production-build", dir);
  }
  return dir;
}
