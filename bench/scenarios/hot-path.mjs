// 2. Script hot path: what scripts and tools run before every job, all with everything still valid
// (no network): `sso-cli login --profile p`, `sso-cli credential-process --profile p` (role keys
// in the role cache the AWS CLI v2 shares), against bare node and against
// `aws configure export-credentials --profile p` (AWS CLI v2, warm).
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { findAwsCliV2, writeAwsDataPath } from "../lib/aws-cli-v2.mjs";
import { startEmulator, totalCalls } from "../lib/emulator.mjs";
import { mustRun } from "../lib/measure.mjs";
import { BIN, NODE, makeHome, cleanEnv, signIn } from "../lib/sandbox.mjs";
import { ratioOf, rotate, summarize } from "../lib/stats.mjs";

/** An up-to-date `login` ÷ bare Node. */
export const GOAL_VS_NODE = 1.3;
/** `credential-process` ÷ bare Node: tools run it before every AWS call, so it is held to more. */
export const GOAL_CREDENTIAL_PROCESS_VS_NODE = 1.2;
export const GOAL_VS_AWS = 6;
/** src/files/remembered-answers.ts: nothing worked out from a file changed less than this long ago is remembered. */
const SETTLED_MS = 3_000;

export async function hotPath({ smoke }) {
  const runs = smoke ? 1 : 20;
  const warmups = smoke ? 0 : 1;
  const home = await makeHome("hot-path");
  const emu = await startEmulator(home, { accounts: 3, "roles-per-account": 2 });
  const notes = [];
  try {
    const aws = findAwsCliV2(home);
    const extra = {};
    if (aws.path) extra.AWS_DATA_PATH = await writeAwsDataPath(await mkdirp(join(home, "bench")), emu.url);
    const env = cleanEnv(home, emu.url, extra);
    await signIn(home, env, 1);
    // The first login writes the keys; from then on the hot path makes no network call.
    await mustRun(NODE, [BIN, "login", "--profile", "p0"], { env, cwd: home });
    // Once, so the role keys are in ~/.aws/cli/cache: credential-process answers from there.
    await mustRun(NODE, [BIN, "credential-process", "--profile", "p0"], { env, cwd: home });
    // Scripts meet files written long before: once they have settled, login and credential-process
    // remember what they work out from them (src/files/remembered-answers.ts), as they would for them.
    await new Promise((r) => setTimeout(r, smoke ? 0 : SETTLED_MS + 100));
    await mustRun(NODE, [BIN, "login", "--profile", "p0"], { env, cwd: home });
    await mustRun(NODE, [BIN, "credential-process", "--profile", "p0"], { env, cwd: home });
    const commands = [
      { key: "node", label: "node -e 0", command: NODE, args: ["-e", "0"] },
      { key: "sso", label: "sso-cli login --profile p", command: NODE, args: [BIN, "login", "--profile", "p0"] },
      { key: "proc", label: "sso-cli credential-process --profile p", command: NODE, args: [BIN, "credential-process", "--profile", "p0"] },
    ];
    if (aws.path) {
      // Once, so the CLI v2 caches the role credentials in ~/.aws/cli/cache: measured runs are offline too.
      await mustRun(aws.path, ["configure", "export-credentials", "--profile", "p0"], { env, cwd: home });
      commands.push({
        key: "aws",
        label: "aws configure export-credentials --profile p",
        command: aws.path,
        args: ["configure", "export-credentials", "--profile", "p0"],
      });
      notes.push(`AWS CLI: ${aws.version} (${aws.path}), redirected with AWS_DATA_PATH, role credentials cached by one warm-up call.`);
    } else {
      notes.push(`AWS CLI v2 column skipped: ${aws.missing}.`);
    }
    await emu.resetStats();
    const ms = Object.fromEntries(commands.map((c) => [c.key, []]));
    for (let round = 0; round < warmups + runs; round++) {
      for (const c of rotate(commands, round)) {
        const r = await mustRun(c.command, c.args, { env, cwd: home });
        if (round >= warmups) ms[c.key].push(r.ms);
      }
    }
    const calls = totalCalls(await emu.stats());
    const rows = commands.map((c) => ({ measure: c.label, unit: "ms", ...summarize(ms[c.key]) }));
    for (const [key, name, goal] of [
      ["sso", "sso-cli login", GOAL_VS_NODE],
      ["proc", "sso-cli credential-process", GOAL_CREDENTIAL_PROCESS_VS_NODE],
    ]) {
      const vsNode = ratioOf(ms[key], ms.node);
      rows.push({
        measure: `${name} ÷ node -e 0`,
        unit: "×",
        ...vsNode,
        goal: `≤ ${goal}×`,
        status: vsNode.median <= goal ? "PASS" : "MISS",
      });
    }
    for (const [key, name] of [
      ["sso", "sso-cli login"],
      ["proc", "sso-cli credential-process"],
    ]) {
      const measure = `aws export-credentials ÷ ${name}`;
      if (aws.path) {
        const speedup = ratioOf(ms.aws, ms[key]);
        rows.push({ measure, unit: "×", ...speedup, goal: `≥ ${GOAL_VS_AWS}×`, status: speedup.median >= GOAL_VS_AWS ? "PASS" : "MISS" });
      } else {
        rows.push({
          measure,
          unit: "×",
          median: Number.NaN,
          min: Number.NaN,
          max: Number.NaN,
          n: 0,
          goal: `≥ ${GOAL_VS_AWS}×`,
          status: "SKIP",
        });
      }
    }
    rows.push({
      measure: "emulator calls during measured runs",
      unit: "",
      median: calls,
      min: calls,
      max: calls,
      n: 0,
      goal: "0",
      status: calls === 0 ? "PASS" : "MISS",
    });
    notes.unshift(
      `${runs} interleaved runs each after ${warmups} warm-up round; token and keys valid for hours, so no command calls the service.`,
    );
    return { id: "hot-path", title: "2. Script hot path", rows, notes };
  } finally {
    await emu.stop();
  }
}

async function mkdirp(dir) {
  await mkdir(dir, { recursive: true });
  return dir;
}
