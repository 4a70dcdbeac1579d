/**
 * `npm run seed`: a fresh database with the reference data (regions, taxonomy,
 * time limits, score weights, calendar) and the demo.
 * For the embedded file it deletes the file first; a libsql server must be empty.
 */
import { existsSync, rmSync } from "node:fs";
import { resolve } from "node:path";
import { loadConfig } from "../../server/config";
import { openDatabase } from "../client";
import { seedDemo } from "./demo";
import { seedDemoCouncils } from "./demo-councils";
import { seedDemoProblems } from "./demo-problems";
import { seedDemoTickets } from "./demo-tickets";
import { describeReferenceCounts, seedReference } from "./reference";

const config = loadConfig();
const url = config.DATABASE_URL;
if (url.startsWith("file:")) {
  const path = resolve(url.slice("file:".length).split("?")[0]!);
  if (existsSync(path)) console.log(`removing ${path}`);
  for (const suffix of ["", "-wal", "-shm"]) rmSync(path + suffix, { force: true });
}
const database = await openDatabase(url, config.DATABASE_AUTH_TOKEN);
const reference = describeReferenceCounts(await seedReference(database));
const seeded = await seedDemo(database);
const demoTickets = seeded ? await seedDemoTickets(database) : 0;
const demoCouncils = seeded ? await seedDemoCouncils(database) : 0;
const demoProblems = seeded ? await seedDemoProblems(database) : 0;
database.close();
if (!seeded) {
  console.log("The database already has users: nothing seeded. Point DATABASE_URL at an empty database.");
  process.exit(1);
}
console.log(
  `seeded ${reference ?? "no reference data"} and the demo organisations, users, ${demoTickets} tickets, ${demoCouncils} councils and ${demoProblems} monthly problems into ${url}`,
);
