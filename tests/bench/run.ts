/**
 * `npm run bench [-- name…]`: runs every tests/bench/*.bench.ts (or those
 * whose name matches an argument), prints a markdown table — metric, value,
 * baseline, ratio, target, pass/fail — and writes bench/results.json and
 * bench/results.md with the machine it ran on. BENCH_SCALE=0.1 runs a tenth
 * of the rows for a quick look; BENCH_STRICT=1 exits 1 when a target fails.
 * How to read the results: docs/benchmarks.md.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { cpus, freemem, loadavg, platform, release, totalmem } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import {
  describeTarget,
  format,
  ratioOf,
  temporaryFolder,
  verdict,
  type Bench,
  type BenchContext,
  type Measurement,
} from "./lib";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "../..");

function machine() {
  const list = cpus();
  let commit: string | null = null;
  try {
    commit = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: root, encoding: "utf8" }).trim();
  } catch {
    commit = null;
  }
  return {
    cpus: list.length,
    cpuModel: list[0]?.model ?? "unknown",
    memoryGb: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    freeMemoryGb: Math.round((freemem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    platform: `${platform()} ${release()}`,
    loadAverage: loadavg().map((l) => Math.round(l * 100) / 100),
    commit,
  };
}

interface Row extends Measurement {
  bench: string;
  ratio: number | null;
  pass: boolean | null;
}

function table(rows: Row[]): string {
  const lines = [
    "| bench | metric | value | baseline | ratio | target | result |",
    "| --- | --- | ---: | ---: | ---: | --- | --- |",
  ];
  for (const r of rows) {
    const baseline =
      r.baseline !== undefined
        ? `${format(r.baseline)} ${r.unit}${r.baselineLabel ? ` (${r.baselineLabel})` : ""}`
        : `none: ${r.noBaseline ?? "**reason not stated**"}`;
    const targets = (r.targets ?? []).map((t) => describeTarget(t, r.unit)).join("; ");
    const result = r.pass === null ? "info" : r.pass ? "pass" : "**fail**";
    lines.push(
      `| ${r.bench} | ${r.metric}${r.note ? ` — ${r.note}` : ""} | ${format(r.value)} ${r.unit} | ${baseline} | ${r.ratio === null ? "" : `${r.ratio.toFixed(2)}×`} | ${targets} | ${result} |`,
    );
  }
  return lines.join("\n");
}

async function main() {
  const filters = process.argv.slice(2);
  const scale = Number(process.env.BENCH_SCALE ?? "1");
  if (!(scale > 0 && scale <= 1)) throw new Error("BENCH_SCALE must be in (0, 1]");
  const files = readdirSync(here)
    .filter((f) => f.endsWith(".bench.ts"))
    .sort();
  const benches: Bench[] = [];
  for (const file of files) {
    const mod = (await import(pathToFileURL(join(here, file)).href)) as { default: Bench };
    if (filters.length === 0 || filters.some((f) => mod.default.name.includes(f) || file.includes(f))) {
      benches.push(mod.default);
    }
  }
  const before = machine();
  const folder = temporaryFolder("roundtable-bench-");
  const endings: (() => void | Promise<void>)[] = [];
  const ctx: BenchContext = {
    tmpDir: folder.dir,
    scale,
    cache: new Map(),
    log: (line) => console.log(`  ${line}`),
    atEnd: (fn) => endings.push(fn),
  };
  const rows: Row[] = [];
  /** Seconds per bench (what a shared fixture costs lands on the first bench that asks for it). */
  const seconds: Record<string, number> = {};
  const started = Date.now();
  try {
    for (const bench of benches) {
      console.log(`▶ ${bench.name}`);
      const t0 = Date.now();
      const measurements = await bench.run(ctx);
      for (const m of measurements) rows.push({ ...m, bench: bench.name, ratio: ratioOf(m), pass: verdict(m) });
      seconds[bench.name] = Math.round((Date.now() - t0) / 1000);
      console.log(`  (${seconds[bench.name]} s)`);
    }
  } finally {
    for (const end of endings.reverse()) await end();
    folder.remove();
  }
  const after = machine();
  const md = table(rows);
  console.log(`\n${md}\n`);
  const results = {
    ranAt: new Date(started).toISOString(),
    durationSeconds: Math.round((Date.now() - started) / 1000),
    scale,
    benchSeconds: seconds,
    machine: { ...before, loadAverageAfter: after.loadAverage },
    results: rows,
  };
  const out = join(root, "bench");
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, "results.json"), `${JSON.stringify(results, null, 2)}\n`);
  const m = results.machine;
  writeFileSync(
    join(out, "results.md"),
    [
      "# Benchmark results",
      "",
      `Run ${results.ranAt} (${results.durationSeconds} s, scale ${scale}) at commit ${m.commit ?? "?"}. ` +
        `Seconds per bench: ${Object.entries(seconds)
          .map(([name, s]) => `${name} ${s}`)
          .join(", ")}. How to read this table: [docs/benchmarks.md](../docs/benchmarks.md).`,
      "",
      `Machine: ${m.cpus} × ${m.cpuModel}, ${m.memoryGb} GB memory (${m.freeMemoryGb} GB free), Node ${m.node}, ${m.platform}. ` +
        `Load average ${m.loadAverage.join(" / ")} before, ${m.loadAverageAfter.join(" / ")} after (1/5/15 min): ` +
        "other work on the machine slows both a measurement and its baseline.",
      "",
      md,
      "",
    ].join("\n"),
  );
  const failed = rows.filter((r) => r.pass === false);
  const unexplained = rows.filter((r) => r.baseline === undefined && !r.noBaseline);
  console.log(
    `Wrote bench/results.json and bench/results.md. ${failed.length} target(s) missed` +
      (unexplained.length ? `; ${unexplained.length} row(s) have no baseline and do not say why.` : "."),
  );
  if (failed.length > 0 && process.env.BENCH_STRICT === "1") process.exitCode = 1;
}

await main();
