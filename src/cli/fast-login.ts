import type { LoginInput } from "../use-cases/login.js";

/**
 * The script hot path: `sso-cli login` with plain arguments runs without building the commander
 * tree (commander alone is a third of start-up). Only the simplest shapes qualify; anything else
 * (--help, --debug, unknown or repeated options, `--` …) returns undefined and goes through
 * commander, which owns the full grammar and every error message. test/cli/fast-login.test.ts
 * checks that both give the same input.
 */
const VALUE_OPTIONS = { "--profile": "profile", "--sso-session": "ssoSession" } as const;

export function parseFastLogin(argv: readonly string[]): LoginInput | undefined {
  if (argv[0] !== "login") return undefined;
  const input: LoginInput = { browser: true, force: false, all: false };
  const positionals: string[] = [];
  const seen = new Set<string>();
  for (let i = 1; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.indexOf("=");
    const name = arg.startsWith("--") && eq > 0 ? arg.slice(0, eq) : arg;
    if (seen.has(name)) return undefined;
    seen.add(name);
    if (name in VALUE_OPTIONS) {
      const value = eq > 0 && arg.startsWith("--") ? arg.slice(eq + 1) : argv[++i];
      if (value === undefined || value === "" || value.startsWith("-")) return undefined;
      input[VALUE_OPTIONS[name as keyof typeof VALUE_OPTIONS]] = value;
    } else if (arg === "--all") input.all = true;
    else if (arg === "--force") input.force = true;
    else if (arg === "--no-browser") input.browser = false;
    else if (arg === "--use-device-code" && input.flow === undefined) input.flow = "device";
    else if (arg === "--use-pkce" && input.flow === undefined) input.flow = "pkce";
    else if (arg.startsWith("-")) return undefined;
    else positionals.push(arg);
  }
  if (positionals.length > 2) return undefined;
  if (positionals[0] !== undefined) input.startUrl = positionals[0];
  if (positionals[1] !== undefined) input.region = positionals[1];
  return input;
}
