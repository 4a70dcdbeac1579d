/**
 * The hot-spot detection worker (server/insights/detection.ts): clusters on
 * its own thread, reading through a connection of its own, and leaves every
 * write to the main thread. One run at a time: run → plan → persisted (or
 * failed) → done.
 */
import { parentPort, workerData } from "node:worker_threads";
import { openDatabase } from "../../db/client";
import { Clusterer, type DetectionPlan, type FromWorker, type ToWorker } from "./detection";

const { url, authToken, reader } = workerData as { url: string; authToken?: string; reader: string | null };
const port = parentPort!;
// The main thread opened (and migrated) the database before starting this thread.
const database = await openDatabase(url, authToken, { migrate: false });
const clusterer = new Clusterer(database, { reader });
let planned: DetectionPlan | null = null;

const send = (message: FromWorker) => port.postMessage(message);

port.on("message", (message: ToWorker) => {
  if (message.type === "run") {
    clusterer.plan(message.full, message.now).then(
      (plan) => {
        planned = plan;
        send({ type: "plan", plan });
      },
      (error: unknown) => {
        clusterer.reset();
        send({ type: "error", message: error instanceof Error ? error.message : String(error) });
      },
    );
  } else if (message.type === "persisted") {
    send({ type: "done", result: clusterer.confirm(planned!, message.inserted) });
    planned = null;
    // Answered: now what only the next refresh needs (before any message of its is read).
    clusterer.afterPlan();
  } else {
    // The write failed: what the index holds is no longer what is stored.
    clusterer.reset();
    planned = null;
  }
});
