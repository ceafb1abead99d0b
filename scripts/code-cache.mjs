// Makes dist/cli/entry.cjs.cache, V8's code cache of the entry that bin/sso-cli loads with it
// (src/cli/launch.ts). It is taken after runs of the commands scripts call most, each answered
// from the files alone: credential-process and export with the role keys cached, and an
// up-to-date login. So the cache holds the functions those commands compile lazily too, which
// is most of what it saves. The runs use this build's own emulator in a throwaway HOME; each
// starts from the cache the one before left, so the last holds what any of them compiled.
import { spawnSync } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { spawnEmulator } from "./emulator-process.mjs";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const BIN = join(ROOT, "bin", "sso-cli");
const ENTRY = join(ROOT, "dist", "cli", "entry.cjs");
const RUNNER = join(ROOT, "scripts", "code-cache-run.cjs");
const START_URL = "https://d-0000000000.awsapps.com/start";

/** The hot paths, as scripts call them (the first two also fill the role cache the rest read). */
const TRAINING = [
  ["credential-process", "--profile", "p"],
  ["export", "--profile", "p"],
  ["export", "--profile", "p", "--format", "env"],
  ["login", "--profile", "p"],
  ["login"],
  ["--version"],
];

export async function buildCodeCache() {
  await rm(`${ENTRY}.cache`, { force: true });
  const home = await mkdtemp(join(tmpdir(), "sso-cli-code-cache-"));
  let emulator;
  try {
    emulator = await spawnEmulator(BIN, home);
    const url = emulator.url;
    const env = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: home, LANG: "C.UTF-8", NO_COLOR: "1", BROWSER: "none", AWS_ENDPOINT_URL_SSO: url, AWS_ENDPOINT_URL_SSO_OIDC: url, AWS_ENDPOINT_URL_STS: url, AWS_EC2_METADATA_DISABLED: "true" };
    await mkdir(join(home, ".aws"), { recursive: true, mode: 0o700 });
    await writeFile(
      join(home, ".aws", "config"),
      `[sso-session s]\nsso_start_url = ${START_URL}\nsso_region = us-east-1\nsso_registration_scopes = sso:account:access\n\n[profile p]\nsso_session = s\nsso_account_id = 100000000001\nsso_role_name = AdministratorAccess\nregion = us-east-1\n`,
      { mode: 0o600 },
    );
    // Signs in (device code, which the emulator approves) and writes the keys: from here on, no network.
    run([BIN, "login", "--profile", "p"], env);
    for (const argv of TRAINING) run([RUNNER, ...argv], env);
    const check = spawnSync(process.execPath, ["-e", `process.stdout.write(String(require(${JSON.stringify(join(ROOT, "dist", "cli", "launch.cjs"))}).loadEntry(${JSON.stringify(ENTRY)}).cacheAccepted))`], { encoding: "utf8", env });
    if (check.stdout !== "true") throw new Error(`this Node rejects the cache it made (${check.stdout || check.stderr.trim()})`);
  } catch (err) {
    await rm(`${ENTRY}.cache`, { force: true });
    throw err;
  } finally {
    await emulator?.stop();
    await rm(home, { recursive: true, force: true });
  }
}

function run(args, env) {
  const r = spawnSync(process.execPath, args, { env, encoding: "utf8", stdio: ["ignore", "ignore", "pipe"], timeout: 60_000 });
  if (r.status !== 0) throw new Error(`sso-cli ${args.slice(1).join(" ")} exited ${r.status ?? r.signal}: ${r.stderr.trim().split("\n").at(-1)}`);
}
