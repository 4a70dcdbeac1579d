import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

// The Remix Vite plugin is not loaded here: it cannot run under Vitest.
export default defineConfig({
  resolve: {
    alias: { "~": new URL("./app", import.meta.url).pathname },
  },
  test: {
    setupFiles: ["tests/helpers/fail-on-console-error.ts"],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // Most test files spend their time waiting on child processes (portals, sqld, redis-server,
    // Chromium), not on their own thread, so a worker per core leaves the cores idle. Vitest's
    // default on the two-core machines we run on is one worker: the suite ran file after file.
    // Three workers there took the sqld pass from 618 s to 412 s, all green.
    maxWorkers: Math.max(availableParallelism() - 1, 3),
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: [
            "app/**/*.test.ts",
            "server/**/*.test.ts",
            "db/**/*.test.ts",
            "realtime/**/*.test.ts",
            "tests/integration/**/*.test.ts",
          ],
        },
      },
      {
        extends: true,
        test: {
          name: "e2e",
          include: ["tests/e2e/**/*.test.ts"],
          // One Chromium at a time: the machine has two cores.
          fileParallelism: false,
        },
      },
    ],
  },
});
