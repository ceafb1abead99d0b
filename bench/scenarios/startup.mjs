// 1. Start-up: `sso-cli --version` and `sso-cli --help` against bare `node -e 0`.
import { mustRun } from "../lib/measure.mjs";
import { BIN, NODE, makeHome, cleanEnv } from "../lib/sandbox.mjs";
import { ratioOf, rotate, summarize } from "../lib/stats.mjs";

export const GOAL_RATIO = 1.5;

export async function startup({ smoke }) {
  const runs = smoke ? 1 : 15;
  const warmups = smoke ? 0 : 1;
  const home = await makeHome("startup");
  const env = cleanEnv(home, "http://127.0.0.1:9");
  const commands = [
    { key: "node", label: "node -e 0", args: ["-e", "0"] },
    { key: "version", label: "sso-cli --version", args: [BIN, "--version"] },
    { key: "help", label: "sso-cli --help", args: [BIN, "--help"] },
  ];
  const ms = { node: [], version: [], help: [] };
  for (let round = 0; round < warmups + runs; round++) {
    for (const c of rotate(commands, round)) {
      const r = await mustRun(NODE, c.args, { env, cwd: home });
      if (round >= warmups) ms[c.key].push(r.ms);
    }
  }
  const rows = commands.map((c) => ({ measure: c.label, unit: "ms", ...summarize(ms[c.key]) }));
  for (const key of ["version", "help"]) {
    const r = ratioOf(ms[key], ms.node);
    const label = commands.find((c) => c.key === key).label;
    rows.push({
      measure: `${label} ÷ node -e 0`,
      unit: "×",
      ...r,
      goal: `≤ ${GOAL_RATIO}×`,
      status: r.median <= GOAL_RATIO ? "PASS" : "MISS",
    });
  }
  return {
    id: "startup",
    title: "1. Start-up",
    rows,
    notes: [
      `${runs} interleaved runs each (order rotated every round) after ${warmups} warm-up round; spread of a ratio = range of the per-round ratios.`,
    ],
  };
}
