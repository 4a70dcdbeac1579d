/**
 * The worker thread of an import: runs the pipeline (read, validate, lay out)
 * and posts each chunk to the main thread, which writes it. Credits keep it
 * at most two chunks ahead, so memory stays bounded whatever the file size.
 */
import { parentPort, workerData } from "node:worker_threads";
import { chunkBuffers, importChunks, ImportError, type PipelineOptions } from "./pipeline";

const port = parentPort!;
let credits = 2;
let stopped = false;
let wake: (() => void) | null = null;

port.on("message", (message: { type: "credit" | "stop" }) => {
  if (message.type === "credit") credits++;
  else stopped = true;
  wake?.();
  wake = null;
});

async function main() {
  try {
    for await (const event of importChunks(workerData as PipelineOptions)) {
      if (event.kind === "chunk") {
        while (credits === 0 && !stopped) await new Promise<void>((resolve) => (wake = resolve));
        credits--;
      }
      if (stopped) break;
      port.postMessage({ type: "event", event }, event.kind === "chunk" ? chunkBuffers(event.chunk) : []);
    }
  } catch (error) {
    port.postMessage({
      type: "error",
      message: (error as Error).message,
      importError: error instanceof ImportError,
    });
  } finally {
    port.close();
  }
}

void main();
