import type { Readable, Writable } from "node:stream";

/** Where the shared AWS files and caches live, resolved once from HOME and the AWS_* variables. */
export interface AwsPaths {
  home: string;
  configFile: string;
  credentialsFile: string;
  ssoCacheDir: string;
  cliCacheDir: string;
}

/** Endpoint overrides, from AWS_ENDPOINT_URL_SSO, AWS_ENDPOINT_URL_SSO_OIDC, AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL_SIGNIN. */
export interface Endpoints {
  oidc?: string | undefined;
  portal?: string | undefined;
  sts?: string | undefined;
  /** The console sign-in (federation) service's base URL; `/federation` is appended. */
  signin?: string | undefined;
}

/** The user's web browser, as far as this machine lets a command use one. */
export interface Browser {
  /** Whether a local browser can be opened here (a display or BROWSER, no SSH); decides the sign-in flow. */
  available: boolean;
  /** Why not, for messages (e.g. "this is an SSH session"). */
  unavailableReason?: string | undefined;
  /** Opens a URL; true only when a browser actually started. Always settles. */
  open(url: string): Promise<boolean>;
}

/**
 * Every side effect a command may have comes in through here, so use cases and modules are
 * testable without mocking our own code. Pass the narrow slice a function needs
 * (`Pick<Context, "now" | "sleep">`), never the whole thing.
 */
export interface Context {
  now(): Date;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  env: Readonly<Record<string, string | undefined>>;
  paths: AwsPaths;
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
  tty: { stdin: boolean; stderr: boolean; stdout: boolean };
  endpoints: Endpoints;
  browser: Browser;
  /** Aborted on Ctrl-C / SIGTERM. */
  signal: AbortSignal;
  /** Set by --debug; debug lines go to stderr and are always redacted. */
  debug: boolean;
  /** The absolute path of the running sso-cli program (bin/sso-cli), for commands that write it into files. */
  programPath: string;
  /** The Node.js program running it (process.execPath), for command lines that must not depend on PATH. */
  nodePath: string;
  /** The operating system (process.platform): every platform-dependent choice takes it from here, so tests can pick one. */
  platform: NodeJS.Platform;
  /**
   * Runs a program with the terminal's stdin/stdout/stderr and this environment (no shell), and
   * resolves with the exit code to pass on (128 + the signal's number if a signal ended it).
   * While it runs, Ctrl-C and SIGTERM are the child's to handle. Rejects when it cannot start.
   */
  runChild(command: string, args: string[], env: Record<string, string>): Promise<number>;
}
