// 3. Fan-out: one login writing keys for 1 to 10,000 profiles (emulator at 20 ms), and the logout
// that removes them; 6. Memory: the peak RSS of the 1,000-profile login, from the same runs.
import { startEmulator, operationStats } from "../lib/emulator.mjs";
import { timeProcess, tail } from "../lib/measure.mjs";
import { BIN, NODE, makeHome, cleanEnv, signIn, forgetKeys, parseWritten } from "../lib/sandbox.mjs";
import { rotate, summarize } from "../lib/stats.mjs";

export const LATENCY_MS = 20;
export const GOAL_RATIO_100_TO_1 = 3;
/** Cost linear in profiles: ten times the profiles, at most twelve times the time. */
export const GOAL_RATIO_10000_TO_1000 = 12;
/** Megabytes of 10^6 bytes (ru_maxrss is in KiB). */
export const GOAL_RSS_MB = 150;
const MEMORY_SIZE = 1000;

export async function fanOut({ smoke }) {
  const sizes = smoke ? [1, 10] : [1, 10, 100, 1000, 5000, 10000];
  const cases = [];
  try {
    for (const n of sizes) {
      const home = await makeHome(`fan-out-${n}`);
      const emu = await startEmulator(home, { accounts: n, "roles-per-account": 1, "latency-ms": LATENCY_MS });
      // The big sizes run fewer times: one 10,000-profile round is a minute of the bench.
      const runs = smoke ? 1 : n >= 5000 ? 2 : 5;
      cases.push({ n, home, emu, env: cleanEnv(home, emu.url), runs, warmups: smoke || n >= 5000 ? 0 : 1, samples: [], logouts: [] });
      await signIn(home, cases.at(-1).env, n);
    }
    const rounds = Math.max(...cases.map((c) => c.warmups + c.runs));
    // Interleaved: every round runs each size once, in a rotated order.
    for (let round = 0; round < rounds; round++) {
      for (const c of rotate(cases, round)) {
        if (round >= c.warmups + c.runs) continue;
        await forgetKeys(c.home);
        await c.emu.resetStats();
        const r = await timeProcess(NODE, [BIN, "login", "--sso-session", "s"], { env: c.env, cwd: c.home, timeoutMs: 300_000 });
        const stats = await c.emu.stats();
        const grc = operationStats(stats, "GetRoleCredentials");
        const written = parseWritten(r.stderr);
        if (r.code !== 0 || written?.written !== c.n) throw new Error(`login for ${c.n} profiles exited ${r.code}: ${tail(r.stderr)}`);
        // Logout ends the session at the emulator too: sign in again (not timed) for the next round.
        const out = await timeProcess(NODE, [BIN, "logout", "--sso-session", "s"], { env: c.env, cwd: c.home, timeoutMs: 300_000 });
        if (out.code !== 0 || !new RegExp(`Removed keys from ${c.n} profile`).test(out.stderr))
          throw new Error(`logout of ${c.n} profiles exited ${out.code}: ${tail(out.stderr)}`);
        await signIn(c.home, c.env, c.n);
        if (round >= c.warmups) {
          c.samples.push({
            ms: r.ms,
            rssKiB: r.maxRssKiB,
            calls: grc.calls,
            errors: grc.errors,
            peak: stats.peakConcurrency,
            rps: grc.calls / (r.ms / 1000),
          });
          c.logouts.push({ ms: out.ms, rssKiB: out.maxRssKiB });
        }
      }
    }
  } finally {
    await Promise.all(cases.map((c) => c.emu.stop()));
  }

  const byN = new Map(cases.map((c) => [c.n, c]));
  const label = (n) => `${n.toLocaleString("en-US")} profile${n === 1 ? "" : "s"}`;
  const rows = cases.map((c) => ({ measure: `login, ${label(c.n)}`, unit: "ms", ...summarize(c.samples.map((s) => s.ms)) }));
  rows.push(
    ...cases
      .filter((c) => c.n >= 100 || smoke)
      .map((c) => ({ measure: `logout, ${label(c.n)}`, unit: "ms", ...summarize(c.logouts.map((s) => s.ms)) })),
  );
  const [small, large] = smoke ? [1, 10] : [1, 100];
  rows.push(
    ratioRow(
      byN,
      small,
      large,
      "samples",
      smoke ? "(smoke: 10 ÷ 1)" : `≤ ${GOAL_RATIO_100_TO_1}×`,
      smoke ? undefined : GOAL_RATIO_100_TO_1,
      `${large} ÷ ${small} profile${small === 1 ? "" : "s"}`,
    ),
  );
  if (!smoke) {
    rows.push(
      ratioRow(byN, 1000, 10000, "samples", `≤ ${GOAL_RATIO_10000_TO_1000}×`, GOAL_RATIO_10000_TO_1000, "login 10,000 ÷ 1,000 profiles"),
    );
    rows.push(
      ratioRow(byN, 1000, 10000, "logouts", `≤ ${GOAL_RATIO_10000_TO_1000}×`, GOAL_RATIO_10000_TO_1000, "logout 10,000 ÷ 1,000 profiles"),
    );
  }
  for (const c of cases.filter((c) => c.n >= 10)) {
    rows.push({ measure: `requests/s, ${label(c.n)}`, unit: "req/s", ...summarize(c.samples.map((s) => s.rps)) });
  }
  const biggest = cases.at(-1);
  rows.push({ measure: `peak concurrency, ${label(biggest.n)}`, unit: "", ...summarize(biggest.samples.map((s) => s.peak)) });
  const errors = cases.flatMap((c) => c.samples.map((s) => s.errors)).reduce((a, b) => a + b, 0);
  const fanOutResult = {
    id: "fan-out",
    title: "3. Fan-out",
    rows,
    notes: [
      `Emulator at ${LATENCY_MS} ms latency, one per size (--accounts N --roles-per-account 1). Before each login the credentials file and ~/.aws/sso-cli/credentials-ledger.json are deleted, so \`sso-cli login --sso-session s\` fetches every key again with the cached token (no --force: that would also redo the device sign-in); then \`sso-cli logout --sso-session s\` removes them (and ends the session, so each round signs in again, not timed).`,
      `Runs per size: ${cases.map((c) => `${c.n}: ${c.runs}${c.warmups ? ` after ${c.warmups} warm-up` : ""}`).join(", ")}, interleaved; wall time is the whole process (start-up, fan-out, one locked write). requests/s = GetRoleCredentials calls ÷ wall time. Peak concurrency per size: ${cases.map((c) => `${c.n}: ${summarize(c.samples.map((s) => s.peak)).max}`).join(", ")}. Service errors: ${errors}.`,
    ],
    data: cases.map((c) => ({ profiles: c.n, samples: c.samples, logouts: c.logouts })),
  };

  const memoryCase = byN.get(MEMORY_SIZE) ?? biggest;
  const rssOf = (c) =>
    c.samples
      .map((s) => s.rssKiB)
      .filter((v) => typeof v === "number")
      .map((kib) => (kib * 1024) / 1e6);
  const rss = rssOf(memoryCase);
  const memoryRows = rss.length
    ? [
        {
          measure: `peak RSS, login of ${label(memoryCase.n)}`,
          unit: "MB",
          ...summarize(rss),
          goal: `< ${GOAL_RSS_MB} MB (max)`,
          status: Math.max(...rss) < GOAL_RSS_MB ? "PASS" : "MISS",
        },
      ]
    : [
        {
          measure: `peak RSS, login of ${label(memoryCase.n)}`,
          unit: "MB",
          median: Number.NaN,
          min: Number.NaN,
          max: Number.NaN,
          n: 0,
          goal: `< ${GOAL_RSS_MB} MB`,
          status: "SKIP",
        },
      ];
  if (rss.length && biggest !== memoryCase)
    memoryRows.push({ measure: `peak RSS, login of ${label(biggest.n)}`, unit: "MB", ...summarize(rssOf(biggest)) });
  const memoryResult = {
    id: "memory",
    title: "6. Memory",
    rows: memoryRows,
    notes: [
      rss.length
        ? `ru_maxrss of the login process (getrusage RUSAGE_CHILDREN in bench/lib/timed-run.py), over the fan-out runs above; judged on ${label(memoryCase.n)}; MB = 10^6 bytes. Per size (median MB): ${cases.map((c) => `${c.n}: ${((summarize(c.samples.map((s) => s.rssKiB)).median * 1024) / 1e6).toFixed(1)}`).join(", ")}.`
        : "Skipped: python3 (for getrusage) is not available.",
    ],
  };
  return [fanOutResult, memoryResult];
}

/** The ratio of two sizes' medians, its spread from the rounds both ran. */
function ratioRow(byN, small, large, series, goal, limit, measure) {
  const a = byN.get(large)[series].map((s) => s.ms);
  const b = byN.get(small)[series].map((s) => s.ms);
  const ratio = summarize(a).median / summarize(b).median;
  const perRound = a.map((x, i) => x / b[i]).filter((r) => Number.isFinite(r));
  return {
    measure,
    unit: "×",
    median: ratio,
    min: Math.min(...perRound),
    max: Math.max(...perRound),
    n: perRound.length,
    goal,
    status: limit === undefined ? "INFO" : ratio <= limit ? "PASS" : "MISS",
  };
}
