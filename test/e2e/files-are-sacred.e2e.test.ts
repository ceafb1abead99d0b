import { chmod, lstat, mkdir, readFile, readlink, stat, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../../src/emulator/start-emulator.js";
import { startTestEmulator } from "../helpers/emulator.js";
import { runCli, runProcess, type ProcessResult } from "../helpers/run-process.js";
import { makeTempHome } from "../helpers/temp-home.js";

// The user's credentials file is sacred: sso-cli adds its own sections and keys, and logout takes
// exactly those away again, whatever comments, spacing, line endings and names the file has.

type Emulator = RunningEmulator & { env: Record<string, string> };

let emu: Emulator;
let env: Record<string, string>;

beforeAll(async () => {
  emu = await startTestEmulator({ accounts: 3, rolesPerAccount: 2, autoApproveMs: 0 });
  env = { ...emu.env, BROWSER: "none" };
});

afterAll(async () => {
  await emu?.close();
});

function expectExit(r: ProcessResult, code: number): void {
  expect(r.code, `exit ${r.code}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`).toBe(code);
}

interface Stats {
  operations: Record<string, { calls: number } | undefined>;
}

async function admin(path: string, body?: unknown): Promise<unknown> {
  const r = await fetch(
    `${emu.url}/_admin/${path}`,
    body === undefined ? {} : { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) },
  );
  expect(r.ok, `${path}: ${r.status}`).toBe(true);
  return r.json();
}

function configFor(profiles: { name: string; account: string; role: string }[]): string {
  return [
    "[sso-session corp]",
    `sso_start_url = ${emu.startUrl}`,
    "sso_region = us-east-1",
    "sso_registration_scopes = sso:account:access",
    "",
    ...profiles.flatMap((p) => [
      `[profile ${p.name}]`,
      "sso_session = corp",
      `sso_account_id = ${p.account}`,
      `sso_role_name = ${p.role}`,
      "",
    ]),
  ].join("\n");
}

/** Every section's keys as Python's configparser (what botocore uses) reads the file. */
async function parseWithConfigparser(home: string, file: string): Promise<Record<string, Record<string, string>>> {
  const script = [
    "import configparser, json, sys",
    "p = configparser.RawConfigParser()",
    "assert p.read(sys.argv[1]) == [sys.argv[1]]",
    "print(json.dumps({s: dict(p.items(s)) for s in p.sections()}))",
  ].join("\n");
  const r = await runProcess("python3", ["-c", script, file], { home });
  expectExit(r, 0);
  return JSON.parse(r.stdout) as Record<string, Record<string, string>>;
}

/**
 * Every line of `before` is still in `after`, byte for byte and in order; every other line of
 * `after` is one sso-cli may add: a header of a section it owns, one of its three keys, or a blank.
 */
function expectOnlyOurLinesAdded(before: string, after: string, owned: string[]): void {
  const ours = new RegExp(
    String.raw`^(?:\[(?:${owned.map((o) => o.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|")})\]|aws_access_key_id = ASIA[A-Z0-9]{16}|aws_(?:secret_access_key|session_token) = \S+|)\r?$`,
  );
  const old = before.split("\n");
  let j = 0;
  for (const line of after.split("\n")) {
    if (j < old.length && line === old[j]) j++;
    else expect(line, `a line sso-cli did not write appeared:\n${after}`).toMatch(ours);
  }
  expect(j, `lost a line of the original file:\n${old[j]}\n--- after login:\n${after}`).toBe(old.length);
}

const HAND_WRITTEN_LF = [
  "# Hand-written credentials: sso-cli must keep every byte of this.",
  "; semicolon comments count too",
  "",
  "[default]",
  "aws_access_key_id=AKIADEFAULTEXAMPLE01",
  "aws_secret_access_key   =   defaultSecret/with+slash0000000000000000",
  "",
  "[team.dev]",
  "# a dotted name is one profile, not a path",
  "aws_access_key_id = AKIATEAMDEVEXAMPLE01",
  "aws_secret_access_key = teamDevSecret00000000000000000000000000",
  "",
  "[app]",
  "region = us-west-2",
  "",
  "[handmade]",
  "aws_access_key_id = AKIAHANDMADEEXAMPLE1",
  "aws_secret_access_key = handmadeSecret00000000000000000000000000",
  "region=eu-west-1",
  "",
].join("\n");

// sso-cli writes keys for these: a new dotted section, and [app], which exists with a region only.
const SSO_PROFILES = [
  { name: "team.dev.admin", account: "100000000001", role: "AdministratorAccess" },
  { name: "app", account: "100000000002", role: "ReadOnlyAccess" },
  { name: "ops", account: "100000000003", role: "AdministratorAccess" },
];

describe("login and logout keep every byte they do not own", () => {
  const variants: [string, string][] = [
    ["LF with a final newline", HAND_WRITTEN_LF],
    ["CRLF line endings", HAND_WRITTEN_LF.replace(/\n/g, "\r\n")],
    ["no final newline", HAND_WRITTEN_LF.replace(/\n+$/, "")],
    // The file ends, without a newline, inside [app], the section sso-cli adds its keys to.
    [
      "no final newline after a section sso-cli adds keys to",
      `${HAND_WRITTEN_LF.replace("[app]\nregion = us-west-2\n\n", "")}[app]\nregion = us-west-2`,
    ],
  ];

  it.each(variants)("%s: login adds only its keys, logout restores the file byte for byte", async (_name, original) => {
    const { home, cleanup } = await makeTempHome();
    try {
      await mkdir(join(home, ".aws"), { recursive: true });
      await writeFile(join(home, ".aws", "config"), configFor(SSO_PROFILES));
      const file = join(home, ".aws", "credentials");
      await writeFile(file, original, { mode: 0o600 });

      const login = await runCli(["login", "--sso-session", "corp"], { home, env });
      expectExit(login, 0);
      const afterLogin = await readFile(file, "utf8");
      expectOnlyOurLinesAdded(
        original,
        afterLogin,
        SSO_PROFILES.map((p) => p.name),
      );
      const parsed = await parseWithConfigparser(home, file);
      for (const p of SSO_PROFILES) expect(parsed[p.name]?.aws_access_key_id, p.name).toMatch(/^ASIA/);
      expect(parsed.app?.region).toBe("us-west-2");
      expect(parsed["team.dev"]).toEqual({
        aws_access_key_id: "AKIATEAMDEVEXAMPLE01",
        aws_secret_access_key: "teamDevSecret00000000000000000000000000",
      });
      expect(parsed.default?.aws_secret_access_key).toBe("defaultSecret/with+slash0000000000000000");
      if (original.includes("\r\n")) expect(afterLogin.replace(/\r\n/g, ""), "every line ends in CRLF").not.toContain("\n");

      const logout = await runCli(["logout", "--sso-session", "corp"], { home, env });
      expectExit(logout, 0);
      expect(await readFile(file, "utf8")).toBe(original);
      expect((await stat(file)).mode & 0o777).toBe(0o600);
    } finally {
      await cleanup();
    }
  });

  it("a configured profile whose name holds hand-written keys is reported as left alone and not overwritten", async () => {
    const { home, cleanup } = await makeTempHome();
    try {
      await mkdir(join(home, ".aws"), { recursive: true });
      const profiles = [...SSO_PROFILES, { name: "handmade", account: "100000000001", role: "ReadOnlyAccess" }];
      await writeFile(join(home, ".aws", "config"), configFor(profiles));
      const file = join(home, ".aws", "credentials");
      await writeFile(file, HAND_WRITTEN_LF, { mode: 0o600 });

      const all = await runCli(["login", "--sso-session", "corp"], { home, env });
      expectExit(all, 1);
      const line = all.stderr.split("\n").find((l) => /^\s+handmade\s/.test(l));
      expect(line, all.stderr).toMatch(/FAILED: .*did not write; left alone/);
      expect(all.stderr).toContain("Wrote keys for 3 of 4 profiles");
      const parsed = await parseWithConfigparser(home, file);
      expect(parsed.handmade).toEqual({
        aws_access_key_id: "AKIAHANDMADEEXAMPLE1",
        aws_secret_access_key: "handmadeSecret00000000000000000000000000",
        region: "eu-west-1",
      });

      // Asked for by name, and even with --force, the hand-written keys stay.
      const one = await runCli(["login", "--profile", "handmade", "--force"], { home, env });
      expect(one.code, one.stderr).not.toBe(0);
      expect(one.stderr).toMatch(/handmade .*did not write; left alone/);
      expect((await parseWithConfigparser(home, file)).handmade?.aws_access_key_id).toBe("AKIAHANDMADEEXAMPLE1");

      const logout = await runCli(["logout", "--sso-session", "corp"], { home, env });
      expectExit(logout, 0);
      expect(await readFile(file, "utf8")).toBe(HAND_WRITTEN_LF);
    } finally {
      await cleanup();
    }
  });

  it("writes through a symlinked credentials file: the link stays a link and the target is made private", async () => {
    const { home, cleanup } = await makeTempHome();
    try {
      await mkdir(join(home, ".aws"), { recursive: true });
      await mkdir(join(home, "dotfiles"));
      await writeFile(join(home, ".aws", "config"), configFor(SSO_PROFILES));
      const target = join(home, "dotfiles", "credentials");
      const link = join(home, ".aws", "credentials");
      await writeFile(target, HAND_WRITTEN_LF);
      await chmod(target, 0o640);
      await symlink("../dotfiles/credentials", link);

      const login = await runCli(["login", "--sso-session", "corp"], { home, env });
      expectExit(login, 0);
      expect((await lstat(link)).isSymbolicLink()).toBe(true);
      expect(await readlink(link)).toBe("../dotfiles/credentials");
      // It holds keys now: group and others lose access to it (issue 16), and login says so.
      expect((await stat(target)).mode & 0o777).toBe(0o600);
      expect(login.stderr).toContain(`Made ${link} private (mode 0600, was 0640)`);
      const parsed = await parseWithConfigparser(home, target);
      for (const p of SSO_PROFILES) expect(parsed[p.name]?.aws_access_key_id, p.name).toMatch(/^ASIA/);

      const logout = await runCli(["logout", "--sso-session", "corp"], { home, env });
      expectExit(logout, 0);
      expect((await lstat(link)).isSymbolicLink()).toBe(true);
      expect(await readFile(target, "utf8")).toBe(HAND_WRITTEN_LF);
    } finally {
      await cleanup();
    }
  });
});

describe("16 logins at once into one credentials file", () => {
  it("every profile gets its keys, the file still parses and nothing hand-written is lost", async () => {
    const { home, cleanup } = await makeTempHome();
    try {
      await mkdir(join(home, ".aws"), { recursive: true });
      const file = join(home, ".aws", "credentials");
      await writeFile(file, HAND_WRITTEN_LF, { mode: 0o600 });
      // Sign in once while no profile uses the session, so the 16 logins all find the cached token.
      await writeFile(join(home, ".aws", "config"), configFor([]));
      expectExit(await runCli(["login", "--sso-session", "corp"], { home, env }), 0);
      expect(await readFile(file, "utf8")).toBe(HAND_WRITTEN_LF);

      const profiles = Array.from({ length: 16 }, (_, i) => ({
        name: `p${i + 1}`,
        account: `10000000000${(i % 3) + 1}`,
        role: i % 2 === 0 ? "AdministratorAccess" : "ReadOnlyAccess",
      }));
      await writeFile(join(home, ".aws", "config"), configFor(profiles));
      await admin("reset", { state: "stats" });
      const results = await Promise.all(profiles.map((p) => runCli(["login", "--profile", p.name], { home, env, timeoutMs: 60_000 })));
      results.forEach((r) => expectExit(r, 0));
      const stats = (await admin("stats")) as Stats;
      expect(stats.operations.StartDeviceAuthorization).toBeUndefined();
      expect(stats.operations.GetRoleCredentials?.calls).toBe(16);

      const after = await readFile(file, "utf8");
      expectOnlyOurLinesAdded(
        HAND_WRITTEN_LF,
        after,
        profiles.map((p) => p.name),
      );
      const parsed = await parseWithConfigparser(home, file);
      const keyIds = profiles.map((p) => parsed[p.name]?.aws_access_key_id);
      for (const [i, k] of keyIds.entries()) expect(k, profiles[i]!.name).toMatch(/^ASIA[A-Z0-9]{16}$/);
      expect(new Set(keyIds).size).toBe(16);
      for (const p of profiles)
        expect(Object.keys(parsed[p.name] ?? {}).sort(), p.name).toEqual([
          "aws_access_key_id",
          "aws_secret_access_key",
          "aws_session_token",
        ]);

      // The ledger kept up with every writer: logout finds all 16 and restores the file.
      const logout = await runCli(["logout", "--sso-session", "corp"], { home, env });
      expectExit(logout, 0);
      expect(logout.stderr).toContain("Removed keys from 16 profiles");
      expect(await readFile(file, "utf8")).toBe(HAND_WRITTEN_LF);
    } finally {
      await cleanup();
    }
  });
});
