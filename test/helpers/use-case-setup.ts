import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach } from "vitest";
import { formatTimestamp, formatTokenCacheEntry, tokenCacheFileName } from "../../src/files/token-cache.js";
import { startTestEmulator } from "./emulator.js";
import { sessionProfileConfig } from "./sso-fixtures.js";
import { makeTempHome } from "./temp-home.js";
import { createTestContext, type TestContext, type TestContextOptions } from "./test-context.js";

/** For use-case tests: a test context and an emulator on its fake clock, a config file, and cached sign-ins. */
export type Emulator = Awaited<ReturnType<typeof startTestEmulator>>;

export interface UseCaseSetup {
  ctx: TestContext;
  emu: Emulator;
  cleanup(): Promise<void>;
}

export interface UseCaseSetupOptions {
  config?: (startUrl: string) => string;
  knobs?: Parameters<typeof startTestEmulator>[0];
  context?: Partial<Omit<TestContextOptions, "home">>;
}

/** `setUpUseCase` for a test file: each test's HOME and emulator are cleaned up after it. */
export function useCaseSetups(): (o?: UseCaseSetupOptions) => Promise<UseCaseSetup> {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0)) await c();
  });
  return async (o = {}) => {
    const s = await setUpUseCase(o);
    cleanups.push(s.cleanup);
    return s;
  };
}

export async function setUpUseCase(o: UseCaseSetupOptions = {}): Promise<UseCaseSetup> {
  const { home, cleanup } = await makeTempHome();
  const ctx = createTestContext({ home, ...o.context });
  const emu = await startTestEmulator({ clock: () => ctx.now().getTime(), ...o.knobs });
  ctx.endpoints = emu.endpoints;
  await mkdir(join(home, ".aws"), { recursive: true });
  await writeFile(ctx.paths.configFile, (o.config ?? ((u) => sessionProfileConfig({ startUrl: u, region: "eu-west-1" })))(emu.startUrl));
  return {
    ctx,
    emu,
    cleanup: async () => {
      await emu.close();
      await cleanup();
    },
  };
}

/**
 * A token in the cache, as `sso-cli login` or `aws sso login` leaves it: for sso-session `session`
 * (default "s"), or for a legacy start URL with `session: null`.
 */
export async function seedSignIn(
  ctx: TestContext,
  emu: Emulator,
  o: { expiresInMs?: number; refreshable?: boolean; session?: string | null; region?: string } = {},
): Promise<{ accessToken: string }> {
  const client = emu.state.registerClient({ clientName: "c", scopes: ["sso:account:access"], grantTypes: [], redirectUris: [] });
  const tokens = emu.state.issueTokens(emu.state.startSession(client.clientId));
  const session = o.session === undefined ? "s" : o.session;
  await mkdir(ctx.paths.ssoCacheDir, { recursive: true });
  await writeFile(
    join(ctx.paths.ssoCacheDir, tokenCacheFileName({ ssoSession: session ?? undefined, startUrl: emu.startUrl })),
    formatTokenCacheEntry({
      startUrl: emu.startUrl,
      region: o.region ?? "eu-west-1",
      accessToken: tokens.accessToken,
      expiresAt: formatTimestamp(new Date(ctx.now().getTime() + (o.expiresInMs ?? 8 * 3600_000))),
      ...(o.refreshable
        ? {
            clientId: client.clientId,
            clientSecret: client.clientSecret,
            registrationExpiresAt: formatTimestamp(new Date(client.expiresAtMs)),
            refreshToken: tokens.refreshToken,
          }
        : {}),
    }),
  );
  return { accessToken: tokens.accessToken };
}

export const calls = (emu: Emulator, op: string): number => emu.state.stats.operations[op]?.calls ?? 0;
