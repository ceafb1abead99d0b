import { Command, InvalidArgumentError, Option } from "commander";
import type { Context } from "../context.js";
import { EMULATOR_SETTINGS, parseFlagValue, type SettingSpec } from "../emulator/emulator-settings.js";

/** One commander option per entry of the settings table: no flag, default or parser is written here. */
function toOption(spec: SettingSpec): Option {
  if (spec.kind === "bool") return new Option(spec.flag, spec.description);
  // A list's default is never handed to commander: its parser would add the flags' items to it.
  const value = spec.kind === "list" ? undefined : spec.default;
  // commander shows a default only when there is a value; a computed one goes in the text.
  const computed = value === undefined && spec.defaultText !== undefined ? ` (default: ${spec.defaultText})` : "";
  const option = new Option(`${spec.flag} ${spec.arg ?? "<value>"}`, spec.description + computed).argParser((text: string, previous: unknown) => {
    const r = parseFlagValue(spec, text, previous);
    if (!r.ok) throw new InvalidArgumentError(`${r.message}.`);
    return r.value;
  });
  return value === undefined ? option : option.default(value);
}

export function addEmulatorCommand(program: Command, ctx: Context): void {
  const command = program.command("emulator").description("Run an offline IAM Identity Center (SSO OIDC, SSO portal, STS) on 127.0.0.1");
  for (const spec of Object.values(EMULATOR_SETTINGS)) command.addOption(toOption(spec));
  command.action(async (parsed: Record<string, unknown>) => {
    const { runEmulator } = await import("../emulator/run-emulator.js");
    await runEmulator(ctx, parsed);
  });
}
