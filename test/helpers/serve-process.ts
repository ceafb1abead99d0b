import { spawn, type ChildProcess } from "node:child_process";
import { BIN } from "./run-process.js";

/** A running `sso-cli serve` (or other long-running sso-cli), with what it printed so far. */
export interface ServeProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves once stdout or stderr (whichever `stream`) matches; rejects if it exits first. */
  waitFor(pattern: RegExp, stream?: "stdout" | "stderr", timeoutMs?: number): Promise<RegExpExecArray>;
  /** Its exit code (or 128 + signal), once it ends. */
  exit: Promise<number>;
}

export function startServe(args: string[], o: { home: string; env?: Record<string, string>; cwd?: string }): ServeProcess {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: o.home,
    NO_COLOR: "1",
    BROWSER: "none",
    LANG: "C.UTF-8",
    ...o.env,
  };
  const child = spawn(process.execPath, [BIN, ...args], { env, cwd: o.cwd ?? o.home, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  const listeners = new Set<() => void>();
  let ended = false;
  child.stdout!.on("data", (d: Buffer) => {
    out += d.toString();
    for (const l of listeners) l();
  });
  child.stderr!.on("data", (d: Buffer) => {
    err += d.toString();
    for (const l of listeners) l();
  });
  const killer = setTimeout(() => child.kill("SIGKILL"), 120_000);
  const exit = new Promise<number>((resolve) =>
    child.on("close", (code, signal) => {
      clearTimeout(killer);
      ended = true;
      for (const l of listeners) l();
      resolve(code ?? 128 + (signal === "SIGTERM" ? 15 : signal === "SIGINT" ? 2 : 9));
    }),
  );
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exit,
    waitFor: (pattern, stream = "stdout", timeoutMs = 30_000) =>
      new Promise((resolve, reject) => {
        const check = (): void => {
          const m = pattern.exec(stream === "stdout" ? out : err);
          if (m) done(() => resolve(m));
          else if (ended) done(() => reject(new Error(`exited before ${stream} matched ${pattern}:\n${out}\n${err}`)));
        };
        const t = setTimeout(() => done(() => reject(new Error(`${stream} did not match ${pattern} in time:\n${out}\n${err}`))), timeoutMs);
        const done = (f: () => void): void => {
          listeners.delete(check);
          clearTimeout(t);
          f();
        };
        listeners.add(check);
        check();
      }),
  };
}

/** `sso-cli serve …` started and ready: its process, and the first FULL_URI it printed. */
export async function startServing(
  args: string[],
  o: { home: string; env?: Record<string, string> },
): Promise<{ server: ServeProcess; url: string }> {
  const server = startServe(args, o);
  await server.waitFor(/until Ctrl-C/, "stderr");
  return { server, url: /FULL_URI=(\S+)/.exec(server.stdout())![1]! };
}

/** Ends every server a test started (SIGKILL: the test has seen what it needed). */
export async function stopServers(servers: ServeProcess[]): Promise<void> {
  for (const s of servers.splice(0)) {
    s.child.kill("SIGKILL");
    await s.exit;
  }
}
