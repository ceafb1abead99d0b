import type { ChildProcess } from "node:child_process";
import { existsSync, readFileSync, realpathSync, statSync } from "node:fs";
import { constants as osConstants, release } from "node:os";
import { setMaxListeners } from "node:events";
import type { AwsPaths, Context } from "../context.js";
import type { ImportModule } from "./entry-host.entry.js";
import { resolveAwsPaths } from "../files/aws-paths.js";
import { browserAvailability } from "../lib/browser-command.js";
import { endpointsFromEnv } from "../lib/endpoint-override.js";
import { copyEnv } from "../lib/platform-env.js";
import { isWsl } from "../lib/wsl.js";
import { systemHome } from "./system-home.entry.js";

/** The one place that reads the process: env, clock, streams, browser, signals. */
export function createRealContext(importModule: ImportModule): Context {
  let interrupts = 0;
  /** While `runChild` runs a program, signals are its to handle (see runChild). */
  let child: ChildProcess | undefined;
  // Ctrl-C and SIGTERM become the command's (an aborted `signal`) once it first reads `signal`:
  // the entry does before any command that can wait or write (src/cli/entry.ts). The hot paths,
  // which only read files, never do, and so skip loading Node's AbortController (about 1 ms of a
  // run that scripts make before every AWS call); a signal there ends the process as Node does.
  let controller: AbortController | undefined;
  const listen = (): AbortController => {
    const made = new AbortController();
    // A fan-out has 16 calls and back-off pauses listening for Ctrl-C at once: past Node's default
    // of 10 it would print a leak warning into the user's stderr.
    setMaxListeners(0, made.signal);
    const onSignal = (sig: NodeJS.Signals): void => {
      if (child) return;
      interrupts += 1;
      // A second Ctrl-C means "now": leave at once (writes are atomic, so nothing is half-written).
      if (interrupts > 1) process.exit(sig === "SIGINT" ? 130 : 143);
      made.abort(new Error(sig));
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
    return made;
  };
  // `sso-cli … | head`: a reader that went away is not an error worth a stack trace.
  const quietOnEpipe = <T extends NodeJS.WritableStream>(stream: T): T => {
    stream.on("error", (err: NodeJS.ErrnoException) => {
      if (err.code === "EPIPE") process.exit(process.exitCode ?? 0);
      throw err;
    });
    return stream;
  };
  // The streams are made on first use: Node builds each one (and the stream modules behind it)
  // when it is first read, and a script's hot path (`login` up to date) needs stderr alone.
  let stdout: NodeJS.WriteStream | undefined;
  let stderr: NodeJS.WriteStream | undefined;
  let tty: Context["tty"] | undefined;
  // The person's environment as it was: what `exec` hands its child (less what it documents). On
  // Windows a name matches in any case (`set aws_profile=prod` is AWS_PROFILE): a plain copy loses that.
  const env = copyEnv(process.env, process.platform);
  // The SDK warns on Node 20 about its future Node 22 requirement; a credential helper runs inside
  // other tools, and that warning in their stderr helps nobody. The SDK reads process.env itself.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  // Read on first use (a sign-in), never on the hot paths: WSL's kernel facts are files.
  let wsl: boolean | undefined;
  const underWsl = (): boolean =>
    (wsl ??= isWsl({
      platform: process.platform,
      env,
      release,
      readText: (path) => {
        try {
          return readFileSync(path, "utf8");
        } catch {
          return undefined;
        }
      },
      exists: existsSync,
    }));
  let browser: ReturnType<typeof browserAvailability> | undefined;
  const availability = (): ReturnType<typeof browserAvailability> => (browser ??= browserAvailability(env, process.platform, underWsl));
  let paths: AwsPaths | undefined;
  return {
    now: () => new Date(),
    sleep,
    env,
    // Resolved on first use, inside the command: with no home folder at all, the command that
    // needs one fails with its one line (main.ts), and `--help` or `emulator` still work.
    get paths() {
      return (paths ??= resolveAwsPaths(env, systemHome, process.platform));
    },
    get stdin() {
      return process.stdin;
    },
    get stdout() {
      return (stdout ??= quietOnEpipe(process.stdout));
    },
    get stderr() {
      return (stderr ??= quietOnEpipe(process.stderr));
    },
    get tty() {
      stdout ??= quietOnEpipe(process.stdout);
      stderr ??= quietOnEpipe(process.stderr);
      return (tty ??= { stdin: !!process.stdin.isTTY, stderr: !!stderr.isTTY, stdout: !!stdout.isTTY });
    },
    endpoints: endpointsFromEnv(env),
    browser: {
      get available() {
        return availability().available;
      },
      get unavailableReason() {
        return availability().reason;
      },
      open: async (url) => {
        const { openBrowser } = await import("./open-browser.entry.js");
        return openBrowser(url, env, () => importModule("./browser-opener.js"), process.platform, {
          ownUid: process.getuid?.(),
          wsl: underWsl(),
        });
      },
    },
    get signal() {
      return (controller ??= listen()).signal;
    },
    debug: false,
    get programPath() {
      // bin/sso-cli as installed (npm links it; the link's target is what lasts).
      const self = process.argv[1] ?? "sso-cli";
      try {
        return realpathSync(self);
      } catch {
        return self;
      }
    },
    nodePath: process.execPath,
    platform: process.platform,
    runChild: async (command, args, env) => {
      // Loaded here, as only exec runs a child.
      const { childCommand } = await import("../lib/child-command.js");
      const { forwardedSignals } = await import("../lib/child-signals.js");
      return new Promise((resolve, reject) => {
        // Loaded here, not at the top: node:child_process brings net and stream into the start-up
        // of every command, and only exec runs a child.
        const { spawn } = process.getBuiltinModule("node:child_process");
        // On Windows: PATHEXT, and `.cmd` shims (npm, npx, cdk) through cmd.exe (child-command.ts).
        const isFile = (path: string): boolean => statSync(path, { throwIfNoEntry: false })?.isFile() ?? false;
        const planned = childCommand(command, args, env, { platform: process.platform, isFile, cwd: process.cwd() });
        const started = spawn(planned.file, planned.args, {
          stdio: "inherit",
          env,
          windowsVerbatimArguments: planned.windowsVerbatimArguments,
        });
        child = started;
        const forwarded = forwardedSignals(process.platform, !!process.stdin.isTTY);
        const pass = (sig: NodeJS.Signals): void => void started.kill(sig);
        for (const sig of forwarded) process.on(sig, pass);
        const done = (): void => {
          for (const sig of forwarded) process.off(sig, pass);
          child = undefined;
        };
        started.once("error", (err) => {
          done();
          reject(err);
        });
        started.once("exit", (code, sig) => {
          done();
          resolve(code ?? 128 + (sig ? (osConstants.signals[sig] ?? 0) : 0));
        });
      });
    },
  };
}

/** Waits `ms`; an aborted signal ends the wait with its reason (as timers/promises does, without loading it). */
function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
