import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { expect } from "vitest";
import { runCli } from "./run-process.js";
import { sessionProfileConfig } from "./sso-fixtures.js";
import { makeTempHome } from "./temp-home.js";

/**
 * A throwaway HOME whose ~/.aws/config holds the session profile `p` of the emulator's sign-in
 * (sessionProfileConfig); with `signIn`, signed in by `sso-cli login --profile p` too.
 */
export async function makeSessionHome(
  emu: { startUrl: string; env: Record<string, string> },
  opts: { signIn?: boolean } = {},
): Promise<{ home: string; cleanup(): Promise<void> }> {
  const temp = await makeTempHome();
  await mkdir(join(temp.home, ".aws"), { recursive: true });
  await writeFile(join(temp.home, ".aws", "config"), sessionProfileConfig({ startUrl: emu.startUrl }));
  if (opts.signIn) {
    const login = await runCli(["login", "--profile", "p"], { home: temp.home, env: emu.env });
    expect(login.code, login.stderr).toBe(0);
  }
  return temp;
}
