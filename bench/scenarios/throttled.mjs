// 4. Throttled fan-out: the 1,000-profile login against an emulator that allows 20 requests/s.
import { startEmulator, operationStats } from "../lib/emulator.mjs";
import { timeProcess, tail } from "../lib/measure.mjs";
import { BIN, NODE, makeHome, cleanEnv, signIn, parseWritten } from "../lib/sandbox.mjs";
import { LATENCY_MS } from "./fan-out.mjs";

export const GOAL_RATIO = 1.3;

export async function throttled({ smoke }) {
  const n = smoke ? 25 : 1000;
  const rps = 20;
  // The emulator's default bucket holds ceil(rps) tokens and starts full.
  const burst = Math.ceil(rps);
  const home = await makeHome("throttled");
  const emu = await startEmulator(home, { accounts: n, "roles-per-account": 1, "latency-ms": LATENCY_MS, "throttle-rps": rps });
  let r;
  let stats;
  try {
    const env = cleanEnv(home, emu.url);
    await signIn(home, env, n);
    // Let the sign-in's buckets refill; GetRoleCredentials has its own, untouched until now.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await emu.resetStats();
    r = await timeProcess(NODE, [BIN, "login", "--sso-session", "s"], { env, cwd: home, timeoutMs: 240_000 });
    stats = await emu.stats();
  } finally {
    await emu.stop();
  }
  const grc = operationStats(stats, "GetRoleCredentials");
  const written = parseWritten(r.stderr) ?? { written: 0, total: n };
  const failed = n - written.written;
  const plainBound = n / rps;
  // Only n − burst requests have to wait for tokens: the true floor of a bucket that starts full.
  const bound = (n - burst) / rps;
  const s = r.ms / 1000;
  const one = (v) => ({ median: v, min: v, max: v, n: 1 });
  const rows = [
    { measure: `login, ${n.toLocaleString("en-US")} profiles at ${rps} req/s`, unit: "s", ...one(s) },
    { measure: `lower bound (${n} − burst ${burst}) ÷ ${rps}`, unit: "s", ...one(bound), n: 0 },
    {
      measure: "time ÷ lower bound",
      unit: "×",
      ...one(s / bound),
      goal: `≤ ${GOAL_RATIO}×`,
      status: s / bound <= GOAL_RATIO ? "PASS" : "MISS",
    },
    { measure: "failed profiles", unit: "", ...one(failed), goal: "0", status: failed === 0 && r.code === 0 ? "PASS" : "MISS" },
    { measure: "GetRoleCredentials calls", unit: "", ...one(grc.calls), note: `${grc.byCode.TooManyRequestsException ?? 0} throttled` },
  ];
  return {
    id: "throttled",
    title: "4. Throttled fan-out",
    rows,
    notes: [
      `One run, no warm-up; emulator at ${LATENCY_MS} ms latency, --throttle-rps ${rps} (burst ${burst}, the default ceil(rps); the bucket starts full). Lower bound = (requests − burst) ÷ rate = ${bound.toFixed(2)} s; the plain requests ÷ rate is ${plainBound.toFixed(2)} s (ratio to it: ${(s / plainBound).toFixed(2)}×).`,
      `Exit code ${r.code}; wrote ${written.written} of ${written.total}; GetRoleCredentials calls ${grc.calls}, throttled (429) ${grc.byCode.TooManyRequestsException ?? 0}, other errors ${grc.errors - (grc.byCode.TooManyRequestsException ?? 0)}; achieved ${(written.written / s).toFixed(1)} keys/s.${r.code !== 0 ? ` stderr: ${tail(r.stderr)}` : ""}`,
    ],
    data: {
      profiles: n,
      rps,
      burst,
      seconds: s,
      boundS: bound,
      plainBoundS: plainBound,
      exitCode: r.code,
      written: written.written,
      calls: grc.calls,
      byCode: grc.byCode,
      maxRssKiB: r.maxRssKiB,
    },
  };
}
