import { writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import type { Context } from "../context.js";
import { UsageError } from "../errors.js";
import pkg from "../../package.json" with { type: "json" };
import { parseInjectionSpec, type Injection } from "./faults.js";
import { writeAwsDataPath } from "./aws-data-path.js";
import { startEmulator } from "./start-emulator.js";

/** `sso-cli emulator`: runs until SIGINT/SIGTERM. URL and exports on stdout, request log on stderr. */
export async function runEmulator(ctx: Context, opts: Record<string, unknown>): Promise<void> {
  const injections: Injection[] = [];
  for (const spec of (opts.inject as string[] | undefined) ?? []) {
    const i = parseInjectionSpec(spec);
    if (!i) throw new UsageError(`--inject ${spec}: expected OPERATION:STATUS:ERROR[:COUNT], e.g. GetRoleCredentials:500:InternalServerException:2`);
    injections.push(i);
  }
  const emu = await startEmulator({
    port: opts.port as number,
    region: opts.region as string,
    startUrl: opts.startUrl as string,
    accounts: opts.accounts as number,
    rolesPerAccount: opts.rolesPerAccount as number,
    accountNames: opts.accountNames as string[] | undefined,
    roleNames: opts.roleNames as string[] | undefined,
    user: opts.user as string,
    forbid: (opts.forbid as string[] | undefined) ?? [],
    autoApproveMs: opts.autoApproveMs as number,
    latencyMs: opts.latencyMs as number,
    throttleRps: opts.throttleRps as number,
    throttleBurst: opts.throttleBurst as number | undefined,
    tokenTtlS: opts.tokenTtl as number,
    roleTtlS: opts.roleTtl as number,
    deviceTtlS: opts.deviceTtl as number,
    intervalS: opts.interval as number,
    refresh: opts.refresh !== false,
    pageSize: opts.pageSize as number,
    clockSkewS: opts.clockSkewS as number,
    quiet: opts.quiet === true,
    injections,
    version: pkg.version,
    log: (line) => void ctx.stderr.write(`${line}\n`),
  }).catch((err: NodeJS.ErrnoException) => {
    if (err.code === "EADDRINUSE") throw new UsageError(`Port ${String(opts.port)} is already in use.`, "Pick another with --port, or --port 0 for a free one.");
    throw err;
  });
  if (typeof opts.portFile === "string") await writeFile(opts.portFile, `${emu.port}\n`);
  const dataPath = typeof opts.awsDataPath === "string" ? resolve(opts.awsDataPath) : undefined;
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
      ...(dataPath ? [`export AWS_DATA_PATH=${dataPath}   # for the AWS CLI v2 before 2.13`] : []),
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
