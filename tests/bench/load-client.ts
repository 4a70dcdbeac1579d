/**
 * The load bench's client (tests/bench/load.bench.ts): autocannon runs on
 * loopback, timed per response, and the figures made from them.
 *
 * Run as a process of its own (`LOAD_CLIENT=1`, with an IPC channel), it
 * answers each {type: "hit", url, options} with {type: "hit-result"} and the
 * run's result or error. The bench drives its runs from such a process, as
 * the realtime load bench does its clients: the bench's own process holds
 * what building the million tickets left in its heap, and its collections
 * delayed the responses it was timing (decision 0026, session 26).
 */
import autocannon from "autocannon";
import { percentile } from "./lib";

export interface LoadResult {
  requests: number;
  perSecond: number;
  p50: number;
  p99: number;
  /** Answers other than 2xx, errors and timeouts. */
  failures: number;
  /** Of which timeouts (no answer within 10 s). */
  timeouts: number;
  /** Each answered request's latency, ms, and the run's length, s: what runs are merged from. */
  latencies: number[];
  seconds: number;
}

type Counted = Pick<LoadResult, "requests" | "failures" | "timeouts" | "latencies" | "seconds">;

/** A run's figures from its counts and latencies: one place for the rate and the percentiles. */
function loadResult(run: Counted): LoadResult {
  return {
    ...run,
    perSecond: run.requests / (run.seconds || 1),
    p50: percentile(run.latencies, 50),
    p99: percentile(run.latencies, 99),
  };
}

/** Runs of one endpoint taken as one: their requests and time added up, their latencies pooled. */
export function mergeRuns(runs: LoadResult[]): LoadResult {
  const sum = (field: "requests" | "failures" | "timeouts" | "seconds") => runs.reduce((n, r) => n + r[field], 0);
  return loadResult({
    requests: sum("requests"),
    failures: sum("failures"),
    timeouts: sum("timeouts"),
    seconds: sum("seconds"),
    latencies: runs.flatMap((r) => r.latencies),
  });
}

export interface HitOptions {
  headers?: Record<string, string>;
  amount: number;
  maxSeconds: number;
  /** Each keeps one request in flight; 1 unless given. */
  connections?: number;
}

/**
 * `amount` requests over `connections` connections, or `maxSeconds`, whichever
 * ends first. Latencies are taken from each response (autocannon's own
 * histogram keeps whole milliseconds). The run's length is timed here too,
 * from its start to its last answer: autocannon reports its end only at its
 * next one-second sample, so its `duration` is the run's length rounded up to
 * a whole second, and a 2.2 s slice counted as 3 s (decision 0026, session 28).
 */
export function hit(url: string, options: HitOptions): Promise<LoadResult> {
  if (!/^http:\/\/127\.0\.0\.1:\d+\//.test(url)) throw new Error(`load runs on loopback only, not ${url}`);
  return new Promise((resolveRun, reject) => {
    const latencies: number[] = [];
    // The run ends with its last answer, an error or a timeout included.
    const started = performance.now();
    let lastAnswer = started;
    const instance = autocannon(
      {
        url,
        connections: options.connections ?? 1,
        amount: options.amount,
        headers: options.headers ?? {},
        timeout: 10,
      },
      (error, result) => {
        clearTimeout(limit);
        if (error) return reject(error);
        resolveRun(
          loadResult({
            requests: result["2xx"],
            failures: result.non2xx + result.errors + result.timeouts,
            timeouts: result.timeouts,
            latencies,
            seconds: (lastAnswer - started) / 1000,
          }),
        );
      },
    );
    instance.on("response", (_client, status, _bytes, responseTime) => {
      lastAnswer = performance.now();
      if (status >= 200 && status < 300) latencies.push(responseTime);
    });
    instance.on("reqError", () => {
      lastAnswer = performance.now();
    });
    const limit = setTimeout(() => instance.stop(), options.maxSeconds * 1000);
  });
}

if (process.env.LOAD_CLIENT === "1") {
  process.on("message", (message: { type: string; url: string; options: HitOptions }) => {
    if (message.type !== "hit") return;
    // hit() refuses some URLs by throwing at once; that is an answer too.
    Promise.resolve()
      .then(() => hit(message.url, message.options))
      .then(
        (result) => process.send!({ type: "hit-result", result }),
        (error: unknown) => process.send!({ type: "hit-result", error: String(error) }),
      );
  });
  console.log("load client ready");
}
