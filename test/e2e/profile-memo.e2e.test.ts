import { mkdir, readdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SETTLED_MS } from "../../src/role-keys/profile-memo.entry.js";
import { startTestEmulator } from "../helpers/emulator.js";
import { runCli } from "../helpers/run-process.js";
import { makeTempHome } from "../helpers/temp-home.js";

// credential-process as scripts run it, again and again: the profile is resolved from the config
// once and remembered while the file is unchanged (src/role-keys/profile-memo.entry.ts). What a
// user must be able to count on: an edit of the config is seen at once, and the memo holds no secret.

type Emulator = Awaited<ReturnType<typeof startTestEmulator>>;

const config = (startUrl: string, p: string, q: string): string =>
  [
    "[sso-session s]",
    `sso_start_url = ${startUrl}`,
    "sso_region = us-east-1",
    "sso_registration_scopes = sso:account:access",
    "",
    "[profile p]",
    "sso_session = s",
    `sso_account_id = ${p}`,
    "sso_role_name = AdministratorAccess",
    "region = us-east-1",
    "",
    "[profile q]",
    "sso_session = s",
    `sso_account_id = ${q}`,
    "sso_role_name = AdministratorAccess",
    "region = eu-west-1",
    "",
  ].join("\n");

describe("credential-process remembers the profile it resolved while the config is unchanged", () => {
  let emu: Emulator;
  beforeAll(async () => {
    emu = await startTestEmulator({ accounts: 2, rolesPerAccount: 1 });
  });
  afterAll(async () => {
    await emu.close();
  });

  it("answers from the memo, sees an edit of the config at once, and keeps no secret in it", async () => {
    const { home, cleanup } = await makeTempHome();
    try {
      const configFile = join(home, ".aws", "config");
      const run = (profile: string) => runCli(["credential-process", "--profile", profile], { home, env: emu.env });
      const keyOf = (r: { stdout: string }) => (JSON.parse(r.stdout) as { AccessKeyId: string }).AccessKeyId;
      await mkdir(join(home, ".aws"), { recursive: true });
      await writeFile(configFile, config(emu.startUrl, "100000000001", "100000000002"));
      const login = await runCli(["login", "--sso-session", "s"], { home, env: emu.env });
      expect(login.code, login.stderr).toBe(0);
      // Both accounts' keys in the role cache the AWS CLI shares.
      const [first, second] = [await run("p"), await run("q")];
      expect(first.code, first.stderr).toBe(0);
      expect(second.code, second.stderr).toBe(0);
      const [keyP, keyQ] = [keyOf(first), keyOf(second)];
      expect(keyP).not.toBe(keyQ);

      // Once the file has settled, the next run remembers p's profile; later runs answer from it.
      await sleep(SETTLED_MS + 200);
      expect(keyOf(await run("p"))).toBe(keyP);
      const memo = join(home, ".cache", "sso-cli", "profiles.json");
      expect((await stat(memo)).mode & 0o777).toBe(0o600);
      const kept = await readFile(memo, "utf8");
      expect(kept).toContain("100000000001");
      expect(kept).not.toContain(keyP);
      expect(kept).not.toMatch(/ASIA|SecretAccessKey|SessionToken|accessToken/);
      expect(keyOf(await run("p"))).toBe(keyP);

      // The memo is what answers: pointed at q's cached keys, p's answer is q's.
      const memoText = kept.replace(/"roleCacheFile":"[0-9a-f]{40}\.json"/, `"roleCacheFile":"${await roleCacheFileOf(home, keyQ)}"`);
      await writeFile(memo, memoText, { mode: 0o600 });
      expect(keyOf(await run("p"))).toBe(keyQ);

      // An edit of the config is seen at once: p now names q's account.
      await writeFile(configFile, config(emu.startUrl, "100000000002", "100000000002"));
      const edited = await run("p");
      expect(edited.code, edited.stderr).toBe(0);
      expect(JSON.parse(edited.stdout)).toMatchObject({ AccessKeyId: keyQ });
      // And back: p names its own account again, whatever the memo said before.
      await writeFile(configFile, config(emu.startUrl, "100000000001", "100000000002"));
      expect(keyOf(await run("p"))).toBe(keyP);
    } finally {
      await cleanup();
    }
  });
});

/** The role-cache file that holds this key id (~/.aws/cli/cache). */
async function roleCacheFileOf(home: string, accessKeyId: string): Promise<string> {
  const dir = join(home, ".aws", "cli", "cache");
  for (const name of await readdir(dir)) if ((await readFile(join(dir, name), "utf8")).includes(accessKeyId)) return name;
  throw new Error(`no role-cache file holds ${accessKeyId}`);
}
