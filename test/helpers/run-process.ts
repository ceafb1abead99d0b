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
export function runProcess(command: string, args: string[], opts: RunOptions): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      HOME: opts.home,
      NO_COLOR: "1",
      BROWSER: "none",
      LANG: "C.UTF-8",
    };
    // A key given as undefined removes that default (e.g. BROWSER, to test a desktop).
    for (const [k, v] of Object.entries(opts.env ?? {})) {
      if (v === undefined) delete env[k];
      else env[k] = v;
    }
    const child = spawn(command, args, {
      env,
      cwd: opts.cwd ?? opts.home,
      stdio: ["pipe", "pipe", "pipe"],
      ...(opts.uid !== undefined && { uid: opts.uid }),
      ...(opts.gid !== undefined && { gid: opts.gid }),
    });
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
    // A command that ends without reading its stdin closes the pipe first: EPIPE is no error of its.
    child.stdin.on("error", (e: NodeJS.ErrnoException) => {
      if (e.code !== "EPIPE") reject(e);
    });
    child.stdin.end(opts.input ?? "");
  });
}

export function runCli(args: string[], opts: RunOptions): Promise<ProcessResult> {
  return runProcess(process.execPath, [BIN, ...args], opts);
}

export interface RunningCli {
  /** What the command has written to stderr so far. */
  stderr(): string;
  /** Resolves once stderr matches (or rejects after timeoutMs). */
  waitForStderr(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  /** Writes to the command's stdin. */
  write(text: string): void;
  kill(signal: NodeJS.Signals): void;
  /** Whether it has exited yet. */
  exited(): boolean;
  result: Promise<ProcessResult>;
}

/** Starts the built sso-cli and lets the test act while it runs (a person at the browser, Ctrl-C). */
export function startCli(args: string[], opts: { home: string; env?: Record<string, string | undefined>; timeoutMs?: number }): RunningCli {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: opts.home,
    NO_COLOR: "1",
    BROWSER: "none",
    LANG: "C.UTF-8",
  };
  for (const [k, v] of Object.entries(opts.env ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  const child = spawn(process.execPath, [BIN, ...args], { env, cwd: opts.home, stdio: ["pipe", "pipe", "pipe"] });
  // Written to after the command may have ended: EPIPE then is no error of the test's.
  child.stdin.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code !== "EPIPE") throw e;
  });
  let stdout = "";
  let stderr = "";
  let done = false;
  const listeners = new Set<() => void>();
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => {
    stderr += d.toString();
    for (const l of listeners) l();
  });
  const timer = setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs ?? 60_000);
  const result = new Promise<ProcessResult>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      done = true;
      for (const l of listeners) l();
      resolve({ code, stdout, stderr });
    });
  });
  return {
    stderr: () => stderr,
    waitForStderr: (pattern, timeoutMs = 20_000) =>
      new Promise((resolve, reject) => {
        const check = (): void => {
          const m = pattern.exec(stderr);
          if (m) {
            listeners.delete(check);
            clearTimeout(t);
            resolve(m);
          } else if (done) {
            listeners.delete(check);
            clearTimeout(t);
            reject(new Error(`exited before stderr matched ${pattern}:\n${stderr}`));
          }
        };
        const t = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`stderr did not match ${pattern} within ${timeoutMs} ms:\n${stderr}`));
        }, timeoutMs);
        listeners.add(check);
        check();
      }),
    write: (text) => void child.stdin.write(text),
    kill: (signal) => void child.kill(signal),
    exited: () => done,
    result,
  };
}
