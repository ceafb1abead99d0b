import { createHash } from "node:crypto";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Exit } from "../../src/errors.js";
import { formatTimestamp, formatTokenCacheEntry, tokenCacheFileName } from "../../src/files/token-cache.js";
import { startTestEmulator } from "../helpers/emulator.js";
import { runCli } from "../helpers/run-process.js";
import { sessionProfileConfig } from "../helpers/sso-fixtures.js";
import { makeTempHome, notCompiledCode } from "../helpers/temp-home.js";

// What only a process shows for console, status and roles: exit codes, the text on stdout and
// stderr, and (for the bad inputs) that no file under HOME changed. Behaviour is tested in-process
// in test/commands/{console,status,roles}/.

type Emulator = Awaited<ReturnType<typeof startTestEmulator>>;
let emu: Emulator;
const homes: Array<() => Promise<void>> = [];

beforeAll(async () => {
  emu = await startTestEmulator({ accounts: 2, rolesPerAccount: 2, forbid: ["100000000002:*"] });
});
afterAll(async () => {
  await emu?.close();
  for (const c of homes.splice(0)) await c();
});

const CONFIG = (u: string) =>
  `${sessionProfileConfig({ startUrl: u, profile: "a" })}\n[profile denied]\nsso_session = s\nsso_account_id = 100000000002\nsso_role_name = AdministratorAccess\n`;

/** A HOME with the config and, unless `token` is "none", a cached token the emulator knows. */
async function home(token: "live" | "expired" | "none" = "live"): Promise<string> {
  const { home: h, cleanup } = await makeTempHome("sso-cli-e2e-tools-");
  homes.push(cleanup);
  await mkdir(join(h, ".aws", "sso", "cache"), { recursive: true });
  await writeFile(join(h, ".aws", "config"), CONFIG(emu.startUrl));
  if (token !== "none") {
    const client = emu.state.registerClient({ clientName: "e2e", scopes: ["sso:account:access"], grantTypes: [], redirectUris: [] });
    const { accessToken } = emu.state.issueTokens(emu.state.startSession(client.clientId));
    const expiresAt = formatTimestamp(new Date(Date.now() + (token === "live" ? 8 * 3600_000 : -60_000)));
    await writeFile(
      join(h, ".aws", "sso", "cache", tokenCacheFileName({ ssoSession: "s", startUrl: emu.startUrl })),
      formatTokenCacheEntry({ startUrl: emu.startUrl, region: "us-east-1", accessToken, expiresAt }),
    );
  }
  return h;
}

async function snapshot(dir: string, out = new Map<string, string>(), home = dir): Promise<Map<string, string>> {
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (!notCompiledCode(relative(home, p).split(sep).join("/"))) continue;
    if (e.isDirectory()) await snapshot(p, out, home);
    else
      out.set(
        p,
        createHash("sha256")
          .update(await readFile(p))
          .digest("hex"),
      );
  }
  return out;
}

const run = (h: string, args: string[], env: Record<string, string> = {}) => runCli(args, { home: h, env: { ...emu.env, ...env } });

describe("console, status and roles as processes", () => {
  it("console --print: the sign-in link on stdout, which the emulator's console accepts", async () => {
    const h = await home();
    const r = await run(h, ["console", "--profile", "a", "--destination", "lambda", "--print"]);
    expect([r.code, r.stderr]).toEqual([0, ""]);
    expect(r.stdout).toMatch(
      new RegExp(
        `^${emu.url}/federation\\?Action=login&Issuer=[^&]+&Destination=https%3A%2F%2Fconsole\\.aws\\.amazon\\.com%2Flambda%2Fhome%3Fregion%3Dus-east-1&SigninToken=emu-signin-[\\w-]+\\n$`,
      ),
    );
    const page = await fetch(r.stdout.trim());
    expect(page.status).toBe(200);
  });

  it("console without a browser (BROWSER=none): the link on stdout, why on stderr", async () => {
    const r = await run(await home(), ["console", "--profile", "a"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(
      /^Could not open a browser \(BROWSER=none\)\. Open this link for profile a \(100000000001 AdministratorAccess, us-east-1\) by .* UTC; it signs in whoever opens it:\n$/,
    );
    expect(r.stdout).toMatch(/\/federation\?Action=login&/);
  });

  it("status: human times in the local time zone (TZ), JSON in UTC (#18 item 9)", async () => {
    const h = await home();
    const lines = await run(h, ["status"], { TZ: "Europe/Stockholm" });
    expect(lines.stdout).toMatch(/^sign-in sso-session s: token valid until \d{4}-\d\d-\d\d \d\d:\d\d UTC\+0[12]:00 \(/);
    const json = await run(h, ["status", "--json"], { TZ: "Europe/Stockholm" });
    expect(JSON.parse(json.stdout).signIns[0].tokenExpiresAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  it("status: exit 0 and a line each when valid; 4 and the command to run when the token expired", async () => {
    const ok = await run(await home(), ["status"]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(
      /^sign-in sso-session s: token valid until .*; next: nothing\nprofile a \(100000000001 AdministratorAccess\): no keys written; next: nothing\nprofile denied /,
    );
    const stale = await run(await home("expired"), ["status", "--profile", "a"]);
    expect(stale.code).toBe(Exit.notValid);
    expect(stale.stdout).toMatch(/^sign-in sso-session s: token expired .*; next: login/);
    expect(stale.stderr).toBe(
      "sso-cli: The sign-in sso-session s has expired.\n  Run: sso-cli login --profile a (signs in in the browser)\n",
    );
    const none = await run(await home("none"), ["status", "--sso-session", "s", "--json"]);
    expect(none.code).toBe(Exit.notValid);
    expect(JSON.parse(none.stdout)).toMatchObject({ ok: false, signIns: [{ token: "none", next: "login" }] });
  });

  it("roles: tab-separated lines with the profiles pointing at each role, and --csv", async () => {
    const h = await home();
    const r = await run(h, ["roles"]);
    expect([r.code, r.stderr]).toEqual([0, ""]);
    expect(r.stdout).toBe(
      "100000000001\taccount-1\taws+account-1@example.com\tAdministratorAccess\ta\n100000000001\taccount-1\taws+account-1@example.com\tReadOnlyAccess\t\n100000000002\taccount-2\taws+account-2@example.com\tAdministratorAccess\tdenied\n100000000002\taccount-2\taws+account-2@example.com\tReadOnlyAccess\t\n",
    );
    const csv = await run(h, ["roles", "--csv", "--account", "account-2", "--role", "administratoraccess"]);
    expect(csv.stdout).toBe(
      "account_id,account_name,email,role_name,profiles\n100000000002,account-2,aws+account-2@example.com,AdministratorAccess,denied\n",
    );
  });

  // Bad inputs: one `sso-cli: ` line (and its hint), nothing on stdout, no file changed.
  const bad: { name: string; token?: "live" | "expired" | "none"; args: string[]; exit: number; message: RegExp }[] = [
    {
      name: "console: unknown profile",
      args: ["console", "--profile", "nope"],
      exit: Exit.config,
      message: /^The config profile \(nope\) could not be found\.$/,
    },
    {
      name: "console: no sign-in",
      token: "none",
      args: ["console", "--profile", "a"],
      exit: Exit.config,
      message: /^No valid sign-in for sso-session s: run: sso-cli login --profile a$/,
    },
    {
      name: "console: expired token",
      token: "expired",
      args: ["console", "--profile", "a", "--print"],
      exit: Exit.config,
      message: /run: sso-cli login --profile a$/,
    },
    {
      name: "console: 403 No access",
      args: ["console", "--profile", "denied"],
      exit: Exit.service,
      message: /^No access to role AdministratorAccess in account 100000000002\.$/,
    },
    {
      name: "console: unknown destination service",
      args: ["console", "--profile", "a", "--destination", "ec3"],
      exit: Exit.badValue,
      message: /^Unknown console service "ec3"\.$/,
    },
    {
      name: "console: --destination without its value",
      args: ["console", "--profile", "a", "--destination"],
      exit: Exit.usage,
      message: /option '--destination <url\|service>' argument missing/,
    },
    { name: "status: unknown profile", args: ["status", "--profile", "nope"], exit: Exit.config, message: /could not be found/ },
    {
      name: "status: --profile with --sso-session",
      args: ["status", "--profile", "a", "--sso-session", "s"],
      exit: Exit.usage,
      message: /cannot be used with option/,
    },
    {
      name: "roles: no sign-in, no terminal",
      token: "none",
      args: ["roles", "--profile", "a"],
      exit: Exit.config,
      message: /^No valid sign-in for sso-session s: run: sso-cli login --profile a$/,
    },
    {
      name: "roles: expired token, no terminal",
      token: "expired",
      args: ["roles"],
      exit: Exit.config,
      message: /run: sso-cli login --sso-session s$/,
    },
    { name: "roles: --json with --csv", args: ["roles", "--json", "--csv"], exit: Exit.usage, message: /cannot be used with option/ },
    {
      name: "roles: unknown profile",
      args: ["roles", "--profile", "nope"],
      exit: Exit.config,
      message: /^The config profile \(nope\) could not be found\.$/,
    },
    {
      name: "roles: unknown sso-session",
      args: ["roles", "--sso-session", "nope"],
      exit: Exit.config,
      message: /sso-session does not exist: "nope"/,
    },
  ];

  it.each(bad)("$name", async (row) => {
    const h = await home(row.token);
    const before = await snapshot(h);
    const r = await run(h, row.args);
    expect(r.code, r.stderr).toBe(row.exit);
    expect(r.stdout).toBe("");
    const lines = r.stderr.split("\n").filter((l) => l !== "");
    expect(lines[0]).toMatch(/^sso-cli: /);
    expect(lines[0]!.slice("sso-cli: ".length)).toMatch(row.message);
    expect(
      lines.slice(1).every((l) => l.startsWith("  ")),
      r.stderr,
    ).toBe(true);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(await snapshot(h)).toEqual(before);
  });
});
