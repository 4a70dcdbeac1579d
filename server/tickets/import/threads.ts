/**
 * Where the pipeline runs: in a worker thread when its source file is there
 * to load (the server and the command line run from source with tsx), else
 * in this thread. With a worker, validating chunk n+1 overlaps writing chunk
 * n — on two cores that is most of the import's speed.
 */
import { Worker } from "node:worker_threads";
import { workerBundle } from "../../worker-bundle";
import { importChunks, ImportError, type PipelineEvent, type PipelineOptions } from "./pipeline";

export interface PipelineRun {
  events: AsyncGenerator<PipelineEvent>;
  /** The main thread has written a chunk: the worker may prepare another. */
  ack(): void;
  stop(): Promise<void>;
  threaded: boolean;
}

function inThread(options: PipelineOptions): PipelineRun {
  const events = importChunks(options);
  return {
    events,
    ack() {},
    async stop() {
      await events.return(undefined);
    },
    threaded: false,
  };
}

type WorkerMessage = { type: "event"; event: PipelineEvent } | { type: "error"; message: string; importError: boolean };

function inWorker(entry: string, options: PipelineOptions): PipelineRun {
  // Reading a CSV keeps ~20 MB alive (a few chunks, the lookup memos): a small heap makes V8
  // collect early instead of growing towards its default limit. A workbook's shared-strings
  // table must stay in memory (the format refers to it by index), so it gets the default.
  const worker = new Worker(entry, {
    workerData: options,
    resourceLimits: options.format === "csv" ? { maxOldGenerationSizeMb: 64, maxYoungGenerationSizeMb: 16 } : {},
  });
  const queue: WorkerMessage[] = [];
  let failure: Error | null = null;
  let exited = false;
  let wake: (() => void) | null = null;
  const notify = () => {
    wake?.();
    wake = null;
  };
  worker.on("message", (message: WorkerMessage) => {
    queue.push(message);
    notify();
  });
  worker.on("error", (error) => {
    failure = error;
    notify();
  });
  worker.on("exit", () => {
    exited = true;
    notify();
  });
  async function* events(): AsyncGenerator<PipelineEvent> {
    try {
      for (;;) {
        const message = queue.shift();
        if (message) {
          if (message.type === "error") {
            throw message.importError ? new ImportError(message.message) : new Error(message.message);
          }
          yield message.event;
          if (message.event.kind === "end") return;
          continue;
        }
        if (failure) throw failure;
        if (exited) throw new Error("导入线程意外退出");
        await new Promise<void>((resolve) => (wake = resolve));
      }
    } finally {
      await worker.terminate();
    }
  }
  return {
    events: events(),
    ack() {
      worker.postMessage({ type: "credit" });
    },
    async stop() {
      worker.postMessage({ type: "stop" });
      await worker.terminate();
    },
    threaded: true,
  };
}

export function startPipeline(options: PipelineOptions, threads: "auto" | "off" = "auto"): PipelineRun {
  const entry = threads === "auto" ? workerBundle(import.meta.url, "server/tickets/import", "worker.ts") : null;
  return entry ? inWorker(entry, options) : inThread(options);
}
