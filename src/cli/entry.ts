import { runToCompletion } from "./exit-guard.entry.js";
import { writeSync } from "node:fs";
import type { Handoff } from "./main.js";
import { createRealContext } from "./real-context.js";

/**
 * The one entry of `bin/sso-cli`, bundled as CommonJS (dist/cli/entry.cjs) because scripts run it
 * often and CommonJS loads fastest:
 * - `--version` and `--help` print text inlined at build time (commander's own output);
 * - an up-to-date `login`, and `credential-process` / `export` with keys in the shared role cache,
 *   are answered from the files alone (hot-login.ts, hot-credentials.ts);
 * - everything else loads the code-split ES-module bundle (dist/cli/main.js) with the same context.
 * Every path runs under runToCompletion: the process never ends 0 with its command unfinished.
 */
declare const SSO_CLI_HELP_TEXT: string;
declare const SSO_CLI_VERSION_TEXT: string;

/**
 * How this file loads an ES module (`./main.js`, relative to this file, and `open`). bin/sso-cli
 * hands in its own `import()` (src/cli/launch.ts): on Node 20, code compiled from V8's code cache
 * cannot call `import()` itself.
 */
export type ImportModule = (specifier: string) => Promise<unknown>;

export function runEntry(argv: string[], importModule: ImportModule = (specifier) => import(specifier)): Promise<void> {
  // eslint-disable-next-line no-restricted-globals -- the entry is where the process itself is handed to the exit guard
  return runToCompletion(() => run(argv, importModule), process);
}

async function run(argv: string[], importModule: ImportModule): Promise<number> {
  const only = argv.length === 1 ? argv[0] : undefined;
  if (only === "--version" || only === "-V") return writeAll(1, SSO_CLI_VERSION_TEXT);
  if (only === "--help" || only === "-h") return writeAll(1, SSO_CLI_HELP_TEXT);
  const ctx = createRealContext({ importOpen: () => importModule("open") as Promise<typeof import("open")> });
  // Bundled into this file but initialised only here (esbuild wraps a dynamically imported module
  // lazily), so --version does not pay for evaluating the login code.
  let handoff: Handoff | undefined;
  if (argv[0] === "login") {
    const hot = await (await import("./hot-login.js")).runHotLogin(ctx, argv);
    if (hot.done) {
      sayOnStderr(hot.say);
      return 0;
    }
    if (hot.prepared) handoff = { preparedLogin: hot.prepared };
  }
  if (argv[0] === "credential-process" || argv[0] === "export") {
    const out = await (await import("./hot-credentials.js")).runHotCredentials(ctx, argv);
    if (out !== undefined) return writeAll(1, out);
  }
  // Every other command can wait or write: from here on, Ctrl-C is its to handle (real-context.ts).
  void ctx.signal;
  let main: typeof import("./main.js").main;
  try {
    ({ main } = (await importModule("./main.js")) as typeof import("./main.js"));
  } catch (err) {
    ctx.stderr.write(`sso-cli: cannot load dist/ (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); run npm install (it builds) or npm run build.\n`);
    return 255;
  }
  return main(argv, ctx, handoff);
}

/**
 * Text written straight to a file descriptor: building `process.stdout` or `process.stderr` loads
 * Node's stream modules, a measurable part of the commands scripts run most (`--version`, an
 * up-to-date `login`). A reader that went away (EPIPE) is no reason to fail; a pipe that is full
 * for a moment (EAGAIN) is waited out.
 */
function writeAll(fd: number, text: string): number {
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
  return 0;
}

function sayOnStderr(text: string): void {
  writeAll(2, text);
}
