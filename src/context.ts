import type { Readable, Writable } from "node:stream";

/** Where the shared AWS files and caches live, resolved once from HOME and the AWS_* variables. */
export interface AwsPaths {
  home: string;
  configFile: string;
  credentialsFile: string;
  ssoCacheDir: string;
  cliCacheDir: string;
}

/**
 * Endpoint overrides, from AWS_ENDPOINT_URL_SSO, AWS_ENDPOINT_URL_SSO_OIDC, AWS_ENDPOINT_URL_STS
 * (each else AWS_ENDPOINT_URL) and AWS_ENDPOINT_URL_SIGNIN (lib/endpoint-override.ts).
 */
export interface Endpoints {
  oidc?: string | undefined;
  portal?: string | undefined;
  sts?: string | undefined;
  /** The console sign-in (federation) service's base URL; `/federation` is appended. */
  signin?: string | undefined;
  /** The variable each override came from, for messages (default: the endpoint's own variable). */
  sources?: Partial<Record<"oidc" | "portal" | "sts" | "signin", string>> | undefined;
}

/** The user's web browser, as far as this machine lets a command use one. */
export interface Browser {
  /** Whether a local browser can be opened here (a display or BROWSER, no SSH); decides the sign-in flow. */
  available: boolean;
  /** Why not, for messages (e.g. "this is an SSH session"). */
  unavailableReason?: string | undefined;
  /**
   * Hands a URL to a browser. The opener (BROWSER's command, xdg-open, open) is given a one-time
   * local address that redirects to the URL, never the URL itself: a command line is readable by
   * every local user, and these URLs are secrets. Settles once the opener's fate is known (or
   * after a brief wait); never throws.
   */
  open(url: string): Promise<BrowserLaunch>;
}

/** What became of handing a URL to a browser. */
export interface BrowserLaunch {
  /** The opener exited 0, the browser came for the address, or the opener was still running after the brief wait. */
  opened: boolean;
  /** When not opened: why, in a few words ("xdg-open exited with status 4"). */
  failure?: string | undefined;
  /** Resolves true when the browser has followed the one-time address; false when it was closed first. */
  followed: Promise<boolean>;
  /** Ends the one-time address (it answers nothing after that). Idempotent. */
  close(): Promise<void>;
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
