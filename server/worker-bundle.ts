/**
 * A worker thread's TypeScript, bundled into one ES module that Node loads as
 * it is (docs/decisions/0023-worker-bundles.md). Worker threads do not
 * inherit tsx's loader, and loading the source through tsx's API in the
 * worker sends every module through loader hooks on another thread: ~0.6 s
 * before a worker could do anything, a tenth of a full hot-spot run. esbuild
 * bundles our own modules in ~60 ms and leaves packages to Node.
 *
 * The bundle goes under the project's `node_modules/.cache/roundtable/`, so
 * its package imports resolve as the source's do, named by a hash of its
 * content and written through a rename: processes sharing a checkout (the
 * test runner's) never read each other's half-written file, and an edited
 * source gets a new bundle. Built once per process and source.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, renameSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { buildSync } from "esbuild";

const bundles = new Map<string, string>();

/** The folder holding the `node_modules` nearest above `path`. */
function projectRoot(path: string): string | null {
  for (let dir = dirname(path); ; dir = dirname(dir)) {
    if (existsSync(join(dir, "node_modules"))) return dir;
    if (dirname(dir) === dir) return null;
  }
}

/**
 * The path of a bundle of `source` (a worker's TypeScript), found next to the
 * module starting the worker or — inside the Remix server bundle, whose URL
 * is not the source's — in `projectDir` of the folder the server runs from.
 * Null when the source is not there: the caller then does the work in its
 * own thread.
 */
export function workerBundle(moduleUrl: string, projectDir: string, source: string): string | null {
  const path = [join(dirname(fileURLToPath(moduleUrl)), source), resolve(projectDir, source)].find((p) =>
    existsSync(p),
  );
  const root = path && projectRoot(path);
  if (!path || !root) return null;
  let bundle = bundles.get(path);
  if (!bundle) {
    const [output] = buildSync({
      entryPoints: [path],
      bundle: true,
      packages: "external",
      platform: "node",
      format: "esm",
      target: "node20",
      write: false,
    }).outputFiles;
    const hash = createHash("sha256").update(output!.contents).digest("hex").slice(0, 16);
    const dir = join(root, "node_modules", ".cache", "roundtable");
    bundle = join(dir, `${basename(path, ".ts")}-${hash}.mjs`);
    if (!existsSync(bundle)) {
      mkdirSync(dir, { recursive: true });
      const partial = `${bundle}.${process.pid}.${Math.random().toString(36).slice(2)}`;
      writeFileSync(partial, output!.contents);
      renameSync(partial, bundle);
    }
    bundles.set(path, bundle);
  }
  return bundle;
}
