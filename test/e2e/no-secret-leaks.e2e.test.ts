import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { IniEditor } from "../../src/files/ini-editor.js";
import { formatTimestamp, formatTokenCacheEntry, parseTokenCacheEntry, tokenCacheFileName } from "../../src/files/token-cache.js";
import { startTestEmulator } from "../helpers/emulator.js";
import { runCli, type ProcessResult } from "../helpers/run-process.js";
import { makeTempHome } from "../helpers/temp-home.js";

// The canary (docs/ARCHITECTURE.md, secrets): every command runs with --debug, through success, the fast path, a
// silent refresh, retries and failures; then every secret the emulator issued (and every one the
// files hold, in full) is looked for in everything the commands printed. Key ids may appear only
// as ASIA…XXXX.

type Emulator = Awaited<ReturnType<typeof startTestEmulator>>;

const SESSION = "canary";
const PROFILE = "canary-admin";
const ACCOUNT = "100000000001";
const ROLE = "AdministratorAccess";

interface Step {
  name: string;
  args: string[];
  exit: number;
  /** Emulator set-up before the step (admin API). */
  before?: (emu: Emulator, home: string) => Promise<void>;
  env?: Record<string, string>;
  /** The command prints data on stdout (a listing, a report); still no secret in it. */
  data?: true;
}

const FAKE_BROWSER = fileURLToPath(new URL("../helpers/fake-browser.mjs", import.meta.url));

const steps: Step[] = [
  {
    name: "configure profile with flags",
    args: [
      "configure",
      "profile",
      PROFILE,
      "--sso-session",
      SESSION,
      "--sso-start-url",
      "START_URL",
      "--sso-region",
      "us-east-1",
      "--account-id",
      ACCOUNT,
      "--role-name",
      ROLE,
    ],
    exit: 0,
  },
  { name: "login (device sign-in)", args: ["login", "--profile", PROFILE], exit: 0 },
  // With a cached sign-in, configure lists accounts and roles itself (one of each here).
  { name: "configure profile from the cached sign-in", args: ["configure", "profile", "second", "--sso-session", SESSION], exit: 0 },
  { name: "login again (fast path)", args: ["login", "--profile", PROFILE], exit: 0 },
  { name: "login --force", args: ["login", "--profile", PROFILE, "--force"], exit: 0 },
  {
    // A tool fetching keys from the endpoint; it prints only the status, sso-cli narrates the rest.
    name: "exec --ecs-server",
    args: [
      "exec",
      "--ecs-server",
      "--profile",
      PROFILE,
      "--",
      process.execPath,
      "-e",
      "fetch(process.env.AWS_CONTAINER_CREDENTIALS_FULL_URI, { headers: { Authorization: process.env.AWS_CONTAINER_AUTHORIZATION_TOKEN } }).then((r) => console.log(r.status))",
    ],
    exit: 0,
    data: true,
  },
  // The console link is a secret while it lasts: a browser gets it, --debug shows it redacted.
  {
    name: "console (a browser opens the sign-in link)",
    args: ["console", "--profile", PROFILE, "--destination", "s3"],
    env: { BROWSER: FAKE_BROWSER },
    exit: 0,
  },
  { name: "status --check", args: ["status", "--check"], exit: 0, data: true },
  { name: "roles", args: ["roles", "--profile", PROFILE], exit: 0, data: true },
  // A role chain on the profile (#22): AssumeRole with the profile's keys, its keys cached and written
  // (credential-process and export print keys by design, so the chain's network path runs through login).
  {
    name: "configure a role chain",
    args: [
      "configure",
      "profile",
      "chain",
      "--role-arn",
      `arn:aws:iam::${ACCOUNT}:role/Deploy`,
      "--source-profile",
      PROFILE,
      "--role-session-name",
      "canary",
    ],
    exit: 0,
  },
  { name: "login of a role chain", args: ["login", "--profile", "chain"], exit: 0 },
  {
    name: "login --force on a desktop (authorization code with PKCE)",
    args: ["login", "--profile", PROFILE, "--force"],
    env: { BROWSER: FAKE_BROWSER },
    exit: 0,
  },
  {
    name: "login with an expired token (silent refresh) and a retried 500",
    before: async (emu, home) => {
      await expireCachedToken(home);
      await admin(emu, "inject", { operation: "GetRoleCredentials", status: 500, error: "InternalServerException", count: 1 });
    },
    args: ["login", "--sso-session", SESSION],
    exit: 0,
  },
  {
    name: "login failing on an injected 500 while polling for the sign-in",
    before: (emu) => admin(emu, "inject", { operation: "CreateToken", status: 500, error: "InternalServerException", count: 1 }),
    args: ["login", "--profile", PROFILE, "--force"],
    exit: 254,
  },
  {
    name: "login failing at GetRoleCredentials (500s, then a 400) after a refresh",
    before: async (emu, home) => {
      await expireCachedToken(home);
      await admin(emu, "inject", { operation: "GetRoleCredentials", status: 500, error: "InternalServerException", count: 3 });
      await admin(emu, "inject", { operation: "GetRoleCredentials", status: 400, error: "InvalidRequestException", count: 1 });
    },
    args: ["login", "--profile", PROFILE],
    exit: 254,
  },
  {
    name: "configure populate, with a retried 500 and a refused listing",
    before: async (emu) => {
      await admin(emu, "inject", { operation: "ListAccounts", status: 500, error: "InternalServerException", count: 1 });
      await admin(emu, "inject", { operation: "ListAccountRoles", status: 403, error: "ForbiddenException", count: 1 });
    },
    args: ["configure", "populate", "--sso-session", SESSION, "--prune"],
    exit: 254,
  },
  { name: "configure populate", args: ["configure", "populate", "--sso-session", SESSION], exit: 0 },
  { name: "logout", args: ["logout", "--profile", PROFILE], exit: 0 },
];

describe("no secret leaks: --debug output never carries a token, secret or key", () => {
  let emu: Emulator;
  let home: string;
  let cleanup: () => Promise<void>;
  const outputs: { step: string; r: ProcessResult }[] = [];
  /** Secrets read from the files the commands wrote, in full, by kind. */
  const fromFiles = new Map<string, Set<string>>();

  beforeAll(async () => {
    emu = await startTestEmulator({ accounts: 1, rolesPerAccount: 1 });
    ({ home, cleanup } = await makeTempHome("sso-cli-canary-"));
    for (const step of steps) {
      await step.before?.(emu, home);
      const args = ["--debug", ...step.args.map((a) => (a === "START_URL" ? emu.startUrl : a))];
      const r = await runCli(args, { home, env: { ...emu.env, ...step.env }, timeoutMs: 60_000 });
      outputs.push({ step: step.name, r });
      expect(r.code, `${step.name}\n${r.stderr}`).toBe(step.exit);
      await collectFromFiles(home, fromFiles);
    }
  }, 85_000);

  afterAll(async () => {
    await emu?.close();
    await cleanup?.();
  });

  it("ran every command with --debug: AWS calls narrated, failures with their cause", () => {
    expect(outputs.map((o) => o.step)).toEqual(steps.map((s) => s.name));
    steps.forEach((step, i) => {
      const { stderr } = outputs[i]!.r;
      // configure narrates nothing yet; login and logout name each AWS call they make.
      if (step.args[0] !== "configure") expect(stderr, step.name).toMatch(/^\[debug\] /m);
      if (step.exit !== 0) expect(stderr, step.name).toMatch(/^ {2}caused by: \w+Exception/m);
    });
    expect(outputs.map((o) => o.r.stderr).join("")).toMatch(/\[debug\] sdk \w+: SSOClient\.GetRoleCredentialsCommand/);
  });

  it("found the secrets the commands wrote to files", () => {
    for (const kind of ["accessToken", "refreshToken", "clientSecret", "aws_secret_access_key", "aws_session_token", "aws_access_key_id"]) {
      expect(fromFiles.get(kind)?.size ?? 0, kind).toBeGreaterThan(0);
    }
    // The files hold what the emulator issued: the canary looks for the real thing.
    const issued = issuedSecrets(emu);
    for (const [kind, values] of fromFiles) {
      if (kind === "aws_access_key_id") continue;
      for (const v of values) expect(issued.all.has(v), `${kind} from the files was not issued by the emulator`).toBe(true);
    }
    expect(issued.byKind.deviceCode.size).toBeGreaterThan(0);
    expect(issued.byKind.signinToken.size).toBeGreaterThan(0);
  });

  it("prints no token, client secret, device code, secret key or session token, whole or in part", () => {
    const issued = issuedSecrets(emu);
    const secrets = new Map<string, string>();
    for (const [kind, values] of Object.entries(issued.byKind)) for (const v of values) secrets.set(v, kind);
    for (const [kind, values] of fromFiles) if (kind !== "aws_access_key_id") for (const v of values) secrets.set(v, kind);
    expect(secrets.size).toBeGreaterThan(10);
    for (const { step, r } of outputs) {
      for (const [stream, text] of [
        ["stdout", r.stdout],
        ["stderr", r.stderr],
      ] as const) {
        for (const [secret, kind] of secrets) {
          const piece = leakedPiece(text, secret);
          expect(piece, `${step}: ${stream} shows part of a ${kind}`).toBeUndefined();
        }
      }
    }
  });

  it("shows access key ids only as ASIA…XXXX", () => {
    const keyIds = new Set([...(fromFiles.get("aws_access_key_id") ?? []), ...emu.state.roleCredentials.keys()]);
    expect(keyIds.size).toBeGreaterThan(0);
    for (const { step, r } of outputs) {
      const text = r.stdout + r.stderr;
      for (const id of keyIds) expect(text.includes(id), `${step} shows a whole access key id`).toBe(false);
      expect(text, step).not.toMatch(/A[SK]IA[A-Z0-9]{12,}/);
      for (const m of text.matchAll(/A[SK]IA\S*/g)) expect(m[0], step).toMatch(/^A[SK]IA…[A-Z0-9]{4}\b/);
    }
  });

  it("the leak detector sees a secret cut short or wrapped in other text", () => {
    const secret = [...emu.state.accessTokens.keys()][0]!;
    expect(leakedPiece(`token=${secret}`, secret)).toBe(secret);
    expect(leakedPiece(`"${secret.slice(5, 31)}…"`, secret)).toBeDefined();
    expect(leakedPiece(`aoa…${secret.slice(-6)}`, secret)).toBeUndefined();
  });

  it("keeps stdout empty but for the commands that print data", () => {
    steps.forEach((step, i) => {
      if (!step.data) expect(outputs[i]!.r.stdout, step.name).toBe("");
    });
  });
});

/** Every secret the emulator handed out during the run, from its in-process state. */
type SecretKind = "accessToken" | "refreshToken" | "clientSecret" | "deviceCode" | "secretAccessKey" | "sessionToken" | "signinToken";

function issuedSecrets(emu: Emulator): { byKind: Record<SecretKind, Set<string>>; all: Set<string> } {
  const s = emu.state;
  const byKind: Record<SecretKind, Set<string>> = {
    accessToken: new Set(s.accessTokens.keys()),
    refreshToken: new Set(s.refreshTokens.keys()),
    clientSecret: new Set([...s.clients.values()].map((c) => c.clientSecret)),
    deviceCode: new Set(s.deviceAuthorizations.keys()),
    secretAccessKey: new Set([...s.roleCredentials.values()].map((c) => c.secretAccessKey)),
    sessionToken: new Set([...s.roleCredentials.values()].map((c) => c.sessionToken)),
    signinToken: new Set(s.signinTokens.keys()),
  };
  return { byKind, all: new Set(Object.values(byKind).flatMap((v) => [...v])) };
}

/**
 * A 16-character window of the secret found in the text, if any: windows every 8 characters catch
 * any leaked run of 24 or more. A session token's fixed opening (the same in every token) is skipped.
 */
function leakedPiece(text: string, secret: string): string | undefined {
  if (text.includes(secret)) return secret;
  const start = secret.startsWith("IQoJb3JpZ2luX2Vj") ? 16 : 0;
  for (let i = start; i + 16 <= secret.length; i += 8) {
    const piece = secret.slice(i, i + 16);
    if (text.includes(piece)) return piece;
  }
  return undefined;
}

async function collectFromFiles(home: string, into: Map<string, Set<string>>): Promise<void> {
  const add = (kind: string, v: string | undefined) => {
    if (v) (into.get(kind) ?? into.set(kind, new Set()).get(kind)!).add(v);
  };
  const cacheDir = join(home, ".aws", "sso", "cache");
  for (const name of await readdir(cacheDir).catch(() => [])) {
    const json = JSON.parse(await readFile(join(cacheDir, name), "utf8")) as Record<string, unknown>;
    for (const kind of ["accessToken", "refreshToken", "clientSecret"]) add(kind, typeof json[kind] === "string" ? json[kind] : undefined);
  }
  const file = join(home, ".aws", "credentials");
  const text = await readFile(file, "utf8").catch(() => undefined);
  if (text === undefined) return;
  const doc = IniEditor.parse(text, file, { sectionNames: "raw" });
  for (const section of doc.sectionNames()) {
    for (const kind of ["aws_access_key_id", "aws_secret_access_key", "aws_session_token"]) add(kind, doc.get(section, kind));
  }
}

/** Moves the cached token's expiry into the past, so the next login refreshes it. */
async function expireCachedToken(home: string): Promise<void> {
  const file = join(home, ".aws", "sso", "cache", tokenCacheFileName({ ssoSession: SESSION, startUrl: "" }));
  const entry = parseTokenCacheEntry(await readFile(file, "utf8"), file);
  await writeFile(file, formatTokenCacheEntry({ ...entry, expiresAt: formatTimestamp(new Date(Date.now() - 60_000)) }));
}

async function admin(emu: Emulator, name: string, body: unknown): Promise<void> {
  const res = await fetch(`${emu.url}/_admin/${name}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`/_admin/${name}: ${res.status} ${await res.text()}`);
}
