// 5. Emulator throughput: GetRoleCredentials and ListAccounts requests/s with 64 concurrent
// keep-alive clients, generated in this process against a separately spawned emulator.
import { Agent, request } from "node:http";
import { startEmulator } from "../lib/emulator.mjs";
import { FIRST_ACCOUNT, ROLE, makeHome, cleanEnv, signIn, cachedAccessToken } from "../lib/sandbox.mjs";
import { median, summarize } from "../lib/stats.mjs";

export const CLIENTS = 64;
const ACCOUNTS = 100;

export async function throughput({ smoke }) {
  const windows = smoke ? 1 : 3;
  const windowMs = smoke ? 200 : 1000;
  const home = await makeHome("throughput");
  const emu = await startEmulator(home, { accounts: ACCOUNTS, "roles-per-account": 1 });
  const agent = new Agent({ keepAlive: true, maxSockets: CLIENTS });
  try {
    const env = cleanEnv(home, emu.url);
    await signIn(home, env, 0);
    const token = await cachedAccessToken(home);
    const { port } = new URL(emu.url);
    const operations = [
      { name: "GetRoleCredentials", path: (i) => `/federation/credentials?account_id=${FIRST_ACCOUNT + (i % ACCOUNTS)}&role_name=${ROLE}` },
      { name: "ListAccounts", path: () => "/assignment/accounts?max_result=20" },
    ];
    const calls = operations.map((op) => ({ op, get: (i) => call(agent, Number(port), op.path(i), token), windows: [] }));
    // Warm-up (sockets open, JIT warm), then the windows of both operations interleaved, so a
    // neighbour's burst of CPU on this machine hits both alike.
    for (const c of calls) await load(c.get, CLIENTS, smoke ? 100 : 300);
    for (let w = 0; w < windows; w++) for (const c of calls) c.windows.push(await load(c.get, CLIENTS, windowMs));
    const rows = [];
    const notes = [];
    for (const { op, windows: done } of calls) {
      const rps = done.map((x) => x.ok / (x.ms / 1000));
      const errors = done.reduce((a, x) => a + x.errors, 0);
      const latencies = done.flatMap((x) => x.latencies).sort((a, b) => a - b);
      rows.push({
        measure: `${op.name}, ${CLIENTS} clients`,
        unit: "req/s",
        ...summarize(rps),
        goal: "0 errors (no rate goal)",
        status: errors === 0 ? "PASS" : "MISS",
        note: `${errors} errors`,
      });
      notes.push(
        `${op.name}: latency p50 ${median(latencies).toFixed(1)} ms, p99 ${latencies[Math.floor(latencies.length * 0.99)]?.toFixed(1)} ms, ${errors} errors over ${done.reduce((a, x) => a + x.ok + x.errors, 0)} requests.`,
      );
    }
    notes.unshift(
      `${windows} windows of ${windowMs} ms per operation, the two operations alternating, after a short warm-up; node:http Agent keepAlive, maxSockets ${CLIENTS}, ${CLIENTS} loops each sending its next request when the last answer arrives. Load generator and emulator share the machine's cores; the emulator has ${ACCOUNTS} accounts (ListAccounts returns a page of 20).`,
    );
    return { id: "throughput", title: "5. Emulator throughput", rows, notes };
  } finally {
    agent.destroy();
    await emu.stop();
  }
}

/** `clients` loops, each sending its next request when the last is answered, until `ms` pass. */
async function load(get, clients, ms) {
  const started = performance.now();
  const end = started + ms;
  let ok = 0;
  let errors = 0;
  let seq = 0;
  const latencies = [];
  const loop = async () => {
    while (performance.now() < end) {
      const t = performance.now();
      const status = await get(seq++).catch(() => 0);
      latencies.push(performance.now() - t);
      if (status === 200) ok++;
      else errors++;
    }
  };
  await Promise.all(Array.from({ length: clients }, loop));
  return { ok, errors, ms: performance.now() - started, latencies };
}

/** One GET on loopback with the portal's bearer header; resolves with the status code. */
function call(agent, port, path, token) {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, agent, headers: { "x-amz-sso_bearer_token": token } }, (res) => {
      res.resume();
      res.once("end", () => resolve(res.statusCode));
      res.once("error", reject);
    });
    req.setTimeout(10_000, () => req.destroy(new Error("timeout")));
    req.once("error", reject);
    req.end();
  });
}
