import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../../src/emulator/start-emulator.js";
import { startTestEmulator } from "../helpers/emulator.js";
import { runCli, runProcess, type ProcessResult } from "../helpers/run-process.js";
import { makeTempHome } from "../helpers/temp-home.js";

// One login over three Identity Center instances × ten profiles each, one refused role among
// them, and one logout that takes the credentials file back to the bytes it had before.

type Emulator = RunningEmulator & { env: Record<string, string> };

// Each instance uses its own role, so forbidding one account:role hits exactly one profile.
const SESSIONS = [
  { name: "alpha", startUrl: "https://d-1111111111.awsapps.com/start", role: "AdministratorAccess" },
  { name: "bravo", startUrl: "https://d-2222222222.awsapps.com/start", role: "ReadOnlyAccess" },
  { name: "charlie", startUrl: "https://d-3333333333.awsapps.com/start", role: "PowerUserAccess" },
] as const;
const ACCOUNTS = Array.from({ length: 10 }, (_, i) => String(100000000001 + i));
const profileName = (session: string, i: number) => `${session}-${String(i + 1).padStart(2, "0")}`;
const PROFILES = SESSIONS.flatMap((s) => ACCOUNTS.map((_, i) => profileName(s.name, i)));
const FORBIDDEN_PROFILE = "alpha-03";

const CONFIG = [
  ...SESSIONS.flatMap((s) => [
    `[sso-session ${s.name}]`,
    `sso_start_url = ${s.startUrl}`,
    "sso_region = us-east-1",
    "sso_registration_scopes = sso:account:access",
    "",
  ]),
  ...SESSIONS.flatMap((s) =>
    ACCOUNTS.flatMap((account, i) => [
      `[profile ${profileName(s.name, i)}]`,
      `sso_session = ${s.name}`,
      `sso_account_id = ${account}`,
      `sso_role_name = ${s.role}`,
      "region = us-east-1",
      "",
    ]),
  ),
].join("\n");

const HANDMADE_CREDENTIALS = [
  "# Keys I manage myself. Do not let any tool touch them.",
  "[handmade]",
  "aws_access_key_id = AKIAHANDMADEEXAMPLE1",
  "; rotated 2024-01-01",
  "aws_secret_access_key = handmadeSecretKeyExample0000000000000000",
  "",
].join("\n");

interface Stats {
  operations: Record<string, { calls: number; errors: number } | undefined>;
}

function expectExit(r: ProcessResult, code: number): void {
  expect(r.code, `exit ${r.code}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`).toBe(code);
}

/** Access key id per section, read by Python's configparser (what botocore uses). */
async function keyIds(home: string, file: string): Promise<Record<string, string | null>> {
  const script = [
    "import configparser, json, sys",
    "p = configparser.RawConfigParser()",
    "p.read(sys.argv[1])",
    "print(json.dumps({s: p.get(s, 'aws_access_key_id', fallback=None) for s in p.sections()}))",
  ].join("\n");
  const r = await runProcess("python3", ["-c", script, file], { home });
  expectExit(r, 0);
  return JSON.parse(r.stdout) as Record<string, string | null>;
}

describe("login --all and logout --all over 3 sso-sessions × 10 profiles", () => {
  let emu: Emulator;
  let home: string;
  let cleanup: () => Promise<void>;
  let env: Record<string, string>;
  let credentialsFile: string;
  let firstKeys: Record<string, string | null>;

  async function admin(path: string, body?: unknown): Promise<unknown> {
    const r = await fetch(
      `${emu.url}/_admin/${path}`,
      body === undefined ? {} : { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) },
    );
    expect(r.ok, `${path}: ${r.status}`).toBe(true);
    return r.json();
  }

  beforeAll(async () => {
    emu = await startTestEmulator({ accounts: 10, rolesPerAccount: 3, autoApproveMs: 0 });
    ({ home, cleanup } = await makeTempHome());
    env = { ...emu.env, BROWSER: "none" };
    await mkdir(join(home, ".aws"), { recursive: true });
    await writeFile(join(home, ".aws", "config"), CONFIG);
    credentialsFile = join(home, ".aws", "credentials");
    await writeFile(credentialsFile, HANDMADE_CREDENTIALS, { mode: 0o600 });
  });

  afterAll(async () => {
    await emu?.close();
    await cleanup?.();
  });

  it("one login --all signs in to each instance once and writes ASIA keys for all 30 profiles", async () => {
    await admin("reset", { state: "stats" });
    const r = await runCli(["login", "--all"], { home, env, timeoutMs: 60_000 });
    expectExit(r, 0);
    expect(r.stderr).toContain("Wrote keys for 30 of 30 profiles");

    firstKeys = await keyIds(home, credentialsFile);
    expect(Object.keys(firstKeys).sort()).toEqual(["handmade", ...PROFILES].sort());
    for (const p of PROFILES) expect(firstKeys[p], p).toMatch(/^ASIA[A-Z0-9]{16}$/);
    expect(new Set(PROFILES.map((p) => firstKeys[p])).size).toBe(30);
    expect(await readFile(credentialsFile, "utf8")).toMatch(new RegExp(`^${HANDMADE_CREDENTIALS.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`));

    const stats = (await admin("stats")) as Stats;
    expect(stats.operations.StartDeviceAuthorization?.calls).toBe(3);
    expect(stats.operations.GetRoleCredentials?.calls).toBe(30);
  });

  it("with one role refused, login --all --force exits 1, names that profile with No access, and writes the other 29", async () => {
    await admin("config", { forbid: ["100000000003:AdministratorAccess"] });
    const r = await runCli(["login", "--all", "--force"], { home, env, timeoutMs: 60_000 });
    expectExit(r, 1);
    const failedLine = r.stderr.split("\n").find((l) => l.includes(FORBIDDEN_PROFILE));
    expect(failedLine, r.stderr).toMatch(/FAILED/);
    expect(failedLine).toMatch(/No access/);
    expect(r.stderr).toContain("Wrote keys for 29 of 30 profiles");

    const keys = await keyIds(home, credentialsFile);
    for (const p of PROFILES.filter((x) => x !== FORBIDDEN_PROFILE)) {
      expect(keys[p], p).toMatch(/^ASIA[A-Z0-9]{16}$/);
      expect(keys[p], `${p} got new keys`).not.toBe(firstKeys[p]);
    }
    // The refused profile keeps the keys it had: a failure never damages what was there.
    expect(keys[FORBIDDEN_PROFILE]).toBe(firstKeys[FORBIDDEN_PROFILE]);
    await admin("config", { forbid: [] });
  });

  it("logout --all removes exactly what login wrote: the credentials file is back to its bytes before login", async () => {
    await admin("reset", { state: "stats" });
    const r = await runCli(["logout", "--all"], { home, env });
    expectExit(r, 0);
    expect(await readFile(credentialsFile, "utf8")).toBe(HANDMADE_CREDENTIALS);
    expect(((await admin("stats")) as Stats).operations.Logout?.calls).toBe(3);
  });
});
