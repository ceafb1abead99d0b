// npm run bench: sso-cli against what users would run instead, in the same run on the same machine.
//
//   node bench/run.mjs [--smoke] [--only startup,hot-path,fan-out,throttled,throughput,populate] [--out FILE]
//
// SSO_CLI_BENCH_AWS_SSO_UTIL=/path/to/aws-sso-util adds aws-sso-util to the populate scenario.
//
// Every scenario runs against the embedded emulator (a separate `sso-cli emulator` process) in a
// throwaway HOME with an environment built from nothing. Prints a table (median, spread, goal,
// PASS/MISS) and writes JSON to bench/results/latest.json (--smoke: one iteration of each, small
// sizes, written to bench/results/smoke.json). Exit code: 0 when every scenario ran (a MISS is a
// finding, not a crash), 1 when one could not run, 2 on bad arguments.
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { findAwsCliV2 } from "./lib/aws-cli-v2.mjs";
import { killAllEmulators } from "./lib/emulator.mjs";
import { findPython, killAllRuns } from "./lib/measure.mjs";
import { machineInfo, markdownTable, textTable } from "./lib/report.mjs";
import { REPO_ROOT, makeHome, removeHomes, snapshotBuild } from "./lib/sandbox.mjs";
import { fanOut } from "./scenarios/fan-out.mjs";
import { hotPath } from "./scenarios/hot-path.mjs";
import { populate } from "./scenarios/populate.mjs";
import { startup } from "./scenarios/startup.mjs";
import { throttled } from "./scenarios/throttled.mjs";
import { throughput } from "./scenarios/throughput.mjs";

/** In running order; fan-out also yields the memory scenario (6) from the same runs. */
const SCENARIOS = [
  { id: "startup", title: "1. Start-up", run: startup },
  { id: "hot-path", title: "2. Script hot path", run: hotPath },
  { id: "fan-out", title: "3. Fan-out", run: fanOut, also: { id: "memory", title: "6. Memory" } },
  { id: "throttled", title: "4. Throttled fan-out", run: throttled },
  { id: "throughput", title: "5. Emulator throughput", run: throughput },
  { id: "populate", title: "7. Populate", run: populate },
];

let args;
try {
  args = parseArgs({
    options: {
      smoke: { type: "boolean", default: false },
      only: { type: "string" },
      out: { type: "string" },
      markdown: { type: "boolean", default: false },
    },
  }).values;
} catch (err) {
  process.stderr.write(
    `bench: ${err.message}\nusage: node bench/run.mjs [--smoke] [--only ${SCENARIOS.map((s) => s.id).join(",")}] [--out FILE] [--markdown]\n`,
  );
  process.exit(2);
}
const only = args.only ? new Set(args.only.split(",").map((s) => s.trim())) : undefined;
const unknown = [...(only ?? [])].filter((id) => !SCENARIOS.some((s) => s.id === id));
if (unknown.length) {
  process.stderr.write(`bench: unknown scenario ${unknown.join(", ")}; known: ${SCENARIOS.map((s) => s.id).join(", ")}\n`);
  process.exit(2);
}
const out = resolve(args.out ?? join(REPO_ROOT, "bench", "results", args.smoke ? "smoke.json" : "latest.json"));

const cleanup = async () => {
  killAllRuns();
  killAllEmulators();
  await removeHomes();
};
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.once(signal, () => void cleanup().finally(() => process.exit(130)));
}

const started = Date.now();
const machine = machineInfo();
// One build for the whole run, even if someone rebuilds dist/ meanwhile.
try {
  await snapshotBuild();
} catch (err) {
  process.stderr.write(`bench: ${err.message}\n  Build first: npm run build (npm install does it).\n`);
  await removeHomes();
  process.exit(1);
}
const scratch = await makeHome("probe");
const aws = findAwsCliV2(scratch);
const python = findPython();
const log = (line) => process.stderr.write(`${line}\n`);
log(
  `sso-cli bench${args.smoke ? " (smoke: one iteration, small sizes)" : ""} on ${machine.nproc} × ${machine.cpu}, ${machine.memoryGiB} GiB, Node ${machine.node}`,
);
log(`  AWS CLI v2: ${aws.version ?? `absent (${aws.missing})`}; peak RSS via ${python ?? "nothing (python3 missing)"}`);

const results = [];
let failed = 0;
try {
  for (const s of SCENARIOS) {
    if (only && !only.has(s.id)) continue;
    const t = Date.now();
    log(`${s.title}…`);
    try {
      const r = await s.run({ smoke: args.smoke, log });
      const list = Array.isArray(r) ? r : [r];
      for (const one of list) results.push({ ...one, seconds: Math.round((Date.now() - t) / 100) / 10 });
    } catch (err) {
      failed++;
      log(`  ${s.title} could not run: ${err instanceof Error ? err.message : String(err)}`);
      for (const one of [s, ...(s.also ? [s.also] : [])]) {
        results.push({
          id: one.id,
          title: one.title,
          error: String(err instanceof Error ? err.message : err),
          rows: [{ measure: "could not run", unit: "", median: Number.NaN, n: 0, goal: "", status: "ERROR" }],
          notes: [],
        });
      }
    }
    log(`  done in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  }
} finally {
  await cleanup();
}
results.sort((a, b) => a.title.localeCompare(b.title, "en", { numeric: true }));

const durationS = Math.round((Date.now() - started) / 100) / 10;
const statuses = results.flatMap((r) => r.rows.map((row) => row.status).filter(Boolean));
const summary = {
  pass: statuses.filter((s) => s === "PASS").length,
  miss: statuses.filter((s) => s === "MISS").length,
  error: statuses.filter((s) => s === "ERROR").length,
};

process.stdout.write(`\n${args.markdown ? markdownTable(results) : textTable(results)}\n\n`);
for (const r of results) {
  for (const note of r.notes ?? []) process.stdout.write(`${r.title}: ${note}\n`);
}
process.stdout.write(
  `\n${summary.pass} PASS, ${summary.miss} MISS${summary.error ? `, ${summary.error} could not run` : ""}; total ${durationS} s.\n`,
);

const report = {
  schema: 1,
  mode: args.smoke ? "smoke" : "full",
  startedAt: new Date(started).toISOString(),
  durationS,
  machine: { ...machine, awsCliV2: aws.version ?? null, peakRssVia: python ? "python3 getrusage(RUSAGE_CHILDREN)" : null },
  summary,
  scenarios: results,
  markdown: markdownTable(results),
};
await mkdir(dirname(out), { recursive: true });
await writeFile(out, JSON.stringify(report, (_k, v) => (typeof v === "number" && !Number.isFinite(v) ? null : v), 2) + "\n");
process.stdout.write(`Results: ${out}\n`);
process.exit(failed ? 1 : 0);
