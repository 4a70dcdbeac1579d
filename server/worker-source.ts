/**
 * Where a worker thread's entry file is. Worker threads do not inherit tsx's
 * loader, so each worker has a small `.mjs` entry that loads its TypeScript
 * through tsx's API. From source the entry sits next to the module starting
 * the worker; inside the Remix server bundle that module's URL is the
 * bundle's, so look in the project folder the server runs from. Null when
 * neither is there: the caller then runs the work in its own thread.
 */
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export function workerSource(moduleUrl: string, projectDir: string, entry: string, source: string): string | null {
  const candidates = [join(dirname(fileURLToPath(moduleUrl)), entry), resolve(projectDir, entry)];
  return candidates.find((path) => existsSync(path) && existsSync(join(dirname(path), source))) ?? null;
}
