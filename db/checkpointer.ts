/**
 * WAL checkpoints in a worker thread of their own (decision 0030). SQLite's automatic checkpoint runs
 * inside whichever commit finds the WAL past 1,000 pages: it copies those pages into the database file
 * and syncs it, on the committing connection, and an embedded connection runs on the event loop. So a
 * realtime edit, a form's save or an import chunk now and then waited for pages other writers had
 * written. Here a separate connection copies them in the background (PASSIVE: it never waits for a
 * reader or writer, and never makes one wait), and the process's own connections only checkpoint
 * themselves past `SAFETY_NET_PAGES`, should this thread fall behind or stop.
 *
 * The worker is a few lines of CommonJS evaluated in place: it needs only the native driver, whose
 * resolved path it is given, so it runs the same from source, from the build and from a bundle.
 */
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";

/** Pages of WAL past which a committing connection checkpoints by itself after all (~40 MB). */
export const SAFETY_NET_PAGES = 10_000;
/** How often the worker checkpoints; a passive checkpoint with nothing to copy costs a few system calls. */
const INTERVAL_MS = 100;

export interface CheckpointResult {
  /** SQLite's three numbers: whether it could not finish, frames in the WAL, frames copied. */
  busy: number;
  log: number;
  checkpointed: number;
}

export interface Checkpointer {
  /** Checkpoints now (the worker's own timer aside) and says how far it got. */
  now(): Promise<CheckpointResult>;
  stop(): Promise<void>;
}

const WORKER = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.driver);
const db = new Database(workerData.path, { timeout: 0 });
const run = () => {
  const row = db.prepare("PRAGMA wal_checkpoint(PASSIVE)").raw().get();
  return { busy: row[0], log: row[1], checkpointed: row[2] };
};
// A failed checkpoint (the file busy, say) is tried again at the next tick.
const timer = setInterval(() => { try { run(); } catch {} }, workerData.intervalMs);
parentPort.on("message", (message) => {
  if (message.stop) {
    clearInterval(timer);
    db.close();
    parentPort.close();
    return;
  }
  try { parentPort.postMessage({ id: message.id, result: run() }); }
  catch (error) { parentPort.postMessage({ id: message.id, error: String(error && error.message || error) }); }
});
`;

export function startCheckpointer(path: string): Checkpointer {
  const driver = createRequire(import.meta.url).resolve("libsql");
  const worker = new Worker(WORKER, { eval: true, workerData: { driver, path, intervalMs: INTERVAL_MS } });
  // It never keeps the process alive, and the database's close stops it.
  worker.unref();
  let next = 0;
  const waiting = new Map<number, { resolve: (r: CheckpointResult) => void; reject: (e: Error) => void }>();
  worker.on("message", (message: { id: number; result?: CheckpointResult; error?: string }) => {
    const pending = waiting.get(message.id);
    waiting.delete(message.id);
    if (message.result) pending?.resolve(message.result);
    else pending?.reject(new Error(message.error));
  });
  // A worker that fails leaves the connections' own checkpoints (SAFETY_NET_PAGES) to keep the WAL bounded.
  worker.on("error", () => undefined);
  let stopped = false;
  const exited = new Promise<void>((resolve) => worker.once("exit", () => resolve()));
  void exited.then(() => {
    stopped = true;
    for (const pending of waiting.values()) pending.reject(new Error("the checkpointer has stopped"));
    waiting.clear();
  });
  return {
    now() {
      if (stopped) return Promise.reject(new Error("the checkpointer has stopped"));
      return new Promise((resolve, reject) => {
        const id = ++next;
        waiting.set(id, { resolve, reject });
        worker.postMessage({ id });
      });
    },
    stop() {
      if (!stopped) worker.postMessage({ stop: true });
      stopped = true;
      return exited;
    },
  };
}
