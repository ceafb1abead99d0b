import type { Command } from "commander";
import type { Context } from "../../context.js";
import { NotValidError } from "../../errors.js";
import { homeMismatchNote } from "../../files/aws-paths.js";
import { escapeControlChars } from "../../lib/control-chars.js";
import { formatExpiry } from "../../lib/progress.js";
import type { NextStep, ProfileStatus, SignInStatus, StatusResult } from "./status.js";
import { addGrammarCommand } from "../../cli/program-grammar.js";
import { STATUS_GRAMMAR, toStatusInput } from "./status-grammar.entry.js";
import { formatTable, formatTimeLeft } from "../../lib/table.js";

export function addStatusCommand(program: Command, ctx: Context): void {
  addGrammarCommand(program, STATUS_GRAMMAR, async (parsed) => {
    const { getStatus } = await import("./status.js");
    const { values } = parsed;
    const input = toStatusInput(parsed);
    const { profile, ssoSession } = input;
    // Windows with Git Bash's HOME: tools on the JS SDK would look elsewhere for ~/.aws.
    const homeNote = homeMismatchNote(ctx.env, ctx.paths.home, ctx.platform);
    if (homeNote) ctx.stderr.write(`${escapeControlChars(homeNote)}\n`);
    const r = await getStatus(ctx, input);
    ctx.stdout.write(values.json === true ? formatStatusJson(r) : ctx.tty.stdout ? formatStatusTable(r) : formatStatusLines(r));
    ctx.stderr.write(sessionEndWarnings(r));
    if (r.checkFailed) throw r.checkFailed;
    if (!r.ok)
      throw notValid(
        r,
        profile !== undefined
          ? `--profile ${profile}`
          : ssoSession !== undefined
            ? `--sso-session ${ssoSession}`
            : r.signIns.length === 1 && r.signIns[0]!.spec.ssoSession
              ? `--sso-session ${r.signIns[0]!.spec.ssoSession}`
              : "--all",
      );
  });
}

const iso = (d: Date | undefined): string | null => (d ? d.toISOString().replace(/\.\d{3}Z$/, "Z") : null);

/** Stable names for scripts: times in UTC ISO 8601, absent ones null. */
export function formatStatusJson(r: StatusResult): string {
  return `${JSON.stringify(
    {
      ok: r.ok,
      checkedAt: iso(r.checkedAt),
      signIns: r.signIns.map((s) => ({
        signIn: s.name,
        ssoSession: s.spec.ssoSession ?? null,
        startUrl: s.spec.startUrl,
        region: s.spec.region,
        token: s.state,
        tokenExpiresAt: iso(s.tokenExpiresAt),
        refreshable: s.refreshable,
        ...(s.service ? { serviceAccepted: s.service.accepted, clockSkewSeconds: s.service.clockSkewSeconds ?? null } : {}),
        next: s.next,
      })),
      profiles: r.profiles.map((p) => ({
        profile: p.profile,
        signIn: p.signIn,
        accountId: p.accountId,
        roleName: p.roleName,
        credentialsFileExpiresAt: iso(p.credentialsFileExpiresAt),
        roleCacheExpiresAt: iso(p.roleCacheExpiresAt),
        next: p.next,
        ...(p.chain
          ? { chain: p.chain.map((h) => ({ profile: h.profile, roleArn: h.roleArn, cacheExpiresAt: iso(h.cacheExpiresAt) })) }
          : {}),
      })),
      skipped: r.skipped,
      running: r.running.map((k) => ({
        command: k.command,
        pid: k.pid,
        profiles: k.profiles,
        port: k.port ?? null,
        startedAt: k.startedAt,
      })),
    },
    null,
    2,
  )}\n`;
}

function tokenText(s: SignInStatus, now: Date): string {
  if (!s.tokenExpiresAt) return "no cached token";
  const when = `${formatExpiry(s.tokenExpiresAt)} (${formatTimeLeft(s.tokenExpiresAt, now)})`;
  return s.state === "expired" ? `token expired ${when.replace(/^(.*) \(expired (.*)\)$/, "$1, $2")}` : `token valid until ${when}`;
}

function serviceText(s: SignInStatus): string {
  if (!s.service) return "";
  const skew = s.service.clockSkewSeconds;
  const clock =
    skew === undefined ? "" : `, clock skew ${skew >= 0 ? "+" : ""}${skew}s${Math.abs(skew) >= 300 ? " (too far: fix this clock)" : ""}`;
  return `; service: ${s.service.accepted ? "accepted" : "REFUSED (signed out or revoked)"}${clock}`;
}

const NEXT_TEXT: Record<NextStep, string> = {
  nothing: "nothing",
  refresh: "refresh (sso-cli login, no browser)",
  login: "login (sso-cli login, in the browser)",
};

function keysText(p: ProfileStatus, now: Date): string {
  const parts: string[] = [];
  if (p.credentialsFileExpiresAt)
    parts.push(
      `credentials file keys ${p.credentialsFileExpiresAt > now ? "until" : "expired"} ${formatExpiry(p.credentialsFileExpiresAt)} (${formatTimeLeft(p.credentialsFileExpiresAt, now)})`,
    );
  if (p.roleCacheExpiresAt)
    parts.push(`role cache ${p.roleCacheExpiresAt > now ? "until" : "expired"} ${formatExpiry(p.roleCacheExpiresAt)}`);
  const keys = parts.length ? parts.join(", ") : "no keys written";
  // A role chain: each hop from the sign-in up, with its cached keys, so what runs out first shows.
  if (!p.chain) return keys;
  const hops = p.chain.map(
    (h) =>
      `${h.profile} ${h.cacheExpiresAt ? `(cached ${h.cacheExpiresAt > now ? "until" : "expired"} ${formatExpiry(h.cacheExpiresAt)})` : "(not cached)"}`,
  );
  return `${keys}; chain ${p.signIn} → ${hops.join(" → ")}`;
}

/** One line per sign-in and per profile (not a terminal: logs and scripts that grep). */
export function formatStatusLines(r: StatusResult): string {
  const now = r.checkedAt;
  const lines = [
    ...r.signIns.map(
      (s) =>
        `sign-in ${s.name}: ${tokenText(s, now)}${s.refreshable ? ", refreshable" : s.tokenExpiresAt ? ", not refreshable" : ""}${serviceText(s)}; next: ${NEXT_TEXT[s.next]}`,
    ),
    ...r.profiles.map((p) => `profile ${p.profile} (${p.accountId} ${p.roleName}): ${keysText(p, now)}; next: ${NEXT_TEXT[p.next]}`),
    ...r.skipped.map((s) => `skipped ${s.profile}: ${s.reason}`),
    ...r.running.map(runningText),
  ];
  return lines.map((l) => `${escapeControlChars(l)}\n`).join("");
}

/** A table on a terminal: each sign-in, its profiles indented under it. */
export function formatStatusTable(r: StatusResult): string {
  const now = r.checkedAt;
  const rows: string[][] = [];
  for (const s of r.signIns) {
    rows.push([
      s.name,
      "",
      "",
      s.tokenExpiresAt ? formatExpiry(s.tokenExpiresAt) : "-",
      s.tokenExpiresAt ? formatTimeLeft(s.tokenExpiresAt, now) : "no token",
      s.refreshable ? "yes" : "no",
      `${s.next}${s.service ? ` (service: ${s.service.accepted ? "ok" : "refused"}${s.service.clockSkewSeconds !== undefined ? `, skew ${s.service.clockSkewSeconds}s` : ""})` : ""}`,
    ]);
    for (const p of r.profiles.filter((x) => x.signIn === s.name)) {
      const keys = p.credentialsFileExpiresAt ?? p.roleCacheExpiresAt;
      rows.push([
        `  ${p.profile}${p.chain ? " (chain)" : ""}`,
        p.accountId,
        p.roleName,
        keys ? formatExpiry(keys) : "-",
        keys ? `${formatTimeLeft(keys, now)}${p.credentialsFileExpiresAt ? "" : " (cache)"}` : "no keys",
        "",
        p.next,
      ]);
    }
  }
  const table = formatTable(["SIGN-IN / PROFILE", "ACCOUNT", "ROLE", "EXPIRES", "LEFT", "REFRESHABLE", "NEXT"], rows);
  return (
    table +
    [...r.skipped.map((s) => `skipped ${s.profile}: ${s.reason}`), ...r.running.map(runningText)]
      .map((l) => `${escapeControlChars(l)}\n`)
      .join("")
  );
}

/** A process keeping keys fresh: "running: sso-cli serve (pid 4242) for dev, prod on 127.0.0.1:8123 since …". */
function runningText(k: StatusResult["running"][number]): string {
  return `running: sso-cli ${k.command} (pid ${k.pid}) for ${k.profiles.join(", ")}${k.port !== undefined ? ` on 127.0.0.1:${k.port}` : ""} since ${formatExpiry(new Date(k.startedAt))}`;
}

/** The verdict names what is running out: no sign-in, an expired or ending one, or a profile's own keys. */
export function notValid(r: StatusResult, selector: string): NotValidError {
  const now = r.checkedAt.getTime();
  const names = (xs: readonly string[]): string => xs.join(", ");
  const of = (pick: (s: SignInStatus) => boolean): string[] => r.signIns.filter((s) => s.next !== "nothing" && pick(s)).map((s) => s.name);
  const parts: string[] = [];
  const none = of((s) => s.state === "none");
  const refused = of((s) => s.state !== "none" && s.service?.accepted === false);
  const expired = of((s) => s.state === "expired" && s.service?.accepted !== false);
  const ending = of((s) => s.state === "expiring" && s.service?.accepted !== false);
  if (none.length) parts.push(`not signed in to ${names(none)}`);
  if (refused.length) parts.push(`IAM Identity Center no longer accepts the sign-in ${names(refused)}`);
  if (expired.length) parts.push(`the sign-in ${names(expired)} has expired`);
  if (ending.length) parts.push(`the sign-in ${names(ending)} ends within 15 minutes`);
  const keys = r.profiles.filter((p) => p.keysExpiring);
  const gone = keys.filter((p) => (p.credentialsFileExpiresAt?.getTime() ?? 0) <= now).map((p) => `profile ${p.profile}`);
  const soon = keys.filter((p) => (p.credentialsFileExpiresAt?.getTime() ?? 0) > now).map((p) => `profile ${p.profile}`);
  if (soon.length) parts.push(`the keys of ${names(soon)} end within 15 minutes`);
  if (gone.length) parts.push(`the keys of ${names(gone)} have expired`);
  const text = parts.join("; ") || "not valid for 15 more minutes";
  const browser = [...r.signIns, ...r.profiles].some((x) => x.next === "login");
  return new NotValidError(
    `${text[0]!.toUpperCase()}${text.slice(1)}.`,
    `Run: sso-cli login ${selector}${browser ? " (signs in in the browser)" : " (no browser needed)"}`,
  );
}

const HOUR_MS = 3600_000;

/**
 * A sign-in that cannot be renewed silently (no refresh token) ends with its token: within the
 * hour, say so while there is time to sign in again at a convenient moment (`login --force`).
 */
export function sessionEndWarnings(r: StatusResult): string {
  const now = r.checkedAt.getTime();
  return r.signIns
    .filter((s) => s.state === "valid" && !s.refreshable && s.tokenExpiresAt !== undefined && s.tokenExpiresAt.getTime() - now <= HOUR_MS)
    .map(
      (s) =>
        `${escapeControlChars(`warning: the sign-in ${s.name} ends at ${formatExpiry(s.tokenExpiresAt!)} (in ${formatTimeLeft(s.tokenExpiresAt!, r.checkedAt)}) and cannot be renewed without a browser; sign in again before then: sso-cli login ${s.spec.ssoSession !== undefined ? `--sso-session ${s.spec.ssoSession}` : `${s.spec.startUrl} ${s.spec.region}`} --force`)}\n`,
    )
    .join("");
}
