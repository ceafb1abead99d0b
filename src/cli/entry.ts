import { runToCompletion } from "./exit-guard.entry.js";
import { writeSync } from "node:fs";
import { toCredentialsRequest } from "../commands/export/credentials-output.entry.js";
import { parseHotCommand } from "./hot-command.entry.js";
import { toLoginInput } from "../commands/login/login-grammar.entry.js";
import type { Handoff } from "./main.js";
import { createStartContext } from "./start-context.entry.js";
import { answerRemembered } from "./hot-remembered.js";
import type { EntryHost } from "./entry-host.entry.js";

/**
 * The one entry of `bin/sso-cli` (through src/cli/launch.ts), bundled as CommonJS
 * (dist/cli/entry.cjs) because scripts run it often and CommonJS loads fastest. One route per
 * command:
 * - `--version` and `--help` print text inlined at build time (commander's own output);
 * - `login`, `credential-process` and `export` with plain arguments are read here, once
 *   (hot-command.ts); an up-to-date `login`, and keys in the shared role cache, are answered from
 *   the files alone (hot-login.ts, hot-credentials.ts); otherwise the same command goes on in the
 *   code-split ES-module bundle (dist/cli/main.js) with what was read and planned here;
 * - every other command line goes to main.js, where commander reads it.
 * Every path runs under runToCompletion: the process never ends 0 with its command unfinished.
 *
 * ES modules (main.js, the browser launcher) load through `importModule`, from the launcher: code
 * compiled from a V8 code cache cannot call `import()` on Node 20 (launch.ts).
 */
declare const SSO_CLI_HELP_TEXT: string;
declare const SSO_CLI_VERSION_TEXT: string;
/**
 * The routes this build of the entry holds (scripts/build.mjs): "all" in dist/cli/entry.cjs; only
 * "remembered" in dist/cli/entry-remembered.cjs, which the launcher runs for command lines that
 * start with `login`, `credential-process` or `export`: the answer the hot paths worked out before
 * from the files as they still are (hot-remembered.ts), else the whole entry, from the start.
 */
declare const SSO_CLI_ENTRY_ROUTES: "all" | "remembered";

export function runEntry(argv: string[], host: EntryHost): Promise<void> {
  // eslint-disable-next-line no-restricted-globals -- the entry is where the process itself is handed to the exit guard
  return runToCompletion(() => runCommand(argv, host), process).then(() => {
    // An answer written straight to its descriptor is all such a command does: it leaves at once,
    // without Node tearing down the heap first (about a millisecond of a run that scripts make
    // before every AWS call). Exit handlers still run (the launcher writes its code cache in one).
    // eslint-disable-next-line no-restricted-globals -- as above
    if (host.answered) process.exit();
  });
}

/** The command's exit code (runEntry ends the process with it). */
export async function runCommand(argv: string[], host: EntryHost): Promise<number> {
  return SSO_CLI_ENTRY_ROUTES === "remembered" ? runRemembered(argv, host) : run(argv, host);
}

async function runRemembered(argv: string[], host: EntryHost): Promise<number> {
  const answer = await answerRemembered(argv);
  return answer !== undefined ? answerWith(host, answer.fd, answer.text) : host.loadEntry("entry.cjs").runCommand(argv, host);
}

async function run(argv: string[], host: EntryHost): Promise<number> {
  const { importModule } = host;
  const only = argv.length === 1 ? argv[0] : undefined;
  if (only === "--version" || only === "-V") return answerWith(host, 1, SSO_CLI_VERSION_TEXT);
  if (only === "--help" || only === "-h") return answerWith(host, 1, SSO_CLI_HELP_TEXT);
  const start = createStartContext();
  const command = parseHotCommand(argv);
  const handoff: Handoff = { command };
  // The hot modules are bundled into this file but initialised only here (esbuild wraps a
  // dynamically imported module lazily), so --version does not pay for evaluating them.
  if (command?.name === "login") {
    const hot = await (await import("./hot-login.js")).runHotLogin(start, toLoginInput(command.parsed), argv);
    if (hot.done) return answerWith(host, 2, hot.say);
    handoff.preparedLogin = hot.prepared;
  } else if (command) {
    let out: string | undefined;
    try {
      out = await (await import("./hot-credentials.js")).runHotCredentials(start, toCredentialsRequest(command.name, command.parsed));
    } catch {
      // A bad --format: the rest of the command reports it.
    }
    if (out !== undefined) return answerWith(host, 1, out);
  }
  let loaded: typeof import("./main.js");
  try {
    loaded = await importModule<typeof import("./main.js")>("./main.js");
  } catch (err) {
    return answerWith(
      host,
      2,
      `sso-cli: cannot load dist/ (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); run npm install (it builds) or npm run build.\n`,
      255,
    );
  }
  // The whole Context, made here, from the main bundle: the hot paths never need it.
  const ctx = loaded.createRealContext(importModule);
  // Every other command can wait or write: from here on, Ctrl-C is its to handle (real-context.ts).
  void ctx.signal;
  return loaded.main(argv, ctx, handoff);
}

/** The command's whole output, written straight to its descriptor; the exit code to end with. */
function answerWith(host: EntryHost, fd: number, text: string, code = 0): number {
  host.answered = true;
  writeAll(fd, text);
  return code;
}

/**
 * Text written straight to a file descriptor: building `process.stdout` or `process.stderr` loads
 * Node's stream modules, a measurable part of the commands scripts run most (`--version`, an
 * up-to-date `login`). A reader that went away (EPIPE) is no reason to fail; a pipe that is full
 * for a moment (EAGAIN) is waited out.
 */
function writeAll(fd: number, text: string): void {
  let rest = Buffer.from(text, "utf8");
  for (let spins = 0; rest.length > 0 && spins < 10_000; ) {
    try {
      rest = rest.subarray(writeSync(fd, rest));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "EAGAIN") {
        spins += 1;
        continue;
      }
      break;
    }
  }
}
