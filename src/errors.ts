/**
 * Exit codes follow the AWS CLI's return codes, which scripts around AWS already know
 * (https://docs.aws.amazon.com/cli/latest/userguide/cli-chap-retcodes.html), plus 1 for a
 * partial success (some profiles written, some not) and 130 for Ctrl-C.
 */
export const Exit = {
  ok: 0,
  partial: 1,
  usage: 2,
  interrupted: 130,
  badValue: 252,
  config: 253,
  service: 254,
  internal: 255,
} as const;
export type ExitCode = (typeof Exit)[keyof typeof Exit];

/** An error the user can act on: a one-line message, an optional hint, and an exit code. */
export class SsoCliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
    readonly hint?: string,
    opts?: ErrorOptions,
  ) {
    super(message, opts);
    this.name = new.target.name;
  }
}

export class UsageError extends SsoCliError {
  constructor(message: string, hint?: string) {
    super(message, Exit.usage, hint);
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
    hint = "Fix or remove the file, then try again.",
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

export class LoginRequiredError extends SsoCliError {
  constructor(what: string, hint = `Run: sso-cli login ${what}`) {
    super(`No valid sign-in for ${what}.`, Exit.config, hint);
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
      "Check sso_account_id and sso_role_name, or ask your administrator for the assignment (`sso-cli configure profile` lists what you can use).",
    );
  }
}

/** Still throttled after backing off. */
export class ThrottledError extends SsoCliError {
  constructor(what: string) {
    super(`IAM Identity Center kept throttling ${what} (TooManyRequestsException).`, Exit.service, "Wait a minute and try again.");
  }
}

export class SignInDeniedError extends SsoCliError {
  constructor() {
    super("The sign-in was denied in the browser.", Exit.service, "Run the command again and choose Allow.");
  }
}

export class SignInExpiredError extends SsoCliError {
  constructor() {
    super("The sign-in code expired before it was approved.", Exit.service, "Run the command again and approve the code within its time.");
  }
}

/** Some of the work was done and some was not; each failure was already reported on its own line. */
export class PartialFailureError extends SsoCliError {
  constructor(failed: number, total: number, what = "profiles") {
    super(`${failed} of ${total} ${what} could not be written; the others were.`, Exit.partial);
  }
}
