// Throwaway HOMEs, config files and environments built from nothing: the developer's own AWS_*
// variables and ~/.aws never reach a benchmark run.
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { mustRun } from "./measure.mjs";

export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
/** The sso-cli every scenario runs: bin/sso-cli of the repository until `snapshotBuild()`. */
export let BIN = join(REPO_ROOT, "bin", "sso-cli");
export const NODE = process.execPath;
export const START_URL = "https://d-0000000000.awsapps.com/start";
export const REGION = "us-east-1";
export const FIRST_ACCOUNT = 100000000001;
export const ROLE = "AdministratorAccess";

const homes = new Set();

/** A fresh, empty HOME under the system temp folder; removed by `removeHomes()`. */
export async function makeHome(label) {
  const home = await mkdtemp(join(tmpdir(), `sso-cli-bench-${label}-`));
  await mkdir(join(home, ".aws"), { recursive: true, mode: 0o700 });
  homes.add(home);
  return home;
}

export async function removeHomes() {
  await Promise.all([...homes].map((h) => rm(h, { recursive: true, force: true })));
  homes.clear();
}

/** The whole environment of every benchmarked process: nothing is inherited but PATH. */
export function cleanEnv(home, url, extra = {}) {
  return {
    PATH: process.env.PATH ?? "/usr/local/bin:/usr/bin:/bin",
    HOME: home,
    LANG: "C.UTF-8",
    NO_COLOR: "1",
    BROWSER: "none",
    AWS_ENDPOINT_URL_SSO: url,
    AWS_ENDPOINT_URL_SSO_OIDC: url,
    AWS_ENDPOINT_URL_STS: url,
    // If a client ever fell through its credential chain, it must not wait for an instance-metadata timeout.
    AWS_EC2_METADATA_DISABLED: "true",
    ...extra,
  };
}

/** `~/.aws/config` with one sso-session `s` and `n` profiles p0…p(n-1) on accounts 100000000001…. */
export async function writeConfig(home, n) {
  const parts = [`[sso-session s]\nsso_start_url = ${START_URL}\nsso_region = ${REGION}\nsso_registration_scopes = sso:account:access\n`];
  for (let i = 0; i < n; i++) {
    parts.push(
      `\n[profile p${i}]\nsso_session = s\nsso_account_id = ${FIRST_ACCOUNT + i}\nsso_role_name = ${ROLE}\nregion = ${REGION}\noutput = json\n`,
    );
  }
  await writeFile(join(home, ".aws", "config"), parts.join(""), { mode: 0o600 });
}

/**
 * Signs in once for sso-session `s` with a config that has no profile yet, so the sign-in fetches
 * no keys (a throttled emulator's bucket stays untouched); then writes the config with `profiles`.
 */
export async function signIn(home, env, profiles) {
  await writeConfig(home, 0);
  await mustRun(NODE, [BIN, "login", "--sso-session", "s"], { env, cwd: home, timeoutMs: 60_000 });
  await writeConfig(home, profiles);
}

/** Forgets the keys a login wrote (credentials file and sso-cli's ledger); the token stays cached. */
export async function forgetKeys(home) {
  await rm(join(home, ".aws", "credentials"), { force: true });
  await rm(join(home, ".aws", "sso-cli", "credentials-ledger.json"), { force: true });
}

/** The access token of the cached sign-in (for the load generator; never printed). */
export async function cachedAccessToken(home) {
  const dir = join(home, ".aws", "sso", "cache");
  for (const name of await readdir(dir)) {
    const entry = JSON.parse(await readFile(join(dir, name), "utf8"));
    if (typeof entry.accessToken === "string") return entry.accessToken;
  }
  throw new Error(`no cached access token in ${dir}`);
}

/** "Wrote keys for X of Y profiles" from a login's stderr, or undefined. */
export function parseWritten(stderr) {
  const m = /Wrote keys for (\d+) of (\d+) profile/.exec(stderr);
  return m ? { written: Number(m[1]), total: Number(m[2]) } : undefined;
}

/**
 * Copies bin/ and dist/ (without source maps) to a temporary folder and points BIN at that copy,
 * so the whole run measures one build even if `npm run build` replaces dist/ meanwhile. The copy
 * is checked for completeness (every relative import resolves); a copy caught mid-build is retried.
 */
export async function snapshotBuild() {
  for (let attempt = 1; ; attempt++) {
    const root = await makeHome("build");
    try {
      await cp(join(REPO_ROOT, "bin"), join(root, "bin"), { recursive: true });
      // dist/ is the whole program: every dependency is bundled, as in the package a user installs.
      await cp(join(REPO_ROOT, "dist"), join(root, "dist"), { recursive: true });
      await cp(join(REPO_ROOT, "package.json"), join(root, "package.json"));
      const missing = await unresolvedImports(join(root, "dist"));
      if (missing.length === 0) {
        BIN = join(root, "bin", "sso-cli");
        return root;
      }
      throw new Error(`incomplete build, missing ${missing.slice(0, 3).join(", ")}`);
    } catch (err) {
      if (attempt >= 5) throw new Error(`could not copy a complete dist/ (is \`npm run build\` running?): ${err.message}`);
      await new Promise((r) => setTimeout(r, 2000));
    }
  }
}

async function unresolvedImports(dist) {
  const missing = [];
  const files = (await readdir(dist, { recursive: true })).filter((f) => f.endsWith(".js"));
  if (!files.includes(join("cli", "main.js"))) return ["cli/main.js"];
  for (const f of files) {
    const text = await readFile(join(dist, f), "utf8");
    for (const m of text.matchAll(/(?:from\s*|import\s*\(\s*)"(\.{1,2}\/[^"]+)"/g)) {
      const target = resolve(dirname(join(dist, f)), m[1]);
      if (!existsSync(target)) missing.push(target);
    }
  }
  return missing;
}
