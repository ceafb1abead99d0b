import { startEmulator, type RunningEmulator, type StartEmulatorOptions } from "../../src/emulator/start-emulator.js";

/** An in-process emulator on a free loopback port, plus the env that points AWS clients at it. */
export async function startTestEmulator(opts: StartEmulatorOptions = {}): Promise<RunningEmulator & { env: Record<string, string> }> {
  const emu = await startEmulator({ port: 0, ...opts });
  return Object.assign(emu, {
    env: {
      AWS_ENDPOINT_URL_SSO: emu.url,
      AWS_ENDPOINT_URL_SSO_OIDC: emu.url,
      AWS_ENDPOINT_URL_STS: emu.url,
      AWS_ENDPOINT_URL_SIGNIN: emu.url,
    },
  });
}
