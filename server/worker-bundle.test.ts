import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { afterAll, describe, expect, it } from "vitest";
import { workerBundle } from "./worker-bundle";

const project = mkdtempSync(join(tmpdir(), "worker-bundle-"));
afterAll(() => rmSync(project, { recursive: true, force: true }));

describe("workerBundle", () => {
  it("bundles a TypeScript worker and its own modules into one module Node runs as it is", async () => {
    mkdirSync(join(project, "node_modules"));
    mkdirSync(join(project, "src"));
    writeFileSync(join(project, "src", "double.ts"), "export const double = (n: number): number => n * 2;\n");
    writeFileSync(
      join(project, "src", "job.ts"),
      'import { parentPort, workerData } from "node:worker_threads";\n' +
        'import { double } from "./double";\n' +
        "parentPort!.postMessage(double(workerData as number));\n",
    );
    const starter = pathToFileURL(join(project, "src", "starter.ts")).href;
    const bundle = workerBundle(starter, "elsewhere", "job.ts")!;
    expect(bundle).toMatch(/node_modules\/\.cache\/roundtable\/job-[0-9a-f]{16}\.mjs$/);
    // Once per process: the second call finds the same file and writes nothing new.
    expect(workerBundle(starter, "elsewhere", "job.ts")).toBe(bundle);
    expect(readdirSync(join(project, "node_modules", ".cache", "roundtable"))).toEqual([bundle.split("/").at(-1)]);
    const answer = await new Promise((resolve, reject) => {
      const worker = new Worker(bundle, { workerData: 21 });
      worker.once("message", resolve);
      worker.once("error", reject);
    });
    expect(answer).toBe(42);
  });

  it("answers null when the source is not there, so the caller works in its own thread", () => {
    expect(workerBundle(pathToFileURL(join(project, "src", "starter.ts")).href, "elsewhere", "missing.ts")).toBeNull();
  });
});
