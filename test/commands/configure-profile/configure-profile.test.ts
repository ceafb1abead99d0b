import { mkdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError, ServiceError, UsageError } from "../../../src/errors.js";
import {
  configureProfile,
  type Choice,
  type ConfigureProfileInput,
  type Prompter,
} from "../../../src/commands/configure-profile/configure-profile.js";
import { startTestEmulator } from "../../helpers/emulator.js";
import { makeTempHome } from "../../helpers/temp-home.js";
import { createTestContext, type TestContext } from "../../helpers/test-context.js";

type Emulator = Awaited<ReturnType<typeof startTestEmulator>>;

interface Asked {
  message: string;
  default?: string | undefined;
  choices?: string[];
}

/** A person at the terminal: answers by question, else presses Enter (takes the default); records every question. */
function scriptedPrompter(answers: [RegExp, string][] = []): Prompter & { asked: Asked[] } {
  const asked: Asked[] = [];
  const answer = (message: string, fallback: string | undefined): string => {
    const hit = answers.find(([q]) => q.test(message));
    if (hit) return hit[1];
    if (fallback === undefined) throw new Error(`no answer and no default for "${message}"`);
    return fallback;
  };
  return {
    asked,
    input: async (message, opts) => {
      asked.push({ message, default: opts.default });
      const value = answer(message, opts.default);
      const ok = opts.validate(value);
      if (ok !== true) throw new Error(`"${value}" refused for "${message}": ${ok}`);
      return value;
    },
    select: async (message: string, choices: Choice[], opts = {}) => {
      asked.push({ message, default: opts.default, choices: choices.map((c) => c.value) });
      return answer(message, opts.default ?? choices[0]?.value);
    },
  };
}

describe("configure profile, in-process: what it asks, and one edit of the config file", () => {
  let emu: Emulator;
  const cleanups: Array<() => Promise<void>> = [];
  beforeAll(async () => {
    emu = await startTestEmulator({ accounts: 3, rolesPerAccount: 2, autoApproveMs: 0 });
  });
  afterAll(async () => {
    await emu.close();
    for (const c of cleanups) await c();
  });

  async function context(config?: string): Promise<TestContext> {
    const { home, cleanup } = await makeTempHome();
    cleanups.push(cleanup);
    const ctx = createTestContext({ home, endpoints: emu.endpoints, tty: { stdin: true, stderr: true } });
    if (config !== undefined) {
      await mkdir(join(home, ".aws"), { recursive: true });
      await writeFile(ctx.paths.configFile, config);
    }
    return ctx;
  }

  const input = (o: Partial<ConfigureProfileInput> = {}): ConfigureProfileInput => ({
    profile: "p",
    legacy: false,
    force: false,
    browser: false,
    ...o,
  });
  const sessions = () =>
    `# shared by the team\n[sso-session corp]\nsso_start_url = ${emu.startUrl}\nsso_region = eu-west-1\nsso_registration_scopes = sso:account:access\n\n[sso-session other]\nsso_start_url = https://d-9999999999.awsapps.com/start\nsso_region = us-east-2\n`;

  it("with no flags, offers the existing sso-sessions first, then asks account, role, region and output", async () => {
    const ctx = await context(sessions());
    const prompter = scriptedPrompter([
      [/sso-session/, "corp"],
      [/Which AWS account/, "100000000002"],
      [/Which role/, "ReadOnlyAccess"],
      [/AWS CLI output format/, "table"],
    ]);
    const r = await configureProfile(ctx, input(), prompter);
    expect(prompter.asked.map((a) => a.message)).toEqual([
      "Which sso-session (sign-in) does this profile use?",
      "Which AWS account? (3 available)",
      "Which role in account 100000000002? (2 available)",
      "Default region for AWS clients",
      "AWS CLI output format",
    ]);
    expect(prompter.asked[0]!.choices).toEqual(["corp", "other", "\u0000new"]);
    expect(prompter.asked[3]!.default).toBe("eu-west-1");
    expect(r).toMatchObject({
      changed: true,
      ssoSession: "corp",
      accountId: "100000000002",
      roleName: "ReadOnlyAccess",
      clientRegion: "eu-west-1",
      output: "table",
    });
    expect(await readFile(ctx.paths.configFile, "utf8")).toBe(
      `${sessions()}\n[profile p]\nsso_session = corp\nsso_account_id = 100000000002\nsso_role_name = ReadOnlyAccess\nregion = eu-west-1\noutput = table\n`,
    );
    expect(ctx.stderrText()).toMatch(/^Signed in to /m);
  });

  it("a role name the portal lists with an escape is shown escaped and never written (issue 16, item 5)", async () => {
    const ctx = await context(sessions());
    const evil = "Esc\u001b]0;pwned\u0007";
    emu.state.configure({ roleNames: [evil, "Admin"] });
    try {
      const prompter = scriptedPrompter([
        [/sso-session/, "corp"],
        [/Which AWS account/, "100000000001"],
        [/Which role/, evil],
      ]);
      let shownNames: string[] = [];
      const select = prompter.select;
      prompter.select = async (message, choices, opts) => {
        if (/Which role/.test(message)) shownNames = choices.map((c) => c.name);
        return select(message, choices, opts);
      };
      await expect(configureProfile(ctx, input(), prompter)).rejects.toThrow(ServiceError);
      expect(shownNames).toEqual(["Esc\\x1b]0;pwned\\x07", "Admin"]);
      expect(await readFile(ctx.paths.configFile, "utf8")).toBe(sessions());
    } finally {
      emu.state.configure({ roleNames: [] });
    }
  });

  it("run again on a terminal, asks everything again with the current values as defaults; Enter throughout changes nothing", async () => {
    const ctx = await context(sessions());
    await configureProfile(
      ctx,
      input(),
      scriptedPrompter([
        [/sso-session/, "corp"],
        [/Which AWS account/, "100000000003"],
        [/Which role/, "ReadOnlyAccess"],
        [/output/, "yaml"],
      ]),
    );
    const before = await stat(ctx.paths.configFile);
    const again = scriptedPrompter();
    const r = await configureProfile(ctx, input(), again);
    expect(again.asked.map((a) => [a.message, a.default])).toEqual([
      ["Which sso-session (sign-in) does this profile use?", "corp"],
      ["Which AWS account? (3 available)", "100000000003"],
      ["Which role in account 100000000003? (2 available)", "ReadOnlyAccess"],
      ["Default region for AWS clients", "eu-west-1"],
      ["AWS CLI output format", "yaml"],
    ]);
    expect(r.changed).toBe(false);
    expect((await stat(ctx.paths.configFile)).ino).toBe(before.ino);
  });

  it("a new sso-session: asks start URL, region and name, and writes session and profile in one edit", async () => {
    const ctx = await context();
    const prompter = scriptedPrompter([
      [/SSO start URL/, emu.startUrl],
      [/SSO region/, "us-east-1"],
      [/Which AWS account/, "100000000001"],
      [/Which role/, "AdministratorAccess"],
    ]);
    const r = await configureProfile(ctx, input(), prompter);
    expect(prompter.asked.map((a) => a.message).slice(0, 3)).toEqual(["SSO start URL", "SSO region", "SSO session name"]);
    expect(r.edits).toEqual([
      {
        section: { ssoSession: "d-0000000000" },
        set: { sso_start_url: emu.startUrl, sso_region: "us-east-1", sso_registration_scopes: "sso:account:access" },
      },
      {
        section: { profile: "p" },
        set: {
          sso_session: "d-0000000000",
          sso_account_id: "100000000001",
          sso_role_name: "AdministratorAccess",
          region: "us-east-1",
          output: "json",
        },
      },
    ]);
  });

  it("the start URL typed as d-xxxxxxxxxx is the full URL; a region it does not know is warned about, not refused (#18 item 6)", async () => {
    const ctx = await context();
    const prompter = scriptedPrompter([
      [/SSO start URL/, "d-0000000000"],
      [/SSO region/, "us-east-1"],
      [/Which AWS account/, "100000000001"],
      [/Which role/, "AdministratorAccess"],
    ]);
    const r = await configureProfile(ctx, input(), prompter);
    expect(r.edits[0]).toMatchObject({ set: { sso_start_url: "https://d-0000000000.awsapps.com/start" } });
    const flags = await context();
    await configureProfile(
      flags,
      input({
        profile: "q",
        ssoSession: "n",
        startUrl: emu.startUrl,
        region: "eu-nort-1",
        accountId: "100000000001",
        roleName: "AdministratorAccess",
        clientRegion: "us-east-1",
        output: "json",
      }),
      undefined,
    );
    expect(flags.stderrText()).toMatch(
      /^warning: --sso-region eu-nort-1 is not a region sso-cli knows \(did you mean eu-north-1\?\); it is used as given\.\n/,
    );
    expect(await readFile(flags.paths.configFile, "utf8")).toMatch(/^sso_region = eu-nort-1$/m);
  });

  it("without a terminal: asks nothing, keeps an existing profile as it is, and needs flags for a new one", async () => {
    const ctx = await context(
      `${sessions()}\n[profile p]\nsso_session = corp\nsso_account_id = 100000000001\nsso_role_name = AdministratorAccess\nregion = eu-west-1\n`,
    );
    const r = await configureProfile(ctx, input(), undefined);
    expect(r).toMatchObject({ changed: false, ssoSession: "corp", accountId: "100000000001" });
    await expect(configureProfile(ctx, input({ profile: "new" }), undefined)).rejects.toThrow(UsageError);
    await expect(configureProfile(ctx, input({ profile: "new" }), undefined)).rejects.toThrow(/--sso-start-url is required/);
  });

  it("refuses to point an sso-session at another start URL without --force, and writes nothing", async () => {
    const ctx = await context(sessions());
    const before = await readFile(ctx.paths.configFile, "utf8");
    await expect(
      configureProfile(
        ctx,
        input({
          ssoSession: "corp",
          startUrl: "https://d-1111111111.awsapps.com/start",
          accountId: "100000000001",
          roleName: "AdministratorAccess",
        }),
        undefined,
      ),
    ).rejects.toThrow(ConfigError);
    expect(await readFile(ctx.paths.configFile, "utf8")).toBe(before);
  });

  it("takes an empty sso_session = as none: the one named after the start URL replaces it, without --force", async () => {
    const ctx = await context("[profile NEW]\nsso_session =\nregion = eu-west-1\n");
    const r = await configureProfile(
      ctx,
      input({ profile: "NEW", startUrl: emu.startUrl, region: "us-east-1", accountId: "100000000001", roleName: "AdministratorAccess" }),
      undefined,
    );
    expect(r).toMatchObject({ form: "sso-session", ssoSession: "d-0000000000", changed: true });
    expect(await readFile(ctx.paths.configFile, "utf8")).toBe(
      `[profile NEW]\nsso_session = d-0000000000\nregion = eu-west-1\nsso_account_id = 100000000001\nsso_role_name = AdministratorAccess\n\n[sso-session d-0000000000]\nsso_start_url = ${emu.startUrl}\nsso_region = us-east-1\nsso_registration_scopes = sso:account:access\n`,
    );
  });

  it('takes an empty sso_session = as none for --legacy too, and removes it (botocore would look for an sso-session named "")', async () => {
    const ctx = await context("[profile NEW]\nsso_session =\nregion = eu-west-1\n");
    const r = await configureProfile(
      ctx,
      input({
        profile: "NEW",
        legacy: true,
        startUrl: emu.startUrl,
        region: "us-east-1",
        accountId: "100000000001",
        roleName: "AdministratorAccess",
      }),
      undefined,
    );
    expect(r).toMatchObject({ form: "legacy", changed: true });
    expect(await readFile(ctx.paths.configFile, "utf8")).toBe(
      `[profile NEW]\nregion = eu-west-1\nsso_start_url = ${emu.startUrl}\nsso_region = us-east-1\nsso_account_id = 100000000001\nsso_role_name = AdministratorAccess\n`,
    );
  });

  it("moves a legacy profile with the same start URL and region to an sso-session without --force, in place", async () => {
    const ctx = await context(
      `[profile p]\nsso_start_url = ${emu.startUrl}\nsso_region = us-east-1\n\n[profile other]\nregion = eu-west-1\n`,
    );
    const r = await configureProfile(
      ctx,
      input({ startUrl: emu.startUrl, accountId: "100000000001", roleName: "AdministratorAccess" }),
      undefined,
    );
    expect(r).toMatchObject({ form: "sso-session", ssoSession: "d-0000000000", changed: true });
    expect(await readFile(ctx.paths.configFile, "utf8")).toBe(
      `[profile p]\nsso_session = d-0000000000\nsso_account_id = 100000000001\nsso_role_name = AdministratorAccess\nregion = us-east-1\n\n[profile other]\nregion = eu-west-1\n\n[sso-session d-0000000000]\nsso_start_url = ${emu.startUrl}\nsso_region = us-east-1\nsso_registration_scopes = sso:account:access\n`,
    );
    // Another start URL is a different sign-in: that needs --force.
    const other = await context(`[profile p]\nsso_start_url = https://d-1111111111.awsapps.com/start\nsso_region = us-east-1\n`);
    await expect(
      configureProfile(other, input({ startUrl: emu.startUrl, accountId: "100000000001", roleName: "AdministratorAccess" }), undefined),
    ).rejects.toThrow(/has its own sso_start_url\/sso_region/);
  });

  it("moves a legacy profile to an sso-session with --force in one write, keeping its other keys", async () => {
    const legacy = `[profile p]\nsso_start_url = ${emu.startUrl}\nsso_region = us-east-1\nsso_account_id = 100000000001\nsso_role_name = AdministratorAccess\nregion = ap-south-1\n`;
    const ctx = await context(legacy);
    const r = await configureProfile(ctx, input({ ssoSession: "s", force: true }), undefined);
    expect(r).toMatchObject({ form: "sso-session", changed: true });
    expect(await readFile(ctx.paths.configFile, "utf8")).toBe(
      `[profile p]\nsso_account_id = 100000000001\nsso_role_name = AdministratorAccess\nregion = ap-south-1\nsso_session = s\n\n[sso-session s]\nsso_start_url = ${emu.startUrl}\nsso_region = us-east-1\nsso_registration_scopes = sso:account:access\n`,
    );
  });
});
