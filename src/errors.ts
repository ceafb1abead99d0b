/**
 * Exit codes follow the AWS CLI's return codes, which scripts around AWS already know
 * (https://docs.aws.amazon.com/cli/latest/userguide/cli-chap-retcodes.html), plus 1 for a
 * partial success (some profiles written, some not), 3 for a denied sign-in, 4 for a `status`
 * that found something not valid (scripts test it: aws/aws-cli#6948) and 130 for Ctrl-C.
 */
export const Exit = {
  ok: 0,
  partial: 1,
  usage: 2,
  denied: 3,
  notValid: 4,
  interrupted: 130,
  badValue: 252,
  config: 253,
  service: 254,
  internal: 255,
} as const;

/** What each exit code means, for --help and the README (test/docs checks that the README agrees). */
export const EXIT_MEANINGS: Record<keyof typeof Exit, string> = {
  ok: "done",
  partial: "partly done: some of the work failed (each failure said on its line), the rest was done",
  usage: "usage error (unknown flag, missing argument, conflicting options)",
  denied: "the sign-in was denied: Deny was chosen on the sign-in page",
  notValid:
    "not signed in, or a sign-in or keys asked about expire within 15 minutes or have expired (status; `sso-cli login` renews them)",
  interrupted: "interrupted (Ctrl-C)",
  badValue: "a bad value (start URL, region, account id)",
  config:
    "configuration problem or sign-in needed (unknown profile, malformed file, missing setting), or a file that cannot be used (a folder or pipe where a file should be, no permission, read-only or full disk)",
  service:
    "the service refused or could not be reached (sign-in expired or answered for another request, 403 No access, throttling, 5xx, network)",
  internal: "unexpected error (a bug: rerun with `--debug` and report it)",
};

/**
 * The "Exit codes:" block of a command's --help, for the codes it can end with; `own` says what a
 * code means for this command ("1: some accounts' roles could not be listed"). Long meanings wrap
 * under their first line, so the block reads on an 80-column terminal.
 */
export function describeExitCodes(names: readonly (keyof typeof Exit)[], own: Partial<Record<keyof typeof Exit, string>> = {}): string {
  const sorted = [...names].sort((a, b) => Exit[a] - Exit[b]);
  return ["Exit codes:", ...sorted.map((n) => wrapHelp(`  ${String(Exit[n]).padStart(3)}  ${own[n] ?? EXIT_MEANINGS[n]}`, 7))].join("\n");
}

/** One line of help text wrapped at 80 columns, the lines after the first indented by `indent`. */
export function wrapHelp(line: string, indent: number, width = 80): string {
  const out: string[] = [];
  let rest = line;
  while (rest.length > width) {
    const cut = rest.lastIndexOf(" ", width);
    if (cut <= indent) break;
    out.push(rest.slice(0, cut));
    rest = " ".repeat(indent) + rest.slice(cut + 1);
  }
  out.push(rest);
  return out.join("\n");
}

/** An error the user can act on: a one-line message, an optional hint, and an exit code. */
/**
 * Marks our errors across bundles: the CommonJS entry and the ES-module bundle each hold a copy of
 * this module, and an error made by one (a missing HOME, found when the entry's Context resolves
 * its paths) must still be recognised by the other's `instanceof SsoCliError`.
 */
const BRAND = Symbol.for("sso-cli.SsoCliError");

export class SsoCliError extends Error {
  readonly [BRAND] = true;

  constructor(
    message: string,
    readonly exitCode: number,
    readonly hint?: string,
    opts?: ErrorOptions,
  ) {
    super(message, opts);
    this.name = new.target.name;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    if (this !== SsoCliError) return Function.prototype[Symbol.hasInstance].call(this, value);
    return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
  }
}

export class UsageError extends SsoCliError {
  constructor(message: string, hint?: string) {
    super(message, Exit.usage, hint);
  }
}

/** One of several targets a command could act on: shown by name, and what selecting it means. */
export interface TargetChoice {
  name: string;
  description?: string | undefined;
  /** What the command's input gets when this one is picked, e.g. { ssoSession: "corp" }. */
  selection: Readonly<Record<string, string>>;
}

/**
 * Several sign-ins (or profiles) fit and none was named. The line names them; on a terminal the
 * command offers them in a picker instead (targets/pick-target.ts).
 */
export class ChoiceNeededError extends UsageError {
  constructor(
    message: string,
    hint: string,
    /** The picker's question, e.g. "Which sign-in?". */
    readonly question: string,
    readonly choices: readonly TargetChoice[],
  ) {
    super(message, hint);
  }
}

/** A value given on the command line or in a file is not acceptable (bad URL, region, account id). */
export class BadValueError extends SsoCliError {
  constructor(message: string, hint?: string) {
    super(message, Exit.badValue, hint);
  }
}

/** A file we read (config, credentials, cache entry) cannot be parsed. Never echoes secret values. */
export class FileFormatError extends SsoCliError {
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    detail: string,
    // Never "remove it": the file is the person's (a config file holds their other profiles).
    hint = line !== undefined ? "Fix that line, then try again." : "Fix the file, then try again.",
  ) {
    super(`${file}${line !== undefined ? `:${line}` : ""}: ${detail}`, Exit.config, hint);
  }
}

/**
 * A file or folder sso-cli must read or write cannot be used as one: a folder, pipe or device where
 * a file should be, a symlink loop, no permission, a read-only or full disk. Names the path.
 */
export class FileAccessError extends SsoCliError {
  constructor(
    readonly file: string,
    detail: string,
    hint: string,
    opts?: ErrorOptions,
  ) {
    super(`${file}: ${detail}`, Exit.config, hint, opts);
  }
}

/** Configuration is missing or inconsistent (unknown profile, missing sso_start_url, …). */
export class ConfigError extends SsoCliError {
  constructor(message: string, hint?: string) {
    super(message, Exit.config, hint);
  }
}

/**
 * No usable sign-in, and the command may not start one (it runs inside another tool, which must
 * never wait for a browser): the person signs in first.
 */
export class LoginRequiredError extends SsoCliError {
  constructor(what: string, loginCommand: string) {
    super(`No valid sign-in for ${what}: run: ${loginCommand}`, Exit.config, "Then run this command again.");
  }
}

/** The service said no, or could not be reached. */
export class ServiceError extends SsoCliError {
  constructor(message: string, hint?: string, opts?: ErrorOptions) {
    super(message, Exit.service, hint, opts);
  }
}

/** The service could not be reached at all (DNS, refused, reset, timeout): retrying differently will not help. */
export class ServiceUnreachableError extends ServiceError {}

export class InterruptedError extends SsoCliError {
  constructor() {
    super("Interrupted.", Exit.interrupted);
  }
}

/** GetRoleCredentials said 403 "No access": the user has no assignment to that account and role. */
export class AccessDeniedError extends SsoCliError {
  constructor(accountId: string, roleName: string) {
    super(
      `No access to role ${roleName} in account ${accountId}.`,
      Exit.service,
      "Check sso_account_id and sso_role_name, or ask your administrator for the assignment (`sso-cli roles` lists what you can use).",
    );
  }
}

/** Still throttled after backing off. */
export class ThrottledError extends SsoCliError {
  constructor(what: string) {
    super(`IAM Identity Center kept throttling ${what} (TooManyRequestsException).`, Exit.service, "Wait a minute and try again.");
  }
}

/** The person chose Deny on the sign-in page: their decision, so its own exit code. */
export class SignInDeniedError extends SsoCliError {
  constructor() {
    super(
      "The sign-in was denied: Deny was chosen on the sign-in page.",
      Exit.denied,
      "To sign in, run the command again and choose Allow (or Approve).",
    );
  }
}

/** The sign-in did not complete for a reason other than denial or expiry (state mismatch, an error page). */
export class SignInFailedError extends SsoCliError {
  constructor(message: string, hint = "Run the command again.") {
    super(message, Exit.service, hint);
  }
}

/**
 * IAM Identity Center no longer knows the cached client registration (InvalidClientException,
 * e.g. after the service or the emulator forgot it). A sign-in registers anew once and goes on.
 */
export class StaleRegistrationError extends ServiceError {
  constructor(opts?: ErrorOptions) {
    super("IAM Identity Center no longer accepts the cached client registration.", "Run the command again.", opts);
  }
}

export class SignInExpiredError extends SsoCliError {
  constructor(what = "The sign-in code expired before it was approved.") {
    super(what, Exit.service, "Run the command again and finish the sign-in within its time.");
  }
}

/** Every profile of a login failed, each said on its line; the code is theirs when they agree. */
export class NoProfileWrittenError extends SsoCliError {
  constructor(count: number, exitCode: number) {
    super(`None of the ${count} profiles could be written.`, exitCode);
  }
}

/** Some of the work was done and some was not; each failure was already reported on its own line. */
export class PartialFailureError extends SsoCliError {
  constructor(failed: number, total: number, what = "profiles") {
    super(`${failed} of ${total} ${what} could not be written; the others were.`, Exit.partial);
  }
}

/** `status` found a sign-in or keys that do not last 15 more minutes; the report says which. */
export class NotValidError extends SsoCliError {
  constructor(message: string, hint?: string) {
    super(message, Exit.notValid, hint);
  }
}

/** Some listings of a populate failed (each named already); what was listed was written. */
export class PartialListingError extends SsoCliError {
  constructor(failed: number, dryRun: boolean) {
    super(
      `${failed} listing${failed === 1 ? "" : "s"} failed; ${dryRun ? "the plan above covers" : "the config file has"} the profiles of what was listed.`,
      Exit.partial,
      "Run the same command again later: it adds what is missing and changes nothing else.",
    );
  }
}
