import type { Command } from "commander";
import type { Context } from "../../context.js";
import { PartialFailureError, PartialListingError, type SsoCliError } from "../../errors.js";
import { escapeControlChars as shown } from "../../lib/control-chars.js";
import type { PopulateResult } from "./configure-populate.js";
import { addGrammarCommand } from "../../cli/program-grammar.js";
import { CONFIGURE_POPULATE_GRAMMAR, toPopulateInput } from "./configure-populate-grammar.entry.js";

/** Adds `populate` under the existing `configure` command. */
export function addConfigurePopulateCommand(program: Command, ctx: Context): void {
  const configure = program.commands.find((c) => c.name() === "configure") ?? program.command("configure");
  addGrammarCommand(configure, CONFIGURE_POPULATE_GRAMMAR, async (parsed) => {
    const { configurePopulate } = await import("./configure-populate.js");
    const r = await configurePopulate(ctx, toPopulateInput(parsed));
    if (parsed.values.json === true) ctx.stdout.write(`${JSON.stringify(populateJson(r), null, 2)}\n`);
    // A dry run's plan is its output (stdout, for grep); what happened is talk (stderr).
    else if (r.dryRun) ctx.stdout.write(formatPopulatePlan(r));
    ctx.stderr.write(formatPopulateReport(r, { withPlan: !r.dryRun }));
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
  if (first === undefined) {
    return r.invalid.length > 0 ? new PartialFailureError(r.invalid.length, r.listed.assignments, "assignments") : undefined;
  }
  if (r.listed.rolesListed === 0) return first.error;
  return new PartialListingError(r.failures.length, r.dryRun);
}

/** The plan, one line per profile: what a dry run would add and change; what any run removes or skips. */
function planLines(r: PopulateResult): string[] {
  const { plan } = r;
  const lines: string[] = [];
  const who = (p: { accountId: string; roleName: string; region: string }) => `${p.accountId} ${p.roleName} ${p.region}`;
  if (r.dryRun) {
    for (const p of plan.add) lines.push(`  add     ${p.profile}  (${who(p)})`);
    for (const p of plan.change) lines.push(`  change  ${p.profile}  (${who(p)})`);
  }
  for (const p of plan.remove) lines.push(`  remove  ${p.profile}  (${p.accountId ?? "?"} ${p.roleName ?? "?"}: no longer assigned)`);
  for (const s of plan.skip) lines.push(`  skip    ${s.profile}: ${s.reason}`);
  for (const i of r.invalid) lines.push(`  skip    account ${i.accountId} (${i.accountName}) role ${i.roleName}: ${i.reason}`);
  for (const c of r.collisions) lines.push(`  named   ${c.profiles.join(", ")}: ${c.profiles.length} assignments would all be ${c.name}`);
  return lines;
}

/** A dry run's plan, for stdout. */
export function formatPopulatePlan(r: PopulateResult): string {
  return planLines(r)
    .map((l) => `${shown(l)}\n`)
    .join("");
}

/** What a run did (or would do), for a person: the plan's lines unless `withPlan` is false, then the outcome. */
export function formatPopulateReport(r: PopulateResult, opts: { withPlan?: boolean } = {}): string {
  const { plan } = r;
  const lines: string[] = opts.withPlan === false ? [] : planLines(r);
  for (const f of r.failures) lines.push(`  FAILED  ${f.what}: ${f.error.message}`);
  lines.push(...r.unmatched);
  const counts = `${plan.add.length} added, ${plan.change.length} changed, ${plan.remove.length} removed, ${plan.unchanged.length} unchanged, ${plan.skip.length} skipped`;
  const session = r.newSession ? ` (and [sso-session ${r.ssoSession}])` : "";
  if (r.dryRun) lines.push(`Dry run, nothing written to ${r.configFile}: would be ${counts}${session}.`);
  else if (r.written) lines.push(`Wrote ${r.configFile}: ${counts}${session}.`);
  else lines.push(`Unchanged: ${r.configFile} (${counts}).`);
  if (plan.stale.length > 0) {
    const n = plan.stale.length;
    lines.push(
      `${n} populated profile${n === 1 ? " is" : "s are"} no longer assigned (${plan.stale
        .slice(0, 3)
        .map((p) => p.profile)
        .join(", ")}${n > 3 ? ", …" : ""}); --prune removes ${n === 1 ? "it" : "them"}.`,
    );
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
    invalid: r.invalid,
    unmatched: r.unmatched,
  };
}
