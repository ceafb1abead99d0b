import { Command, InvalidArgumentError, Option } from "commander";
import type { Context } from "../../context.js";
import { describeExitCodes } from "../../errors.js";
import { EMULATOR_SETTINGS, parseFlagValue, type SettingSpec } from "../../emulator/emulator-settings.js";

/** One commander option per entry of the settings table: no flag, default or parser is written here. */
function toOption(spec: SettingSpec): Option {
  if (spec.kind === "bool") return new Option(spec.flag, spec.description);
  // A list's default is never handed to commander: its parser would add the flags' items to it.
  const value = spec.kind === "list" ? undefined : spec.default;
  // commander shows a default only when there is a value; a computed one goes in the text.
  const computed = value === undefined && spec.defaultText !== undefined ? ` (default: ${spec.defaultText})` : "";
  const option = new Option(`${spec.flag} ${spec.arg ?? "<value>"}`, spec.description + computed).argParser(
    (text: string, previous: unknown) => {
      const r = parseFlagValue(spec, text, previous);
      if (!r.ok) throw new InvalidArgumentError(`${r.message}.`);
      return r.value;
    },
  );
  return value === undefined ? option : option.default(value);
}

export function addEmulatorCommand(program: Command, ctx: Context): void {
  const command = program.command("emulator").description("Run an offline IAM Identity Center (SSO OIDC, SSO portal, STS) on 127.0.0.1");
  for (const spec of Object.values(EMULATOR_SETTINGS)) command.addOption(toOption(spec));
  command.addHelpText(
    "after",
    `
Runs until Ctrl-C. Prints the AWS_ENDPOINT_URL_* lines to export on stdout; every knob can also
be changed while it runs: POST /_admin/config (see the README).

Examples:
  sso-cli emulator --port 4566                         # then export the printed lines
  sso-cli emulator --accounts 300 --roles-per-account 3 --forbid 100000000002:*
  sso-cli emulator --auto-approve-ms -1                # approve sign-ins on its page yourself
  sso-cli emulator --aws-data-path /tmp/emu-data       # for the AWS CLI v2 before 2.13

${describeExitCodes(["ok", "usage", "interrupted", "badValue", "internal"], { badValue: "a bad value: --port is already in use" })}`,
  );
  command.action(async (parsed: Record<string, unknown>) => {
    const { runEmulator } = await import("../../emulator/run-emulator.js");
    await runEmulator(ctx, parsed);
  });
}
