import type { SignInFlow } from "../sign-in/cached-sign-in.entry.js";
import type { FlagSpec, ParsedArgs } from "./flag-table.entry.js";

/**
 * The flags several commands take, each spelled once here (name, value, key), so they cannot drift
 * apart; a grammar says what the flag means in its command with `flag()`.
 */
export type SharedFlag = Omit<FlagSpec, "description" | "conflicts" | "repeatable">;

export const PROFILE_FLAG = { flag: "--profile", value: "<name>", key: "profile" } satisfies SharedFlag;
export const SSO_SESSION_FLAG = { flag: "--sso-session", value: "<name>", key: "ssoSession" } satisfies SharedFlag;
export const ALL_FLAG = { flag: "--all", key: "all" } satisfies SharedFlag;
export const REGION_FLAG = { flag: "--region", value: "<region>", key: "region" } satisfies SharedFlag;
export const OUTPUT_FLAG = { flag: "--output", value: "<format>", key: "output" } satisfies SharedFlag;
export const ACCOUNT_FLAG = { flag: "--account", value: "<id|name>", key: "account" } satisfies SharedFlag;
export const ROLE_FLAG = { flag: "--role", value: "<name>", key: "role" } satisfies SharedFlag;
export const JSON_FLAG = { flag: "--json", key: "json" } satisfies SharedFlag;
export const FORCE_FLAG = { flag: "--force", key: "force" } satisfies SharedFlag;
export const NO_BROWSER_FLAG = { flag: "--no-browser", key: "browser", negates: true } satisfies SharedFlag;

/** A shared flag as one command takes it: what it means there, and whether it conflicts or repeats. */
export function flag(shared: SharedFlag, description: string, more: Pick<FlagSpec, "conflicts" | "repeatable"> = {}): FlagSpec {
  return { ...shared, ...more, description };
}

/** The profile whose role keys a command uses (credential-process, export, exec, console). */
export const KEYS_PROFILE_FLAG = flag(PROFILE_FLAG, "the profile (default: AWS_PROFILE, else the only profile with an account and role)");

/** How a command that may sign in does it: the same three flags on login and both configure commands. */
export const SIGN_IN_FLAGS: readonly FlagSpec[] = [
  flag(NO_BROWSER_FLAG, "print the sign-in link instead of opening a browser"),
  {
    flag: "--use-device-code",
    key: "useDeviceCode",
    conflicts: ["usePkce"],
    description: "sign in with a link and code that work on any device (the default without a local browser)",
  },
  {
    flag: "--use-pkce",
    key: "usePkce",
    conflicts: ["useDeviceCode"],
    description: "sign in with the authorization code flow; with --no-browser, paste back the address the browser ends on",
  },
];

/** What SIGN_IN_FLAGS ask for: whether to open a browser, and the flow if one was chosen. */
export function signInChoice(values: ParsedArgs["values"]): { browser: boolean; flow: SignInFlow | undefined } {
  return {
    browser: values.browser !== false,
    flow: values.useDeviceCode === true ? "device" : values.usePkce === true ? "pkce" : undefined,
  };
}
