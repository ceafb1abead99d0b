import { describe, expect, it } from "vitest";
import { formatCredentials, formatProcessJson } from "../../src/role-keys/format-credentials.entry.js";

// The bytes of `aws configure export-credentials` v2.9 (docs/protocol/credential-formats.md §2).
const C = { accessKeyId: "ASIAEXAMPLE", secretAccessKey: "secret", sessionToken: "tok", expiration: new Date("2030-01-02T03:04:05Z") };

describe("credentials as text, byte for byte as the AWS CLI prints them", () => {
  it.each([
    ["process", '{\n  "Version": 1,\n  "AccessKeyId": "ASIAEXAMPLE",\n  "SecretAccessKey": "secret",\n  "SessionToken": "tok",\n  "Expiration": "2030-01-02T03:04:05+00:00"\n}\n'],
    ["env", "export AWS_ACCESS_KEY_ID=ASIAEXAMPLE\nexport AWS_SECRET_ACCESS_KEY=secret\nexport AWS_SESSION_TOKEN=tok\nexport AWS_CREDENTIAL_EXPIRATION=2030-01-02T03:04:05+00:00\n"],
    ["env-no-export", "AWS_ACCESS_KEY_ID=ASIAEXAMPLE\nAWS_SECRET_ACCESS_KEY=secret\nAWS_SESSION_TOKEN=tok\nAWS_CREDENTIAL_EXPIRATION=2030-01-02T03:04:05+00:00\n"],
    ["powershell", '$Env:AWS_ACCESS_KEY_ID="ASIAEXAMPLE"\n$Env:AWS_SECRET_ACCESS_KEY="secret"\n$Env:AWS_SESSION_TOKEN="tok"\n$Env:AWS_CREDENTIAL_EXPIRATION="2030-01-02T03:04:05+00:00"\n'],
    ["windows-cmd", "set AWS_ACCESS_KEY_ID=ASIAEXAMPLE\nset AWS_SECRET_ACCESS_KEY=secret\nset AWS_SESSION_TOKEN=tok\nset AWS_CREDENTIAL_EXPIRATION=2030-01-02T03:04:05+00:00\n"],
    ["fish", 'set -gx AWS_ACCESS_KEY_ID "ASIAEXAMPLE"\nset -gx AWS_SECRET_ACCESS_KEY "secret"\nset -gx AWS_SESSION_TOKEN "tok"\nset -gx AWS_CREDENTIAL_EXPIRATION "2030-01-02T03:04:05+00:00"\n'],
  ] as const)("%s", (format, text) => {
    expect(formatCredentials(C, format)).toBe(text);
  });

  it("static keys: no session token, no expiry", () => {
    expect(formatProcessJson({ accessKeyId: "AKIAEXAMPLE", secretAccessKey: "s" })).toBe('{\n  "Version": 1,\n  "AccessKeyId": "AKIAEXAMPLE",\n  "SecretAccessKey": "s"\n}\n');
  });

  it("dotenv and json carry the region (json also profile, account and role)", () => {
    expect(formatCredentials(C, "dotenv", { region: "eu-north-1" })).toBe(
      "AWS_ACCESS_KEY_ID=ASIAEXAMPLE\nAWS_SECRET_ACCESS_KEY=secret\nAWS_SESSION_TOKEN=tok\nAWS_CREDENTIAL_EXPIRATION=2030-01-02T03:04:05+00:00\nAWS_REGION=eu-north-1\n",
    );
    expect(JSON.parse(formatCredentials(C, "json", { region: "eu-north-1", profile: "p", accountId: "111122223333", roleName: "R" }))).toEqual({
      AccessKeyId: "ASIAEXAMPLE",
      SecretAccessKey: "secret",
      SessionToken: "tok",
      Expiration: "2030-01-02T03:04:05+00:00",
      Region: "eu-north-1",
      Profile: "p",
      AccountId: "111122223333",
      RoleName: "R",
    });
  });

  it("quotes a value no shell may read as code, in every shell format", () => {
    const evil = { ...C, sessionToken: "a'b $(rm -rf ~) `x` \"q\" & | %PATH%" };
    expect(formatCredentials(evil, "env")).toContain(`export AWS_SESSION_TOKEN='a'\\''b $(rm -rf ~) \`x\` "q" & | %PATH%'\n`);
    expect(formatCredentials(evil, "powershell")).toContain('$Env:AWS_SESSION_TOKEN="a\'b `$(rm -rf ~) ``x`` `"q`" & | %PATH%"\n');
    expect(formatCredentials(evil, "fish")).toContain('set -gx AWS_SESSION_TOKEN "a\'b \\$(rm -rf ~) `x` \\"q\\" & | %PATH%"\n');
    expect(formatCredentials(evil, "windows-cmd")).toContain('set "AWS_SESSION_TOKEN=a\'b $(rm -rf ~) `x` "q" & | %%PATH%%"\n');
  });
});

describe("what a real shell makes of the env format", () => {
  it("sets each variable to exactly the value, hostile or not", async () => {
    const { execFileSync } = await import("node:child_process");
    const token = "a'b $(touch /tmp/sso-cli-pwned) `x` \"q\" & | ; \n end";
    const script = `${formatCredentials({ ...C, sessionToken: token }, "env")}printf %s "$AWS_SESSION_TOKEN"`;
    expect(execFileSync("sh", ["-c", script], { encoding: "utf8" })).toBe(token);
  });
});
