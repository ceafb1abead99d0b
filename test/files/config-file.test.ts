import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BadValueError, ConfigError, Exit } from "../../src/errors.js";
import {
  findProfileSection,
  isValidAccountId,
  isValidRegion,
  isValidStartUrl,
  listProfiles,
  listSsoSessions,
  parseRegistrationScopes,
  readConfigFile,
  resolveSsoProfile,
  resolveSsoSession,
  applyConfigEdits,
} from "../../src/files/config-file.js";
import { type IniDocument } from "../../src/files/ini-document.js";
import { IniEditor } from "../../src/files/ini-editor.js";
import { IniChain } from "../../src/files/ini-chain.js";

const FIXTURES = join(import.meta.dirname, "..", "fixtures", "ini");
const fixture = async (name: string): Promise<IniDocument> => IniEditor.parse(await readFile(join(FIXTURES, name), "utf8"), name);
const START_URL = "https://d-1234567890.awsapps.com/start";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "sso-cli-config-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("listing", () => {
  it.each([
    ["config-sso", ["default", "dev", "legacy"], ["my-sso"]],
    ["config-messy", ["default", "team.prod", "my name", "quoted.dev", "a.b.c"], ["corp"]],
    ["config-crlf", ["default", "win"], ["ws"]],
    ["config-empty", [], []],
  ])("%s has profiles %j and sso-sessions %j", async (name, profiles, sessions) => {
    const doc = await fixture(name);
    expect(listProfiles(doc)).toEqual(profiles);
    expect(listSsoSessions(doc)).toEqual(sessions);
  });

  it("lists [profile default] once and reads whichever default section comes later", () => {
    const doc = IniEditor.parse("[profile default]\nregion = a\n[default]\nregion = b\n", "config");
    expect(listProfiles(doc)).toEqual(["default"]);
    expect(findProfileSection(doc, "default")).toBe("default");
    const flipped = IniEditor.parse("[default]\nregion = b\n[profile default]\nregion = a\n", "config");
    expect(findProfileSection(flipped, "default")).toBe("profile default");
  });

  it("reads a missing config file as empty", async () => {
    expect(listProfiles(await readConfigFile(join(dir, "nope")))).toEqual([]);
  });
});

describe("resolveSsoProfile", () => {
  it("resolves an sso-session profile with the source of every value", async () => {
    expect(resolveSsoProfile(await fixture("config-sso"), "dev")).toEqual({
      profile: "dev",
      kind: "sso-session",
      ssoSession: "my-sso",
      startUrl: START_URL,
      region: "us-east-1",
      accountId: "111122223333",
      roleName: "AdministratorAccess",
      registrationScopes: ["sso:account:access"],
      clientRegion: "us-east-1",
      sources: {
        startUrl: "config-sso:14 [sso-session my-sso]",
        region: "config-sso:15 [sso-session my-sso]",
        registrationScopes: "config-sso:16 [sso-session my-sso]",
        accountId: "config-sso:8 [profile dev]",
        roleName: "config-sso:9 [profile dev]",
      },
    });
  });

  it("resolves a legacy profile, whose registration has no scopes", async () => {
    expect(resolveSsoProfile(await fixture("config-sso"), "legacy")).toMatchObject({
      kind: "legacy",
      startUrl: START_URL,
      region: "us-east-1",
      accountId: "111122223333",
      roleName: "ReadOnly",
      registrationScopes: null,
    });
  });

  it.each([
    [
      "team.prod",
      {
        ssoSession: "corp",
        startUrl: "https://corp.awsapps.com/start/",
        region: "eu-central-1",
        accountId: "444455556666",
        roleName: "PowerUserAccess",
        registrationScopes: null,
      },
    ],
    ["quoted.dev", { ssoSession: "corp", accountId: "777788889999", roleName: "ReadOnly" }],
  ])("resolves %s from the messy fixture", async (profile, expected) => {
    expect(resolveSsoProfile(await fixture("config-messy"), profile)).toMatchObject(expected);
  });

  it("resolves a CRLF file", async () => {
    expect(resolveSsoProfile(await fixture("config-crlf"), "win")).toMatchObject({
      startUrl: "https://d-9999999999.awsapps.com/start",
      region: "us-west-2",
    });
  });

  it("gives every section the keys of [DEFAULT], as configparser does", () => {
    const doc = IniEditor.parse(`[DEFAULT]\nsso_region = eu-west-1\n[profile x]\nsso_start_url = ${START_URL}\n`, "config");
    expect(resolveSsoProfile(doc, "x")).toMatchObject({ kind: "legacy", region: "eu-west-1" });
  });

  it("needs neither account nor role (signing in needs only the session)", () => {
    const doc = IniEditor.parse(
      `[profile s]\nsso_session = a\n[sso-session a]\nsso_start_url = ${START_URL}\nsso_region = us-east-1\n`,
      "config",
    );
    const resolved = resolveSsoProfile(doc, "s");
    expect(resolved.accountId).toBeUndefined();
    expect(resolved.roleName).toBeUndefined();
  });

  it("hints lead to the right name (#18 item 5): near profiles and sso-sessions, the profile that names a missing one", () => {
    const hint = (text: string, profile: string): string | undefined => {
      try {
        resolveSsoProfile(IniChain.read(text, "config"), profile);
      } catch (err) {
        return (err as ConfigError).hint;
      }
      return undefined;
    };
    const two = `[profile account-1.AdministratorAccess]\nsso_session = corp\n[profile dev]\nsso_session = corp\n[sso-session corp]\nsso_start_url = ${START_URL}\nsso_region = us-east-1\n`;
    expect(hint(two, "acount-1.AdministratorAccess")).toBe(
      "Did you mean account-1.AdministratorAccess? (sso-cli roles lists the accounts and roles you can use)",
    );
    expect(hint(two, "staging")).toBe(
      "Check the name (sso-cli status lists your profiles), or create it: sso-cli configure profile staging",
    );
    expect(hint(`${two}[profile p]\nsso_session = crop\n`, "p")).toBe("Did you mean corp? Fix sso_session of profile p.");
    expect(hint(`[profile p]\nsso_session = gone\n`, "p")).toBe(
      "Add an [sso-session gone] section to config, or run: sso-cli configure profile p --sso-session gone --sso-start-url URL --sso-region REGION",
    );
  });

  it("a syntax error names its line and never suggests removing the person's file (#18 item 5)", () => {
    let caught: unknown;
    try {
      IniChain.read("[profile p]\nregion = us-east-1\noops\n", "config");
    } catch (err) {
      caught = err;
    }
    expect(caught).toMatchObject({
      message: "config:3: is not a key = value line, a comment or a [section] header",
      hint: "Fix that line, then try again.",
    });
  });

  const session = `[sso-session s]\nsso_start_url = ${START_URL}\nsso_region = us-east-1\n`;
  it.each([
    ["an unknown profile", "[profile other]\nregion = x\n", "nope", "The config profile (nope) could not be found."],
    ["a profile without SSO keys", "[profile p]\nregion = us-east-1\n", "p", "Profile p is not set up for IAM Identity Center"],
    ["a missing sso-session", "[profile p]\nsso_session = gone\n", "p", 'The specified sso-session does not exist: "gone"'],
    [
      "an sso-session without sso_region",
      `[profile p]\nsso_session = s\nsso_region = us-east-1\n[sso-session s]\nsso_start_url = ${START_URL}\n`,
      "p",
      'The sso-session "s" is missing sso_region',
    ],
    [
      "a different sso_region in profile and session",
      `[profile p]\nsso_session = s\nsso_region = eu-west-1\n${session}`,
      "p",
      "The value for sso_region is inconsistent between profile p and sso-session s (eu-west-1 vs us-east-1).",
    ],
    [
      "a different sso_start_url in profile and session",
      `[profile p]\nsso_session = s\nsso_start_url = ${START_URL}/\n${session}`,
      "p",
      "The value for sso_start_url is inconsistent",
    ],
    [
      "an 11-digit account",
      `[profile p]\nsso_session = s\nsso_account_id = 11112222333\n${session}`,
      "p",
      "sso_account_id of profile p must be 12 digits (config:3 [profile p]).",
    ],
    [
      "an account with an inline comment",
      `[profile p]\nsso_session = s\nsso_account_id = 111122223333 # prod\n${session}`,
      "p",
      "must be 12 digits",
    ],
    [
      "an http start URL",
      "[profile p]\nsso_start_url = http://d-1234567890.awsapps.com/start\nsso_region = us-east-1\n",
      "p",
      "sso_start_url must be an https:// URL (config:2 [profile p]).",
    ],
    [
      "a legacy profile without sso_region",
      `[profile p]\nsso_start_url = ${START_URL}\nsso_account_id = 111122223333\n`,
      "p",
      "Profile p is missing sso_region (config:1 [profile p]).",
    ],
    [
      "a bad sso_region",
      `[profile p]\nsso_start_url = ${START_URL}\nsso_region = useast1\n`,
      "p",
      "sso_region is not an AWS region name (config:3 [profile p]).",
    ],
  ])("reports %s", (_name, text, profile, message) => {
    const doc = IniEditor.parse(text, "config");
    let caught: unknown;
    try {
      resolveSsoProfile(doc, profile);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).exitCode).toBe(Exit.config);
    expect((caught as ConfigError).message).toContain(message);
  });

  it("resolves an sso-session on its own for login --sso-session", async () => {
    expect(resolveSsoSession(await fixture("config-messy"), "corp")).toMatchObject({
      ssoSession: "corp",
      startUrl: "https://corp.awsapps.com/start/",
      region: "eu-central-1",
      registrationScopes: null,
    });
  });
});

describe("parseRegistrationScopes", () => {
  it.each([
    [undefined, null],
    ["sso:account:access", ["sso:account:access"]],
    [" a , b,,c ", ["a", "b", "c"]],
    ["", []],
    // The AWS CLI strips with Python's strip(): U+0085 is white space, U+FEFF is not.
    ["a,\x85b\x1f, \uFEFFc", ["a", "b", "\uFEFFc"]],
  ])("reads %j as %j", (value, scopes) => {
    expect(parseRegistrationScopes(value)).toEqual(scopes);
  });
});

describe("validators", () => {
  it.each([
    ["https://d-1234567890.awsapps.com/start", true],
    ["https://d-1234567890.awsapps.com/start/", true],
    ["https://d-1234567890.awsapps.com/start#/", true],
    ["https://my-company.awsapps.com/start", true],
    ["https://d-1234567890.awsapps.com", true],
    ["https://ssoins-1234.portal.eu-west-1.app.aws", true],
    ["https://ssoins-1234.portal.eu-west-1.app.aws/", true],
    ["https://d-1234567890.awsapps.cn/start", true],
    ["https://identitycenter.amazonaws.com/ssoins-1234", true],
    ["https://D-1234567890.AWSAPPS.COM/start", true],
    ["http://d-1234567890.awsapps.com/start", false],
    ["http://127.0.0.1:8080/start", false],
    ["https://localhost/start", false],
    ["https://awsapps.com/start", false],
    ["https://evil.com/.awsapps.com", false],
    ["https://d-1234567890.awsapps.com.evil.com/start", false],
    ["https://d-1234567890.awsapps.com:8443/start", false],
    ["https://user:pw@d-1234567890.awsapps.com/start", false],
    [" https://d-1234567890.awsapps.com/start", false],
    ["d-1234567890.awsapps.com/start", false],
    ["", false],
  ])("start URL %j is valid: %s", (url, ok) => {
    expect(isValidStartUrl(url)).toBe(ok);
  });

  it.each([
    ["us-east-1", true],
    ["eu-north-1", true],
    ["ap-southeast-7", true],
    ["il-central-1", true],
    ["mx-central-1", true],
    ["cn-northwest-1", true],
    ["us-gov-west-1", true],
    ["us-isob-east-1", true],
    ["eu-isoe-west-1", true],
    ["eusc-de-east-1", true],
    ["useast1", false],
    ["us-east", false],
    ["US-EAST-1", false],
    ["xx-east-1", false],
    ["us-east-1 ", false],
  ])("region %j is valid: %s", (region, ok) => {
    expect(isValidRegion(region)).toBe(ok);
  });

  it.each([
    ["111122223333", true],
    ["000000000000", true],
    ["11112222333", false],
    ["1111222233334", false],
    ["11112222333a", false],
    ["111122223333\n", false],
  ])("account id %j is valid: %s", (id, ok) => {
    expect(isValidAccountId(id)).toBe(ok);
  });
});

/** One profile's keys, in one edit. */
const setProfileConfig = (file: string, profile: string, set: Record<string, string>) =>
  applyConfigEdits(file, [{ section: { profile }, set }]);

describe("applyConfigEdits: one locked edit of the config file", () => {
  async function copyFixture(name: string): Promise<[string, string]> {
    const text = await readFile(join(FIXTURES, name), "utf8");
    const file = join(dir, "config");
    await writeFile(file, text, { mode: 0o644 });
    return [file, text];
  }

  it("changes only the profile it edits and keeps the file's mode", async () => {
    const [file, text] = await copyFixture("config-messy");
    expect(await setProfileConfig(file, "team.prod", { region: "eu-west-3" })).toBe(true);
    const after = await readFile(file, "utf8");
    // After the section's last key, which is the nested s3 block.
    expect(after).toBe(text.replace("  addressing_style = path\n", "  addressing_style = path\nregion = eu-west-3\n"));
    expect((await stat(file)).mode & 0o777).toBe(0o644);
  });

  it("edits the quoted section of a name with a space, and quotes a new one", async () => {
    const [file, text] = await copyFixture("config-messy");
    await setProfileConfig(file, "my name", { region: "us-west-1" });
    await setProfileConfig(file, "new one", { region: "us-west-2" });
    expect(await readFile(file, "utf8")).toBe(
      `${text.replace("region = ap-southeast-2", "region = us-west-1")}\n\n[profile 'new one']\nregion = us-west-2`,
    );
  });

  it("writes an sso-session and a profile into a new file, 0600 in a new 0700 folder", async () => {
    const file = join(dir, "aws", "config");
    const changed = await applyConfigEdits(file, [
      {
        section: { ssoSession: "my-sso" },
        set: { sso_start_url: START_URL, sso_region: "us-east-1", sso_registration_scopes: "sso:account:access" },
      },
      { section: { profile: "dev" }, set: { sso_session: "my-sso", sso_account_id: "111122223333", sso_role_name: "Admin" } },
    ]);
    expect(changed).toBe(true);
    expect(await readFile(file, "utf8")).toBe(
      `[sso-session my-sso]\nsso_start_url = ${START_URL}\nsso_region = us-east-1\nsso_registration_scopes = sso:account:access\n\n` +
        "[profile dev]\nsso_session = my-sso\nsso_account_id = 111122223333\nsso_role_name = Admin\n",
    );
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, "aws"))).mode & 0o777).toBe(0o700);
    expect(resolveSsoProfile(await readConfigFile(file), "dev")).toMatchObject({ ssoSession: "my-sso", accountId: "111122223333" });
  });

  it("does not rewrite an unchanged file", async () => {
    const [file] = await copyFixture("config-sso");
    const { ino } = await stat(file);
    expect(await setProfileConfig(file, "dev", { region: "us-east-1" })).toBe(false);
    expect((await stat(file)).ino).toBe(ino);
  });

  it("writes the default profile where botocore reads it", async () => {
    const file = join(dir, "config");
    await writeFile(file, "[default]\nregion = a\n\n[profile default]\nregion = b\n");
    await setProfileConfig(file, "default", { output: "json" });
    expect(await readFile(file, "utf8")).toBe("[default]\nregion = a\n\n[profile default]\nregion = b\noutput = json\n");
  });

  it("keeps every change when ten edits race", async () => {
    const file = join(dir, "config");
    await mkdir(dir, { recursive: true });
    await Promise.all(Array.from({ length: 10 }, (_, i) => setProfileConfig(file, `p${i}`, { region: "us-east-1" })));
    expect(listProfiles(await readConfigFile(file)).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `p${i}`).sort());
  });

  it("switches a legacy profile to an sso-session in one write: keys removed and set together", async () => {
    const file = join(dir, "config");
    await writeFile(
      file,
      `# mine\n[profile old]\nsso_start_url = ${START_URL}\nsso_region = us-east-1\nsso_account_id = 111122223333\nsso_role_name = Admin\n`,
    );
    const before = await stat(file);
    await applyConfigEdits(file, [
      { section: { ssoSession: "s" }, set: { sso_start_url: START_URL, sso_region: "us-east-1" } },
      { section: { profile: "old" }, set: { sso_session: "s" }, remove: ["sso_start_url", "sso_region"] },
    ]);
    expect(await readFile(file, "utf8")).toBe(
      `# mine\n[profile old]\nsso_account_id = 111122223333\nsso_role_name = Admin\nsso_session = s\n\n[sso-session s]\nsso_start_url = ${START_URL}\nsso_region = us-east-1\n`,
    );
    expect((await stat(file)).ino).not.toBe(before.ino);
  });

  it.each(["", " x", "a]b", "a\nb"])("rejects profile name %j", async (name) => {
    await expect(setProfileConfig(join(dir, "config"), name, { region: "x" })).rejects.toThrow(BadValueError);
  });
});
