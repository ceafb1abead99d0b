// Timing one process run. With python3 (bench/lib/timed-run.py) each run also yields the child's
// peak RSS from getrusage(RUSAGE_CHILDREN); without it, Node times the run and RSS is unknown.
import { spawn, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const WRAPPER = fileURLToPath(new URL("./timed-run.py", import.meta.url));

let python;
/**
 * An absolute python3 that can run the wrapper, or null. A pyenv shim on PATH fails under a
 * throwaway HOME, so the interpreter's real path is resolved once, here, and used from then on.
 */
export function findPython() {
  if (python !== undefined) return python;
  python = null;
  for (const candidate of ["python3", "/usr/bin/python3"]) {
    const r = spawnSync(candidate, ["-c", "import resource, subprocess, sys; print(sys.executable)"], {
      encoding: "utf8",
      timeout: 10_000,
    });
    const exe = r.status === 0 ? r.stdout.trim() : "";
    if (exe && spawnSync(exe, ["-c", "import resource"], { env: { PATH: "/usr/bin:/bin" }, timeout: 10_000 }).status === 0) {
      python = exe;
      break;
    }
  }
  return python;
}

const live = new Set();
/** Kills whatever is still running (Ctrl-C, or a scenario that threw). */
export function killAllRuns() {
  for (const pid of live) {
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
  live.clear();
}

/**
 * Runs `command args` with exactly `env`, stdin closed, output captured; resolves with
 * `{ ms, maxRssKiB (null without python3), code, stdout, stderr }`. A run past `timeoutMs` is killed
 * (its whole process group) and rejects.
 */
export function timeProcess(command, args, { env, cwd, timeoutMs = 120_000 }) {
  const py = findPython();
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = py
      ? spawn(py, [WRAPPER, command, ...args], { env, cwd, stdio: ["ignore", "pipe", "pipe", "pipe"], detached: true })
      : spawn(command, args, { env, cwd, stdio: ["ignore", "pipe", "pipe"], detached: true });
    live.add(child.pid);
    let stdout = "";
    let stderr = "";
    let report = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    if (py) child.stdio[3].on("data", (d) => (report += d));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {
        // already gone
      }
    }, timeoutMs);
    child.once("error", (err) => {
      clearTimeout(timer);
      live.delete(child.pid);
      reject(err);
    });
    child.once("close", (code) => {
      clearTimeout(timer);
      live.delete(child.pid);
      if (timedOut) return reject(new Error(`${command} ${args.join(" ")}: still running after ${timeoutMs} ms; killed`));
      if (!py) return resolve({ ms: Number(process.hrtime.bigint() - started) / 1e6, maxRssKiB: null, code, stdout, stderr });
      let r;
      try {
        r = JSON.parse(report);
      } catch {
        return reject(new Error(`the timing wrapper failed (exit ${code}): ${stderr.trim().split("\n").slice(-3).join(" | ")}`));
      }
      resolve({ ms: r.ns / 1e6, maxRssKiB: r.maxRssKiB, code: r.code, stdout, stderr });
    });
  });
}

/** Like timeProcess, but a non-zero exit is an error that quotes the end of stderr. */
export async function mustRun(command, args, opts) {
  const r = await timeProcess(command, args, opts);
  if (r.code !== 0) throw new Error(`${[command, ...args].join(" ")} exited ${r.code}: ${tail(r.stderr)}`);
  return r;
}

/** The last few lines of some output, on one line, for error messages. */
export function tail(text, lines = 3) {
  return text.trim().split("\n").slice(-lines).join(" | ");
}
