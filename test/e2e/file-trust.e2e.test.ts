import { spawnSync } from "node:child_process";
import { chmod, chown, lstat, mkdir, mkdtemp, readdir, readFile, readlink, rm, stat, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatTimestamp, formatTokenCacheEntry, tokenCacheFileName } from "../../src/files/token-cache.js";
import { startTestEmulator } from "../helpers/emulator.js";
import { BIN, runProcess, type ProcessResult } from "../helpers/run-process.js";
import { makeTempHome, notCompiledCode } from "../helpers/temp-home.js";

// What another person on the same machine can do to the files sso-cli writes, shown with a real
// second user: uid 65534 (nobody), through `setpriv`, as CI runs it (test/tiers.ts). sso-cli runs
// as root unless a row says otherwise, so "another user" is anyone but root: the rules are the
// same for an ordinary user, whose own files are then trusted as root's are here.
// Issue 16 item 4 (trust), issue 20 items 3 and 4 (read-only files, a single-file bind mount).

type Emulator = Awaited<ReturnType<typeof startTestEmulator>>;

const OTHER = 65_534;
/** What a device sign-in prints before it waits (not a terminal: plain lines). */
const SIGN_IN_PROMPT = /^(Sign in to |  open |  code |Open the link above on any device|Waiting for approval of |Signed in to )/;
const ACCOUNT = "100000000001";
const ROLE = "AdministratorAccess";
const REGION = "us-east-1";

let emu: Emulator;
let startUrl: string;
const homes: Array<() => Promise<void>> = [];

beforeAll(async () => {
  expect(process.getuid?.(), "these tests play a second local user: run them as root (CI does)").toBe(0);
  expect(spawnSync("setpriv", ["--version"]).status, "setpriv (util-linux) is needed to act as uid 65534").toBe(0);
  emu = await startTestEmulator({ autoApproveMs: 0 });
  startUrl = emu.startUrl;
});

afterAll(async () => {
  await emu?.close();
  for (const cleanup of homes) await cleanup();
});

function config(): string {
  return `[profile a]\nsso_session = s\nsso_account_id = ${ACCOUNT}\nsso_role_name = ${ROLE}\nregion = ${REGION}\n\n[sso-session s]\nsso_start_url = ${startUrl}\nsso_region = ${REGION}\nsso_registration_scopes = sso:account:access\n`;
}

/** A token the emulator knows, as `login` would have cached it. */
function liveToken(): string {
  const client = emu.state.registerClient({ clientName: "seed", scopes: ["sso:account:access"], grantTypes: [], redirectUris: [] });
  const { accessToken } = emu.state.issueTokens(emu.state.startSession(client.clientId));
  return formatTokenCacheEntry({ startUrl, region: REGION, accessToken, expiresAt: formatTimestamp(new Date(Date.now() + 8 * 3600_000)) });
}

/** A HOME others may pass through (so the attacker can reach ~/.aws), with a config and a live sign-in. */
async function signedInHome(): Promise<{ home: string; aws: string; credentials: string }> {
  const { home, cleanup } = await makeTempHome("sso-cli-trust-");
  homes.push(cleanup);
  await chmod(home, 0o755);
  const aws = join(home, ".aws");
  await mkdir(join(aws, "sso", "cache"), { recursive: true, mode: 0o700 });
  await chmod(aws, 0o755);
  await writeFile(join(aws, "config"), config());
  await writeFile(join(aws, "sso", "cache", tokenCacheFileName({ ssoSession: "s", startUrl })), liveToken(), { mode: 0o600 });
  return { home, aws, credentials: join(aws, "credentials") };
}

/** Runs a shell command as uid 65534: the other person on this machine. */
function asOtherUser(script: string, env: Record<string, string> = {}): void {
  const r = spawnSync("setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", "sh", "-euc", script], {
    encoding: "utf8",
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...env },
  });
  expect(r.status, `as uid 65534: ${script}\n${r.stderr}`).toBe(0);
}

function login(home: string, extra: string[] = []): Promise<ProcessResult> {
  return runProcess(process.execPath, [BIN, "login", "--profile", "a", ...extra], { home, env: emu.env });
}

/**
 * Exactly one `sso-cli: ` line, then at most two indented hint lines. Before it, only what the
 * command says while it works (`before`: a device sign-in's prompt, populate's progress).
 */
function expectOneErrorLine(r: ProcessResult, line: string, before?: RegExp): void {
  expect(r.code, r.stderr).toBe(253);
  const lines = r.stderr.replace(/\n$/, "").split("\n");
  const at = lines.findIndex((l) => l.startsWith("sso-cli: "));
  expect(lines[at], r.stderr).toBe(`sso-cli: ${line}`);
  for (const l of lines.slice(0, at)) expect(l, r.stderr).toMatch(before ?? /^$/);
  expect(lines.length - at, r.stderr).toBeLessThanOrEqual(3);
  for (const hint of lines.slice(at + 1)) expect(hint).toMatch(/^ {2}\S/);
  expect(r.stdout).toBe("");
}

/** Every name under `dir` with what it is: to show that nothing was written. */
async function listing(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string): Promise<void> => {
    for (const name of (await readdir(d)).sort()) {
      const full = join(d, name);
      if (!notCompiledCode(full.slice(dir.length + 1))) continue;
      const info = await lstat(full);
      out.push(
        `${full.slice(dir.length)} ${info.isSymbolicLink() ? `-> ${await readlink(full)}` : `${(info.mode & 0o7777).toString(8)} ${info.size}`}`,
      );
      if (info.isDirectory()) await walk(full);
    }
  };
  await walk(dir);
  return out;
}

describe("another user cannot take the keys (issue 16)", () => {
  it("a ~/.aws others can write: the swap for a link to the attacker's file is refused, nothing is written, the fix works", async () => {
    const { home, aws, credentials } = await signedInHome();
    await writeFile(credentials, "[mine]\nregion = eu-west-1\n", { mode: 0o600 });
    await chmod(aws, 0o777);
    // The attacker's own folder and the file they hope to receive the keys in.
    const lair = await mkdtemp(join(tmpdir(), "sso-cli-attacker-"));
    homes.push(() => rm(lair, { recursive: true, force: true }));
    await chown(lair, OTHER, OTHER);
    await chmod(lair, 0o755);
    asOtherUser(`touch "$L/loot" && chmod 666 "$L/loot" && mv "$C" "$L/stolen-config" && ln -s "$L/loot" "$C"`, {
      L: lair,
      C: credentials,
    });
    expect((await lstat(credentials)).isSymbolicLink()).toBe(true);
    const before = await listing(home);

    const refused = await login(home);
    expectOneErrorLine(refused, `${credentials}: not written: other users can write to ${aws} (fix: chmod go-w ${aws})`);
    expect(await readFile(join(lair, "loot"), "utf8")).toBe("");
    expect(await listing(home)).toEqual(before);

    // The fix the line names: the folder is safe now, but the link still leads to their file.
    await chmod(aws, 0o755);
    const still = await login(home);
    expectOneErrorLine(still, `${credentials}: not written: the symbolic link ${credentials} belongs to another user (uid ${OTHER})`);
    expect(await readFile(join(lair, "loot"), "utf8")).toBe("");
    expect(await readdir(lair)).toEqual(["loot", "stolen-config"]);

    // Their link removed, login writes the user's own file, 0600.
    await rm(credentials);
    const ok = await login(home);
    expect(ok.code, ok.stderr).toBe(0);
    expect(await readFile(credentials, "utf8")).toMatch(/^\[a\]\naws_access_key_id = ASIA/);
    expect((await stat(credentials)).mode & 0o777).toBe(0o600);
    expect(await readFile(join(lair, "loot"), "utf8")).toBe("");
  });

  it("a ~/.aws the other user can write through its group is refused too", async () => {
    const { home, aws, credentials } = await signedInHome();
    await chown(aws, 0, OTHER);
    await chmod(aws, 0o775);
    const before = await listing(home);
    const r = await login(home);
    expectOneErrorLine(r, `${credentials}: not written: other users can write to ${aws} (fix: chmod go-w ${aws})`);
    expect(await listing(home)).toEqual(before);
  });

  it("a symlink to the user's own dotfiles file keeps working; a 0644 file becomes 0600 with one line on stderr", async () => {
    const { home, credentials } = await signedInHome();
    await mkdir(join(home, "dotfiles"), { mode: 0o755 });
    const target = join(home, "dotfiles", "aws-credentials");
    await writeFile(target, "[mine]\nregion = eu-west-1\n");
    await chmod(target, 0o644);
    await symlink(target, credentials);
    const r = await login(home);
    expect(r.code, r.stderr).toBe(0);
    expect(await readlink(credentials)).toBe(target);
    expect(await readFile(target, "utf8")).toMatch(/^\[mine\]\nregion = eu-west-1\n\n\[a\]\naws_access_key_id = ASIA/);
    expect((await stat(target)).mode & 0o777).toBe(0o600);
    const notices = r.stderr.split("\n").filter((l) => l.startsWith("Made "));
    expect(notices).toEqual([`Made ${credentials} private (mode 0600, was 0644): it holds secrets, which other users could read.`]);
    // Once: the next write finds it private already.
    const again = await login(home, ["--force"]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).not.toMatch(/^Made /m);
  });

  it("the token cache and the role cache are refused in a folder others can write", async () => {
    const { home, aws } = await signedInHome();
    // A fresh sign-in writes the client registration and the token: refused before either.
    await rm(join(aws, "sso"), { recursive: true });
    await mkdir(join(aws, "sso", "cache"), { recursive: true });
    await chmod(join(aws, "sso"), 0o777);
    const signIn = await login(home);
    expect(signIn.code, signIn.stderr).toBe(253);
    // Refused before anyone is asked to sign in: the first line is the refusal.
    expect(signIn.stderr.split("\n")[0]).toMatch(
      new RegExp(
        `^sso-cli: ${join(aws, "sso", "cache")}/[0-9a-f]{40}\\.json: not written: other users can write to ${join(aws, "sso")} \\(fix: chmod go-w ${join(aws, "sso")}\\)$`,
      ),
    );
    expect(await readdir(join(aws, "sso", "cache"))).toEqual([]);

    // credential-process caches role keys in ~/.aws/cli/cache, as the AWS CLI does.
    const other = await signedInHome();
    await mkdir(join(other.aws, "cli", "cache"), { recursive: true });
    await chmod(join(other.aws, "cli"), 0o777);
    const r = await runProcess(process.execPath, [BIN, "credential-process", "--profile", "a"], { home: other.home, env: emu.env });
    expect(r.code, r.stderr).toBe(253);
    expect(r.stderr).toMatch(
      new RegExp(
        `^sso-cli: ${join(other.aws, "cli", "cache")}/[0-9a-f]{40}\\.json: not written: other users can write to ${join(other.aws, "cli")} `,
        "m",
      ),
    );
    expect(r.stdout).toBe("");
    expect(await readdir(join(other.aws, "cli", "cache"))).toEqual([]);
  });
});

describe("read-only files, for an ordinary user (issue 20)", () => {
  // The whole sso-cli runs as uid 65534, in a HOME of its own.
  async function homeOfOtherUser(): Promise<{ home: string; aws: string; run(args: string[]): Promise<ProcessResult> }> {
    const { home, aws } = await signedInHome();
    const own = async (p: string): Promise<void> => {
      await chown(p, OTHER, OTHER);
      if ((await lstat(p)).isDirectory()) for (const name of await readdir(p)) await own(join(p, name));
    };
    await own(home);
    const run = (args: string[]) =>
      runProcess("setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", process.execPath, BIN, ...args], { home, env: emu.env });
    return { home, aws, run };
  }
  const readOnly = (file: string) => `${file}: is read-only for you, so sso-cli left it as it is`;

  it("login and logout refuse a 0444 credentials file and leave it as it was", async () => {
    const { aws, run } = await homeOfOtherUser();
    const credentials = join(aws, "credentials");
    const first = await run(["login", "--profile", "a"]);
    expect(first.code, first.stderr).toBe(0);
    await chmod(credentials, 0o444);
    const bytes = await readFile(credentials);
    const ledger = await readFile(join(aws, "sso-cli", "credentials-ledger.json"));

    // --force: keys still valid would need no write at all.
    expectOneErrorLine(await run(["login", "--profile", "a", "--force"]), readOnly(credentials), SIGN_IN_PROMPT);
    expectOneErrorLine(await run(["logout", "--profile", "a"]), readOnly(credentials));
    expect(await readFile(credentials)).toEqual(bytes);
    expect((await stat(credentials)).mode & 0o777).toBe(0o444);
    expect(await readFile(join(aws, "sso-cli", "credentials-ledger.json"))).toEqual(ledger);
    // Refused before it signed out: the sign-in is still there.
    expect(await readdir(join(aws, "sso", "cache"))).toContain(tokenCacheFileName({ ssoSession: "s", startUrl }));
    expect((await readdir(aws)).sort()).toEqual(["config", "credentials", "sso", "sso-cli"]);
  });

  it("configure and configure populate refuse a 0444 config and leave it as it was", async () => {
    const { aws, run } = await homeOfOtherUser();
    const configFile = join(aws, "config");
    await chmod(configFile, 0o444);
    const bytes = await readFile(configFile);
    expectOneErrorLine(
      await run(["configure", "profile", "b", "--sso-session", "s", "--account-id", ACCOUNT, "--role-name", ROLE]),
      readOnly(configFile),
    );
    expectOneErrorLine(
      await run(["configure", "populate", "--sso-session", "s"]),
      readOnly(configFile),
      /^(Listing the accounts and roles of sso-session s…|Listed \d+ accounts and \d+ roles\.)$/,
    );
    expect(await readFile(configFile)).toEqual(bytes);
    expect((await stat(configFile)).mode & 0o777).toBe(0o444);
    expect((await readdir(aws)).sort()).toEqual(["config", "sso"]);
  });

  it("root writes a 0444 file, as the AWS CLI does", async () => {
    const { home, credentials } = await signedInHome();
    await writeFile(credentials, "[mine]\nregion = eu-west-1\n");
    await chmod(credentials, 0o444);
    const r = await login(home);
    expect(r.code, r.stderr).toBe(0);
    expect(await readFile(credentials, "utf8")).toMatch(/\[a\]\naws_access_key_id = ASIA/);
    expect((await stat(credentials)).mode & 0o777).toBe(0o400);
  });
});

describe("a credentials file mounted on its own (issue 20)", () => {
  it("is written in place, with one line saying why it was not atomic (real: unshare --mount + mount --bind)", async () => {
    const { home, credentials } = await signedInHome();
    // `docker run -v ~/.aws/credentials:/root/.aws/credentials`: the host's file, mounted over this one.
    const hostFile = join(home, "host-credentials");
    await writeFile(hostFile, "[mine]\nregion = eu-west-1\n", { mode: 0o600 });
    await writeFile(credentials, "", { mode: 0o600 });
    const r = await runProcess(
      "unshare",
      [
        "--mount",
        "sh",
        "-euc",
        'mount --bind "$0" "$1"; shift 2; exec "$@"',
        hostFile,
        credentials,
        process.execPath,
        BIN,
        "login",
        "--profile",
        "a",
      ],
      { home, env: emu.env },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(
      `Wrote ${credentials} in place, not atomically: it is mounted on its own (a single-file bind mount?), and the system cannot replace a mounted file by rename (EBUSY).\n`,
    );
    expect(r.stderr).not.toMatch(/unexpected error/);
    expect(await readFile(hostFile, "utf8")).toMatch(/^\[mine\]\nregion = eu-west-1\n\n\[a\]\naws_access_key_id = ASIA/);
    // Outside the mount namespace, the file under the mount point was never touched.
    expect(await readFile(credentials, "utf8")).toBe("");
    expect((await readdir(join(home, ".aws"))).sort()).toEqual(["config", "credentials", "sso", "sso-cli"]);
  });
});
