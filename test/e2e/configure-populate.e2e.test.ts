import { mkdir, readdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../../src/emulator/start-emulator.js";
import { startTestEmulator } from "../helpers/emulator.js";
import { runCli, startCli, type ProcessResult } from "../helpers/run-process.js";
import { makeTempHome } from "../helpers/temp-home.js";

// `sso-cli configure populate` as a process: an organization of 300 accounts × 3 roles whose
// names need normalising, one account whose roles the service refuses once, a profile of the
// user's own holding a wanted name; then the same run again, a dry run, accounts taken away and
// --prune, and Ctrl-C in the middle of a listing.

type Emulator = RunningEmulator & { env: Record<string, string> };

const ACCOUNTS = 300;
// Names with spaces, brackets, `#`, `;` and accents: none may reach a header as they are.
const NAMES = Array.from({ length: ACCOUNTS }, (_, i) => ["Prod East #1", "dev [x]", "ops;team", "Zürich Ünïts"][i] ?? `team ${i + 1}`);
const ROLES = ["AdministratorAccess", "ReadOnlyAccess", "PowerUserAccess"];
const FORBIDDEN = "100000000004:ReadOnlyAccess";

const USER_CONFIG = [
  "# My own profiles. sso-cli must keep every byte of them.",
  "[default]",
  "region = eu-west-1",
  "",
  "; this name is one populate wants too",
  "[profile dev-x.AdministratorAccess]",
  "region = eu-west-1",
  "output = text",
  "",
].join("\n");

function expectExit(r: ProcessResult, code: number): void {
  expect(r.code, `exit ${r.code}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`).toBe(code);
  // Nothing but our own lines: no Node warning (a leak warning once came from 16 calls listening for Ctrl-C).
  expect(r.stderr).not.toMatch(/\(node:\d+\)|Warning/);
}

const populated = (text: string): string[] => [...text.matchAll(/^\[profile (.+)\]\n# sso-cli configure populate\n/gm)].map((m) => m[1]!);

describe("configure populate over 300 accounts × 3 roles", () => {
  let emu: Emulator;
  let home: string;
  let cleanup: () => Promise<void>;
  let env: Record<string, string>;
  let configFile: string;
  let settled: string;

  async function admin(path: string, body?: unknown): Promise<unknown> {
    const r = await fetch(
      `${emu.url}/_admin/${path}`,
      body === undefined ? {} : { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) },
    );
    expect(r.ok, `${path}: ${r.status}`).toBe(true);
    return r.json();
  }

  beforeAll(async () => {
    emu = await startTestEmulator({ accounts: ACCOUNTS, rolesPerAccount: 3, accountNames: NAMES, forbid: [FORBIDDEN], autoApproveMs: 0 });
    ({ home, cleanup } = await makeTempHome());
    env = { ...emu.env, BROWSER: "none" };
    await mkdir(join(home, ".aws"), { recursive: true });
    configFile = join(home, ".aws", "config");
    await writeFile(configFile, USER_CONFIG);
  });

  afterAll(async () => {
    await emu?.close();
    await cleanup?.();
  });

  it("first run: one account's roles refused (exit 1, named); the rest written, names normalised, the user's profile kept", async () => {
    await admin("inject", { operation: "ListAccountRoles", status: 403, error: "ForbiddenException", message: "No access", count: 1 });
    const r = await runCli(["configure", "populate", emu.startUrl, "us-east-1"], { home, env });
    expectExit(r, 1);
    const failed = /^ {2}FAILED {2}the roles of account (\d{12}) \((.*)\): IAM Identity Center refused .*ForbiddenException/m.exec(
      r.stderr,
    );
    expect(failed, r.stderr).not.toBeNull();
    expect(r.stderr).toMatch(/^ {2}skip {4}dev-x\.AdministratorAccess: a profile you wrote has this name$/m);
    expect(r.stderr).toMatch(/^sso-cli: 1 listing failed; the config file has the profiles of what was listed\.$/m);

    const text = await readFile(configFile, "utf8");
    expect(text.startsWith(USER_CONFIG)).toBe(true);
    const names = populated(text);
    expect(names).toHaveLength(ACCOUNTS * 3 - 3 - 1);
    const failedAccount = failed![1]!;
    expect(failed![2]).toBe(NAMES[Number(failedAccount) - 100000000001]);
    expect(text).not.toContain(`sso_account_id = ${failedAccount}`);
    const expected = ["Prod-East-1", "dev-x", "ops-team", "Zurich-Units", "team-5", "team-300"].flatMap((account, i) =>
      String(100000000001 + [0, 1, 2, 3, 4, 299][i]!) === failedAccount ? [] : ROLES.map((role) => `${account}.${role}`),
    );
    for (const n of expected.filter((x) => x !== "dev-x.AdministratorAccess")) expect(names).toContain(n);
    // Listed roles are assignments, even one whose keys the service would refuse.
    expect(text).toMatch(
      /\[profile Zurich-Units\.ReadOnlyAccess\]\n# sso-cli configure populate\nsso_session = d-0000000000\nsso_account_id = 100000000004\nsso_role_name = ReadOnlyAccess\nregion = us-east-1\noutput = json\n/,
    );
    expect(text).toMatch(
      /^\[sso-session d-0000000000\]\nsso_start_url = https:\/\/d-0000000000\.awsapps\.com\/start\nsso_region = us-east-1\nsso_registration_scopes = sso:account:access\n/m,
    );
    for (const n of names) expect(n).toMatch(/^[\w\-@+.%:/]+$/);
  });

  it("second run adds what the first could not list; a third changes no byte", async () => {
    const r = await runCli(["configure", "populate", "--sso-session", "d-0000000000"], { home, env });
    expectExit(r, 0);
    expect(r.stderr).toMatch(/: 3 added, 0 changed, 0 removed, 896 unchanged, 1 skipped\.$/m);
    settled = await readFile(configFile, "utf8");
    expect(populated(settled)).toHaveLength(ACCOUNTS * 3 - 1);
    const mtime = (await stat(configFile)).mtimeMs;

    const again = await runCli(["configure", "populate", "--sso-session", "d-0000000000", "--json"], { home, env });
    expectExit(again, 0);
    expect(again.stderr).toMatch(/^Unchanged: .*\(0 added, 0 changed, 0 removed, 899 unchanged, 1 skipped\)\.$/m);
    expect(JSON.parse(again.stdout)).toMatchObject({
      written: false,
      added: [],
      unchanged: 899,
      skipped: [{ profile: "dev-x.AdministratorAccess", reason: "a profile you wrote has this name" }],
    });
    expect(await readFile(configFile, "utf8")).toBe(settled);
    expect((await stat(configFile)).mtimeMs).toBe(mtime);
  });

  it("after the emulator drops 10 accounts: --dry-run writes nothing; --prune removes exactly their 30 profiles", async () => {
    await admin("config", { accounts: ACCOUNTS - 10 });
    const gone = Array.from({ length: 10 }, (_, i) => String(100000000001 + ACCOUNTS - 10 + i));

    const dry = await runCli(["configure", "populate", "--prune", "--dry-run"], { home, env });
    expectExit(dry, 0);
    // The plan is the output: on stdout, for grep (#18 item 8); the outcome is on stderr.
    expect(dry.stdout.match(/^ {2}remove {2}/gm)).toHaveLength(30);
    expect(dry.stderr).not.toMatch(/^ {2}remove {2}/m);
    expect(dry.stderr).toMatch(/^Dry run, nothing written to .*: would be 0 added, 0 changed, 30 removed, 869 unchanged, 1 skipped\.$/m);
    expect(await readFile(configFile, "utf8")).toBe(settled);

    const noPrune = await runCli(["configure", "populate"], { home, env });
    expectExit(noPrune, 0);
    expect(noPrune.stderr).toMatch(
      /^30 populated profiles are no longer assigned \(team-291\.AdministratorAccess, .*\); --prune removes them\.$/m,
    );
    expect(await readFile(configFile, "utf8")).toBe(settled);

    const r = await runCli(["configure", "populate", "--prune"], { home, env });
    expectExit(r, 0);
    const text = await readFile(configFile, "utf8");
    expect(text.startsWith(USER_CONFIG)).toBe(true);
    const removed = populated(settled).filter((n) => !populated(text).includes(n));
    expect(removed.sort()).toEqual(gone.flatMap((id) => ROLES.map((role) => `team-${Number(id) - 100000000000}.${role}`)).sort());
    for (const id of gone) expect(text).not.toContain(`sso_account_id = ${id}`);
    expect(populated(text)).toHaveLength(ACCOUNTS * 3 - 1 - 30);
  });
});

describe("Ctrl-C while populate lists", () => {
  it("exits 130 and leaves the config file as it was, with no temporary or lock file", async () => {
    const emu = await startTestEmulator({ accounts: 200, rolesPerAccount: 2, latencyMs: 40, autoApproveMs: 0 });
    const { home, cleanup } = await makeTempHome();
    try {
      await mkdir(join(home, ".aws"), { recursive: true });
      const configFile = join(home, ".aws", "config");
      const before = `${USER_CONFIG}\n[sso-session s]\nsso_start_url = ${emu.startUrl}\nsso_region = us-east-1\n`;
      await writeFile(configFile, before);
      const run = startCli(["configure", "populate"], { home, env: emu.env });
      await run.waitForStderr(/^Listing the accounts and roles of sso-session s/m);
      run.kill("SIGINT");
      const r = await run.result;
      expectExit(r, 130);
      expect(r.stderr).toMatch(/^sso-cli: Interrupted\.$/m);
      expect(await readFile(configFile, "utf8")).toBe(before);
      expect((await readdir(join(home, ".aws"))).filter((f) => /\.tmp$|\.lock$/.test(f))).toEqual([]);
      expect(emu.state.stats.operations.ListAccountRoles?.calls ?? 0).toBeLessThan(200);
    } finally {
      await cleanup();
      await emu.close();
    }
  });
});

describe("configure populate with values no profile may hold (issue 16, item 5)", () => {
  it("a role name with a line break or an escape: one escaped line each, the rest written, exit 1", async () => {
    const emu = await startTestEmulator({
      accounts: 1,
      rolesPerAccount: 3,
      roleNames: ["Admin", "Bad\nRole", "Esc\u001b]0;pwned\u0007"],
      accountNames: ["prod"],
      autoApproveMs: 0,
    });
    const { home, cleanup } = await makeTempHome();
    try {
      await mkdir(join(home, ".aws"), { recursive: true });
      const r = await runCli(["configure", "populate", emu.startUrl, "us-east-1"], { home, env: { ...emu.env, BROWSER: "none" } });
      expectExit(r, 1);
      expect(r.stderr).toContain(
        "  skip    account 100000000001 (prod) role Bad\\nRole: the role name is not a permission set name ([\\w+=,.@-], at most 64)\n",
      );
      expect(r.stderr).toContain(
        "  skip    account 100000000001 (prod) role Esc\\x1b]0;pwned\\x07: the role name is not a permission set name ([\\w+=,.@-], at most 64)\n",
      );
      expect(r.stderr).toMatch(/^sso-cli: 2 of 3 assignments could not be written; the others were\.$/m);
      expect(r.stderr).not.toMatch(/\u001b/);
      const text = await readFile(join(home, ".aws", "config"), "utf8");
      expect(populated(text)).toEqual(["prod.Admin"]);
      expect(text).not.toMatch(/\u001b|Bad/);
    } finally {
      await emu.close();
      await cleanup();
    }
  });
});
