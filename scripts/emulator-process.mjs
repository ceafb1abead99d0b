// `sso-cli emulator` as a separate process on a free loopback port, for the benchmarks
// (bench/lib/emulator.mjs): started with its port file, waited for, and stopped.
import { spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";

let started = 0;

/** Starts `BIN emulator --port 0 --quiet` with `flags` (e.g. `{ accounts: 1000 }`) in HOME `dir`; resolves with `{ child, url, stop }`. */
export async function spawnEmulator(bin, dir, flags = {}) {
  const portFile = join(dir, `emulator-${process.pid}-${started++}.port`);
  const args = [bin, "emulator", "--port", "0", "--port-file", portFile, "--quiet"];
  for (const [k, v] of Object.entries(flags)) args.push(`--${k}`, String(v));
  const child = spawn(process.execPath, args, {
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: dir },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  const exited = new Promise((resolve) => child.once("exit", resolve));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    await exited;
  };
  const deadline = Date.now() + 15_000;
  for (;;) {
    const port = (await readFile(portFile, "utf8").catch(() => "")).trim();
    if (port) return { child, url: `http://127.0.0.1:${port}`, stop };
    if (child.exitCode !== null) throw new Error(`the emulator exited (${child.exitCode}): ${stderr.trim()}`);
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error("the emulator did not start within 15 s");
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
