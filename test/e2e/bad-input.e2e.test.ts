import { createHash } from "node:crypto";
import { spawnSync } from "node:child_process";
import { realpathSync } from "node:fs";
import { chmod, chown, lstat, mkdir, readdir, readFile, readlink, symlink, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { dirname, join, relative, sep } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { describe, it, type ExpectStatic } from "vitest";
import { Exit } from "../../src/errors.js";
import {
  formatTimestamp,
  formatTokenCacheEntry,
  registrationCacheFileName,
  tokenCacheFileName,
  type TokenCacheEntry,
} from "../../src/files/token-cache.js";
import { startTestEmulator } from "../helpers/emulator.js";
import { runCli, type ProcessResult } from "../helpers/run-process.js";
import { makeTempHome, notCompiledCode } from "../helpers/temp-home.js";

// Bad input is a table. Each row writes files into a throwaway HOME, sets the
// emulator's knobs, runs the built binary, and checks the exit code, one `sso-cli: ` line (plus at
// most two indented hint lines), no stack trace, nothing on stdout, and that every file under HOME
// is byte for byte what it was, except the few a row names with the reason.

type Emulator = Awaited<ReturnType<typeof startTestEmulator>>;

const START_URL = "https://d-0000000000.awsapps.com/start"; // the emulator's default instance
const REGION = "us-east-1";
const ACCOUNT = "100000000001"; // the emulator's first account
const ROLE = "AdministratorAccess";

const SESSION_CONFIG = `[profile a]
sso_session = s
sso_account_id = ${ACCOUNT}
sso_role_name = ${ROLE}
region = ${REGION}

[sso-session s]
sso_start_url = ${START_URL}
sso_region = ${REGION}
sso_registration_scopes = sso:account:access
`;

const CONFIG = ".aws/config";
const CREDENTIALS = ".aws/credentials";
const LEDGER = ".aws/sso-cli/credentials-ledger.json";
const TOKEN_FILE = `.aws/sso/cache/${tokenCacheFileName({ ssoSession: "s", startUrl: START_URL })}`;
const REGISTRATION_FILE = `.aws/sso/cache/${registrationCacheFileName({ startUrl: START_URL, region: REGION, scopes: ["sso:account:access"], sessionName: "s" })}`;
const CACHE_DIR = ".aws/sso/cache/";
/** A uid with no entry in the user database: os.userInfo() fails for it. */
const UID_WITHOUT_ACCOUNT = 54_321;

interface Setup {
  emu: Emulator;
  home: string;
}

interface Row {
  name: string;
  /** Files to create, relative to HOME. */
  files?: (s: Setup) => Record<string, string | Buffer>;
  /** POST /_admin/config before the run. */
  knobs?: Record<string, unknown>;
  /** POST /_admin/inject before the run. */
  inject?: { operation: string; status: number; error: string; count: number }[];
  /** Runs while the command runs (plays the person at the browser). */
  during?: (emu: Emulator) => Promise<void>;
  /** Point every endpoint at a closed port instead of the emulator. */
  down?: boolean;
  /** Makes what `files` cannot: pipes, folders, symlinks, modes. */
  prepare?: (s: Setup) => Promise<void>;
  /** Variables to set (or empty) for the run. */
  env?: (s: Setup) => Record<string, string>;
  /** Folder to run in (default HOME). */
  cwd?: (s: Setup) => string;
  /**
   * Run as an ordinary user, for permission errors (root reads everything): as uid 65534 when the
   * tests run as root, HOME handed to it; as ourselves otherwise. A number: that uid (root only).
   */
  user?: "unprivileged" | number;
  args: string[];
  exit: number;
  /** Must match the `sso-cli: ` line (or, for a success, stderr). */
  message: RegExp;
  /** Paths (relative to HOME; a trailing "/" is a folder) that may be created or changed, and why. */
  mayChange?: string[];
  /** Lines stderr may show before the error (the device sign-in's prompt, a per-profile table); none otherwise. */
  before?: RegExp;
  after?: (s: Setup & { r: ProcessResult; expect: ExpectStatic }) => Promise<void>;
}

/** A token the emulator knows, as if `login` had run: for rows that fail after the sign-in. */
function liveTokenCache(emu: Emulator): string {
  const client = emu.state.registerClient({ clientName: "seed", scopes: ["sso:account:access"], grantTypes: [], redirectUris: [] });
  const { accessToken } = emu.state.issueTokens(emu.state.startSession(client.clientId));
  return tokenCache({ accessToken, expiresAt: formatTimestamp(new Date(Date.now() + 8 * 3600_000)) });
}

function tokenCache(fields: Partial<TokenCacheEntry> & { accessToken: string; expiresAt: string }): string {
  return formatTokenCacheEntry({ startUrl: START_URL, region: REGION, ...fields });
}

const withToken =
  (extra: Record<string, string | Buffer> = {}) =>
  (s: Setup) => ({ [CONFIG]: SESSION_CONFIG, [TOKEN_FILE]: liveTokenCache(s.emu), ...extra });
const configOnly = (text: string | Buffer) => () => ({ [CONFIG]: text });
const configure = (...flags: string[]) => ["configure", "profile", "p", ...flags];
const CONFIGURE_OK = ["--sso-region", "eu-north-1", "--account-id", ACCOUNT, "--role-name", ROLE];

/** What a sign-in leaves behind even when it fails: the client registration (a cache, reused next time). */
const REGISTRATION = [".aws/sso/", CACHE_DIR, REGISTRATION_FILE];
/** What a successful login writes. */
const LOGIN_WRITES = [...REGISTRATION, TOKEN_FILE, CREDENTIALS, ".aws/sso-cli/", LEDGER];

/** What a device sign-in prints before it waits (not a TTY: plain lines, no spinner). */
const SIGN_IN_PROMPT = /^(Sign in to |  open |  code |Open the link above on any device|Waiting for approval of )/;
/** login's per-profile lines and summary, printed when several profiles were involved. */
const PROFILE_TABLE = /^( {2}[a-z]+ +(\d{12} \S+ +valid until |FAILED: )|Wrote keys for \d+ of \d+ profiles to )/;

const TWO_PROFILES = `${SESSION_CONFIG}
[profile b]
sso_session = s
sso_account_id = 100000000002
sso_role_name = ${ROLE}
`;

const rows: Row[] = [
  // ~/.aws/config that botocore would not read either: name the file and the line.
  {
    name: "config: garbage line",
    files: configOnly(`${SESSION_CONFIG}this is not ini\n`),
    args: ["login", "--profile", "a"],
    exit: Exit.config,
    message: /\.aws\/config:11: is not a key = value line/,
  },
  {
    name: "config: duplicate section",
    files: configOnly(`${SESSION_CONFIG}\n[profile a]\nregion = eu-west-1\n`),
    args: ["login", "--profile", "a"],
    exit: Exit.config,
    message: /\.aws\/config:12: duplicate section \[profile a\]/,
  },
  {
    name: "config: key before any section",
    files: configOnly(`region = eu-west-1\n${SESSION_CONFIG}`),
    args: ["login", "--profile", "a"],
    exit: Exit.config,
    message: /\.aws\/config:1: comes before any \[section\]/,
  },
  {
    name: "config: UTF-8 BOM",
    files: configOnly(`\uFEFF${SESSION_CONFIG}`),
    args: ["login", "--profile", "a"],
    exit: Exit.config,
    message: /\.aws\/config:1: .*byte order mark/,
  },
  // Files saved with a byte order mark, then joined: one mid-file. botocore cannot read it (U+FEFF is
  // no white space to configparser); once it was read as the continuation of `region` and edited.
  {
    name: "config: byte order mark mid-file breaks configure too",
    files: configOnly("[default]\nregion = us-west-2\n\uFEFF[profile dev]\noutput = json\n"),
    args: configure("--sso-start-url", START_URL, ...CONFIGURE_OK),
    exit: Exit.config,
    message: /\.aws\/config:3: holds a byte order mark \(U\+FEFF\), which botocore cannot read; delete that character$/,
  },
  {
    name: "config: duplicate key",
    files: configOnly(SESSION_CONFIG.replace("region = us-east-1\n", "region = us-east-1\nREGION = eu-west-1\n")),
    args: ["login", "--profile", "a"],
    exit: Exit.config,
    message: /\.aws\/config:6: duplicate key "region"/,
  },
  {
    name: "config: malformed ini breaks configure too",
    files: configOnly(`${SESSION_CONFIG}[broken\n`),
    args: configure("--sso-start-url", START_URL, ...CONFIGURE_OK),
    exit: Exit.config,
    message: /\.aws\/config:11: /,
  },
  {
    name: "config: sso_region not a region",
    files: configOnly(SESSION_CONFIG.replace(`sso_region = ${REGION}`, "sso_region = xx-nowhere-9")),
    args: ["login", "--profile", "a"],
    exit: Exit.config,
    message: /sso_region is not an AWS region name \(.*\.aws\/config:9 \[sso-session s\]\)/,
  },
  {
    name: "config: sso_start_url not https",
    files: configOnly(SESSION_CONFIG.replace(START_URL, "http://d-0000000000.awsapps.com/start")),
    args: ["login", "--profile", "a"],
    exit: Exit.config,
    message: /sso_start_url must be an https:\/\/ URL \(.*\.aws\/config:8 \[sso-session s\]\)/,
  },
  {
    name: "config: sso_account_id not 12 digits",
    files: configOnly(SESSION_CONFIG.replace(ACCOUNT, "12345")),
    args: ["login", "--profile", "a"],
    exit: Exit.config,
    message: /sso_account_id of profile a must be 12 digits \(.*\.aws\/config:3/,
  },

  // ~/.aws/credentials
  {
    name: "credentials: garbage line",
    files: withToken({ [CREDENTIALS]: "[a]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\nnot ini at all\n" }),
    args: ["login", "--profile", "a"],
    exit: Exit.config,
    message: /\.aws\/credentials:3: is not a key = value line/,
  },
  {
    name: "credentials: malformed, found before a browser sign-in",
    files: () => ({ [CONFIG]: SESSION_CONFIG, [CREDENTIALS]: "aws_access_key_id = AKIAIOSFODNN7EXAMPLE\n" }),
    args: ["login", "--profile", "a"],
    exit: Exit.config,
    message: /\.aws\/credentials:1: comes before any \[section\]/,
  },

  // ~/.aws/sso/cache: a corrupt cache is an error naming the file, never a silent overwrite.
  {
    name: "token cache: not JSON",
    files: () => ({ [CONFIG]: SESSION_CONFIG, [TOKEN_FILE]: "{ this is not json" }),
    args: ["login", "--profile", "a"],
    exit: Exit.config,
    message: /\.aws\/sso\/cache\/[0-9a-f]{40}\.json: is not valid JSON/,
  },
  {
    name: "token cache: truncated",
    files: (s) => ({ [CONFIG]: SESSION_CONFIG, [TOKEN_FILE]: liveTokenCache(s.emu).slice(0, 120) }),
    args: ["login", "--profile", "a"],
    exit: Exit.config,
    message: /\.aws\/sso\/cache\/[0-9a-f]{40}\.json: is not valid JSON/,
  },
  {
    name: "token cache: accessToken missing",
    files: () => ({
      [CONFIG]: SESSION_CONFIG,
      [TOKEN_FILE]: JSON.stringify({ startUrl: START_URL, region: REGION, expiresAt: "2099-01-01T00:00:00Z" }),
    }),
    args: ["login", "--profile", "a"],
    exit: Exit.config,
    message: /\.aws\/sso\/cache\/[0-9a-f]{40}\.json: accessToken is missing/,
  },

  // Start URLs: https on an Identity Center host, in both of its forms.
  {
    name: "start URL: http",
    args: configure("--sso-start-url", "http://d-1234567890.awsapps.com/start", ...CONFIGURE_OK),
    exit: Exit.badValue,
    message: /"http:\/\/d-1234567890\.awsapps\.com\/start" is not an IAM Identity Center start URL/,
  },
  {
    name: "start URL: not https at all",
    args: configure("--sso-start-url", "ftp://x", ...CONFIGURE_OK),
    exit: Exit.badValue,
    message: /"ftp:\/\/x" is not an IAM Identity Center start URL/,
  },
  {
    name: "start URL: not a URL",
    args: configure("--sso-start-url", "my portal", ...CONFIGURE_OK),
    exit: Exit.badValue,
    message: /"my portal" is not an IAM Identity Center start URL/,
  },
  {
    name: "start URL: not an Identity Center host",
    args: configure("--sso-start-url", "https://example.com/start", ...CONFIGURE_OK),
    exit: Exit.badValue,
    message: /"https:\/\/example\.com\/start" is not an IAM Identity Center start URL/,
  },
  {
    name: "start URL: http, given to login",
    args: ["login", "http://d-1234567890.awsapps.com/start", REGION],
    exit: Exit.badValue,
    message: /is not an IAM Identity Center start URL/,
  },
  {
    name: "start URL: awsapps.com form is accepted",
    args: configure("--sso-start-url", "https://d-1234567890.awsapps.com/start", ...CONFIGURE_OK),
    exit: Exit.ok,
    message: /^Wrote profile p in .*: sso-session d-1234567890, account 100000000001, role AdministratorAccess\.$/m,
    mayChange: [".aws/", CONFIG],
    after: async ({ home, expect }) =>
      expect(await readFile(join(home, CONFIG), "utf8")).toContain("sso_start_url = https://d-1234567890.awsapps.com/start"),
  },
  {
    name: "start URL: portal.REGION.app.aws form is accepted",
    args: configure("--sso-start-url", "https://ssoins-1234567890abcdef.portal.eu-north-1.app.aws", ...CONFIGURE_OK),
    exit: Exit.ok,
    message: /^Wrote profile p in .*: sso-session ssoins-1234567890abcdef, account 100000000001, role AdministratorAccess\.$/m,
    mayChange: [".aws/", CONFIG],
    after: async ({ home, expect }) =>
      expect(await readFile(join(home, CONFIG), "utf8")).toContain(
        "sso_start_url = https://ssoins-1234567890abcdef.portal.eu-north-1.app.aws",
      ),
  },

  // Regions
  {
    name: "region: unknown, to configure",
    args: configure("--sso-start-url", START_URL, "--sso-region", "xx-nowhere-9", "--account-id", ACCOUNT, "--role-name", ROLE),
    exit: Exit.badValue,
    message: /"xx-nowhere-9" is not an AWS region name/,
  },
  {
    name: "region: unknown, to login",
    args: ["login", START_URL, "xx-nowhere-9"],
    exit: Exit.badValue,
    message: /"xx-nowhere-9" is not an AWS region name/,
  },

  // Profiles and sessions that do not exist
  {
    name: "unknown profile: login",
    files: configOnly(SESSION_CONFIG),
    args: ["login", "--profile", "nope"],
    exit: Exit.config,
    message: /The config profile \(nope\) could not be found/,
  },
  {
    name: "unknown profile: logout",
    files: withToken(),
    args: ["logout", "--profile", "nope"],
    exit: Exit.config,
    message: /The config profile \(nope\) could not be found/,
  },
  {
    name: "unknown sso-session: login",
    files: configOnly(SESSION_CONFIG),
    args: ["login", "--sso-session", "nope"],
    exit: Exit.config,
    message: /sso-session does not exist: "nope"/,
  },

  // Account ids
  {
    name: "account id: too short",
    args: configure("--sso-start-url", START_URL, "--sso-region", REGION, "--account-id", "12345", "--role-name", ROLE),
    exit: Exit.badValue,
    message: /--account-id must be 12 digits, not "12345"/,
  },
  {
    name: "account id: too long",
    args: configure("--sso-start-url", START_URL, "--sso-region", REGION, "--account-id", "1234567890123", "--role-name", ROLE),
    exit: Exit.badValue,
    message: /--account-id must be 12 digits, not "1234567890123"/,
  },
  {
    name: "account id: letters",
    args: configure("--sso-start-url", START_URL, "--sso-region", REGION, "--account-id", "abcdefghijkl", "--role-name", ROLE),
    exit: Exit.badValue,
    message: /--account-id must be 12 digits, not "abcdefghijkl"/,
  },

  // Flags
  {
    name: "flags: --profile with --all",
    files: configOnly(SESSION_CONFIG),
    args: ["login", "--profile", "x", "--all"],
    exit: Exit.usage,
    message: /Give only one of START_URL, --profile, --sso-session and --all/,
  },
  { name: "flags: unknown option", args: ["login", "--bogus"], exit: Exit.usage, message: /^sso-cli: unknown option '--bogus'$/ },
  {
    name: "flags: misspelt option gets a suggestion",
    args: ["login", "--profil", "a"],
    exit: Exit.usage,
    message: /^sso-cli: unknown option '--profil'$/,
    after: async ({ r, expect }) => expect(r.stderr).toMatch(/^ {2}\(Did you mean --profile\?\)$/m),
  },
  {
    name: "flags: missing profile name",
    args: ["configure", "profile"],
    exit: Exit.usage,
    message: /^sso-cli: missing required argument 'name'$/,
  },
  { name: "flags: unknown command", args: ["lgoin"], exit: Exit.usage, message: /^sso-cli: unknown command 'lgoin'$/ },

  // The person at the browser
  {
    name: "sign-in denied in the browser",
    files: configOnly(SESSION_CONFIG),
    knobs: { autoApproveMs: -1 },
    during: denyWhenPending,
    args: ["login", "--profile", "a"],
    exit: Exit.denied,
    message: /sign-in was denied: Deny was chosen on the sign-in page/,
    before: SIGN_IN_PROMPT,
    mayChange: REGISTRATION,
  },

  // The service says no
  {
    name: "403: role forbidden",
    files: withToken(),
    knobs: { forbid: [`${ACCOUNT}:${ROLE}`] },
    args: ["login", "--profile", "a"],
    exit: Exit.service,
    message: /No access to role AdministratorAccess in account 100000000001/,
  },
  {
    name: "5xx at RegisterClient",
    files: configOnly(SESSION_CONFIG),
    inject: [{ operation: "RegisterClient", status: 500, error: "InternalServerException", count: 1 }],
    args: ["login", "--profile", "a"],
    exit: Exit.service,
    message: /internal error \(500 InternalServerException\) while registering this client/,
  },
  {
    name: "403 for one of two profiles: the other is written, exit partial",
    files: (st) => ({ [CONFIG]: TWO_PROFILES, [TOKEN_FILE]: liveTokenCache(st.emu) }),
    knobs: { forbid: ["100000000002:*"] },
    args: ["login", "--sso-session", "s"],
    exit: Exit.partial,
    message: /^sso-cli: 1 of 2 profiles could not be written/,
    before: PROFILE_TABLE,
    mayChange: [CREDENTIALS, ".aws/sso-cli/", LEDGER],
    after: async ({ home, r, expect }) => {
      expect(r.stderr).toMatch(/^ {2}b +FAILED: No access to role AdministratorAccess in account 100000000002\.$/m);
      expect(await readFile(join(home, CREDENTIALS), "utf8")).toMatch(/^\[a\]\naws_access_key_id = ASIA[A-Z0-9]{16}\n/);
    },
  },
  {
    name: "403 for both of two profiles",
    files: (st) => ({ [CONFIG]: TWO_PROFILES, [TOKEN_FILE]: liveTokenCache(st.emu) }),
    knobs: { forbid: ["100000000001:*", "100000000002:*"] },
    args: ["login", "--sso-session", "s"],
    exit: Exit.service,
    message: /^sso-cli: None of the 2 profiles could be written\.$/,
    before: PROFILE_TABLE,
  },
  {
    name: "credentials ledger: not JSON",
    files: withToken({ [LEDGER]: "{" }),
    args: ["login", "--profile", "a"],
    exit: Exit.config,
    message: /\.aws\/sso-cli\/credentials-ledger\.json: is not valid JSON/,
  },
  {
    name: "service unreachable",
    files: configOnly(SESSION_CONFIG),
    down: true,
    args: ["login", "--profile", "a"],
    exit: Exit.service,
    message: /Could not reach IAM Identity Center at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)/,
  },

  // Expired sign-in, no refresh token, no terminal.
  {
    // login's job is to sign in: with no terminal it prints the link and code on stderr (never
    // prompting on stdin), waits for the approval, and replaces the expired token.
    name: "expired token, no refresh token, no TTY: login signs in with a printed link",
    files: () => ({
      [CONFIG]: SESSION_CONFIG,
      [TOKEN_FILE]: tokenCache({ accessToken: "aoa-expired", expiresAt: "2020-01-01T00:00:00Z" }),
    }),
    args: ["login", "--profile", "a"],
    exit: Exit.ok,
    message: /^ {2}open {3}http:\/\/127\.0\.0\.1:\d+\/device\?user_code=[A-Z]{4}-[A-Z]{4}$/m,
    mayChange: LOGIN_WRITES,
    after: async ({ home, expect }) => {
      const token = JSON.parse(await readFile(join(home, TOKEN_FILE), "utf8")) as TokenCacheEntry;
      expect(token.accessToken).not.toBe("aoa-expired");
      expect(new Date(token.expiresAt).getTime()).toBeGreaterThan(Date.now());
    },
  },
  {
    // configure never opens a sign-in from a script: it says what to pass instead.
    name: "expired token, no refresh token, no TTY: configure needs the account",
    files: () => ({
      [CONFIG]: SESSION_CONFIG,
      [TOKEN_FILE]: tokenCache({ accessToken: "aoa-expired", expiresAt: "2020-01-01T00:00:00Z" }),
    }),
    args: ["configure", "profile", "b", "--sso-session", "s", "--role-name", ROLE],
    exit: Exit.usage,
    message: /--account-id is required \(no terminal to ask on\)/,
  },

  // Issue 12, hostile files: a pipe, a folder, a loop or a device where a file should be is refused
  // before anything is read (a pipe used to hang forever); file system errors name the file (253).
  {
    name: "config: a named pipe",
    prepare: fifo(CONFIG),
    args: ["login", "--profile", "a"],
    exit: Exit.config,
    message: /\.aws\/config: is a named pipe \(FIFO\), not a regular file$/,
  },
  {
    name: "credentials: a named pipe",
    files: withToken(),
    prepare: fifo(CREDENTIALS),
    args: ["login", "--profile", "a"],
    exit: Exit.config,
    message: /\.aws\/credentials: is a named pipe \(FIFO\), not a regular file$/,
  },
  {
    name: "token cache: a named pipe",
    files: configOnly(SESSION_CONFIG),
    prepare: fifo(TOKEN_FILE),
    args: ["login", "--profile", "a"],
    exit: Exit.config,
    message: /\.aws\/sso\/cache\/[0-9a-f]{40}\.json: is a named pipe \(FIFO\)/,
  },
  {
    name: "ledger: a named pipe",
    files: withToken(),
    prepare: fifo(LEDGER),
    args: ["login", "--profile", "a"],
    exit: Exit.config,
    message: /credentials-ledger\.json: is a named pipe \(FIFO\)/,
  },
  {
    name: "credentials: a named pipe, at logout",
    files: ledgerListingA,
    prepare: fifo(CREDENTIALS),
    args: ["logout", "--profile", "a"],
    exit: Exit.config,
    message: /\.aws\/credentials: is a named pipe \(FIFO\)/,
  },
  {
    name: "config: a folder",
    prepare: folder(CONFIG),
    args: ["login", "--profile", "a"],
    exit: Exit.config,
    message: /\.aws\/config: is a folder, not a file$/,
  },
  {
    name: "credentials: a folder",
    files: withToken(),
    prepare: folder(CREDENTIALS),
    args: ["login", "--profile", "a"],
    exit: Exit.config,
    message: /\.aws\/credentials: is a folder, not a file$/,
  },
  {
    name: "token cache: a folder",
    files: configOnly(SESSION_CONFIG),
    prepare: folder(TOKEN_FILE),
    args: ["login", "--profile", "a"],
    exit: Exit.config,
    message: /\.aws\/sso\/cache\/[0-9a-f]{40}\.json: is a folder, not a file$/,
  },
  {
    name: "ledger: a folder",
    files: withToken(),
    prepare: folder(LEDGER),
    args: ["login", "--profile", "a"],
    exit: Exit.config,
    message: /credentials-ledger\.json: is a folder, not a file$/,
  },
  {
    name: "config: a symlink loop",
    prepare: loop(CONFIG),
    args: ["login", "--profile", "a"],
    exit: Exit.config,
    message: /\.aws\/config: is a symbolic link loop/,
  },
  {
    name: "credentials: a symlink loop",
    files: withToken(),
    prepare: loop(CREDENTIALS),
    args: ["login", "--profile", "a"],
    exit: Exit.config,
    message: /\.aws\/credentials: is a symbolic link loop/,
  },
  {
    name: "config: a link to /dev/zero",
    prepare: link(CONFIG, "/dev/zero"),
    args: ["login", "--profile", "a"],
    exit: Exit.config,
    message: /\.aws\/config: is a character device, not a regular file$/,
  },
  {
    name: "AWS_SHARED_CREDENTIALS_FILE=/dev/null: read as empty, never written",
    files: withToken(),
    env: () => ({ AWS_SHARED_CREDENTIALS_FILE: "/dev/null" }),
    args: ["login", "--profile", "a"],
    exit: Exit.config,
    message: /^sso-cli: \/dev\/null: is a character device, not a regular file$/,
    after: async ({ expect }) => expect(await lstat("/dev/null.lock").catch(() => undefined)).toBeUndefined(),
  },
  {
    name: "AWS_CONFIG_FILE=/dev/null: configure refuses to write it",
    env: () => ({ AWS_CONFIG_FILE: "/dev/null" }),
    args: configure("--sso-start-url", START_URL, ...CONFIGURE_OK),
    exit: Exit.config,
    message: /^sso-cli: \/dev\/null: is a character device, not a regular file$/,
    after: async ({ expect }) => expect(await lstat("/dev/null.lock").catch(() => undefined)).toBeUndefined(),
  },
  {
    name: "~/.aws: a file",
    files: () => ({ ".aws": "not a folder\n" }),
    args: ["login", "--profile", "a"],
    exit: Exit.config,
    message: /\.aws\/config: a part of this path is a file, not a folder$/,
  },
  {
    name: "~/.aws/sso-cli: a file",
    files: withToken({ ".aws/sso-cli": "not a folder\n" }),
    args: ["login", "--profile", "a"],
    exit: Exit.config,
    message: /credentials-ledger\.json: a part of this path is a file, not a folder$/,
  },
  {
    name: "~/.aws/sso/cache: a file",
    files: () => ({ [CONFIG]: SESSION_CONFIG, ".aws/sso/cache": "not a folder\n" }),
    args: ["login", "--profile", "a"],
    exit: Exit.config,
    message: /\.aws\/sso\/cache\/[0-9a-f]{40}\.json: a part of this path is a file, not a folder$/,
  },
  {
    name: "config: not readable",
    files: configOnly(SESSION_CONFIG),
    prepare: mode(CONFIG, 0o000),
    user: "unprivileged",
    args: ["login", "--profile", "a"],
    exit: Exit.config,
    message: /\.aws\/config: permission denied \(could not read it\)$/,
  },
  {
    name: "token cache: not readable",
    files: withToken(),
    prepare: mode(TOKEN_FILE, 0o000),
    user: "unprivileged",
    args: ["login", "--profile", "a"],
    exit: Exit.config,
    message: /\.aws\/sso\/cache\/[0-9a-f]{40}\.json: permission denied \(could not read it\)$/,
  },
  {
    name: "~/.aws: not writable, so the keys cannot be written",
    files: withToken(),
    prepare: mode(".aws", 0o500),
    user: "unprivileged",
    args: ["login", "--profile", "a"],
    exit: Exit.config,
    message: /\.aws\/credentials: permission denied \(could not (lock|write) it\)$/,
  },
  {
    name: "~/.aws/sso-cli: not writable, so the ledger cannot be written",
    files: withToken({ ".aws/sso-cli/.keep": "" }),
    prepare: mode(".aws/sso-cli", 0o500),
    user: "unprivileged",
    args: ["login", "--profile", "a"],
    exit: Exit.config,
    message: /credentials-ledger\.json: permission denied \(could not (lock|write) it\)$/,
  },

  // Issue 12, bytes: a file that is not UTF-8 is refused with file:line, never rewritten with U+FFFD.
  {
    name: "config: Latin-1 in a comment",
    files: configOnly(Buffer.from(`# caf\xe9\n${SESSION_CONFIG}`, "latin1")),
    args: ["login", "--profile", "a"],
    exit: Exit.config,
    message: /\.aws\/config:1: is not UTF-8 text \(byte 0xE9\)$/,
  },
  {
    name: "config: Latin-1 in a value",
    files: configOnly(Buffer.from(SESSION_CONFIG.replace(`sso_role_name = ${ROLE}`, "sso_role_name = R\xf4le"), "latin1")),
    args: ["login", "--profile", "a"],
    exit: Exit.config,
    message: /\.aws\/config:4: is not UTF-8 text \(byte 0xF4\)$/,
  },
  {
    name: "config: UTF-16 with its byte order mark",
    files: configOnly(Buffer.from(`\uFEFF${SESSION_CONFIG}`, "utf16le")),
    args: ["login", "--profile", "a"],
    exit: Exit.config,
    message: /\.aws\/config:1: is not UTF-8 text \(byte 0xFF\)$/,
  },
  {
    name: "config: an encoded surrogate",
    files: configOnly(Buffer.concat([Buffer.from(SESSION_CONFIG), Buffer.from([0x23, 0x20, 0xed, 0xa0, 0x80, 0x0a])])),
    args: ["login", "--profile", "a"],
    exit: Exit.config,
    message: /\.aws\/config:11: is not UTF-8 text \(byte 0xED\)$/,
  },
  {
    name: "config: not UTF-8, and configure would edit it",
    files: configOnly(Buffer.from(`# caf\xe9\n${SESSION_CONFIG}`, "latin1")),
    args: configure("--sso-start-url", START_URL, ...CONFIGURE_OK),
    exit: Exit.config,
    message: /\.aws\/config:1: is not UTF-8 text/,
  },
  {
    name: "credentials: Latin-1 in a comment",
    files: withToken({ [CREDENTIALS]: Buffer.from("# caf\xe9\n[mine]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n", "latin1") }),
    args: ["login", "--profile", "a"],
    exit: Exit.config,
    message: /\.aws\/credentials:1: is not UTF-8 text \(byte 0xE9\)$/,
  },
  {
    name: "credentials: Latin-1 in a section name",
    files: withToken({ [CREDENTIALS]: Buffer.from("[mine]\nregion = eu-west-1\n\n[caf\xe9]\nregion = eu-west-1\n", "latin1") }),
    args: ["login", "--profile", "a"],
    exit: Exit.config,
    message: /\.aws\/credentials:4: is not UTF-8 text \(byte 0xE9\)$/,
  },
  {
    name: "credentials: not UTF-8, and logout would remove keys from it",
    files: (st) => ({
      ...ledgerListingA(st),
      [CREDENTIALS]: Buffer.from("# caf\xe9\n[a]\naws_access_key_id = ASIAEXAMPLEEXAMPLE01\n", "latin1"),
    }),
    args: ["logout", "--profile", "a"],
    exit: Exit.config,
    message: /\.aws\/credentials:1: is not UTF-8 text \(byte 0xE9\)$/,
  },

  // Issue 12, escaping: a value echoed back is shown with its control characters escaped, so it
  // can neither forge an output line nor drive the terminal.
  {
    name: "escaping: a newline in --sso-region",
    args: configure(
      "--sso-start-url",
      START_URL,
      "--sso-region",
      "us-east-1\nsso-cli: fake line",
      "--account-id",
      ACCOUNT,
      "--role-name",
      ROLE,
    ),
    exit: Exit.badValue,
    message: /^sso-cli: --sso-region "us-east-1\\nsso-cli: fake line" is not an AWS region name\.$/,
  },
  {
    name: "escaping: terminal escapes in --role-name",
    args: configure(
      "--sso-start-url",
      START_URL,
      "--sso-region",
      REGION,
      "--account-id",
      ACCOUNT,
      "--role-name",
      "\x1b]0;pwned\x07\x1b[2J",
    ),
    exit: Exit.badValue,
    message: /^sso-cli: --role-name "\\x1b\]0;pwned\\x07\\x1b\[2J" is not a permission set role name\.$/,
  },
  {
    name: "escaping: a C1 control in --role-name",
    args: configure("--sso-start-url", START_URL, "--sso-region", REGION, "--account-id", ACCOUNT, "--role-name", "Admin\u009b2J"),
    exit: Exit.badValue,
    message: /--role-name "Admin\\x9b2J" is not/,
  },
  {
    name: "escaping: a carriage return in --account-id",
    args: configure("--sso-start-url", START_URL, "--sso-region", REGION, "--account-id", "1234\r5678", "--role-name", ROLE),
    exit: Exit.badValue,
    message: /--account-id must be 12 digits, not "1234\\r5678"\.$/,
  },
  {
    name: "escaping: a newline in START_URL",
    args: ["login", "https://d-1234567890.awsapps.com/start\nsso-cli: fake", REGION],
    exit: Exit.badValue,
    message: /^sso-cli: "https:\/\/d-1234567890\.awsapps\.com\/start\\nsso-cli: fake" is not an IAM Identity Center start URL\.$/,
  },
  {
    name: "escaping: an escape sequence in REGION",
    args: ["login", START_URL, "us-east-1\x1b[0m"],
    exit: Exit.badValue,
    message: /"us-east-1\\x1b\[0m" is not an AWS region name \(did you mean us-east-1\?\)\.$/,
  },
  {
    name: "escaping: a newline in --profile",
    files: configOnly(SESSION_CONFIG),
    args: ["login", "--profile", "a\nsso-cli: fake"],
    exit: Exit.config,
    message: /^sso-cli: The config profile \(a\\nsso-cli: fake\) could not be found\.$/,
  },
  {
    name: "escaping: an escape sequence in --sso-session",
    files: configOnly(SESSION_CONFIG),
    args: ["login", "--sso-session", "\x1b[31mred"],
    exit: Exit.config,
    message: /sso-session does not exist: "\\x1b\[31mred"$/,
  },
  {
    name: "escaping: a newline in AWS_PROFILE",
    files: configOnly(SESSION_CONFIG),
    env: () => ({ AWS_PROFILE: "a\nsso-cli: fake" }),
    args: ["login"],
    exit: Exit.config,
    message: /^sso-cli: The config profile \(a\\nsso-cli: fake\) could not be found\.$/,
  },
  {
    name: "escaping: an escape sequence read from the config file",
    files: configOnly(SESSION_CONFIG.replace("sso_session = s\n", "sso_session = s\x1b[2J\n")),
    args: ["login", "--profile", "a"],
    exit: Exit.config,
    message: /sso-session does not exist: "s\\x1b\[2J" \(sso_session of profile a, \S+:2 \[profile a\]\)$/,
  },
  {
    name: "escaping: a right-to-left override in a profile name",
    args: ["configure", "profile", "evil\u202etxt", "--sso-start-url", START_URL, ...CONFIGURE_OK],
    exit: Exit.badValue,
    message: /^sso-cli: "evil\\u202etxt" cannot be used as profile name\.$/,
  },
  {
    name: "escaping: an unknown command with an escape sequence",
    args: ["lgoin\x1b[2J"],
    exit: Exit.usage,
    message: /^sso-cli: unknown command 'lgoin\\x1b\[2J'$/,
  },
  {
    name: "escaping: an unknown option with a newline",
    args: ["login", "--bogus\nsso-cli: fake"],
    exit: Exit.usage,
    message: /^sso-cli: unknown option '--bogus\\nsso-cli: fake'$/,
  },

  // Issue 12, environment: an empty HOME never means the current folder.
  {
    name: "HOME empty: the home comes from elsewhere, nothing lands in the current folder",
    files: withToken({ "work/.keep": "" }),
    env: (st) => ({ HOME: "", USERPROFILE: st.home }),
    cwd: (st) => join(st.home, "work"),
    args: ["login", "--profile", "a"],
    exit: Exit.ok,
    message: /^Wrote keys for 1 of 1 profile to .*\/\.aws\/credentials\.$/m,
    mayChange: [CREDENTIALS, ".aws/sso-cli/", LEDGER],
    after: async ({ home, expect }) => expect(await readdir(join(home, "work"))).toEqual([".keep"]),
  },
  ...(isRoot()
    ? [
        {
          name: "HOME empty: the account's home from the system (nobody's /nonexistent), not the current folder",
          files: () => ({ [CONFIG]: SESSION_CONFIG, "work/.keep": "" }),
          env: (st: Setup) => ({ HOME: "", AWS_CONFIG_FILE: join(st.home, CONFIG) }),
          cwd: (st: Setup) => join(st.home, "work"),
          user: "unprivileged" as const,
          args: ["login", "--profile", "a"],
          exit: Exit.config,
          // The first thing a sign-in writes is its lock (#12), in sso-cli's folder of that home.
          message: /^sso-cli: \/nonexistent\/\.aws\/sso-cli: permission denied \(could not make a sign-in lock in it\)$/,
          after: async ({ home, expect }: Setup & { expect: ExpectStatic }) => expect(await readdir(join(home, "work"))).toEqual([".keep"]),
        },
        {
          name: "HOME empty and no home known for the account: refused",
          files: () => ({ [CONFIG]: SESSION_CONFIG, "work/.keep": "" }),
          env: (st: Setup) => ({ HOME: "", AWS_CONFIG_FILE: join(st.home, CONFIG) }),
          cwd: (st: Setup) => join(st.home, "work"),
          user: UID_WITHOUT_ACCOUNT,
          args: ["login", "--profile", "a"],
          exit: Exit.config,
          message: /^sso-cli: HOME is not set, and the system knows no home folder for this account\.$/,
        },
      ]
    : []),
  {
    name: "HOME: a file",
    files: () => ({ afile: "", "work/.keep": "" }),
    env: (st) => ({ HOME: join(st.home, "afile") }),
    cwd: (st) => join(st.home, "work"),
    args: ["login", "--profile", "a"],
    exit: Exit.config,
    message: /afile\/\.aws\/config: a part of this path is a file, not a folder$/,
  },
  {
    name: "AWS_CONFIG_FILE: through a file",
    files: () => ({ afile: "" }),
    env: (st) => ({ AWS_CONFIG_FILE: join(st.home, "afile", "config") }),
    args: ["login", "--profile", "a"],
    exit: Exit.config,
    message: /afile\/config: a part of this path is a file, not a folder$/,
  },
  {
    name: "AWS_SHARED_CREDENTIALS_FILE: a folder",
    files: withToken({ "keys/.keep": "" }),
    env: (st) => ({ AWS_SHARED_CREDENTIALS_FILE: join(st.home, "keys") }),
    args: ["login", "--profile", "a"],
    exit: Exit.config,
    message: /\/keys: is a folder, not a file$/,
  },
];

describe.concurrent("bad input: one clear line, the right exit code, files untouched", () => {
  it("has the rows the product standard asks for", ({ expect }) => {
    // Waits, retries and faults (expiry, 401, throttling storms, 5xx retries) are use-case tests
    // on a fake clock (test/commands/login/login.test.ts); these rows are what only a process shows.
    expect(rows.length).toBeGreaterThanOrEqual(90);
    expect(new Set(rows.map((r) => r.name)).size).toBe(rows.length);
  });

  it.for(rows)("$name", async (row, { expect }) => {
    const emu = await startTestEmulator();
    const { home, cleanup } = await makeTempHome("sso-cli-bad-input-");
    try {
      const setup: Setup = { emu, home };
      for (const [rel, content] of Object.entries(row.files?.(setup) ?? {})) {
        await mkdir(dirname(join(home, rel)), { recursive: true, mode: 0o700 });
        await writeFile(join(home, rel), content, { mode: 0o600 });
      }
      await row.prepare?.(setup);
      if (row.knobs) await admin(emu, "config", row.knobs);
      for (const i of row.inject ?? []) await admin(emu, "inject", i);
      const env = { ...(row.down ? endpointsAt(`http://127.0.0.1:${await closedPort()}`) : emu.env), ...row.env?.(setup) };
      const as = await runAs(row.user, home);

      const before = await snapshot(home);
      const [r] = await Promise.all([
        runCli(row.args, { home, env, timeoutMs: 45_000, ...(row.cwd && { cwd: row.cwd(setup) }), ...as }),
        row.during?.(emu),
      ]);
      const after = await snapshot(home);

      const context = `stderr was:\n${r.stderr}`;
      expect(r.code, context).toBe(row.exit);
      expect(r.stdout, context).toBe("");
      expect(r.stderr, context).not.toMatch(/^\s+at /m);
      // Whatever a row feeds in, nothing reaches the terminal as a control character.
      expect(r.stderr, context).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/);
      if (row.exit === Exit.ok) {
        expect(r.stderr).toMatch(row.message);
        expect(r.stderr).not.toMatch(/^sso-cli: /m);
      } else {
        expectOneErrorLine(expect, r.stderr, row);
      }
      const changed = [...new Set([...before.keys(), ...after.keys()])].filter((p) => before.get(p) !== after.get(p)).sort();
      expect(
        changed.filter((p) => !(row.mayChange ?? []).includes(p)),
        "files changed",
      ).toEqual([]);
      await row.after?.({ ...setup, r, expect });
    } finally {
      await emu.close();
      await cleanup();
    }
  });
});

/** Exactly one `sso-cli: ` line, matching the row, followed by at most two indented hint lines. */
function expectOneErrorLine(expect: ExpectStatic, stderr: string, row: Row): void {
  const lines = stderr.replace(/\n$/, "").split("\n");
  const at = lines.findIndex((l) => l.startsWith("sso-cli: "));
  expect(at, `no "sso-cli: " line in:\n${stderr}`).toBeGreaterThanOrEqual(0);
  expect(lines[at]).toMatch(row.message);
  const hints = lines.slice(at + 1);
  expect(hints.length, stderr).toBeLessThanOrEqual(2);
  for (const h of hints) expect(h, stderr).toMatch(/^ {2}\S/);
  const before = lines.slice(0, at);
  if (!row.before) expect(before, stderr).toEqual([]);
  else for (const l of before) expect(l, stderr).toMatch(row.before);
}

/** Every file (SHA-256) and folder under root, by path relative to root with "/" separators. */
async function snapshot(root: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const walk = async (dir: string): Promise<void> => {
    for (const d of await readdir(dir, { withFileTypes: true })) {
      const full = join(dir, d.name);
      const rel = relative(root, full).split(sep).join("/");
      if (!notCompiledCode(rel)) continue;
      const info = await lstat(full);
      if (info.isDirectory()) {
        out.set(`${rel}/`, `folder ${(info.mode & 0o777).toString(8)}`);
        await walk(full);
      } else if (info.isSymbolicLink()) {
        out.set(rel, `link to ${await readlink(full)}`);
      } else if (!info.isFile()) {
        // A pipe or device is never read here: that would wait, or never end.
        out.set(rel, `special ${(info.mode & 0o170000).toString(8)}`);
      } else {
        out.set(
          rel,
          `${(info.mode & 0o777).toString(8)} ${createHash("sha256")
            .update(await readFile(full))
            .digest("hex")}`,
        );
      }
    }
  };
  await walk(root);
  return out;
}

async function admin(emu: Emulator, name: string, body: unknown): Promise<unknown> {
  const res = await fetch(`${emu.url}/_admin/${name}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`/_admin/${name}: ${res.status} ${await res.text()}`);
  return res.json();
}

/** Plays the person who clicks "Deny": waits for the sign-in to show up, then 300 ms more. */
async function denyWhenPending(emu: Emulator): Promise<void> {
  for (let i = 0; i < 400; i++) {
    const state = (await (await fetch(`${emu.url}/_admin/state`)).json()) as { pendingUserCodes: string[] };
    if (state.pendingUserCodes.length > 0) {
      await delay(300);
      await admin(emu, "approve", { deny: true });
      return;
    }
    await delay(50);
  }
  throw new Error("no sign-in became pending");
}

function endpointsAt(url: string): Record<string, string> {
  return { AWS_ENDPOINT_URL_SSO: url, AWS_ENDPOINT_URL_SSO_OIDC: url, AWS_ENDPOINT_URL_STS: url };
}

/** A loopback port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function isRoot(): boolean {
  return process.getuid?.() === 0;
}

/** The spawn options that run a row as `user`; hands HOME over to that user. */
async function runAs(user: Row["user"], home: string): Promise<{ uid?: number; gid?: number }> {
  if (user === undefined || (user === "unprivileged" && !isRoot())) return {};
  const uid = user === "unprivileged" ? 65_534 : user;
  if (!isRoot()) throw new Error(`running as uid ${uid} needs root`);
  const own = async (path: string): Promise<void> => {
    await chown(path, uid, uid);
    const info = await lstat(path);
    if (info.isDirectory()) for (const name of await readdir(path)) await own(join(path, name));
  };
  await own(home);
  return { uid, gid: uid };
}

function fifo(rel: string): (s: Setup) => Promise<void> {
  return async ({ home }) => {
    await mkdir(dirname(join(home, rel)), { recursive: true, mode: 0o700 });
    if (spawnSync("mkfifo", [join(home, rel)]).status !== 0) throw new Error("mkfifo failed");
  };
}
function folder(rel: string): (s: Setup) => Promise<void> {
  return async ({ home }) => {
    await mkdir(join(home, rel), { recursive: true, mode: 0o700 });
  };
}
function loop(rel: string): (s: Setup) => Promise<void> {
  return async ({ home }) => {
    await mkdir(dirname(join(home, rel)), { recursive: true, mode: 0o700 });
    await symlink(`${join(home, rel)}.other`, join(home, rel));
    await symlink(join(home, rel), `${join(home, rel)}.other`);
  };
}
function link(rel: string, target: string): (s: Setup) => Promise<void> {
  return async ({ home }) => {
    await mkdir(dirname(join(home, rel)), { recursive: true, mode: 0o700 });
    await symlink(target, join(home, rel));
  };
}
function mode(rel: string, m: number): (s: Setup) => Promise<void> {
  return async ({ home }) => {
    await chmod(join(home, rel), m);
  };
}

/** Config, a live token, and a ledger saying sso-cli wrote profile a's keys: for logout rows. */
function ledgerListingA(st: Setup): Record<string, string | Buffer> {
  const key = join(realpathSync(st.home), CREDENTIALS);
  const entry = {
    accessKeyIdSha256: createHash("sha256").update("ASIAEXAMPLEEXAMPLE01").digest("hex"),
    expiresAt: "2099-01-01T00:00:00.000Z",
    source: { ssoSession: "s", accountId: ACCOUNT, roleName: ROLE },
  };
  return { ...withToken()(st), [LEDGER]: `${JSON.stringify({ version: 1, files: { [key]: { a: entry } } }, null, 2)}\n` };
}
