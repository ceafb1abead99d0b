// The embedded emulator as a separate process (`sso-cli emulator`), so its CPU is not the
// benchmark's, plus the two admin calls the scenarios need.
import { spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { BIN, NODE } from "./sandbox.mjs";

const running = new Set();

/**
 * Starts `sso-cli emulator --port 0 --quiet` with the given flags (e.g. `{ accounts: 1000,
 * "latency-ms": 20 }`), waits for its port file and resolves with `{ url, stats, resetStats, stop }`.
 */
export async function startEmulator(dir, flags = {}) {
  const portFile = join(dir, `emulator-${running.size}-${Date.now()}.port`);
  const args = [BIN, "emulator", "--port", "0", "--port-file", portFile, "--quiet"];
  for (const [k, v] of Object.entries(flags)) args.push(`--${k}`, String(v));
  const child = spawn(NODE, args, { env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: dir }, stdio: ["ignore", "ignore", "pipe"] });
  running.add(child);
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  const exited = new Promise((resolve) => child.once("exit", resolve));

  const deadline = Date.now() + 15_000;
  let port = "";
  while (!port) {
    if (child.exitCode !== null) throw new Error(`the emulator exited (${child.exitCode}): ${stderr.trim()}`);
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error("the emulator did not start within 15 s");
    }
    await new Promise((r) => setTimeout(r, 20));
    port = (await readFile(portFile, "utf8").catch(() => "")).trim();
  }
  const url = `http://127.0.0.1:${port}`;
  const admin = async (path, body) => {
    const res = await fetch(url + "/_admin/" + path, body === undefined ? {} : { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`emulator admin ${path}: HTTP ${res.status}`);
    return res.json();
  };
  return {
    url,
    /** `GET /_admin/stats`: `{ operations: { Op: { calls, errors, byCode } }, peakConcurrency, … }`. */
    stats: () => admin("stats"),
    resetStats: () => admin("reset", { state: "stats" }),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
      running.delete(child);
    },
  };
}

/** Stops every emulator still running (after an error or Ctrl-C). */
export function killAllEmulators() {
  for (const child of running) if (child.exitCode === null) child.kill("SIGKILL");
  running.clear();
}

/** Calls, errors and error codes of one operation in a stats reply (zeros when never called). */
export function operationStats(stats, operation) {
  const op = stats.operations?.[operation];
  return { calls: op?.calls ?? 0, errors: op?.errors ?? 0, byCode: op?.byCode ?? {} };
}

/** All counted calls in a stats reply (admin calls are not counted). */
export function totalCalls(stats) {
  return Object.values(stats.operations ?? {}).reduce((sum, op) => sum + op.calls, 0);
}
