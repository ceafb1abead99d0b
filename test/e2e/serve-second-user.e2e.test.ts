import { existsSync } from "node:fs";
import { chmod, stat } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startTestEmulator } from "../helpers/emulator.js";
import { runCli, runProcess } from "../helpers/run-process.js";
import { startServing, stopServers, type ServeProcess } from "../helpers/serve-process.js";
import { makeSessionHome } from "../helpers/session-home.js";

// Another local user against `sso-cli serve`: the attacker runs as uid 65534 (nobody) through
// setpriv. It can connect to the loopback port, but without the token it gets 401/403 and no
// keys, and it cannot read the 0600 token file. Needs root and setpriv (util-linux):
// test/tiers.ts, "second local user".

const SETPRIV = "/usr/bin/setpriv";
type Emulator = Awaited<ReturnType<typeof startTestEmulator>>;
let emu: Emulator;
let home: string;
let cleanup: () => Promise<void>;
const servers: ServeProcess[] = [];

beforeAll(async () => {
  // Under CI every tier runs (test/tiers.ts): a missing setpriv, or no root, fails here, clearly.
  if (!existsSync(SETPRIV)) throw new Error(`setpriv is missing at ${SETPRIV}: apt-get install -y util-linux`);
  if (process.getuid?.() !== 0) throw new Error("this test runs the attacker as uid 65534 through setpriv, which needs root");
  emu = await startTestEmulator({ accounts: 1, rolesPerAccount: 1, autoApproveMs: 0 });
});
afterAll(async () => {
  await emu?.close();
});
beforeEach(async () => {
  ({ home, cleanup } = await makeSessionHome(emu));
  return async () => {
    await stopServers(servers);
    await cleanup();
  };
});

const signIn = async () => {
  const r = await runCli(["login", "--profile", "p"], { home, env: emu.env });
  expect(r.code, r.stderr).toBe(0);
};

async function serving(args: string[] = []): Promise<{ server: ServeProcess; url: string }> {
  const started = await startServing(["serve", "--profile", "p", ...args], { home, env: emu.env });
  servers.push(started.server);
  return started;
}

describe("serve: another local user (uid 65534)", () => {
  it("another local user (uid 65534) without the token is refused, and cannot read the token file", async () => {
    await signIn();
    const tokenFile = join(home, "token");
    const { url } = await serving(["--token-file", tokenFile]);
    // The attacker needs to reach the file's name (to be refused by its mode), not to read HOME.
    await chmod(home, 0o711);
    const attack = `
      const url = process.argv[1], file = process.argv[2];
      const out = [];
      out.push((await fetch(url)).status);
      out.push((await fetch(url, { headers: { Authorization: "guess" } })).status);
      out.push((await fetch(url, { headers: { Authorization: "" } })).status);
      try { (await import("node:fs")).readFileSync(file); out.push("read"); } catch (e) { out.push(e.code); }
      console.log(out.join(" "));`;
    const r = await runProcess(
      SETPRIV,
      ["--reuid=65534", "--regid=65534", "--clear-groups", process.execPath, "--input-type=module", "-e", attack, url, tokenFile],
      { home: "/", cwd: "/" },
    );
    expect(r.stderr).toBe("");
    expect(r.stdout.trim()).toBe("401 403 401 EACCES");
    expect((await stat(tokenFile)).mode & 0o777).toBe(0o600);
  });
});
