import { readFileSync } from "node:fs";
import { join } from "node:path";
import { runToCompletion } from "./exit-guard.js";

/**
 * The one entry of `bin/sso-cli`, bundled as CommonJS (dist/cli/entry.cjs) because scripts run it
 * often and CommonJS loads fastest:
 * - `--version` and `--help` print text captured at build time;
 * - an up-to-date `login` is answered from the files alone (hot-login.ts);
 * - everything else loads the code-split ES-module bundle (dist/cli/main.js).
 * Every path runs under runToCompletion: the process never ends 0 with its command unfinished.
 */
const STATIC_OUTPUT: Record<string, string> = { "--version": "version.txt", "-V": "version.txt", "--help": "help.txt", "-h": "help.txt" };

export function runEntry(argv: string[]): Promise<void> {
  return runToCompletion(async () => {
    const staticFile = argv.length === 1 ? STATIC_OUTPUT[argv[0]!] : undefined;
    if (staticFile) {
      process.stdout.write(readFileSync(join(__dirname, "..", staticFile), "utf8"));
      return 0;
    }
    // Bundled into this file but initialised only here (esbuild wraps a dynamically imported module
    // lazily), so --version does not pay for evaluating the login code.
    if (argv[0] === "login" && (await (await import("./hot-login.js")).runHotLogin(argv))) return 0;
    let loaded: typeof import("./main.js");
    try {
      loaded = await import("./main.js");
    } catch (err) {
      process.stderr.write(`sso-cli: cannot load dist/ (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); run npm install (it builds) or npm run build.\n`);
      return 255;
    }
    return loaded.main(argv, loaded.createRealContext());
  }, process);
}
