import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { formatUpToDate, writeLoginReport } from "../../../src/commands/login/login-report.entry.js";
import type { LoginResult } from "../../../src/commands/login/login.js";

function report(r: Partial<LoginResult>): string {
  let out = "";
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      out += chunk.toString();
      done();
    },
  });
  const spec = { ssoSession: "s", startUrl: "https://d-0000000000.awsapps.com/start", region: "us-east-1", scopes: null };
  writeLoginReport(sink, {
    upToDate: false,
    signIns: [{ spec, how: "cached" }],
    profiles: [],
    skipped: [],
    keyless: 0,
    credentialsFile: "/h/.aws/credentials",
    configFile: "/h/.aws/config",
    ...r,
  });
  return out;
}

describe("login report", () => {
  it.each([
    [
      "no profile at all: both next steps",
      {},
      /No profile in \/h\/\.aws\/config uses this sign-in yet\. Next, either:\n {2}sso-cli configure populate --sso-session s {3}# a profile for every account and role\n {2}sso-cli configure profile NAME --sso-session s {3}# one profile\n$/,
    ],
    [
      "a start URL no config names yet (#18 item 12): both next steps, by URL and region",
      { newSession: "d-1" },
      /Next, either:\n {2}sso-cli configure populate https:\/\/d-0000000000\.awsapps\.com\/start us-east-1 {3}# a profile for every account and role\n {2}sso-cli configure profile NAME --sso-start-url https:\/\/d-0000000000\.awsapps\.com\/start --sso-region us-east-1 {3}# one profile\n$/,
    ],
    [
      "populated profiles only: they use the sign-in directly",
      { keyless: 3000 },
      /^3,000 populated profiles use this sign-in directly \(no keys written; `sso-cli login --profile NAME` writes one's\)\.\n$/,
    ],
    ["one populated profile", { keyless: 1 }, /^1 populated profile uses this sign-in directly/],
  ])("%s", (_name, r, expected) => {
    expect(report(r)).toMatch(expected);
  });
});

describe("login's wording (#18, help and wording)", () => {
  const at = new Date("2026-12-07T13:46:00Z");
  it('up to date without keys says nothing of renewing "them"', () => {
    expect(formatUpToDate({ upToDate: true, profileCount: 0, validUntil: at })).toMatch(
      /^Already signed in, until 2026-12-07 \d\d:\d\d \S+\. \(--force signs in again\.\)\n$/,
    );
    expect(formatUpToDate({ upToDate: true, profileCount: 2, validUntil: at })).toMatch(
      /^Already signed in; keys for 2 profiles valid until .+\. \(--force renews them\.\)\n$/,
    );
  });

  it("per-profile lines in columns: 'valid until' lines up whatever the role's length", () => {
    const ok = (profile: string, roleName: string) => ({ profile, accountId: "100000000001", roleName, ok: true as const, expiresAt: at });
    const text = report({ profiles: [ok("a", "AdministratorAccess"), ok("longer-name", "RO")] });
    const cols = text
      .split("\n")
      .filter((l) => l.includes("valid until"))
      .map((l) => l.indexOf("valid until"));
    expect(cols).toHaveLength(2);
    expect(new Set(cols).size).toBe(1);
  });

  it("under --all, the populated profiles are counted for all the sign-ins, not the last one", () => {
    const spec = { ssoSession: "t", startUrl: "https://d-1111111111.awsapps.com/start", region: "us-east-1", scopes: null };
    expect(
      report({
        keyless: 450,
        signIns: [
          { spec: { ...spec, ssoSession: "s" }, how: "cached" },
          { spec, how: "cached" },
        ],
      }),
    ).toMatch(/^450 populated profiles use their sign-ins directly/);
  });
});
