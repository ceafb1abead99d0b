import { runToCompletion } from "./exit-guard.js";
import type { Handoff } from "./main.js";
import { createRealContext } from "./real-context.js";

/**
 * The one entry of `bin/sso-cli`, bundled as CommonJS (dist/cli/entry.cjs) because scripts run it
 * often and CommonJS loads fastest:
 * - `--version` and `--help` print text inlined at build time (commander's own output);
 * - an up-to-date `login` is answered from the files alone (hot-login.ts);
 * - everything else loads the code-split ES-module bundle (dist/cli/main.js) with the same context.
 * Every path runs under runToCompletion: the process never ends 0 with its command unfinished.
 */
declare const SSO_CLI_HELP_TEXT: string;
declare const SSO_CLI_VERSION_TEXT: string;

export function runEntry(argv: string[]): Promise<void> {
  // eslint-disable-next-line no-restricted-globals -- the entry is where the process itself is handed to the exit guard
  return runToCompletion(() => run(argv), process);
}

async function run(argv: string[]): Promise<number> {
  const only = argv.length === 1 ? argv[0] : undefined;
  const ctx = createRealContext();
  if (only === "--version" || only === "-V") {
    ctx.stdout.write(SSO_CLI_VERSION_TEXT);
    return 0;
  }
  if (only === "--help" || only === "-h") {
    ctx.stdout.write(SSO_CLI_HELP_TEXT);
    return 0;
  }
  // Bundled into this file but initialised only here (esbuild wraps a dynamically imported module
  // lazily), so --version does not pay for evaluating the login code.
  let handoff: Handoff | undefined;
  if (argv[0] === "login") {
    const hot = await (await import("./hot-login.js")).runHotLogin(ctx, argv);
    if (hot.done) return 0;
    if (hot.prepared) handoff = { preparedLogin: hot.prepared };
  }
  let main: typeof import("./main.js").main;
  try {
    ({ main } = await import("./main.js"));
  } catch (err) {
    ctx.stderr.write(`sso-cli: cannot load dist/ (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); run npm install (it builds) or npm run build.\n`);
    return 255;
  }
  return main(argv, ctx, handoff);
}
