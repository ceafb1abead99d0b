import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { roleCacheFileName } from "../../../src/files/role-cache.js";
import { login } from "../../../src/commands/login/login.js";
import { logout } from "../../../src/commands/logout/logout.js";
import { startTestEmulator } from "../../helpers/emulator.js";
import { sessionProfileConfig } from "../../helpers/sso-fixtures.js";
import { makeTempHome } from "../../helpers/temp-home.js";
import { createTestContext, type TestContext } from "../../helpers/test-context.js";

type Emulator = Awaited<ReturnType<typeof startTestEmulator>>;
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

/** Signed in with keys written for profile p (and hand-written keys for [mine]). */
async function signedIn(): Promise<{ ctx: TestContext; emu: Emulator }> {
  const { home, cleanup } = await makeTempHome();
  const ctx = createTestContext({ home });
  const emu = await startTestEmulator({ clock: () => ctx.now().getTime() });
  cleanups.push(cleanup, () => emu.close());
  ctx.endpoints = emu.endpoints;
  await mkdir(join(home, ".aws"), { recursive: true });
  await writeFile(ctx.paths.configFile, sessionProfileConfig({ startUrl: emu.startUrl }));
  await writeFile(ctx.paths.credentialsFile, "[mine]\naws_access_key_id = AKIAHANDWRITTEN00001\naws_secret_access_key = kept\n");
  await login(ctx, { profile: "p", browser: false, force: false, all: false });
  return { ctx, emu };
}

describe("logout in-process", () => {
  it("tells the service, deletes the token and the AWS CLI v2's role cache of that sign-in, and removes only sso-cli's keys", async () => {
    const { ctx, emu } = await signedIn();
    const roleCache = join(
      ctx.paths.cliCacheDir,
      roleCacheFileName({ accountId: "100000000001", roleName: "AdministratorAccess", sessionName: "s" }),
    );
    await mkdir(ctx.paths.cliCacheDir, { recursive: true });
    await writeFile(roleCache, JSON.stringify({ ProviderType: "sso", Credentials: {} }));
    const r = await logout(ctx, { profile: "p" });
    expect(r.signedOut.map((s) => s.outcome)).toEqual(["signed-out"]);
    expect(r.removedProfiles).toEqual(["p"]);
    expect(r.removedRoleCacheFiles).toBe(1);
    expect(emu.state.stats.operations.Logout?.calls).toBe(1);
    expect(await readFile(ctx.paths.credentialsFile, "utf8")).toBe(
      "[mine]\naws_access_key_id = AKIAHANDWRITTEN00001\naws_secret_access_key = kept\n",
    );
    expect((await readdir(ctx.paths.ssoCacheDir)).filter((f) => f.endsWith(".json"))).toHaveLength(1); // the registration only
  });

  it("works offline: the token is still removed here, and the result says the service could not be told", async () => {
    const { ctx, emu } = await signedIn();
    await emu.close();
    const r = await logout(ctx, { profile: "p" });
    expect(r.signedOut.map((s) => s.outcome)).toEqual(["unreachable"]);
    expect(r.removedProfiles).toEqual(["p"]);
  });

  it("keeps an empty section a person wrote for the profile, with its blank line, byte for byte", async () => {
    const { home, cleanup } = await makeTempHome();
    const ctx = createTestContext({ home });
    const emu = await startTestEmulator({ clock: () => ctx.now().getTime() });
    cleanups.push(cleanup, () => emu.close());
    ctx.endpoints = emu.endpoints;
    await mkdir(join(home, ".aws"), { recursive: true });
    await writeFile(ctx.paths.configFile, sessionProfileConfig({ startUrl: emu.startUrl }));
    const credentials = "[p]\n\n[mine]\naws_access_key_id = AKIAHANDWRITTEN00001\naws_secret_access_key = kept\n";
    await writeFile(ctx.paths.credentialsFile, credentials);
    await login(ctx, { profile: "p", browser: false, force: false, all: false });
    expect(await readFile(ctx.paths.credentialsFile, "utf8")).toMatch(/^\[p\]\naws_access_key_id = /);
    expect((await logout(ctx, { profile: "p" })).removedProfiles).toEqual(["p"]);
    expect(await readFile(ctx.paths.credentialsFile, "utf8")).toBe(credentials);
  });

  it("a second logout finds nothing to do", async () => {
    const { ctx } = await signedIn();
    await logout(ctx, { profile: "p" });
    expect(await logout(ctx, { all: true })).toMatchObject({
      signedOut: [],
      removedProfiles: [],
      keptProfiles: [],
      removedRoleCacheFiles: 0,
    });
  });
});
