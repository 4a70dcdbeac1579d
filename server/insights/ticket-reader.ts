/**
 * A reader thread for a full hot-spot run (server/insights/detection.ts):
 * reads the tickets with ids in (from, to] page by page and posts each page
 * as it is read, then null. On two cores the detection thread reads the
 * lower ids meanwhile, so reading a million tickets takes about half as long.
 */
import { parentPort, workerData } from "node:worker_threads";
import { openDatabase } from "../../db/client";
import { buffersOf, LOAD_PAGE, readRange } from "./ticket-points";

const { url, authToken, from, to } = workerData as { url: string; authToken?: string; from: number; to: number };
const port = parentPort!;
// The portal opened (and migrated) the database before any detection ran.
const database = await openDatabase(url, authToken, { migrate: false });
for (let after = from; after < to; after += LOAD_PAGE) {
  const points = await readRange(database, after, Math.min(after + LOAD_PAGE, to));
  port.postMessage(points, buffersOf(points));
}
port.postMessage(null);
database.close();
