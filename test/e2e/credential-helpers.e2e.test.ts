import { cp, mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Exit } from "../../src/errors.js";
import { formatRoleCacheEntry, roleCacheFileName } from "../../src/files/role-cache.js";
import { formatTimestamp, formatTokenCacheEntry, tokenCacheFileName } from "../../src/files/token-cache.js";
import { startTestEmulator } from "../helpers/emulator.js";
import { REPO_ROOT, runCli, runProcess } from "../helpers/run-process.js";
import { sessionProfileConfig } from "../helpers/sso-fixtures.js";
import { makeTempHome } from "../helpers/temp-home.js";

// credential-process, export and exec as processes: what they print where, and their exit codes.
// Their behaviour (cache, refresh, 401, 403) is tested in-process (test/role-keys/profile-credentials.test.ts).

type Emulator = Awaited<ReturnType<typeof startTestEmulator>>;

describe.concurrent("credential-process, export and exec: stdout for data, one line and an exit code for the rest", () => {
  let emu: Emulator;
  const cleanups: Array<() => Promise<void>> = [];
  beforeAll(async () => {
    emu = await startTestEmulator({ forbid: ["100000000003:*"] });
  });
  afterAll(async () => {
    await emu.close();
    for (const c of cleanups) await c();
  });

  /** A HOME with profile p (and p3, refused by the service), signed in unless told otherwise. */
  async function home(o: { signedIn?: boolean; tokenExpired?: boolean } = {}): Promise<string> {
    const { home, cleanup } = await makeTempHome();
    cleanups.push(cleanup);
    await mkdir(join(home, ".aws", "sso", "cache"), { recursive: true });
    await writeFile(
      join(home, ".aws", "config"),
      `${sessionProfileConfig({ startUrl: emu.startUrl })}\n[profile p3]\nsso_session = s\nsso_account_id = 100000000003\nsso_role_name = AdministratorAccess\n`,
    );
    if (o.signedIn !== false) {
      const client = emu.state.registerClient({ clientName: "c", scopes: ["sso:account:access"], grantTypes: [], redirectUris: [] });
      const { accessToken } = emu.state.issueTokens(emu.state.startSession(client.clientId));
      const expiresAt = formatTimestamp(new Date(Date.now() + (o.tokenExpired ? -60_000 : 8 * 3600_000)));
      await writeFile(
        join(home, ".aws", "sso", "cache", tokenCacheFileName({ ssoSession: "s", startUrl: emu.startUrl })),
        formatTokenCacheEntry({ startUrl: emu.startUrl, region: "us-east-1", accessToken, expiresAt }),
      );
    }
    return home;
  }

  const rows = [
    {
      name: "credential-process: unknown profile",
      args: ["credential-process", "--profile", "nope"],
      exit: Exit.config,
      message: /^sso-cli: The config profile \(nope\) could not be found\.$/,
    },
    {
      name: "credential-process: no sign-in",
      args: ["credential-process", "--profile", "p"],
      signedIn: false,
      exit: Exit.config,
      message: /^sso-cli: No valid sign-in for sso-session s: run: sso-cli login --profile p$/,
    },
    {
      name: "credential-process: expired token",
      args: ["credential-process", "--profile", "p"],
      tokenExpired: true,
      exit: Exit.config,
      message: /run: sso-cli login --profile p$/,
    },
    {
      name: "credential-process: 403 No access",
      args: ["credential-process", "--profile", "p3"],
      exit: Exit.service,
      message: /^sso-cli: No access to role AdministratorAccess in account 100000000003\.$/,
    },
    {
      name: "export: unknown format",
      args: ["export", "--profile", "p", "--format", "yaml"],
      exit: Exit.badValue,
      message: /^sso-cli: --format must be one of process, env, env-no-export, powershell, windows-cmd, fish, dotenv, json, not "yaml"\.$/,
    },
    {
      name: "export: no sign-in",
      args: ["export", "--profile", "p", "--format", "env"],
      signedIn: false,
      exit: Exit.config,
      message: /run: sso-cli login --profile p$/,
    },
    { name: "exec: no command", args: ["exec", "--profile", "p"], exit: Exit.usage, message: /^sso-cli: exec needs a command to run\.$/ },
    {
      name: "exec: command not found",
      args: ["exec", "--profile", "p", "--", "no-such-program-here"],
      exit: 127,
      message: /^sso-cli: no-such-program-here: command not found\.$/,
    },
    {
      name: "exec: no sign-in",
      args: ["exec", "--profile", "p", "--", "true"],
      signedIn: false,
      exit: Exit.config,
      message: /run: sso-cli login --profile p$/,
    },
  ];

  it.each(rows)("$name", async (row) => {
    const h = await home(row);
    const r = await runCli(row.args, { home: h, env: emu.env });
    expect(r.code, r.stderr).toBe(row.exit);
    expect(r.stdout).toBe("");
    const lines = r.stderr.trimEnd().split("\n");
    expect(lines[0]).toMatch(row.message);
    expect(lines.length).toBeLessThanOrEqual(3);
  });

  it("credential-process prints the JSON on stdout and nothing on stderr", async () => {
    const r = await runCli(["credential-process", "--profile", "p"], { home: await home(), env: emu.env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe("");
    expect(JSON.parse(r.stdout)).toMatchObject({
      Version: 1,
      AccessKeyId: expect.stringMatching(/^ASIA/),
      Expiration: expect.stringMatching(/\+00:00$/),
    });
  });

  it("exec passes the command's output and exit code through, and its stdin", async () => {
    const r = await runProcess(
      process.execPath,
      [
        join(REPO_ROOT, "bin", "sso-cli"),
        "exec",
        "--profile",
        "p",
        "--",
        "sh",
        "-c",
        'read line; echo "$line $AWS_DEFAULT_REGION"; exit 42',
      ],
      {
        home: await home(),
        env: emu.env,
        input: "hello\n",
      },
    );
    expect(r.code).toBe(42);
    expect(r.stdout).toBe("hello us-east-1\n");
    expect(r.stderr).toBe("");
  });

  it("exec: the command's flags are its own, without --; its environment is the person's, less what exec documents (#18 item 3)", async () => {
    const h = await home();
    const version = await runCli(["exec", "--profile", "p", process.execPath, "--version"], { home: h, env: emu.env });
    expect([version.code, version.stdout, version.stderr]).toEqual([0, `${process.version}\n`, ""]);
    const env = await runCli(["exec", "--profile", "p", process.execPath, "-p", "JSON.stringify(process.env)"], {
      home: h,
      env: { ...emu.env, MY_OWN_VARIABLE: "kept" },
    });
    expect(env.code, env.stderr).toBe(0);
    const child = JSON.parse(env.stdout) as Record<string, string>;
    expect(child.MY_OWN_VARIABLE).toBe("kept");
    expect(child.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED).toBeUndefined();
    expect(child.SSO_CLI_EXEC_PROFILE).toBe("p");
  });

  it("with keys in the shared role cache, answers from bin/sso-cli, its launcher and dist/cli/entry.cjs alone (no network)", async () => {
    const h = await home({ signedIn: false });
    await mkdir(join(h, ".aws", "cli", "cache"), { recursive: true });
    const file = roleCacheFileName({ accountId: "100000000001", roleName: "AdministratorAccess", sessionName: "s" });
    await writeFile(
      join(h, ".aws", "cli", "cache", file),
      formatRoleCacheEntry({
        accessKeyId: "ASIACACHEDEXAMPLE001",
        secretAccessKey: "sk",
        sessionToken: "st",
        expiration: new Date(Date.now() + 3600_000),
      }),
    );
    const copy = join(h, "copy");
    await cp(join(REPO_ROOT, "bin"), join(copy, "bin"), { recursive: true });
    await mkdir(join(copy, "dist", "cli"), { recursive: true });
    for (const file of ["entry.cjs", "entry-remembered.cjs"])
      await cp(join(REPO_ROOT, "dist", "cli", file), join(copy, "dist", "cli", file));
    const bin = join(copy, "bin", "sso-cli");
    const cp1 = await runProcess(process.execPath, [bin, "credential-process", "--profile", "p"], {
      home: h,
      env: { AWS_ENDPOINT_URL_SSO: "http://127.0.0.1:9" },
    });
    expect(cp1.code, cp1.stderr).toBe(0);
    expect(JSON.parse(cp1.stdout)).toMatchObject({ AccessKeyId: "ASIACACHEDEXAMPLE001" });
    const env = await runProcess(process.execPath, [bin, "export", "--profile", "p", "--format", "env-no-export"], { home: h });
    expect(env.stdout).toMatch(/^AWS_ACCESS_KEY_ID=ASIACACHEDEXAMPLE001\n/);
  });

  it("a role cache holding values that are no keys: export prints nothing and names the file (issue 16, item 5)", async () => {
    const h = await home({ signedIn: false });
    await mkdir(join(h, ".aws", "cli", "cache"), { recursive: true });
    const file = join(
      h,
      ".aws",
      "cli",
      "cache",
      roleCacheFileName({ accountId: "100000000001", roleName: "AdministratorAccess", sessionName: "s" }),
    );
    // What would run a command in PowerShell (typographic quotes) and in cmd.exe (a quote and &).
    await writeFile(
      file,
      formatRoleCacheEntry({
        accessKeyId: "ASIAHOSTILE",
        secretAccessKey: "x\u201d; calc; \u201c",
        sessionToken: 'y"&calc&"',
        expiration: new Date(Date.now() + 3600_000),
      }),
    );
    for (const format of ["powershell", "windows-cmd"]) {
      const r = await runCli(["export", "--profile", "p", "--format", format], { home: h });
      expect(r.code, r.stderr).toBe(Exit.config);
      expect(r.stdout).toBe("");
      expect(r.stderr).toBe(
        `sso-cli: ${file}: Credentials.SecretAccessKey is not a secret access key; Credentials.SessionToken is not a session token\n  Delete the file and sign in again.\n`,
      );
    }
  });
});
