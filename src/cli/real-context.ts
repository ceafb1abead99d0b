import { setMaxListeners } from "node:events";
import { setTimeout as delay } from "node:timers/promises";
import type { AwsPaths, Context } from "../context.js";
import { resolveAwsPaths } from "../files/aws-paths.js";
import { browserAvailability } from "../lib/browser-command.js";
import { systemHome } from "./system-home.js";

/** The one place that reads the process: env, clock, streams, browser, signals. */
export function createRealContext(): Context {
  const controller = new AbortController();
  // A fan-out has 16 calls and back-off pauses listening for Ctrl-C at once: past Node's default
  // of 10 it would print a leak warning into the user's stderr.
  setMaxListeners(0, controller.signal);
  let interrupts = 0;
  const onSignal = (sig: NodeJS.Signals): void => {
    interrupts += 1;
    // A second Ctrl-C means "now": leave at once (writes are atomic, so nothing is half-written).
    if (interrupts > 1) process.exit(sig === "SIGINT" ? 130 : 143);
    controller.abort(new Error(sig));
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  // `sso-cli … | head`: a reader that went away is not an error worth a stack trace.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (err: NodeJS.ErrnoException) => {
      if (err.code === "EPIPE") process.exit(process.exitCode ?? 0);
      throw err;
    });
  }
  // The SDK warns on Node 20 about its future Node 22 requirement; a credential helper runs inside
  // other tools, and that warning in their stderr helps nobody.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  const env = { ...process.env };
  const browser = browserAvailability(env, process.platform);
  let paths: AwsPaths | undefined;
  return {
    now: () => new Date(),
    sleep: (ms, signal) => delay(ms, undefined, signal ? { signal } : undefined),
    env,
    // Resolved on first use, inside the command: with no home folder at all, the command that
    // needs one fails with its one line (main.ts), and `--help` or `emulator` still work.
    get paths() {
      return (paths ??= resolveAwsPaths(env, systemHome));
    },
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    tty: { stdin: !!process.stdin.isTTY, stderr: !!process.stderr.isTTY, stdout: !!process.stdout.isTTY },
    endpoints: {
      oidc: env.AWS_ENDPOINT_URL_SSO_OIDC || env.AWS_ENDPOINT_URL || undefined,
      portal: env.AWS_ENDPOINT_URL_SSO || env.AWS_ENDPOINT_URL || undefined,
      sts: env.AWS_ENDPOINT_URL_STS || env.AWS_ENDPOINT_URL || undefined,
    },
    browser: {
      available: browser.available,
      unavailableReason: browser.reason,
      open: async (url) => {
        const { openBrowser } = await import("./open-browser.js");
        return openBrowser(url, env);
      },
    },
    signal: controller.signal,
    debug: false,
  };
}
