/**
 * The portal as a real child process (`server/main.ts` under tsx, as
 * `npm start` runs it), for boot and shutdown behaviour.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { resolve } from "node:path";
import { configSchema } from "../../server/config";

export interface PortalProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves when stdout has matched `pattern` (rejects if the process exits first). */
  waitForOutput(pattern: RegExp): Promise<void>;
  /** Resolves with how the process ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Ends the process if it is still running (cleanup). */
  kill(): void;
}

/**
 * Sends `message` over a process's IPC channel (spawned with `ipc`) and
 * resolves with its first message of type `reply` — e.g. the realtime test
 * server's {type:"stats"} and {type:"settle"} (tests/helpers/realtime-server.ts).
 */
export function ask<T>(
  proc: PortalProcess,
  message: { type: string; [field: string]: unknown },
  reply: string,
): Promise<T> {
  return new Promise((resolveReply) => {
    const onMessage = (m: { type: string }) => {
      if (m.type !== reply) return;
      proc.child.off("message", onMessage);
      resolveReply(m as T);
    };
    proc.child.on("message", onMessage);
    proc.child.send(message);
  });
}

/** A port that was free a moment ago: listen on 0, note the port, close. */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

/**
 * The V8 flags `npm start` gives the portal (package.json's start script): a
 * young generation of up to 64 MB a half, so a page's short-lived objects die
 * in fewer scavenges; and an old generation that grows to twice what the last
 * full collection kept before the next one starts. V8's own factor aims at
 * throughput and was 1.1–1.3 here, which brought a full collection, and a run
 * of slow requests, every few hundred pages (decision 0026, session 27).
 */
export const START_NODE_FLAGS = ["--max-semi-space-size=64", "--heap-growing-percent=100"];

/**
 * Starts `server/main.ts` as `npm start` does (or another `entry`) with `env` on top of this
 * process's environment, minus every variable the portal reads (so the test
 * states them all). `ipc` opens a message channel (child.send / process.send).
 */
export function spawnPortal(
  env: Record<string, string>,
  options: { entry?: string; ipc?: boolean; nodeArgs?: string[] } = {},
): PortalProcess {
  const base = { ...process.env };
  for (const key of Object.keys(configSchema.shape)) delete base[key];
  const child = spawn(
    process.execPath,
    [
      ...(options.nodeArgs ?? []),
      ...(options.entry ? [] : START_NODE_FLAGS),
      "--import",
      "tsx",
      options.entry ?? "server/main.ts",
    ],
    {
      cwd: resolve("."),
      env: { ...base, ...env },
      stdio: options.ipc ? ["ignore", "pipe", "pipe", "ipc"] : ["ignore", "pipe", "pipe"],
    },
  );
  let out = "";
  let err = "";
  const watchers = new Set<() => void>();
  child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
    out += chunk;
    for (const w of watchers) w();
  });
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => {
    err += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolveExit) => {
    child.once("exit", (code, signal) => {
      for (const w of watchers) w();
      resolveExit({ code, signal });
    });
  });
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitForOutput(pattern) {
      return new Promise((resolveWait, reject) => {
        const check = () => {
          if (pattern.test(out)) {
            watchers.delete(check);
            resolveWait();
          } else if (child.exitCode !== null || child.signalCode !== null) {
            watchers.delete(check);
            reject(new Error(`process exited before printing ${pattern}; stdout: ${out}; stderr: ${err}`));
          }
        };
        watchers.add(check);
        check();
      });
    },
    kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    },
  };
}
