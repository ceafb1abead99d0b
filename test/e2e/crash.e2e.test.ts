import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { watch, type FSWatcher } from "node:fs";
import { chmod, cp, lstat, mkdir, readdir, readFile, realpath, rename, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Readable, Writable } from "node:stream";
import { setTimeout as delay } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import type { Context } from "../../src/context.js";
import { resolveAwsPaths } from "../../src/files/aws-paths.js";
import { formatTimestamp, formatTokenCacheEntry, tokenCacheFileName } from "../../src/files/token-cache.js";
import { startTestEmulator } from "../helpers/emulator.js";
import { BIN, runCli } from "../helpers/run-process.js";
import { makeTempHome } from "../helpers/temp-home.js";

// `kill -9` of `sso-cli login` over 20 profiles: at random moments, and aimed at the write window
// (the ledger's pending step and its rename, the credentials temp file and its rename, the
// ledger's settling step), found by watching the folders (inotify) for sso-cli's own files to
// appear. After each kill: every file is the old or the new one (byte for byte; the ledger may
// also be in its pending step) and no temp file is readable by others; then, each from that same
// state, `logout` removes every key sso-cli wrote and the next `login` writes every profile, and
// neither leaves a temp file. Lanes run in their own HOMEs at once against one emulator. Every
// kill hits a real `bin/sso-cli` process; the logout and login after it run the CLI's main() in
// this process, which keeps 80 kills near 20 s on two cores (a CLI start-up costs ~0.3 s of CPU).

const PROFILES = 20;
const RANDOM_KILLS = 50;
const AIMED_KILLS = 30;
const LANES = 3;
const START_URL = "https://d-0000000000.awsapps.com/start";
const REGION = "us-east-1";
const ROLES = ["AdministratorAccess", "ReadOnlyAccess"];
const TEMP = /^\..+\.sso-cli-\d+-(?:[0-9a-f]{8}-)?[0-9a-f]{12}\.tmp$/;
/** A temp file of a write; `.lock.sso-cli-…tmp` folders are locks in the making (no secret, no stage of the write). */
const isWriteTemp = (name: string): boolean => TEMP.test(name) && !name.startsWith(".lock.");
// From the ledger's pending step to its settling step.
const STAGES = ["ledger-pending", "ledger-pending-renamed", "credentials-temp", "credentials-renamed", "ledger-settled"] as const;
type Stage = (typeof STAGES)[number];

const profileName = (i: number) => `p${String(i).padStart(3, "0")}`;
const CONFIG = [
  "[sso-session s]",
  `sso_start_url = ${START_URL}`,
  `sso_region = ${REGION}`,
  "sso_registration_scopes = sso:account:access",
  "",
  ...Array.from({ length: PROFILES }, (_, i) => [
    `[profile ${profileName(i)}]`,
    "sso_session = s",
    `sso_account_id = ${100000000001 + (i >> 1)}`,
    `sso_role_name = ${ROLES[i % 2]}`,
    "",
  ]).flat(),
].join("\n");
/** The credentials file before sso-cli ever ran: hand-written, 0644, comments and all. */
const BASE_CREDENTIALS =
  "# Keys I manage myself.\n[handmade]\naws_access_key_id = AKIAHANDMADEEXAMPLE1\n; rotated 2024-01-01\naws_secret_access_key = handmadeSecretKeyExample0000000000000000\n\n";

type Emulator = Awaited<ReturnType<typeof startTestEmulator>>;
type Keys = Map<string, { id: string; secret: string; token: string }>;

interface Figures {
  randomKills: number;
  aimedKills: number;
  finishedBeforeKill: number;
  states: Record<string, number>;
  tempFilesLeftByKill: number;
  tempFilesAfterNextRun: number;
  profilesRewritten: number;
  nextLogins: number;
  logouts: number;
  keysRemovedByLogout: number;
  keysLeftByLogout: number;
}

describe(`kill -9 of login over ${PROFILES} profiles`, () => {
  let emu: Emulator;
  const figures: Figures = {
    randomKills: 0,
    aimedKills: 0,
    finishedBeforeKill: 0,
    states: {},
    tempFilesLeftByKill: 0,
    tempFilesAfterNextRun: 0,
    profilesRewritten: 0,
    nextLogins: 0,
    logouts: 0,
    keysRemovedByLogout: 0,
    keysLeftByLogout: 0,
  };
  const homes: Array<() => Promise<void>> = [];

  beforeAll(async () => {
    // Keys valid 10 minutes are inside login's 15-minute margin, so every login renews them all.
    emu = await startTestEmulator({ accounts: PROFILES / 2, rolesPerAccount: 2, roleTtlS: 600 });
  });
  afterAll(async () => {
    await emu.close();
    for (const cleanup of homes) await cleanup();
  });

  it(`holds after ${RANDOM_KILLS} kills at random moments and ${AIMED_KILLS} inside the write window`, async () => {
    const queue: Array<{ kind: "random" } | { kind: "aimed"; stage: Stage }> = [
      ...Array.from({ length: RANDOM_KILLS }, () => ({ kind: "random" as const })),
      ...Array.from({ length: AIMED_KILLS }, (_, i) => ({ kind: "aimed" as const, stage: STAGES[i % STAGES.length]! })),
    ].sort(() => Math.random() - 0.5);
    await Promise.all(Array.from({ length: LANES }, () => runLane(emu, queue, figures, homes)));

    // The figures are the record this test exists for (kills, where they landed, what the next runs did).
    console.log(`crash figures: ${JSON.stringify(figures)}`);
    expect(figures.randomKills).toBe(RANDOM_KILLS);
    expect(figures.aimedKills).toBe(AIMED_KILLS);
    expect(figures.tempFilesAfterNextRun).toBe(0);
    expect(figures.nextLogins).toBe(RANDOM_KILLS + AIMED_KILLS);
    expect(figures.profilesRewritten).toBe((RANDOM_KILLS + AIMED_KILLS) * PROFILES);
    expect(figures.keysLeftByLogout).toBe(0);
    // The kills aimed at the write window landed in it, on both sides of the credentials rename.
    expect(figures.states["credentials old, ledger pending"]).toBeGreaterThan(0);
    expect(figures.states["credentials new, ledger pending"]).toBeGreaterThan(0);
  }, 240_000);
});

async function runLane(
  emu: Emulator,
  queue: Array<{ kind: "random" } | { kind: "aimed"; stage: Stage }>,
  figures: Figures,
  homes: Array<() => Promise<void>>,
): Promise<void> {
  const { home, cleanup } = await makeTempHome("sso-cli-crash-");
  homes.push(cleanup, () => rm(`${home}-snapshot`, { recursive: true, force: true }));
  const env = { ...emu.env };
  await mkdir(join(home, ".aws", "sso", "cache"), { recursive: true, mode: 0o700 });
  await writeFile(join(home, ".aws", "config"), CONFIG);
  await writeFile(join(home, ".aws", "credentials"), BASE_CREDENTIALS);
  await chmod(join(home, ".aws", "credentials"), 0o644);
  await writeFile(join(home, ".aws", "sso", "cache", tokenCacheFileName({ ssoSession: "s", startUrl: START_URL })), liveToken(emu), {
    mode: 0o600,
  });
  let started = performance.now();
  const first = await runCli(["login", "--sso-session", "s"], { home, env });
  expect(first.code, first.stderr).toBe(0);
  // How long a whole login takes here and now (the machine is shared): random kills fall within it.
  let fullLoginMs = performance.now() - started;

  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    const before = await readState(home);
    started = performance.now();
    const killed = await loginKilled(
      home,
      env,
      next.kind === "random" ? { afterMs: Math.random() * 0.9 * fullLoginMs } : { stage: next.stage },
    );
    if (!killed) {
      fullLoginMs = performance.now() - started;
      // It finished first: no kill to count. Try this kill again from the new state.
      figures.finishedBeforeKill++;
      queue.push(next);
      continue;
    }
    if (next.kind === "random") figures.randomKills++;
    else figures.aimedKills++;

    const after = await readState(home);
    const state = `${classifyCredentials(before, after, emu)}, ${classifyLedger(before, after)}`;
    expect([
      "credentials old, ledger old",
      "credentials old, ledger pending",
      "credentials new, ledger pending",
      "credentials new, ledger new",
    ]).toContain(state);
    figures.states[state] = (figures.states[state] ?? 0) + 1;
    for (const t of after.temps) {
      figures.tempFilesLeftByKill++;
      // Never readable by others, unless complete and about to be renamed (it then has the
      // target's own mode, as the file it replaces).
      if ((t.mode & 0o077) !== 0) expect(t.complete, `${t.name} mode ${t.mode.toString(8)}`).toBe(true);
    }

    // Both checks start from the state the kill left. The ledger knows the credentials file by
    // its path, so both run in this HOME: logout first, then that state is put back for login.
    const snapshot = `${home}-snapshot`;
    await cp(home, snapshot, { recursive: true });
    // Logout here only removes keys: signing the session out would end it for the login after.
    await rm(join(home, ".aws", "sso", "cache"), { recursive: true, force: true });
    const logout = await runInProcess(["logout"], home, emu);
    const out = await readState(home);
    await rm(home, { recursive: true, force: true });
    await rename(snapshot, home);
    const login = await runInProcess(["login", "--sso-session", "s"], home, emu);

    expect(login.code, login.stderr).toBe(0);
    expect(login.stderr).toContain(`Wrote keys for ${PROFILES} of ${PROFILES} profiles`);
    const renewed = await readState(home);
    expect(renewed.temps.map((t) => t.name)).toEqual([]);
    figures.tempFilesAfterNextRun += renewed.temps.length;
    const renewedKeys = parseKeys(renewed.credentials.toString("utf8"));
    const postKill = parseKeys(after.credentials.toString("utf8"));
    let rewritten = 0;
    for (const [profile, k] of renewedKeys)
      if (profile !== "handmade" && k.id !== postKill.get(profile)?.id && emu.state.roleCredentials.get(k.id)?.secretAccessKey === k.secret)
        rewritten++;
    figures.profilesRewritten += rewritten;
    figures.nextLogins++;
    expect(rewritten).toBe(PROFILES);
    expect(renewed.credentials.toString("utf8").startsWith(BASE_CREDENTIALS)).toBe(true);
    // A file that holds keys is made private (issue 16): 0644 before the first login.
    expect((await stat(join(home, ".aws", "credentials"))).mode & 0o777).toBe(0o600);
    const ledger = JSON.parse(renewed.ledger!.toString("utf8")) as {
      files: Record<string, Record<string, { accessKeyIdSha256: string }>>;
      pending?: unknown;
    };
    expect(ledger.pending).toBeUndefined();
    const entries = ledger.files[renewed.fileKey] ?? {};
    expect(Object.keys(entries)).toHaveLength(PROFILES);
    for (const [profile, e] of Object.entries(entries)) expect(e.accessKeyIdSha256).toBe(sha256(renewedKeys.get(profile)!.id));

    expect(logout.code, logout.stderr).toBe(0);
    figures.logouts++;
    const left = [...parseKeys(out.credentials.toString("utf8")).keys()].filter((p) => p !== "handmade");
    figures.keysLeftByLogout += left.length;
    figures.keysRemovedByLogout += [...postKill.keys()].filter((p) => p !== "handmade").length - left.length;
    figures.tempFilesAfterNextRun += out.temps.length;
    expect(out.credentials.toString("utf8")).toBe(BASE_CREDENTIALS);
    expect(out.temps.map((t) => t.name)).toEqual([]);
    expect(JSON.parse(out.ledger!.toString("utf8"))).toEqual({ version: 1, files: {} });
  }
}

/**
 * `sso-cli ARGS` run through main(), as bin/sso-cli runs it, in this process: the same code as the
 * binary without a second start-up per kill (three CLI processes per kill cost about 0.7 s of CPU).
 * The kill itself always hits a real process.
 */
async function runInProcess(args: string[], home: string, emu: Emulator): Promise<{ code: number; stderr: string }> {
  let stderr = "";
  const sink = (append: (s: string) => void) => new Writable({ write: (chunk: Buffer, _enc, done) => (append(chunk.toString()), done()) });
  const env = { HOME: home, NO_COLOR: "1", BROWSER: "none", ...emu.env };
  const ctx: Context = {
    now: () => new Date(),
    sleep: (ms, signal) => delay(ms, undefined, signal ? { signal } : undefined),
    env,
    paths: resolveAwsPaths(env, () => undefined, process.platform),
    stdin: Readable.from([]),
    stdout: sink(() => undefined),
    stderr: sink((t) => (stderr += t)),
    tty: { stdin: false, stderr: false, stdout: false },
    endpoints: emu.endpoints,
    browser: {
      available: false,
      open: async () => ({ opened: false, failure: "no browser in this test", followed: Promise.resolve(false), close: async () => {} }),
    },
    programPath: BIN,
    nodePath: process.execPath,
    platform: process.platform,
    runChild: () => Promise.reject(new Error("no child processes in this test")),
    signal: new AbortController().signal,
    debug: false,
  };
  const code = await main(args, ctx);
  return { code, stderr };
}

/** Runs login and kills it with SIGKILL after a delay or at a stage; false when it finished first. */
async function loginKilled(home: string, env: Record<string, string>, when: { afterMs: number } | { stage: Stage }): Promise<boolean> {
  const child = spawn(process.execPath, [BIN, "login", "--sso-session", "s"], {
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: home, NO_COLOR: "1", BROWSER: "none", LANG: "C.UTF-8", ...env },
    cwd: home,
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal })),
  );
  const kill = (): void => void child.kill("SIGKILL");
  const watchers: FSWatcher[] = [];
  let timer: NodeJS.Timeout | undefined;
  if ("afterMs" in when) timer = setTimeout(kill, when.afterMs);
  else watchers.push(...aimAt(home, when.stage, kill));
  const { code, signal } = await exited;
  if (timer) clearTimeout(timer);
  for (const w of watchers) w.close();
  if (signal === "SIGKILL") return true;
  expect(code, stderr).toBe(0);
  return false;
}

/** Kills at the first sign of a stage of the write: inotify events on ~/.aws and ~/.aws/sso-cli. */
function aimAt(home: string, stage: Stage, kill: () => void): FSWatcher[] {
  let credentialsTemp = false;
  const ledgerTemps = new Set<string>();
  const aws = watch(join(home, ".aws"), (_event, name) => {
    if (name !== null && isWriteTemp(name)) {
      credentialsTemp = true;
      if (stage === "credentials-temp") kill();
    }
    if (name === "credentials" && credentialsTemp && stage === "credentials-renamed") kill();
  });
  const ledger = watch(join(home, ".aws", "sso-cli"), (_event, name) => {
    if (name === "credentials-ledger.json" && ledgerTemps.size === 1 && stage === "ledger-pending-renamed") kill();
    if (name === null || !isWriteTemp(name)) return;
    ledgerTemps.add(name);
    if (stage === "ledger-pending" && ledgerTemps.size === 1) kill();
    if (stage === "ledger-settled" && ledgerTemps.size === 2) kill();
  });
  return [aws, ledger];
}

interface State {
  credentials: Buffer;
  ledger: Buffer | undefined;
  fileKey: string;
  temps: { name: string; mode: number; complete: boolean }[];
}

async function readState(home: string): Promise<State> {
  const aws = join(home, ".aws");
  const credentials = await readFile(join(aws, "credentials"));
  const ledger = await readFile(join(aws, "sso-cli", "credentials-ledger.json")).catch(() => undefined);
  const temps: State["temps"] = [];
  for (const dir of [aws, join(aws, "sso-cli"), join(aws, "sso", "cache")]) {
    for (const name of await readdir(dir).catch(() => [] as string[])) {
      if (!TEMP.test(name) && !/\.tmp$/.test(name)) continue;
      const info = await lstat(join(dir, name));
      // A lock folder in the making or being removed (files/file-lock.ts): its owner file, no secret.
      if (info.isDirectory()) continue;
      const text = await readFile(join(dir, name), "utf8");
      // Complete: a whole credentials file (the hand-written part and 200 profiles) or ledger.
      const complete = name.startsWith(".credentials.")
        ? text.startsWith(BASE_CREDENTIALS) && parseKeys(text).size === PROFILES + 1
        : isJson(text);
      temps.push({ name, mode: info.mode & 0o777, complete });
    }
  }
  return { credentials, ledger, fileKey: join(await realpath(aws), "credentials"), temps };
}

/** old: byte for byte; new: the old file with every profile's three values replaced by keys the emulator issued. */
function classifyCredentials(before: State, after: State, emu: Emulator): string {
  if (after.credentials.equals(before.credentials)) return "credentials old";
  const oldText = before.credentials.toString("utf8");
  const newText = after.credentials.toString("utf8");
  const oldKeys = parseKeys(oldText);
  const newKeys = parseKeys(newText);
  let expected = oldText;
  for (const [profile, o] of oldKeys) {
    if (profile === "handmade") continue;
    const n = newKeys.get(profile);
    expect(n, `${profile} lost its keys`).toBeDefined();
    expect(n!.id).not.toBe(o.id);
    const issued = emu.state.roleCredentials.get(n!.id);
    expect(issued?.secretAccessKey).toBe(n!.secret);
    expect(issued?.sessionToken).toBe(n!.token);
    expected = expected
      .replace(` = ${o.id}\n`, ` = ${n!.id}\n`)
      .replace(` = ${o.secret}\n`, ` = ${n!.secret}\n`)
      .replace(` = ${o.token}\n`, ` = ${n!.token}\n`);
  }
  expect(newText, "the new credentials file is the old one with new keys, nothing else").toBe(expected);
  return "credentials new";
}

/** old: byte for byte; pending: old entries plus all 200 new ones pending; new: all 200 settled to the file's keys. */
function classifyLedger(before: State, after: State): string {
  if (after.ledger !== undefined && before.ledger !== undefined && after.ledger.equals(before.ledger)) return "ledger old";
  type L = {
    files: Record<string, Record<string, { accessKeyIdSha256: string }>>;
    pending?: Record<string, { profiles: Record<string, { accessKeyIdSha256: string }> }>;
  };
  const old = JSON.parse(before.ledger!.toString("utf8")) as L;
  const now = JSON.parse(after.ledger!.toString("utf8")) as L;
  const keys = parseKeys(after.credentials.toString("utf8"));
  if (now.pending !== undefined) {
    expect(now.files).toEqual(old.files);
    const pending = now.pending[after.fileKey]?.profiles ?? {};
    expect(Object.keys(pending)).toHaveLength(PROFILES);
    const fileIsNew = !after.credentials.equals(before.credentials);
    for (const [profile, e] of Object.entries(pending)) {
      if (fileIsNew) expect(e.accessKeyIdSha256).toBe(sha256(keys.get(profile)!.id));
      else expect(e.accessKeyIdSha256).not.toBe(old.files[after.fileKey]?.[profile]?.accessKeyIdSha256);
    }
    return "ledger pending";
  }
  const entries = now.files[after.fileKey] ?? {};
  expect(Object.keys(entries)).toHaveLength(PROFILES);
  for (const [profile, e] of Object.entries(entries)) expect(e.accessKeyIdSha256).toBe(sha256(keys.get(profile)!.id));
  return "ledger new";
}

/** Section → its three keys, read line by line (the file's shape is known here). */
function parseKeys(text: string): Keys {
  const out: Keys = new Map();
  let section = "";
  for (const line of text.split("\n")) {
    const header = /^\[(.+)\]$/.exec(line);
    if (header) section = header[1]!;
    const kv = /^(aws_access_key_id|aws_secret_access_key|aws_session_token) = (.*)$/.exec(line);
    if (!kv) continue;
    const k = out.get(section) ?? { id: "", secret: "", token: "" };
    if (kv[1] === "aws_access_key_id") k.id = kv[2]!;
    else if (kv[1] === "aws_secret_access_key") k.secret = kv[2]!;
    else k.token = kv[2]!;
    out.set(section, k);
  }
  return out;
}

function liveToken(emu: Emulator): string {
  const client = emu.state.registerClient({ clientName: "crash", scopes: ["sso:account:access"], grantTypes: [], redirectUris: [] });
  const { accessToken } = emu.state.issueTokens(emu.state.startSession(client.clientId));
  return formatTokenCacheEntry({
    startUrl: START_URL,
    region: REGION,
    accessToken,
    expiresAt: formatTimestamp(new Date(Date.now() + 8 * 3600_000)),
  });
}

function sha256(s: string): string {
  return createHash("sha256").update(s, "utf8").digest("hex");
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
