// The embedded emulator as a separate process (`sso-cli emulator`), so its CPU is not the
// benchmark's, plus the two admin calls the scenarios need.
import { spawnEmulator } from "../../scripts/emulator-process.mjs";
import { BIN } from "./sandbox.mjs";

const running = new Set();

/**
 * Starts `sso-cli emulator --port 0 --quiet` with the given flags (e.g. `{ accounts: 1000,
 * "latency-ms": 20 }`), waits for its port file and resolves with `{ url, stats, resetStats, stop }`.
 */
export async function startEmulator(dir, flags = {}) {
  const { child, url, stop } = await spawnEmulator(BIN, dir, flags);
  running.add(child);
  const admin = async (path, body) => {
    const res = await fetch(
      url + "/_admin/" + path,
      body === undefined ? {} : { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) },
    );
    if (!res.ok) throw new Error(`emulator admin ${path}: HTTP ${res.status}`);
    return res.json();
  };
  return {
    url,
    /** `GET /_admin/stats`: `{ operations: { Op: { calls, errors, byCode } }, peakConcurrency, … }`. */
    stats: () => admin("stats"),
    resetStats: () => admin("reset", { state: "stats" }),
    async stop() {
      await stop();
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
