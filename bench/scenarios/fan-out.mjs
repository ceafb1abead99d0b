// 3. Fan-out: one login writing keys for 1, 10, 100 and 1,000 profiles (emulator at 20 ms), and
// 6. Memory: the peak RSS of the 1,000-profile login, taken from the same runs.
import { startEmulator, operationStats } from "../lib/emulator.mjs";
import { timeProcess, tail } from "../lib/measure.mjs";
import { BIN, NODE, makeHome, cleanEnv, signIn, forgetKeys, parseWritten } from "../lib/sandbox.mjs";
import { rotate, summarize } from "../lib/stats.mjs";

export const LATENCY_MS = 20;
export const GOAL_RATIO_100_TO_1 = 3;
/** Megabytes of 10^6 bytes (ru_maxrss is in KiB). */
export const GOAL_RSS_MB = 150;

export async function fanOut({ smoke }) {
  const sizes = smoke ? [1, 10] : [1, 10, 100, 1000];
  const runs = smoke ? 1 : 5;
  const warmups = smoke ? 0 : 1;
  const cases = [];
  try {
    for (const n of sizes) {
      const home = await makeHome(`fan-out-${n}`);
      const emu = await startEmulator(home, { accounts: n, "roles-per-account": 1, "latency-ms": LATENCY_MS });
      cases.push({ n, home, emu, env: null, samples: [] });
      const c = cases.at(-1);
      c.env = cleanEnv(home, emu.url);
      await signIn(home, c.env, n);
    }
    // Interleaved: every round runs each size once, in a rotated order.
    for (let round = 0; round < warmups + runs; round++) {
      for (const c of rotate(cases, round)) {
        await forgetKeys(c.home);
        await c.emu.resetStats();
        const r = await timeProcess(NODE, [BIN, "login", "--sso-session", "s"], { env: c.env, cwd: c.home, timeoutMs: 180_000 });
        const stats = await c.emu.stats();
        const grc = operationStats(stats, "GetRoleCredentials");
        const written = parseWritten(r.stderr);
        if (r.code !== 0 || written?.written !== c.n) throw new Error(`login for ${c.n} profiles exited ${r.code}: ${tail(r.stderr)}`);
        if (round >= warmups) c.samples.push({ ms: r.ms, rssKiB: r.maxRssKiB, calls: grc.calls, errors: grc.errors, peak: stats.peakConcurrency, rps: grc.calls / (r.ms / 1000) });
      }
    }
  } finally {
    await Promise.all(cases.map((c) => c.emu.stop()));
  }

  const byN = new Map(cases.map((c) => [c.n, c]));
  const rows = cases.map((c) => ({ measure: `login, ${c.n.toLocaleString("en-US")} profile${c.n === 1 ? "" : "s"}`, unit: "ms", ...summarize(c.samples.map((s) => s.ms)) }));
  const [small, large] = smoke ? [1, 10] : [1, 100];
  const ratio = summarize(byN.get(large).samples.map((s) => s.ms)).median / summarize(byN.get(small).samples.map((s) => s.ms)).median;
  const perRound = byN.get(large).samples.map((s, i) => s.ms / byN.get(small).samples[i].ms);
  rows.push({
    measure: `${large} ÷ ${small} profile${small === 1 ? "" : "s"}`,
    unit: "×",
    median: ratio,
    min: Math.min(...perRound),
    max: Math.max(...perRound),
    n: perRound.length,
    goal: smoke ? "(smoke: 10 ÷ 1)" : `≤ ${GOAL_RATIO_100_TO_1}×`,
    status: smoke ? "INFO" : ratio <= GOAL_RATIO_100_TO_1 ? "PASS" : "MISS",
  });
  const biggest = cases.at(-1);
  for (const c of cases.filter((c) => c.n >= 10)) {
    rows.push({ measure: `requests/s, ${c.n.toLocaleString("en-US")} profiles`, unit: "req/s", ...summarize(c.samples.map((s) => s.rps)) });
  }
  rows.push({ measure: `peak concurrency, ${biggest.n.toLocaleString("en-US")} profiles`, unit: "", ...summarize(biggest.samples.map((s) => s.peak)) });
  const errors = cases.flatMap((c) => c.samples.map((s) => s.errors)).reduce((a, b) => a + b, 0);
  const fanOutResult = {
    id: "fan-out",
    title: "3. Fan-out",
    rows,
    notes: [
      `Emulator at ${LATENCY_MS} ms latency, one per size (--accounts N --roles-per-account 1). Signed in once; before each run the credentials file and ~/.aws/sso-cli/credentials-ledger.json are deleted, so \`sso-cli login --sso-session s\` fetches every key again with the cached token (no --force: that would also redo the device sign-in).`,
      `${runs} interleaved runs per size after ${warmups} warm-up round; wall time is the whole process (start-up, fan-out, one locked write). requests/s = GetRoleCredentials calls ÷ wall time. Peak concurrency per size: ${cases.map((c) => `${c.n}: ${summarize(c.samples.map((s) => s.peak)).max}`).join(", ")}. Service errors: ${errors}.`,
    ],
    data: cases.map((c) => ({ profiles: c.n, samples: c.samples })),
  };

  const rss = biggest.samples.map((s) => s.rssKiB).filter((v) => typeof v === "number").map((kib) => (kib * 1024) / 1e6);
  const memoryResult = {
    id: "memory",
    title: "6. Memory",
    rows: rss.length
      ? [{ measure: `peak RSS, login of ${biggest.n.toLocaleString("en-US")} profiles`, unit: "MB", ...summarize(rss), goal: `< ${GOAL_RSS_MB} MB (max)`, status: Math.max(...rss) < GOAL_RSS_MB ? "PASS" : "MISS" }]
      : [{ measure: `peak RSS, login of ${biggest.n.toLocaleString("en-US")} profiles`, unit: "MB", median: Number.NaN, min: Number.NaN, max: Number.NaN, n: 0, goal: `< ${GOAL_RSS_MB} MB`, status: "SKIP" }],
    notes: [
      rss.length
        ? `ru_maxrss of the login process (getrusage RUSAGE_CHILDREN in bench/lib/timed-run.py), over the fan-out runs above; judged on the largest; MB = 10^6 bytes. Per size (median MB): ${cases.map((c) => `${c.n}: ${((summarize(c.samples.map((s) => s.rssKiB)).median * 1024) / 1e6).toFixed(1)}`).join(", ")}.`
        : "Skipped: python3 (for getrusage) is not available.",
    ],
  };
  return [fanOutResult, memoryResult];
}
