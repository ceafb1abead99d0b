import type { Command } from "commander";
import type { Context } from "../../context.js";
import { describeExitCodes, PartialListingError, type SsoCliError } from "../../errors.js";
import { escapeControlChars as shown } from "../../lib/control-chars.js";
import type { PopulateResult } from "./configure-populate.js";
import { stringList, stringValue, type CommandGrammar } from "../../cli/flag-table.entry.js";
import { SIGN_IN_FLAGS, signInChoice } from "../../sign-in/sign-in-flags.entry.js";
import { addGrammarCommand } from "../../cli/program-grammar.js";

export const CONFIGURE_POPULATE_GRAMMAR: CommandGrammar = {
  path: ["configure", "populate"],
  description: "Write a profile for every account and role you can use (sso-session form), and keep them current",
  args: [
    { name: "start-url", description: "portal start URL; its sso-session is used, or created" },
    { name: "region", description: "region of the Identity Center instance (sso_region), for a new sso-session" },
  ],
  flags: [
    { flag: "--sso-session", value: "<name>", key: "ssoSession", description: "the [sso-session] to populate from (with START_URL REGION: the name of a new one)" },
    { flag: "--profile-name", value: "<template>", key: "profileName", description: "profile names: {account_name} {account_id} {role_name} {region} {sso_session} (default {account_name}.{role_name})" },
    { flag: "--region", value: "<region>", key: "region", repeatable: true, description: "the profiles' default region (default: the sso_region); repeat for one profile per region" },
    { flag: "--output", value: "<format>", key: "output", description: "AWS CLI output format for the profiles (default json)" },
    { flag: "--account", value: "<id|name>", key: "account", repeatable: true, description: "only accounts whose id or name matches (* and ? wildcards); repeatable" },
    { flag: "--role", value: "<name>", key: "role", repeatable: true, description: "only roles whose name matches (* and ? wildcards); repeatable" },
    { flag: "--prune", key: "prune", description: "remove profiles populate wrote whose account or role is no longer assigned" },
    { flag: "--with-keys", key: "withKeys", description: "let login write static keys for these profiles too (by default they use the sign-in directly)" },
    { flag: "--dry-run", key: "dryRun", description: "print what would be added, changed, removed or skipped; write nothing to the config file" },
    { flag: "--json", key: "json", description: "print the result as JSON on stdout" },
    ...SIGN_IN_FLAGS,
  ],
  help: `
Signs in if needed (as login does), lists every account and role the sign-in can use, and writes
one profile per account and role (and --region) in one locked edit of the config file. Each
profile it writes carries the comment line "# sso-cli configure populate" under its header: a
later run changes or prunes only those. Profiles you wrote are never changed; a wanted name one
of them already has is skipped and reported. Names are made of letters, digits and _-@+.%:/
(anything else becomes -); two assignments that would get one name are both kept, made distinct.
Running it again with the same assignments changes nothing.

Examples:
  sso-cli configure populate https://d-1234567890.awsapps.com/start eu-north-1
  sso-cli configure populate --sso-session corp --prune
  sso-cli configure populate --sso-session corp --account 'prod-*' --role ReadOnlyAccess --dry-run
  sso-cli configure populate --profile-name '{account_name}-{role_name}-{region}' --region eu-west-1 --region us-east-1

${describeExitCodes(["ok", "partial", "usage", "denied", "interrupted", "badValue", "config", "service", "internal"])}`,
};

/** Adds `populate` under the existing `configure` command. */
export function addConfigurePopulateCommand(program: Command, ctx: Context): void {
  const configure = program.commands.find((c) => c.name() === "configure") ?? program.command("configure");
  addGrammarCommand(configure, CONFIGURE_POPULATE_GRAMMAR, async ({ positionals, values }) => {
    const { configurePopulate } = await import("./configure-populate.js");
    const r = await configurePopulate(ctx, {
      startUrl: positionals[0],
      region: positionals[1],
      ssoSession: stringValue(values, "ssoSession"),
      template: stringValue(values, "profileName"),
      regions: stringList(values, "region"),
      output: stringValue(values, "output"),
      accounts: stringList(values, "account"),
      roles: stringList(values, "role"),
      withKeys: values.withKeys === true,
      prune: values.prune === true,
      dryRun: values.dryRun === true,
      ...signInChoice(values),
    });
    if (values.json === true) ctx.stdout.write(`${JSON.stringify(populateJson(r), null, 2)}\n`);
    ctx.stderr.write(formatPopulateReport(r));
    const failure = populateFailure(r);
    if (failure) throw failure;
  });
}

/**
 * The error a run ends with, if any: when no role listing succeeded, the first failure itself
 * (its own exit code); when some did, partial.
 */
export function populateFailure(r: PopulateResult): SsoCliError | undefined {
  const first = r.failures[0];
  if (first === undefined) return undefined;
  if (r.listed.rolesListed === 0) return first.error;
  return new PartialListingError(r.failures.length, r.dryRun);
}

/** What a run did (or would do), for a person: one line per change a dry run plans, else per exception. */
export function formatPopulateReport(r: PopulateResult): string {
  const { plan } = r;
  const lines: string[] = [];
  const who = (p: { accountId: string; roleName: string; region: string }) => `${p.accountId} ${p.roleName} ${p.region}`;
  if (r.dryRun) {
    for (const p of plan.add) lines.push(`  add     ${p.profile}  (${who(p)})`);
    for (const p of plan.change) lines.push(`  change  ${p.profile}  (${who(p)})`);
  }
  for (const p of plan.remove) lines.push(`  remove  ${p.profile}  (${p.accountId ?? "?"} ${p.roleName ?? "?"}: no longer assigned)`);
  for (const s of plan.skip) lines.push(`  skip    ${s.profile}: ${s.reason}`);
  for (const c of r.collisions) lines.push(`  named   ${c.profiles.join(", ")}: ${c.profiles.length} assignments would all be ${c.name}`);
  for (const f of r.failures) lines.push(`  FAILED  ${f.what}: ${f.error.message}`);
  const counts = `${plan.add.length} added, ${plan.change.length} changed, ${plan.remove.length} removed, ${plan.unchanged.length} unchanged, ${plan.skip.length} skipped`;
  const session = r.newSession ? ` (and [sso-session ${r.ssoSession}])` : "";
  if (r.dryRun) lines.push(`Dry run, nothing written to ${r.configFile}: would be ${counts}${session}.`);
  else if (r.written) lines.push(`Wrote ${r.configFile}: ${counts}${session}.`);
  else lines.push(`Unchanged: ${r.configFile} (${counts}).`);
  if (plan.stale.length > 0) {
    const n = plan.stale.length;
    lines.push(`${n} populated profile${n === 1 ? " is" : "s are"} no longer assigned (${plan.stale.slice(0, 3).map((p) => p.profile).join(", ")}${n > 3 ? ", …" : ""}); --prune removes ${n === 1 ? "it" : "them"}.`);
  }
  const example = plan.add[0] ?? plan.unchanged[0] ?? plan.change[0];
  if (example && !r.dryRun) lines.push(`Use them: aws sts get-caller-identity --profile ${example.profile}`);
  return lines.map((l) => `${shown(l)}\n`).join("");
}

/** The result for scripts (--json): names and reasons, no error objects. */
export function populateJson(r: PopulateResult): Record<string, unknown> {
  const { plan } = r;
  return {
    configFile: r.configFile,
    ssoSession: r.ssoSession,
    newSession: r.newSession,
    dryRun: r.dryRun,
    written: r.written,
    listed: r.listed,
    added: plan.add.map((p) => p.profile),
    changed: plan.change.map((p) => p.profile),
    unchanged: plan.unchanged.length,
    removed: plan.remove.map((p) => p.profile),
    stale: plan.stale.map((p) => p.profile),
    skipped: plan.skip,
    collisions: r.collisions,
    failures: r.failures.map((f) => ({ what: f.what, message: f.error.message })),
  };
}
