import { readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SETTLED_MS } from "../../src/files/remembered-answers.js";
import { startTestEmulator } from "../helpers/emulator.js";
import { runCli } from "../helpers/run-process.js";
import { makeSessionHome } from "../helpers/session-home.js";

// `login --profile p` as scripts run it before every job: an up-to-date answer is remembered while
// the files it came from are unchanged (src/commands/login/login-memo.entry.ts). What a user must be
// able to count on: any change to the token, the keys or the config is seen at once.

type Emulator = Awaited<ReturnType<typeof startTestEmulator>>;
const UP_TO_DATE = /^Already signed in; keys for 1 profile valid until .+\. \(--force renews them\.\)\n$/;

describe("an up-to-date login is remembered while its files are unchanged", () => {
  let emu: Emulator;
  beforeAll(async () => {
    emu = await startTestEmulator({ accounts: 1, rolesPerAccount: 1 });
  });
  afterAll(async () => {
    await emu.close();
  });

  it("answers again from the memo, holds no secret, and sees a changed credentials file, token or config at once", async () => {
    const { home, cleanup } = await makeSessionHome(emu, { signIn: true });
    try {
      const login = () => runCli(["login", "--profile", "p"], { home, env: emu.env });
      await sleep(SETTLED_MS + 200);
      const first = await login();
      expect(first.code, first.stderr).toBe(0);
      expect(first.stderr).toMatch(UP_TO_DATE);
      const memo = join(home, ".cache", "sso-cli", "logins.json");
      expect((await stat(memo)).mode & 0o777).toBe(0o600);
      const kept = await readFile(memo, "utf8");
      const credentialsFile = join(home, ".aws", "credentials");
      const keyId = /aws_access_key_id = (\S+)/.exec(await readFile(credentialsFile, "utf8"))![1]!;
      expect(kept).not.toContain(keyId);
      expect(kept).not.toMatch(/ASIA|aws_secret|accessToken|refreshToken/);
      // The memo answers: the same line, exit 0.
      const again = await login();
      expect(again.code, again.stderr).toBe(0);
      expect(again.stderr).toMatch(UP_TO_DATE);

      // Keys taken out of the credentials file by hand: the next login writes them again.
      const credentials = await readFile(credentialsFile, "utf8");
      await writeFile(credentialsFile, credentials.replace(/aws_access_key_id = \S+\n/, ""));
      const renewed = await login();
      expect(renewed.code, renewed.stderr).toBe(0);
      expect(renewed.stderr).not.toMatch(/Already signed in/);
      expect(await readFile(credentialsFile, "utf8")).toMatch(/aws_access_key_id = ASIA/);

      // Signed out (the token gone): login signs in again, it does not say "Already signed in".
      await sleep(SETTLED_MS + 200);
      expect((await login()).stderr).toMatch(UP_TO_DATE);
      const out = await runCli(["logout", "--profile", "p"], { home, env: emu.env });
      expect(out.code, out.stderr).toBe(0);
      const afterLogout = await login();
      expect(afterLogout.code, afterLogout.stderr).toBe(0);
      expect(afterLogout.stderr).not.toMatch(/Already signed in/);
    } finally {
      await cleanup();
    }
  });
});
