import { describe, expect, it } from "vitest";
import { BadValueError } from "../../src/errors.js";
import { HOSTILE, withToken } from "./hostile-values.js";
import { formatCredentials, formatProcessJson } from "../../src/role-keys/format-credentials.entry.js";

// The bytes of `aws configure export-credentials` v2.9 (docs/protocol/credential-formats.md §2).
const C = { accessKeyId: "ASIAEXAMPLE", secretAccessKey: "secret", sessionToken: "tok", expiration: new Date("2030-01-02T03:04:05Z") };

describe("credentials as text, byte for byte as the AWS CLI prints them", () => {
  it.each([
    [
      "process",
      '{\n  "Version": 1,\n  "AccessKeyId": "ASIAEXAMPLE",\n  "SecretAccessKey": "secret",\n  "SessionToken": "tok",\n  "Expiration": "2030-01-02T03:04:05+00:00"\n}\n',
    ],
    [
      "env",
      "export AWS_ACCESS_KEY_ID=ASIAEXAMPLE\nexport AWS_SECRET_ACCESS_KEY=secret\nexport AWS_SESSION_TOKEN=tok\nexport AWS_CREDENTIAL_EXPIRATION=2030-01-02T03:04:05+00:00\n",
    ],
    [
      "env-no-export",
      "AWS_ACCESS_KEY_ID=ASIAEXAMPLE\nAWS_SECRET_ACCESS_KEY=secret\nAWS_SESSION_TOKEN=tok\nAWS_CREDENTIAL_EXPIRATION=2030-01-02T03:04:05+00:00\n",
    ],
    [
      "powershell",
      '$Env:AWS_ACCESS_KEY_ID="ASIAEXAMPLE"\n$Env:AWS_SECRET_ACCESS_KEY="secret"\n$Env:AWS_SESSION_TOKEN="tok"\n$Env:AWS_CREDENTIAL_EXPIRATION="2030-01-02T03:04:05+00:00"\n',
    ],
    [
      "windows-cmd",
      "set AWS_ACCESS_KEY_ID=ASIAEXAMPLE\nset AWS_SECRET_ACCESS_KEY=secret\nset AWS_SESSION_TOKEN=tok\nset AWS_CREDENTIAL_EXPIRATION=2030-01-02T03:04:05+00:00\n",
    ],
    [
      "fish",
      'set -gx AWS_ACCESS_KEY_ID "ASIAEXAMPLE"\nset -gx AWS_SECRET_ACCESS_KEY "secret"\nset -gx AWS_SESSION_TOKEN "tok"\nset -gx AWS_CREDENTIAL_EXPIRATION "2030-01-02T03:04:05+00:00"\n',
    ],
  ] as const)("%s", (format, text) => {
    expect(formatCredentials(C, format)).toBe(text);
  });

  it("static keys: no session token, no expiry", () => {
    expect(formatProcessJson({ accessKeyId: "AKIAEXAMPLE", secretAccessKey: "s" })).toBe(
      '{\n  "Version": 1,\n  "AccessKeyId": "AKIAEXAMPLE",\n  "SecretAccessKey": "s"\n}\n',
    );
  });

  it("dotenv and json carry the region (json also profile, account and role)", () => {
    expect(formatCredentials(C, "dotenv", { region: "eu-north-1" })).toBe(
      "AWS_ACCESS_KEY_ID=ASIAEXAMPLE\nAWS_SECRET_ACCESS_KEY=secret\nAWS_SESSION_TOKEN=tok\nAWS_CREDENTIAL_EXPIRATION=2030-01-02T03:04:05+00:00\nAWS_REGION=eu-north-1\n",
    );
    expect(
      JSON.parse(formatCredentials(C, "json", { region: "eu-north-1", profile: "p", accountId: "111122223333", roleName: "R" })),
    ).toEqual({
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
    const evil = { ...C, sessionToken: 'a\'b $(rm -rf ~) `x` "q" & | %PATH%' };
    expect(formatCredentials(evil, "env")).toContain(`export AWS_SESSION_TOKEN='a'\\''b $(rm -rf ~) \`x\` "q" & | %PATH%'\n`);
    expect(formatCredentials(evil, "powershell")).toContain(`$Env:AWS_SESSION_TOKEN='a''b $(rm -rf ~) \`x\` "q" & | %PATH%'\n`);
    expect(formatCredentials(evil, "fish")).toContain('set -gx AWS_SESSION_TOKEN "a\'b \\$(rm -rf ~) `x` \\"q\\" & | %PATH%"\n');
    // cmd cannot keep a quote literal: `set "K=…"q"…"` would run what follows the second quote.
    expect(() => formatCredentials(evil, "windows-cmd")).toThrow(BadValueError);
    expect(formatCredentials({ ...C, sessionToken: "a&b|c<d>e^f" }, "windows-cmd")).toContain('set "AWS_SESSION_TOKEN=a&b|c<d>e^f"\n');
  });
});

// Issue 16, item 5: every format is safe even for a hostile value; the POSIX shells, zsh and fish
// read back each one exactly in test/cli/format-credentials-shells.test.ts.
describe("dotenv, json and process: one line per variable, JSON that reads back", () => {
  it("dotenv: one variable per line whatever the value", () => {
    for (const v of HOSTILE) expect(formatCredentials(withToken(v), "dotenv").split("\n")).toHaveLength(5);
  });

  it("json and process: JSON.parse gives back the value", () => {
    for (const v of HOSTILE) {
      expect((JSON.parse(formatCredentials(withToken(v), "json")) as { SessionToken: string }).SessionToken).toBe(v);
      expect((JSON.parse(formatCredentials(withToken(v), "process")) as { SessionToken: string }).SessionToken).toBe(v);
    }
  });
});

// PowerShell's tokenizer: a quote is any of ' ‘ ’ ‚ ‛ (single) or " “ ” „ (double); in a
// single-quoted string nothing expands and two quotes in a row stand for one.
const PS_SINGLE = new Set(["'", "\u2018", "\u2019", "\u201a", "\u201b"]);
const PS_DOUBLE = new Set(['"', "\u201c", "\u201d", "\u201e"]);

/** The value of `$Env:NAME=<literal>` as PowerShell reads it, and what follows the literal. */
function readPowershellAssignment(line: string): { name: string; value: string; rest: string } {
  const m = /^\$Env:([A-Z_]+)=/.exec(line)!;
  const text = line.slice(m[0].length);
  const open = text[0]!;
  let value = "";
  let i = 1;
  if (PS_SINGLE.has(open)) {
    for (; i < text.length; i++) {
      const ch = text[i]!;
      if (PS_SINGLE.has(ch)) {
        if (i + 1 < text.length && PS_SINGLE.has(text[i + 1]!)) {
          value += text[++i];
          continue;
        }
        break;
      }
      value += ch;
    }
  } else {
    // A double-quoted literal is only ever written for a plain value: nothing in it may expand or end it early.
    expect(open).toBe('"');
    for (; i < text.length && !PS_DOUBLE.has(text[i]!); i++) {
      expect(["$", "`"]).not.toContain(text[i]);
      value += text[i];
    }
  }
  return { name: m[1]!, value, rest: text.slice(i + 1) };
}

describe("PowerShell and cmd.exe: the text follows each language's quoting rules", () => {
  it("powershell: every value is one literal that reads back exactly, with nothing after it", () => {
    for (const v of HOSTILE) {
      const text = formatCredentials(withToken(v), "powershell");
      const at = text.indexOf("$Env:AWS_SESSION_TOKEN=");
      const next = text.indexOf("\n$Env:AWS_CREDENTIAL_EXPIRATION=", at);
      const read = readPowershellAssignment(text.slice(at, next));
      expect(read, JSON.stringify(v)).toEqual({ name: "AWS_SESSION_TOKEN", value: v, rest: "" });
    }
  });

  it('windows-cmd: a value is plain, or inside one pair of quotes holding none of " % ! or a line break, or refused', () => {
    let refused = 0;
    for (const v of HOSTILE) {
      let text: string;
      try {
        text = formatCredentials(withToken(v), "windows-cmd");
      } catch (err) {
        expect(err).toBeInstanceOf(BadValueError);
        expect(v).toMatch(/["%!\r\n\t]|[^\x20-\x7e]/);
        refused += 1;
        continue;
      }
      expect(text.split("\n")).toHaveLength(5);
      const line = text.split("\n").find((l) => l.includes("AWS_SESSION_TOKEN"))!;
      if (line.startsWith('set "')) {
        expect(line).toBe(`set "AWS_SESSION_TOKEN=${v}"`);
        expect(v).not.toMatch(/["%!]|[^\x20-\x7e]/);
      } else {
        expect(line).toBe(`set AWS_SESSION_TOKEN=${v}`);
        expect(v).toMatch(/^[A-Za-z0-9+/=._:,@-]*$/);
      }
    }
    expect(refused).toBeGreaterThan(0);
  });
});
