import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { expect, it } from "vitest";
import { REPO_ROOT, runProcess } from "../helpers/run-process.js";
import { makeTempHome } from "../helpers/temp-home.js";

// The benchmark's smoke mode (one iteration each, small sizes) against the built CLI: it must run
// end to end and report every scenario. Timings are not asserted: PASS/MISS is `npm run bench`'s job.

const SCENARIOS = ["startup", "hot-path", "fan-out", "throttled", "throughput", "memory", "populate"];

it("npm run bench -- --smoke runs every scenario and writes its JSON report", async () => {
  const { home, cleanup } = await makeTempHome("sso-cli-bench-smoke-");
  try {
    const out = join(home, "smoke.json");
    const r = await runProcess(process.execPath, [join(REPO_ROOT, "bench", "run.mjs"), "--smoke", "--out", out], {
      home,
      cwd: REPO_ROOT,
      timeoutMs: 170_000,
    });
    expect(r.stderr).not.toMatch(/could not run/);
    expect(r.code).toBe(0);

    const report = JSON.parse(await readFile(out, "utf8")) as {
      mode: string;
      machine: { nproc: number; node: string };
      scenarios: { id: string; rows: { measure: string; status?: string }[] }[];
    };
    expect(report.mode).toBe("smoke");
    expect(report.machine.node).toBe(process.version);
    expect(report.scenarios.map((s) => s.id).sort()).toEqual([...SCENARIOS].sort());
    for (const s of report.scenarios) {
      expect(s.rows.length, s.id).toBeGreaterThan(0);
      expect(
        s.rows.every((row) => row.status !== "ERROR"),
        s.id,
      ).toBe(true);
    }
    // The table names every scenario.
    for (const title of ["Start-up", "Script hot path", "Fan-out", "Throttled fan-out", "Emulator throughput", "Memory", "Populate"])
      expect(r.stdout).toContain(title);
  } finally {
    await cleanup();
  }
}, 180_000);
