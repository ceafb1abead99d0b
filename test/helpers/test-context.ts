import { spawn } from "node:child_process";
import { setMaxListeners } from "node:events";
import { PassThrough, Writable } from "node:stream";
import { setTimeout as delay } from "node:timers/promises";
import type { Browser, BrowserLaunch, Context } from "../../src/context.js";
import { resolveAwsPaths } from "../../src/files/aws-paths.js";

/**
 * A Context for in-process tests of the use cases: a fake clock whose `sleep` moves time forward
 * at once (yielding to the event loop first, so real I/O such as a loopback request still gets
 * its turn), captured stdout/stderr, a scripted stdin, a recorded browser, and a throwaway HOME.
 * Nothing under src/ is mocked: the use case runs as it does for a user.
 */
export interface TestContext extends Context {
  stdoutText(): string;
  stderrText(): string;
  /** Types a line on stdin (as a person pasting would). */
  type(line: string): void;
  /** Closes stdin (end of input). */
  endInput(): void;
  /** URLs the browser was asked to open. */
  opened: string[];
  /** Moves the fake clock forward. */
  advance(ms: number): void;
  /** Aborts the command's signal, as Ctrl-C does. */
  interrupt(): void;
}

export interface TestContextOptions {
  home: string;
  /** The fake clock's start; the real time by default (the emulator's clock is real). */
  now?: Date;
  env?: Record<string, string | undefined>;
  endpoints?: Context["endpoints"];
  /**
   * What the browser does with a URL; by default nothing, and it reports it could not open one.
   * `true` stands for a browser that opened and followed the (one-time) address at once.
   */
  browser?: { available: boolean; open?(url: string): Promise<boolean | BrowserLaunch> };
  tty?: Partial<Context["tty"]>;
  debug?: boolean;
  /** The operating system the command believes it runs on ("linux" by default). */
  platform?: NodeJS.Platform;
  /**
   * "fake" (the default): sleeping moves the clock at once. "real": sleeping takes real time, for
   * tests where a person acts over real I/O while the command waits (its wait ends when they do).
   */
  sleep?: "fake" | "real";
  /**
   * The fake clock also runs in real time (sleeping still moves it at once): for tests where a
   * real wait, such as a read timeout on a hung server, must count against a deadline.
   */
  running?: boolean;
}

export function createTestContext(o: TestContextOptions): TestContext {
  let nowMs = (o.now ?? new Date()).getTime();
  const realStart = Date.now();
  const elapsed = o.running ? () => Date.now() - realStart : () => 0;
  let stdout = "";
  let stderr = "";
  const stdin = new PassThrough();
  const controller = new AbortController();
  // As the real context does (src/cli/real-context.ts): a fan-out's 16 calls and back-off pauses
  // listen at once, past Node's default of 10.
  setMaxListeners(0, controller.signal);
  const opened: string[] = [];
  const sink = (append: (s: string) => void) =>
    new Writable({
      write(chunk: Buffer | string, _enc, done) {
        append(chunk.toString());
        done();
      },
    });
  const env = { HOME: o.home, ...o.env };
  const browser: Browser = {
    available: o.browser?.available ?? false,
    unavailableReason: o.browser?.available ? undefined : "tests run without a display",
    open: async (url) => {
      opened.push(url);
      const r = o.browser?.open ? await o.browser.open(url) : false;
      if (typeof r !== "boolean") return r;
      return {
        opened: r,
        failure: r ? undefined : "the test's browser did not start",
        followed: Promise.resolve(r),
        close: async () => {},
      };
    },
  };
  return {
    now: () => new Date(nowMs + elapsed()),
    sleep:
      o.sleep === "real"
        ? (ms, signal) => delay(ms, undefined, signal ? { signal } : undefined)
        : async (ms, signal) => {
            // A real turn of the event loop first: sockets and timers of the code under test run.
            await new Promise((resolve) => setImmediate(resolve));
            if (signal?.aborted) throw signal.reason ?? new Error("aborted");
            nowMs += ms;
          },
    env,
    paths: resolveAwsPaths(env, () => o.home, o.platform ?? "linux"),
    stdin,
    stdout: sink((s) => (stdout += s)),
    stderr: sink((s) => (stderr += s)),
    tty: { stdin: false, stderr: false, stdout: false, ...o.tty },
    endpoints: o.endpoints ?? {},
    browser,
    signal: controller.signal,
    debug: o.debug ?? false,
    programPath: "/opt/sso-cli/bin/sso-cli",
    nodePath: "/opt/node/bin/node",
    platform: o.platform ?? "linux",
    runChild: (command, args, env) =>
      new Promise((resolve, reject) => {
        const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"], env });
        child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
        child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
        child.once("error", reject);
        child.once("close", (code) => resolve(code ?? 255));
      }),
    stdoutText: () => stdout,
    stderrText: () => stderr,
    type: (line) => void stdin.write(`${line}\n`),
    endInput: () => void stdin.end(),
    opened,
    advance: (ms) => void (nowMs += ms),
    interrupt: () => controller.abort(new Error("SIGINT")),
  };
}
