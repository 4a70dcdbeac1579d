/**
 * A real portal for tests: the production build served by the real Express
 * server on port 0, over a fresh SQLite file in a temp folder (or, with
 * TEST_DATABASE=sqld, a fresh libsql server) unless `env` names a DATABASE_URL.
 * `npm test` builds first (tests/run.sh); run `npm run build` before running
 * a single test file by hand.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createPortal, type Portal, type PortalOptions } from "../../server/app";
import { loadConfig } from "../../server/config";
import { freshDatabaseUrl } from "./database";

export interface TestPortal {
  url: string;
  port: number;
  portal: Portal;
  dir: string;
  close(): Promise<void>;
}

export const BUILD_DIR = resolve(process.env.ROUNDTABLE_BUILD_DIR ?? "build");

/** `options` adds to the portal's own (e.g. realtime document kinds for tests). */
export async function startPortal(
  env: Record<string, string> = {},
  options: Omit<PortalOptions, "buildDir"> = {},
): Promise<TestPortal> {
  if (!existsSync(join(BUILD_DIR, "server/index.js"))) {
    throw new Error("No production build: run `npm run build` first (npm test does this).");
  }
  const dir = mkdtempSync(join(tmpdir(), "roundtable-test-"));
  const fresh = env.DATABASE_URL ? null : await freshDatabaseUrl(dir);
  const config = loadConfig({
    NODE_ENV: "production",
    PORT: "0",
    HOST: "127.0.0.1",
    ...(fresh ? { DATABASE_URL: fresh.url } : {}),
    ...env,
  });
  const portal = await createPortal(config, { buildDir: BUILD_DIR, log: () => undefined, ...options });
  const port = await portal.listen();
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    portal,
    dir,
    async close() {
      await portal.close();
      await fresh?.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Signs in through the real login form; returns the session cookie ("rt_session=…"). */
export async function signIn(baseUrl: string, username: string, password = "roundtable-demo"): Promise<string> {
  const res = await fetch(`${baseUrl}/login`, {
    method: "POST",
    body: new URLSearchParams({ username, password }),
    redirect: "manual",
  });
  const cookie = res.headers.get("set-cookie");
  if (res.status !== 302 || !cookie) throw new Error(`sign-in as ${username} failed: ${res.status}`);
  return cookie.split(";")[0]!;
}
