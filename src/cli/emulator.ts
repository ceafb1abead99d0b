import { Command, Option, InvalidArgumentError } from "commander";
import type { Context } from "../context.js";

const int = (name: string, min = 0) => (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${name} must be an integer ≥ ${min}.`);
  return n;
};
const num = (name: string) => (v: string): number => {
  const n = Number(v);
  if (!Number.isFinite(n)) throw new InvalidArgumentError(`${name} must be a number.`);
  return n;
};
const list = (v: string, prev: string[] = []): string[] => [...prev, ...v.split(",").map((s) => s.trim()).filter(Boolean)];
const repeat = (v: string, prev: string[] = []): string[] => [...prev, v];

export function addEmulatorCommand(program: Command, ctx: Context): void {
  program
    .command("emulator")
    .description("Run an offline IAM Identity Center (SSO OIDC, SSO portal, STS) on 127.0.0.1")
    .addOption(new Option("--port <n>", "port to listen on (0 picks a free one)").argParser(int("--port")).default(0))
    .option("--port-file <file>", "write the chosen port to this file once listening")
    .option("--region <region>", "region the emulator pretends to be", "us-east-1")
    .option("--start-url <url>", "start URL of the emulated instance", "https://d-0000000000.awsapps.com/start")
    .addOption(new Option("--accounts <n>", "number of accounts").argParser(int("--accounts", 1)).default(3))
    .addOption(new Option("--roles-per-account <n>", "roles in each account").argParser(int("--roles-per-account", 1)).default(2))
    .option("--account-names <names>", "comma-separated account names (in order)", list)
    .option("--role-names <names>", "comma-separated role names (in order)", list)
    .option("--user <name>", "the signed-in user's name", "alice@example.com")
    .option("--forbid <account:role>", "list this role but refuse its credentials (403); repeatable", repeat)
    .addOption(new Option("--auto-approve-ms <ms>", "approve sign-ins by itself after this many ms (-1 = never)").argParser(int("--auto-approve-ms", -1)).default(0))
    .addOption(new Option("--latency-ms <ms>", "delay every answer").argParser(int("--latency-ms")).default(0))
    .addOption(new Option("--throttle-rps <n>", "requests per second per operation before 429 (0 = off)").argParser(num("--throttle-rps")).default(0))
    .addOption(new Option("--throttle-burst <n>", "token-bucket burst size").argParser(int("--throttle-burst", 1)))
    .addOption(new Option("--token-ttl <s>", "access token lifetime, seconds").argParser(int("--token-ttl", 1)).default(28800))
    .addOption(new Option("--role-ttl <s>", "role credential lifetime, seconds").argParser(int("--role-ttl", 1)).default(3600))
    .addOption(new Option("--device-ttl <s>", "device code lifetime, seconds").argParser(int("--device-ttl", 1)).default(600))
    .addOption(new Option("--interval <s>", "device polling interval, seconds").argParser(int("--interval", 1)).default(1))
    .option("--no-refresh", "issue no refresh tokens")
    .addOption(new Option("--page-size <n>", "server page size for list operations").argParser(int("--page-size", 1)).default(20))
    .addOption(new Option("--clock-skew-s <s>", "the emulator's clock runs this many seconds ahead").argParser(num("--clock-skew-s")).default(0))
    .option("--inject <op:status:error:count>", "fail the next COUNT calls of OP (e.g. GetRoleCredentials:500:InternalServerException:2); repeatable", repeat)
    .option("--aws-data-path <dir>", "write endpoint rule sets here that point the AWS CLI v2 < 2.13 (which ignores AWS_ENDPOINT_URL_*) at the emulator")
    .option("--quiet", "log nothing per request")
    .action(async (opts: Record<string, unknown>) => {
      const { runEmulator } = await import("../emulator/run-emulator.js");
      await runEmulator(ctx, opts);
    });
}
