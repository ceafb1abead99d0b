import { writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import type { Context } from "../context.js";
import { BadValueError, UsageError } from "../errors.js";
import pkg from "../../package.json" with { type: "json" };
import { parseInjectionSpec, type Injection } from "./faults.js";
import { writeAwsDataPath } from "./aws-data-path.js";
import { readEmulatorFlags } from "./emulator-settings.js";
import { startEmulator } from "./start-emulator.js";

/**
 * `sso-cli emulator`: runs until SIGINT/SIGTERM. URL and exports on stdout, request log on stderr.
 * `parsed` is what commander parsed; emulator-settings.ts checks and types it.
 */
export async function runEmulator(ctx: Context, parsed: Record<string, unknown>): Promise<void> {
  const { port, portFile, inject, awsDataPath, tls, caFile, ...settings } = readEmulatorFlags(parsed);
  if (caFile !== undefined && !tls) throw new UsageError("--ca-file goes with --tls (a plain HTTP emulator has no certificate).");
  const injections: Injection[] = [];
  for (const spec of inject) {
    const i = parseInjectionSpec(spec);
    if (!i)
      throw new UsageError(
        `--inject ${spec}: expected OPERATION:STATUS:ERROR[:COUNT], e.g. GetRoleCredentials:500:InternalServerException:2`,
      );
    injections.push(i);
  }
  const emu = await startEmulator({
    ...settings,
    port,
    injections,
    tls,
    version: pkg.version,
    log: (line) => void ctx.stderr.write(`${line}\n`),
  }).catch((err: NodeJS.ErrnoException) => {
    // Not a usage error: the command line was right, the port is taken (a bad value for now).
    if (err.code === "EADDRINUSE")
      throw new BadValueError(`Port ${port} is already in use.`, "Pick another with --port, or --port 0 for a free one.");
    throw err;
  });
  // The CA first: a script waiting for the port file may use the CA as soon as it sees the port.
  const caPath = caFile === undefined ? undefined : resolve(caFile);
  if (caPath && emu.caPem) await writeFile(caPath, emu.caPem);
  if (portFile !== undefined) await writeFile(portFile, `${emu.port}\n`);
  const dataPath = awsDataPath === undefined ? undefined : resolve(awsDataPath);
  if (dataPath) await writeAwsDataPath(dataPath, emu.url);
  ctx.stdout.write(
    [
      `sso-cli emulator listening on ${emu.url}`,
      `  start URL: ${emu.startUrl}   region: ${emu.region}   user: ${emu.state.options.user}`,
      `  accounts: ${emu.state.options.accounts} × ${emu.state.options.rolesPerAccount} roles   sign-in: ${emu.state.options.autoApproveMs < 0 ? `approve at ${emu.url}/device` : `auto-approved after ${emu.state.options.autoApproveMs} ms`}`,
      "Point AWS clients at it:",
      `export AWS_ENDPOINT_URL_SSO=${emu.url}`,
      `export AWS_ENDPOINT_URL_SSO_OIDC=${emu.url}`,
      `export AWS_ENDPOINT_URL_STS=${emu.url}`,
      `export AWS_ENDPOINT_URL_SIGNIN=${emu.url}`,
      ...(dataPath ? [`export AWS_DATA_PATH=${dataPath}   # for the AWS CLI v2 before 2.13`] : []),
      ...(caPath
        ? [`export AWS_CA_BUNDLE=${caPath}`]
        : tls
          ? ["# --tls without --ca-file: clients cannot verify it; add --ca-file FILE and export AWS_CA_BUNDLE=FILE"]
          : []),
      "",
    ].join("\n"),
  );
  await new Promise<void>((resolve) => {
    if (ctx.signal.aborted) resolve();
    else ctx.signal.addEventListener("abort", () => resolve(), { once: true });
  });
  ctx.stderr.write("sso-cli emulator: stopping\n");
  await emu.close();
}
