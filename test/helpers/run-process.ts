import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const BIN = fileURLToPath(new URL("../../bin/sso-cli", import.meta.url));

export interface ProcessResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  home: string;
  env?: Record<string, string | undefined>;
  input?: string;
  timeoutMs?: number;
  /** Default: HOME. */
  cwd?: string;
  /** Run as another user (needs root): for permission errors, which root never gets. */
  uid?: number;
  gid?: number;
}

/**
 * Spawns a process asynchronously (an in-process emulator must keep answering) with an
 * environment built from nothing but PATH, HOME and what the test passes: the developer's own
 * AWS_* variables must never reach a test.
 */
export function runProcess(
  command: string,
  args: string[],
  opts: RunOptions,
): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const env: Record<string, string> = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: opts.home, NO_COLOR: "1", BROWSER: "none", LANG: "C.UTF-8" };
    for (const [k, v] of Object.entries(opts.env ?? {})) if (v !== undefined) env[k] = v;
    const child = spawn(command, args, { env, cwd: opts.cwd ?? opts.home, stdio: ["pipe", "pipe", "pipe"], ...(opts.uid !== undefined && { uid: opts.uid }), ...(opts.gid !== undefined && { gid: opts.gid }) });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs ?? 60_000);
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(opts.input ?? "");
  });
}

export function runCli(args: string[], opts: RunOptions): Promise<ProcessResult> {
  return runProcess(process.execPath, [BIN, ...args], opts);
}

/** Runs a python3 script (botocore/boto3 are on the machine) with the given environment. */
export function runPython(script: string, opts: { home: string; env?: Record<string, string | undefined>; timeoutMs?: number }): Promise<ProcessResult> {
  return runProcess("python3", ["-c", script], opts);
}
