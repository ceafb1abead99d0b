import { mkdir, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parse as parseIni } from "ini";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tokenCacheFileName } from "../../src/files/token-cache.js";
import { startTestEmulator } from "../helpers/emulator.js";
import { runCli, type ProcessResult } from "../helpers/run-process.js";
import { makeTempHome } from "../helpers/temp-home.js";

// Issue #12, items 5 and 6, with real processes: many sso-cli runs of one user at once share one
// sign-in and one refresh (a lock per sso-session), and lose no profile in the credentials file
// (its lock and the ledger's). 32 first sign-ins at once stand for the 8 too. Each scenario runs three rounds; every round's figures come from
// the emulator's /_admin/stats: StartDeviceAuthorization calls (sign-ins) and grant types.

type Emulator = Awaited<ReturnType<typeof startTestEmulator>>;

interface Stats {
  operations: Record<string, { calls: number } | undefined>;
  grantTypes: Record<string, number>;
}

const ROUNDS = 3;
const HAND_WRITTEN = "# keys I keep by hand\n[mine]\naws_access_key_id = AKIAHANDWRITTEN00001\naws_secret_access_key = hand\n";

let emu: Emulator;
let env: Record<string, string>;

beforeAll(async () => {
  emu = await startTestEmulator({ accounts: 4, rolesPerAccount: 2, autoApproveMs: 0 });
  env = emu.env;
});
afterAll(async () => {
  await emu?.close();
});

async function stats(): Promise<Stats> {
  return (await (await fetch(`${emu.url}/_admin/stats`)).json()) as Stats;
}
async function resetStats(): Promise<void> {
  await fetch(`${emu.url}/_admin/reset`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ state: "stats" }),
  });
}
const signIns = (s: Stats): number => s.operations.StartDeviceAuthorization?.calls ?? 0;

function expectOk(results: ProcessResult[]): void {
  for (const r of results) expect(r.code, `exit ${r.code}\n${r.stderr}`).toBe(0);
}

function profiles(prefix: string, n: number): { name: string; account: string; role: string }[] {
  return Array.from({ length: n }, (_, i) => ({
    name: `${prefix}${i + 1}`,
    account: `10000000000${(i % 4) + 1}`,
    role: i % 2 ? "ReadOnlyAccess" : "AdministratorAccess",
  }));
}

function configFor(sessions: Record<string, { name: string; account: string; role: string }[]>): string {
  return Object.entries(sessions)
    .flatMap(([session, ps]) => [
      `[sso-session ${session}]`,
      `sso_start_url = ${emu.startUrl}`,
      "sso_region = us-east-1",
      "sso_registration_scopes = sso:account:access",
      "",
      ...ps.flatMap((p) => [
        `[profile ${p.name}]`,
        `sso_session = ${session}`,
        `sso_account_id = ${p.account}`,
        `sso_role_name = ${p.role}`,
        "",
      ]),
    ])
    .join("\n");
}

async function setUpHome(
  config: string,
): Promise<{ home: string; cleanup(): Promise<void>; credentials(): Promise<Record<string, Record<string, string>>> }> {
  const { home, cleanup } = await makeTempHome();
  await mkdir(join(home, ".aws"), { recursive: true });
  await writeFile(join(home, ".aws", "config"), config);
  await writeFile(join(home, ".aws", "credentials"), HAND_WRITTEN, { mode: 0o600 });
  const credentials = async () =>
    parseIni(await readFile(join(home, ".aws", "credentials"), "utf8")) as Record<string, Record<string, string>>;
  return { home, cleanup, credentials };
}

/** Makes the cached token of an sso-session look 10 minutes from expiry: inside the refresh margin. */
async function ageToken(home: string, session: string): Promise<void> {
  const file = join(home, ".aws", "sso", "cache", tokenCacheFileName({ ssoSession: session, startUrl: emu.startUrl }));
  const entry = JSON.parse(await readFile(file, "utf8")) as Record<string, unknown>;
  await writeFile(file, JSON.stringify({ ...entry, expiresAt: new Date(Date.now() + 10 * 60_000).toISOString().replace(/\.\d+Z$/, "Z") }));
}

/** Forgets every cached token and client registration. */
async function forgetSignIns(home: string): Promise<void> {
  await rm(join(home, ".aws", "sso", "cache"), { recursive: true, force: true });
}

/** Per round, what the emulator counted: the record this file exists for, printed at the end. */
const figures: Record<string, string | number>[] = [];

describe("many sso-cli processes of one user at once", () => {
  afterAll(() => {
    console.log(`concurrency figures:\n${figures.map((f) => JSON.stringify(f)).join("\n")}`);
  });

  it(`32 concurrent first sign-ins, ${ROUNDS} rounds: one registration and one sign-in per round, every profile written`, async () => {
    const ps = profiles("p", 32);
    const h = await setUpHome(configFor({ corp: ps }));
    try {
      for (let round = 1; round <= ROUNDS; round++) {
        // Nothing cached: no token, no client registration.
        await forgetSignIns(h.home);
        await resetStats();
        const results = await Promise.all(ps.map((p) => runCli(["login", "--profile", p.name], { home: h.home, env })));
        expectOk(results);
        const s = await stats();
        expect(s.operations.RegisterClient?.calls, `round ${round}: registrations`).toBe(1);
        expect(signIns(s), `round ${round}: sign-ins`).toBe(1);
        expect(
          results.filter((r) => /Sign in to/.test(r.stderr)),
          `round ${round}: prompts`,
        ).toHaveLength(1);
        const creds = await h.credentials();
        const lost = ps.filter((p) => !/^ASIA[A-Z0-9]{16}$/.test(creds[p.name]?.aws_access_key_id ?? ""));
        figures.push({
          scenario: "32 first sign-ins",
          round,
          exits0: results.filter((r) => r.code === 0).length,
          registrations: s.operations.RegisterClient?.calls ?? 0,
          signIns: signIns(s),
          refreshes: s.grantTypes.refresh_token ?? 0,
          lostProfiles: lost.length,
        });
        expect(
          lost.map((p) => p.name),
          `round ${round}: lost profiles`,
        ).toEqual([]);
        expect(creds.mine).toEqual({ aws_access_key_id: "AKIAHANDWRITTEN00001", aws_secret_access_key: "hand" });
      }
      // No lock folder is left behind, and the ledger kept up with every writer: logout finds all
      // 32 and leaves the hand-written file.
      expect((await readdir(join(h.home, ".aws", "sso-cli"))).filter((n) => n.includes(".lock"))).toEqual([]);
      const out = await runCli(["logout", "--all"], { home: h.home, env });
      expectOk([out]);
      expect(await readFile(join(h.home, ".aws", "credentials"), "utf8")).toBe(HAND_WRITTEN);
    } finally {
      await h.cleanup();
    }
  });

  it(`16 logins and 16 logouts interleaved, ${ROUNDS} rounds: each ends as its command said, nothing lost`, async () => {
    // Logins for sso-session "corp" while logouts sign out of "other", all in one credentials file.
    const ins = profiles("in", 16);
    const outs = profiles("out", 16);
    const h = await setUpHome(configFor({ corp: ins, other: outs }));
    const config = (withIns: boolean) => writeFile(join(h.home, ".aws", "config"), configFor({ corp: withIns ? ins : [], other: outs }));
    try {
      for (let round = 1; round <= ROUNDS; round++) {
        // Before the round: every "out" profile holds keys, no "in" profile does, and the corp
        // sso-session is signed in (with no profiles configured for it at that moment).
        expectOk([await runCli(["logout", "--all"], { home: h.home, env })]);
        await config(false);
        expectOk([
          await runCli(["login", "--sso-session", "corp"], { home: h.home, env }),
          await runCli(["login", "--sso-session", "other"], { home: h.home, env }),
        ]);
        await config(true);
        const before = await h.credentials();
        expect(outs.filter((p) => before[p.name]).length, `round ${round}: out profiles with keys before`).toBe(16);
        expect(ins.filter((p) => before[p.name]).length, `round ${round}: in profiles with keys before`).toBe(0);
        await resetStats();
        const runs: Promise<ProcessResult>[] = [];
        for (let i = 0; i < 16; i++) {
          runs.push(runCli(["login", "--profile", ins[i]!.name], { home: h.home, env }));
          runs.push(runCli(["logout", "--profile", outs[i]!.name], { home: h.home, env }));
        }
        const results = await Promise.all(runs);
        expectOk(results);
        const creds = await h.credentials();
        const lostIns = ins.filter((p) => !/^ASIA[A-Z0-9]{16}$/.test(creds[p.name]?.aws_access_key_id ?? ""));
        const leftOuts = outs.filter((p) => creds[p.name] !== undefined);
        const s = await stats();
        figures.push({
          scenario: "16 logins + 16 logouts",
          round,
          exits0: results.filter((r) => r.code === 0).length,
          signIns: signIns(s),
          refreshes: s.grantTypes.refresh_token ?? 0,
          lostProfiles: lostIns.length,
          keysLeftByLogout: leftOuts.length,
        });
        expect(
          lostIns.map((p) => p.name),
          `round ${round}: login profiles without keys`,
        ).toEqual([]);
        expect(
          leftOuts.map((p) => p.name),
          `round ${round}: logout profiles still holding keys`,
        ).toEqual([]);
        expect(signIns(s), `round ${round}: sign-ins`).toBe(0);
        expect(creds.mine).toEqual({ aws_access_key_id: "AKIAHANDWRITTEN00001", aws_secret_access_key: "hand" });
      }
      expectOk([await runCli(["logout", "--all"], { home: h.home, env })]);
      expect(await readFile(join(h.home, ".aws", "credentials"), "utf8")).toBe(HAND_WRITTEN);
    } finally {
      await h.cleanup();
    }
  }, 180_000); // 96 processes over 3 rounds: on a busy 2-CPU machine, past the default 60 s (a hang guard, not a speed goal)

  it(`8 concurrent refreshes, ${ROUNDS} rounds: one refresh_token grant per round, no sign-in`, async () => {
    const ps = profiles("r", 8);
    const h = await setUpHome(configFor({ corp: ps }));
    try {
      expectOk([await runCli(["login", "--sso-session", "corp"], { home: h.home, env })]);
      for (let round = 1; round <= ROUNDS; round++) {
        await ageToken(h.home, "corp");
        await resetStats();
        const results = await Promise.all(ps.map((p) => runCli(["login", "--profile", p.name], { home: h.home, env })));
        expectOk(results);
        const s = await stats();
        const written = Object.keys(await h.credentials()).filter((n) => n.startsWith("r")).length;
        figures.push({
          scenario: "8 refreshes",
          round,
          exits0: results.filter((r) => r.code === 0).length,
          signIns: signIns(s),
          refreshes: s.grantTypes.refresh_token ?? 0,
          lostProfiles: 8 - written,
        });
        expect(s.grantTypes, `round ${round}: grants`).toEqual({ refresh_token: 1 });
        expect(signIns(s), `round ${round}: sign-ins`).toBe(0);
        expect(written).toBe(8);
      }
    } finally {
      await h.cleanup();
    }
  });
});
