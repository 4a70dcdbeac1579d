/**
 * Realtime load (issue 8, item 3): many documents and clients at once — 200
 * documents × 5 clients (× BENCH_SCALE, at least 10 documents), each client
 * editing twice a second — through our realtime server (session auth, rights
 * through the permission module, every update stored before it is
 * broadcast: tests/helpers/realtime-server.ts) and, in the same run with the
 * same traffic, the unmodified `@y/websocket-server` 0.1.1 (no auth, no
 * storage: realtime-baseline.ts). Each server runs alone in a process and
 * the clients in another (realtime-load-clients.ts). Reported: peer
 * deliveries per second and edit → peer latency p50/p99. Targets: every
 * delivery made (2 % for the window's edges) and p99 ≤ 50 ms, as for the
 * realtime bench (docs/decisions/0012).
 */
import { orgId } from "../helpers/database";
import { spawnPortal, type PortalProcess } from "../helpers/process";
import { sessionCookieFor } from "../helpers/realtime";
import { openBenchDatabase } from "./fixtures";
import { defineBench, type BenchContext, type Measurement } from "./lib";
import type { ClientsConfig, ClientsResult } from "./realtime-load-clients";

const CLIENTS_PER_DOCUMENT = 5;
const EDITS_PER_SECOND = 2;

export async function startServer(entry: string, env: Record<string, string>) {
  const proc = spawnPortal(env, { entry });
  await proc.waitForOutput(/listening on (\d+)/);
  return { proc, port: Number(/listening on (\d+)/.exec(proc.stdout())![1]) };
}

export async function stop(proc: PortalProcess) {
  proc.child.kill("SIGTERM");
  const timer = setTimeout(() => proc.kill(), 5_000);
  await proc.exited;
  clearTimeout(timer);
}

/** Runs the clients' process with `config` and returns what it measured. */
export async function runClients(config: ClientsConfig): Promise<ClientsResult> {
  const proc = spawnPortal({ LOAD_CLIENTS: JSON.stringify(config) }, { entry: "tests/bench/realtime-load-clients.ts" });
  try {
    await proc.waitForOutput(/^result /m);
    return JSON.parse(/^result (.*)$/m.exec(proc.stdout())![1]!) as ClientsResult;
  } finally {
    proc.kill();
  }
}

export default defineBench({
  name: "realtime-load",
  async run(ctx: BenchContext): Promise<Measurement[]> {
    const documents = Math.max(10, Math.round(200 * ctx.scale));
    const seconds = Math.max(5, Math.round(15 * ctx.scale));
    const bench = await openBenchDatabase({ dir: ctx.tmpDir });
    const xiheyan = await orgId(bench.database, "西河沿社区居委会");
    const cookie = await sessionCookieFor(bench.database, "secretary");
    const shape = { clientsPerDocument: CLIENTS_PER_DOCUMENT, rate: EDITS_PER_SECOND, seconds, warmupSeconds: 2 };
    const results: Record<"ours" | "baseline", ClientsResult> = {} as never;
    try {
      const ours = await startServer("tests/helpers/realtime-server.ts", {
        DATABASE_URL: `file:${bench.path}`,
        PORT: "0",
        REALTIME_QUIET: "1",
      });
      try {
        results.ours = await runClients({
          ...shape,
          urls: Array.from({ length: documents }, (_, d) => `ws://127.0.0.1:${ours.port}/realtime/test:${xiheyan}:load-${d}`),
          cookie,
        });
      } finally {
        await stop(ours.proc);
      }
      const baseline = await startServer("tests/bench/realtime-baseline.ts", {});
      try {
        results.baseline = await runClients({
          ...shape,
          urls: Array.from({ length: documents }, (_, d) => `ws://127.0.0.1:${baseline.port}/load-${d}`),
          cookie: null,
        });
      } finally {
        await stop(baseline.proc);
      }
    } finally {
      bench.close();
    }
    const { ours, baseline } = results;
    for (const [label, r] of Object.entries(results)) {
      ctx.log(
        `${label}: ${r.clients} clients, ${Math.round(r.deliveredPerSecond)} deliveries/s (${r.delivered}/${r.expected}), ` +
          `p50 ${r.p50.toFixed(2)} p99 ${r.p99.toFixed(2)} ms; client process CPU ${(r.clientCpu * 100).toFixed(0)} %`,
      );
    }
    const shapeNote = `${documents} documents × ${CLIENTS_PER_DOCUMENT} clients, ${EDITS_PER_SECOND} edits/s each, ${seconds} s`;
    const base = { baselineLabel: "@y/websocket-server 0.1.1, same traffic" };
    const clientNote = `client process CPU ${(ours.clientCpu * 100).toFixed(0)} % (baseline run ${(baseline.clientCpu * 100).toFixed(0)} %)`;
    return [
      {
        metric: "realtime load: peer deliveries per second",
        value: ours.deliveredPerSecond,
        unit: "updates/s",
        baseline: baseline.deliveredPerSecond,
        ...base,
        targets: [{ atLeast: (ours.expected / seconds) * 0.98 }],
        note: `${shapeNote}; ${ours.delivered.toLocaleString()} of ${ours.expected.toLocaleString()} deliveries made; ${clientNote}`,
      },
      {
        metric: "realtime load: edit → peer latency p50",
        value: ours.p50,
        unit: "ms",
        baseline: baseline.p50,
        ...base,
        note: shapeNote,
      },
      {
        metric: "realtime load: edit → peer latency p99",
        value: ours.p99,
        unit: "ms",
        baseline: baseline.p99,
        ...base,
        targets: [{ atMost: 50 }],
        note: shapeNote,
      },
    ];
  },
});
