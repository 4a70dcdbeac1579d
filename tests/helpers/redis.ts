/**
 * A real Redis for tests: Debian's redis-server on a free loopback port,
 * in a temp folder, with persistence off; stopped (and started again on the
 * same port, for outage tests) by the test.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createConnection } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./process";

export interface TestRedis {
  url: string;
  port: number;
  /** Stops the server (SIGTERM) and waits until it exited. */
  stop(): Promise<void>;
  /** Starts it again on the same port (after `stop`). */
  start(): Promise<void>;
  /** Stops it for good and removes its folder. */
  close(): Promise<void>;
}

const REDIS_SERVER = "redis-server";

/** Throws a message that says what to install when Debian's redis-server is missing. */
export function requireRedisServer(): void {
  const probe = spawnSync(REDIS_SERVER, ["--version"], { encoding: "utf8" });
  if (probe.error || probe.status !== 0) {
    throw new Error(
      "redis-server is missing: install Debian's 'redis-server' package (apt-get install -y redis-server); `npm test` installs it when run as root.",
    );
  }
}

export async function startRedis(): Promise<TestRedis> {
  requireRedisServer();
  const dir = mkdtempSync(join(tmpdir(), "roundtable-redis-"));
  const port = await freePort();
  let child: ChildProcess | null = null;

  async function start() {
    const proc = spawn(
      REDIS_SERVER,
      ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--save", "", "--appendonly", "no"],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    child = proc;
    let output = "";
    await new Promise<void>((resolveReady, reject) => {
      proc.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
        output += chunk;
        if (output.includes("Ready to accept connections")) resolveReady();
      });
      proc.once("exit", (code) => reject(new Error(`redis-server exited (${code}) before it was ready: ${output}`)));
    });
    // The log line comes just before the listener accepts; make sure it does.
    await new Promise<void>((resolveOpen, reject) => {
      const socket = createConnection(port, "127.0.0.1", () => {
        socket.end();
        resolveOpen();
      });
      socket.once("error", reject);
    });
  }

  async function stop() {
    const proc = child;
    child = null;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((resolveExit) => proc.once("exit", resolveExit));
    proc.kill("SIGTERM");
    await exited;
  }

  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop,
    start,
    async close() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
