// 7. Populate: `sso-cli configure populate` over organizations of 100 to 50,000 profiles (emulator
// at 20 ms), under throttling, side by side with aws-sso-util where one is given; and what a big
// populated config costs the commands scripts run before every job.
import { spawnSync } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { readFile, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { operationStats, startEmulator } from "../lib/emulator.mjs";
import { mustRun, tail, timeProcess } from "../lib/measure.mjs";
import { BIN, NODE, REGION, START_URL, cleanEnv, makeHome } from "../lib/sandbox.mjs";
import { ratioOf, rotate, summarize } from "../lib/stats.mjs";
import { LATENCY_MS } from "./fan-out.mjs";

export const GOAL_1000X3_MS = 3000;
export const GOAL_RATIO_1000_TO_100 = 12;
export const GOAL_RSS_MB = 300;
export const GOAL_THROTTLED_RATIO = 1.15;
export const GOAL_HOT_RATIO = 2;
/**
 * An aws-sso-util executable to measure beside sso-cli (aws-sso-util 4.33 runs from its public
 * source with the machine's python3 and boto3). Nothing of it is part of this repository.
 */
export const AWS_SSO_UTIL_VARIABLE = "SSO_CLI_BENCH_AWS_SSO_UTIL";

const SESSION_CONFIG = `[sso-session s]\nsso_start_url = ${START_URL}\nsso_region = ${REGION}\nsso_registration_scopes = sso:account:access\n`;
/** A profile the user configured, among the populated ones: login writes its keys. */
const OWN_PROFILE =
  "\n[profile p]\nsso_session = s\nsso_account_id = 100000000001\nsso_role_name = AdministratorAccess\nregion = us-east-1\n";
const one = (v) => ({ median: v, min: v, max: v, n: 1 });

/** A HOME with its own emulator and a config holding the sso-session; signed in by a first populate. */
async function populateHome(label, accounts, roles, extra = {}) {
  const home = await makeHome(`populate-${label}`);
  const emu = await startEmulator(home, { accounts, "roles-per-account": roles, "latency-ms": LATENCY_MS, ...extra });
  const env = cleanEnv(home, emu.url);
  const config = join(home, ".aws", "config");
  await writeFile(config, SESSION_CONFIG);
  return { home, emu, env, config };
}

/** One populate from the session-only config (the token cached): every profile written. */
async function timedPopulate(h, args = []) {
  await writeFile(h.config, SESSION_CONFIG);
  const r = await timeProcess(NODE, [BIN, "configure", "populate", "--sso-session", "s", ...args], {
    env: h.env,
    cwd: h.home,
    timeoutMs: 600_000,
  });
  if (r.code !== 0) throw new Error(`populate exited ${r.code}: ${tail(r.stderr)}`);
  return r;
}

export async function populate({ smoke }) {
  const sizes = smoke
    ? { small: 5, large: 20, big: [20, 5], throttled: 25, runs: 1, warmups: 0 }
    : { small: 100, large: 1000, big: [5000, 10], throttled: 300, runs: 5, warmups: 1 };
  const rows = [];
  const notes = [];
  const homes = [];
  try {
    // sso-cli at 100 × 3 and 1,000 × 3, and aws-sso-util at 100 × 3 on the same emulator, interleaved.
    const small = await populateHome("small", sizes.small, 3);
    const large = await populateHome("large", sizes.large, 3);
    homes.push(small, large);
    await timedPopulate(small);
    await timedPopulate(large);
    const asu = findAwsSsoUtil();
    const asuHome = asu.path ? await makeHome("aws-sso-util") : undefined;
    const asuRuns = smoke ? 1 : 2;
    const asuArgs = ["configure", "populate", "--sso-start-url", START_URL, "--sso-region", REGION, "--region", REGION];
    const asuEnv = asuHome && cleanEnv(asuHome, small.env.AWS_ENDPOINT_URL_SSO);
    if (asu.path) await mustRun(asu.path, asuArgs, { env: asuEnv, cwd: asuHome, timeoutMs: 600_000 });
    const ms = { small: [], large: [], asu: [], smallBesideAsu: [] };
    const rounds = sizes.warmups + sizes.runs;
    for (let round = 0; round < rounds; round++) {
      for (const which of rotate(["small", "large"], round)) {
        const r = await timedPopulate(which === "small" ? small : large);
        if (round >= sizes.warmups) ms[which].push(r.ms);
      }
      if (asu.path && round >= sizes.warmups && ms.asu.length < asuRuns) {
        await writeFile(join(asuHome, ".aws", "config"), "");
        const r = await timeProcess(asu.path, asuArgs, { env: asuEnv, cwd: asuHome, timeoutMs: 600_000 });
        if (r.code !== 0) throw new Error(`aws-sso-util exited ${r.code}: ${tail(r.stderr)}`);
        ms.asu.push(r.ms);
        ms.smallBesideAsu.push(ms.small.at(-1));
      }
    }
    const label = (a, r) => `${a.toLocaleString("en-US")} accounts × ${r} roles`;
    rows.push({ measure: `populate, ${label(sizes.small, 3)}`, unit: "ms", ...summarize(ms.small) });
    const largeS = summarize(ms.large);
    rows.push({
      measure: `populate, ${label(sizes.large, 3)}`,
      unit: "ms",
      ...largeS,
      goal: smoke ? "(smoke)" : `≤ ${GOAL_1000X3_MS / 1000} s`,
      status: smoke ? "INFO" : largeS.median <= GOAL_1000X3_MS ? "PASS" : "MISS",
    });
    const linear = ratioOf(ms.large, ms.small);
    rows.push({
      measure: `${sizes.large.toLocaleString("en-US")} ÷ ${sizes.small} accounts`,
      unit: "×",
      ...linear,
      goal: smoke ? "(smoke)" : `≤ ${GOAL_RATIO_1000_TO_100}×`,
      status: smoke ? "INFO" : linear.median <= GOAL_RATIO_1000_TO_100 ? "PASS" : "MISS",
    });
    if (asu.path) {
      rows.push({ measure: `aws-sso-util ${asu.version} configure populate, ${label(sizes.small, 3)}`, unit: "ms", ...summarize(ms.asu) });
      rows.push({ measure: "aws-sso-util ÷ sso-cli populate", unit: "×", ...ratioOf(ms.asu, ms.smallBesideAsu), goal: "", status: "INFO" });
      notes.push(
        `aws-sso-util: ${asu.version} (${AWS_SSO_UTIL_VARIABLE}=${asu.path}), ${asuRuns} run${asuRuns === 1 ? "" : "s"} from an empty config with its token cached, in the rounds of sso-cli's ${label(sizes.small, 3)} runs (the ratio pairs each with that round's sso-cli run), against the same emulator.`,
      );
    } else {
      rows.push({
        measure: `aws-sso-util configure populate, ${label(sizes.small, 3)}`,
        unit: "ms",
        median: Number.NaN,
        min: Number.NaN,
        max: Number.NaN,
        n: 0,
        goal: "",
        status: "SKIP",
        note: "not run",
      });
      notes.push(`aws-sso-util could not run: ${asu.missing}.`);
    }

    // `login START_URL REGION` after populating (the last timed run left every profile): no keys for them.
    await large.emu.resetStats();
    const login = await timeProcess(NODE, [BIN, "login", START_URL, REGION], { env: large.env, cwd: large.home, timeoutMs: 120_000 });
    const grc = operationStats(await large.emu.stats(), "GetRoleCredentials").calls;
    rows.push({
      measure: `GetRoleCredentials calls, login START_URL REGION after populating ${label(sizes.large, 3)}`,
      unit: "",
      ...one(grc),
      n: 0,
      goal: "0",
      status: login.code === 0 && grc === 0 ? "PASS" : "MISS",
    });

    // 5,000 × 10: 50,000 profiles written, then the same run again (every profile unchanged).
    const [bigAccounts, bigRoles] = sizes.big;
    const big = await populateHome("big", bigAccounts, bigRoles);
    homes.push(big);
    await writeFile(big.config, SESSION_CONFIG + OWN_PROFILE);
    await mustRun(NODE, [BIN, "login", "--profile", "p"], { env: big.env, cwd: big.home, timeoutMs: 60_000 });
    await writeFile(big.config, SESSION_CONFIG);
    const first = await timeProcess(NODE, [BIN, "configure", "populate", "--sso-session", "s"], {
      env: big.env,
      cwd: big.home,
      timeoutMs: 600_000,
    });
    if (first.code !== 0) throw new Error(`populate of ${label(bigAccounts, bigRoles)} exited ${first.code}: ${tail(first.stderr)}`);
    const again = await timeProcess(NODE, [BIN, "configure", "populate", "--sso-session", "s"], {
      env: big.env,
      cwd: big.home,
      timeoutMs: 600_000,
    });
    if (again.code !== 0 || !/^Unchanged: /m.test(again.stderr))
      throw new Error(`the second populate of ${label(bigAccounts, bigRoles)} exited ${again.code}: ${tail(again.stderr)}`);
    const total = bigAccounts * bigRoles;
    rows.push({
      measure: `populate, ${label(bigAccounts, bigRoles)} (${total.toLocaleString("en-US")} profiles)`,
      unit: "ms",
      ...one(first.ms),
    });
    rows.push({ measure: "the same populate again (all unchanged)", unit: "ms", ...one(again.ms) });
    const rssMb = (Math.max(first.maxRssKiB ?? Number.NaN, again.maxRssKiB ?? Number.NaN) * 1024) / 1e6;
    rows.push({
      measure: `peak RSS, populate of ${total.toLocaleString("en-US")} profiles`,
      unit: "MB",
      ...one(rssMb),
      goal: `< ${GOAL_RSS_MB} MB`,
      status: Number.isNaN(rssMb) ? "SKIP" : rssMb < GOAL_RSS_MB ? "PASS" : "MISS",
    });

    // The hot paths with 50,000 populated profiles in the config, against one profile alone.
    const bigText = await readFile(big.config, "utf8");
    await writeFile(big.config, bigText + OWN_PROFILE);
    const alone = await makeHome("populate-alone");
    const aloneEnv = cleanEnv(alone, big.env.AWS_ENDPOINT_URL_SSO);
    await writeFile(join(alone, ".aws", "config"), SESSION_CONFIG + OWN_PROFILE);
    await mustRun(NODE, [BIN, "login", "--profile", "p"], { env: aloneEnv, cwd: alone, timeoutMs: 60_000 });
    await mustRun(NODE, [BIN, "login", "--profile", "p"], { env: big.env, cwd: big.home });
    const commands = [{ key: "login", label: "login --profile p", args: ["login", "--profile", "p"] }];
    // Once, so the role keys are cached and the measured runs answer from files (and to see whether
    // this build has the command at all).
    const probe = await timeProcess(NODE, [BIN, "credential-process", "--profile", "p"], { env: aloneEnv, cwd: alone });
    const hasCredentialProcess = !/unknown command/.test(probe.stderr);
    if (hasCredentialProcess) {
      if (probe.code !== 0) throw new Error(`credential-process exited ${probe.code}: ${tail(probe.stderr)}`);
      commands.push({ key: "cp", label: "credential-process --profile p", args: ["credential-process", "--profile", "p"] });
      await mustRun(NODE, [BIN, "credential-process", "--profile", "p"], { env: big.env, cwd: big.home });
    }
    const hot = Object.fromEntries(
      commands.flatMap((c) => [
        [`${c.key}-one`, []],
        [`${c.key}-big`, []],
      ]),
    );
    const hotRuns = smoke ? 1 : 10;
    for (let round = 0; round < hotRuns + (smoke ? 0 : 1); round++) {
      for (const c of commands) {
        for (const [where, env, cwd] of rotate(
          [
            ["one", aloneEnv, alone],
            ["big", big.env, big.home],
          ],
          round,
        )) {
          // As the first run after the config changed: touched just now, the file is read and resolved
          // (what grows with it), not answered from what login and credential-process remember of
          // a settled file (src/files/remembered-answers.ts; the hot-path scenario measures that).
          const now = new Date();
          await utimes(join(cwd, ".aws", "config"), now, now);
          const r = await mustRun(NODE, [BIN, ...c.args], { env, cwd });
          if (smoke || round > 0) hot[`${c.key}-${where}`].push(r.ms);
        }
      }
    }
    for (const c of commands) {
      rows.push({ measure: `${c.label}, 1 profile in the config`, unit: "ms", ...summarize(hot[`${c.key}-one`]) });
      rows.push({ measure: `${c.label}, ${(total + 1).toLocaleString("en-US")} profiles`, unit: "ms", ...summarize(hot[`${c.key}-big`]) });
      const r = ratioOf(hot[`${c.key}-big`], hot[`${c.key}-one`]);
      rows.push({
        measure: `${c.label}: ${(total + 1).toLocaleString("en-US")} ÷ 1 profile`,
        unit: "×",
        ...r,
        goal: smoke ? "(smoke)" : `≤ ${GOAL_HOT_RATIO}×`,
        status: smoke ? "INFO" : r.median <= GOAL_HOT_RATIO ? "PASS" : "MISS",
      });
    }
    if (!hasCredentialProcess) {
      rows.push({
        measure: `credential-process --profile p: ${(total + 1).toLocaleString("en-US")} ÷ 1 profile`,
        unit: "×",
        median: Number.NaN,
        min: Number.NaN,
        max: Number.NaN,
        n: 0,
        goal: `≤ ${GOAL_HOT_RATIO}×`,
        status: "SKIP",
        note: "not in this build",
      });
      notes.push("credential-process: this build has no such command, so its row could not run.");
    }

    // Under a throttle of 20 requests/s per operation: the shared adaptive limit, no failure.
    const rps = 20;
    const burst = Math.ceil(rps);
    const throttled = await populateHome("throttled", sizes.throttled, 3, { "throttle-rps": rps });
    homes.push(throttled);
    await mustRun(NODE, [BIN, "login", "--sso-session", "s"], { env: throttled.env, cwd: throttled.home, timeoutMs: 60_000 });
    // Let the sign-in's buckets refill; the listing operations have buckets of their own.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await throttled.emu.resetStats();
    const t = await timeProcess(NODE, [BIN, "configure", "populate", "--sso-session", "s"], {
      env: throttled.env,
      cwd: throttled.home,
      timeoutMs: 600_000,
    });
    const tStats = await throttled.emu.stats();
    const roles = operationStats(tStats, "ListAccountRoles");
    const pages = operationStats(tStats, "ListAccounts");
    // ListAccountRoles, one call per account, dominates: only calls − burst wait for tokens.
    const bound = (sizes.throttled - burst) / rps;
    const failed = t.code !== 0 || /FAILED/.test(t.stderr);
    const tS = t.ms / 1000;
    rows.push({ measure: `populate, ${label(sizes.throttled, 3)} at ${rps} req/s`, unit: "s", ...one(tS) });
    rows.push({ measure: `lower bound (${sizes.throttled} − burst ${burst}) ÷ ${rps}`, unit: "s", ...one(bound), n: 0 });
    rows.push({
      measure: "time ÷ lower bound",
      unit: "×",
      ...one(tS / bound),
      goal: smoke ? "(smoke)" : `≤ ${GOAL_THROTTLED_RATIO}×`,
      status: smoke ? "INFO" : tS / bound <= GOAL_THROTTLED_RATIO ? "PASS" : "MISS",
    });
    rows.push({ measure: "failed listings", unit: "", ...one(failed ? 1 : 0), goal: "0", status: failed ? "MISS" : "PASS" });
    notes.unshift(
      `Emulator at ${LATENCY_MS} ms latency, page size 20 (ListAccounts pages in order, ListAccountRoles 16 at once as pages arrive). Timed runs start from a config holding only the sso-session, with the token cached, so every profile is written; ${sizes.runs} interleaved runs per size after ${sizes.warmups} warm-up. Wall time is the whole process: start-up, listing, one locked write.`,
      `${label(bigAccounts, bigRoles)}: one run writing ${total.toLocaleString("en-US")} profiles, then one in which all are unchanged; RSS from getrusage. Hot paths: ${hotRuns} interleaved runs each against a config of the sso-session and one profile p, and of those plus the ${total.toLocaleString("en-US")} populated profiles; token and keys valid, so nothing calls the service.`,
      `Throttled: one run, --throttle-rps ${rps} per operation (burst ${burst}); ListAccountRoles calls ${roles.calls} (${roles.byCode.TooManyRequestsException ?? 0} throttled), ListAccounts pages ${pages.calls} (${pages.byCode.TooManyRequestsException ?? 0} throttled); exit ${t.code}.${failed ? ` stderr: ${tail(t.stderr)}` : ""}`,
    );
  } finally {
    await Promise.all(homes.map((h) => h.emu.stop()));
  }
  return { id: "populate", title: "7. Populate", rows, notes };
}

/** The aws-sso-util to compare with, from SSO_CLI_BENCH_AWS_SSO_UTIL, or why there is none. */
function findAwsSsoUtil() {
  const path = process.env[AWS_SSO_UTIL_VARIABLE];
  if (!path)
    return {
      missing: `${AWS_SSO_UTIL_VARIABLE} is not set (an aws-sso-util executable to compare with; none is installed by this project)`,
    };
  try {
    accessSync(path, constants.X_OK);
  } catch {
    return { missing: `${AWS_SSO_UTIL_VARIABLE}=${path} is not an executable` };
  }
  const version = spawnSync(path, ["--version"], { encoding: "utf8", timeout: 30_000, env: { PATH: process.env.PATH ?? "/usr/bin:/bin" } });
  const v = (version.stdout ?? "").trim();
  if (version.status !== 0 || !/^\d+\.\d+/.test(v))
    return { missing: `${AWS_SSO_UTIL_VARIABLE}=${path} --version did not answer (exit ${version.status})` };
  return { path, version: v };
}
