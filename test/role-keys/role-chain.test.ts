import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/errors.js";
import { IniChain } from "../../src/files/ini-chain.js";
import { assumeRoleCacheFileName, configSection, resolveRoleChain, stsEndpointFor } from "../../src/role-keys/role-chain.entry.js";

// Issue 22, item 1: a role chain read as botocore's AssumeRoleProvider reads it.

const SSO = [
  "[profile sso]",
  "sso_session = s",
  "sso_account_id = 100000000001",
  "sso_role_name = Admin",
  "",
  "[sso-session s]",
  "sso_start_url = https://d-1234567890.awsapps.com/start",
  "sso_region = us-east-1",
  "",
];

function chainOf(lines: string[], name: string, credentials: string[] = [], env: Record<string, string> = {}) {
  const doc = IniChain.read([...SSO, ...lines].join("\n") + "\n", "/h/.aws/config");
  const creds = IniChain.read(credentials.join("\n") + "\n", "/h/.aws/credentials", { sectionNames: "raw" });
  return resolveRoleChain(name, configSection(doc), (p) => creds.getSection(p), env);
}

const refusal = (f: () => unknown): ConfigError => {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error("no error");
};

describe("the assume-role cache file name is botocore's", () => {
  // Expected names: python3 -c 'import json,hashlib; print(hashlib.sha1(json.dumps(ARGS, sort_keys=True).encode()).hexdigest())'
  it.each([
    [
      { roleArn: "arn:aws:iam::100000000002:role/Deploy", sessionName: "alice", durationSeconds: 900 },
      "b2473aa60b394617d2b0d1e9761243ab9094eb6d.json",
    ],
    [{ roleArn: "arn:aws:iam::100000000002:role/Deploy" }, "e6f108c95bd2d2e2291ec4f45615ad0aa7371526.json"],
    [
      { roleArn: "arn:aws:iam::100000000003:role/team/Audit", sessionName: "alice-audit", externalId: "x-1" },
      "60f220ea74d04d24f0a409326105528a98362be3.json",
    ],
  ])("%j → %s", (hop, file) => {
    expect(assumeRoleCacheFileName(hop)).toBe(file);
  });
});

describe("a chain resolved as botocore resolves it", () => {
  it("one hop on an SSO profile: the role, its settings and the region", () => {
    const c = chainOf(
      [
        "[profile deploy]",
        "role_arn = arn:aws:iam::100000000002:role/Deploy",
        "source_profile = sso",
        "role_session_name = alice",
        "duration_seconds = 900",
        "external_id = x-1",
        "region = eu-west-1",
      ],
      "deploy",
    );
    expect(c.base).toEqual({ kind: "sso", profile: "sso" });
    expect(c.hops).toEqual([
      {
        profile: "deploy",
        roleArn: "arn:aws:iam::100000000002:role/Deploy",
        accountId: "100000000002",
        roleName: "Deploy",
        sessionName: "alice",
        durationSeconds: 900,
        externalId: "x-1",
        cacheFile: assumeRoleCacheFileName({
          roleArn: "arn:aws:iam::100000000002:role/Deploy",
          sessionName: "alice",
          durationSeconds: 900,
          externalId: "x-1",
        }),
      },
    ]);
    expect(c).toMatchObject({ region: "eu-west-1", stsRegionalEndpoints: "regional" });
  });

  it("two hops: the source profile's role is assumed first; a path in the ARN is not the name", () => {
    const c = chainOf(
      [
        "[profile deploy]",
        "role_arn = arn:aws:iam::100000000002:role/Deploy",
        "source_profile = sso",
        "",
        "[profile audit]",
        "role_arn = arn:aws:iam::100000000003:role/team/Audit",
        "source_profile = deploy",
      ],
      "audit",
      [],
      { AWS_DEFAULT_REGION: "us-west-2" },
    );
    expect(c.hops.map((h) => [h.profile, h.roleName, h.sessionName])).toEqual([
      ["deploy", "Deploy", undefined],
      ["audit", "Audit", undefined],
    ]);
    expect(c.region).toBe("us-west-2");
  });

  it("a source profile with keys in the credentials file, or a profile naming itself with keys", () => {
    expect(
      chainOf(["[profile deploy]", "role_arn = arn:aws:iam::100000000002:role/Deploy", "source_profile = base"], "deploy", [
        "[base]",
        "aws_access_key_id = AKIAEXAMPLE",
        "aws_secret_access_key = s",
      ]).base,
    ).toEqual({ kind: "static", profile: "base", keys: { accessKeyId: "AKIAEXAMPLE", secretAccessKey: "s" } });
    expect(
      chainOf(["[profile me]", "role_arn = arn:aws:iam::100000000002:role/Deploy", "source_profile = me"], "me", [
        "[me]",
        "aws_access_key_id = AKIAEXAMPLE",
        "aws_secret_access_key = s",
      ]).base,
    ).toMatchObject({ kind: "static", profile: "me" });
  });

  it("a loop is one line naming the profiles", () => {
    const e = refusal(() =>
      chainOf(
        [
          "[profile a]",
          "role_arn = arn:aws:iam::100000000002:role/A",
          "source_profile = b",
          "",
          "[profile b]",
          "role_arn = arn:aws:iam::100000000002:role/B",
          "source_profile = a",
        ],
        "a",
      ),
    );
    expect(e.message).toBe("The source_profile chain of profile a loops: a → b → a.");
    expect(refusal(() => chainOf(["[profile a]", "role_arn = arn:aws:iam::100000000002:role/A", "source_profile = a"], "a")).message).toBe(
      "The source_profile chain of profile a loops: a → a.",
    );
  });

  it.each([
    [["credential_source = Environment"], /credential_source = Environment: sso-cli serves role chains on a source_profile only/],
    [
      ["source_profile = sso", "mfa_serial = arn:aws:iam::100000000001:mfa/alice"],
      /needs an MFA code \(mfa_serial\): sso-cli runs inside other tools and never prompts/,
    ],
    [["source_profile = nope"], /The source_profile "nope" of profile x does not exist/],
    [[], /has role_arn but no source_profile/],
    [["source_profile = sso", "duration_seconds = 1h"], /duration_seconds of profile x must be a whole number of seconds/],
    [["source_profile = sso", "sts_regional_endpoints = sometimes"], /sts_regional_endpoints of profile x must be "regional" or "legacy"/],
  ])("refused with one line: %j", (lines, message) => {
    const e = refusal(() => chainOf(["[profile x]", "role_arn = arn:aws:iam::100000000002:role/Deploy", ...lines], "x"));
    expect(e.message).toMatch(message);
    expect(e.message).not.toContain("\n");
  });

  it("a source profile without credentials, and a role_arn that is not a role's", () => {
    expect(
      refusal(() =>
        chainOf(
          [
            "[profile empty]",
            "region = us-east-1",
            "",
            "[profile x]",
            "role_arn = arn:aws:iam::100000000002:role/Deploy",
            "source_profile = empty",
          ],
          "x",
        ),
      ).message,
    ).toMatch(/"empty" of profile x has no credentials/);
    expect(
      refusal(() => chainOf(["[profile x]", "role_arn = arn:aws:iam::100000000002:user/bob", "source_profile = sso"], "x")).message,
    ).toMatch(/not an IAM role ARN/);
  });
});

describe("the STS endpoint", () => {
  it.each([
    [undefined, "regional", "https://sts.amazonaws.com", "us-east-1"],
    ["eu-west-1", "regional", "https://sts.eu-west-1.amazonaws.com", "eu-west-1"],
    ["eu-west-1", "legacy", "https://sts.amazonaws.com", "us-east-1"],
    ["af-south-1", "legacy", "https://sts.af-south-1.amazonaws.com", "af-south-1"],
  ] as const)("region %s, %s → %s", (region, mode, url, signingRegion) => {
    expect(stsEndpointFor({ region, stsRegionalEndpoints: mode })).toEqual({ url, signingRegion });
  });
});
