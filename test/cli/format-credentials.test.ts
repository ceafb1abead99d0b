import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { BadValueError } from "../../src/errors.js";
import { formatCredentials, formatProcessJson } from "../../src/cli/format-credentials.js";

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
    expect(formatCredentials(evil, "powershell")).toContain(`$Env:AWS_SESSION_TOKEN='a''b $(rm -rf ~) \`x\` "q" & | %PATH%'\n`);
    expect(formatCredentials(evil, "fish")).toContain('set -gx AWS_SESSION_TOKEN "a\'b \\$(rm -rf ~) `x` \\"q\\" & | %PATH%"\n');
    // cmd cannot keep a quote literal: `set "K=…"q"…"` would run what follows the second quote.
    expect(() => formatCredentials(evil, "windows-cmd")).toThrow(BadValueError);
    expect(formatCredentials({ ...C, sessionToken: "a&b|c<d>e^f" }, "windows-cmd")).toContain('set "AWS_SESSION_TOKEN=a&b|c<d>e^f"\n');
  });
});

// Issue 16, item 5: every format is safe even for a hostile value (real keys are shape-checked
// before they get here: lib/key-shape.ts). Values: each printable ASCII character alone and among
// others, quotes of every kind, cmd's and PowerShell's specials, substitutions, line breaks.
const PRINTABLE = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i));
const HOSTILE = [
  ...PRINTABLE,
  ...PRINTABLE.map((ch) => `a${ch}b`),
  PRINTABLE.join(""),
  "a'b",
  "'",
  "''",
  'a"b',
  '"',
  "x\\",
  "\\'",
  "a&calc&b",
  '"&calc&"',
  "%PATH%",
  "%%",
  "^&",
  "!x!",
  "`whoami`",
  "$(touch pwned)",
  "${IFS}",
  "$HOME",
  "(echo hi)",
  "\u2018a\u2019",
  "\u201ca\u201d",
  "\u201e$(calc)\u201c",
  "\u2019; calc; \u2018",
  "\u201c; calc; \u201d",
  "\u201a\u201b",
  "line1\nline2",
  "\n",
  "a\r\nb",
  "tab\there",
  "-n",
  "--",
  "~root",
  "*",
  "a b  c",
  "é ☃ 😀",
  "=x",
  "==",
  "a:=b",
  ":~root",
  "x=~",
];
const withToken = (sessionToken: string) => ({ ...C, sessionToken });

/** Runs `script` in a real shell; the token as the shell holds it, NUL-terminated, for each value. */
function inShell(shell: "sh" | "bash" | "zsh" | "fish", format: "env" | "env-no-export" | "fish" | "dotenv", values: readonly string[]): string[] {
  const print = shell === "fish" ? `printf '%s\\0' "$AWS_SESSION_TOKEN"` : `printf '%s\\0' "$AWS_SESSION_TOKEN"`;
  const prelude = format === "dotenv" ? "set -a\n" : "";
  const script = prelude + values.map((v) => `${formatCredentials(withToken(v), format)}${print}\n`).join("");
  const args = shell === "fish" ? ["--no-config", "-c", script] : shell === "zsh" ? ["-f", "-c", script] : shell === "bash" ? ["--norc", "--noprofile", "-c", script] : ["-c", script];
  const r = spawnSync(shell, args, { encoding: "utf8", env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: "/nonexistent" } });
  expect(r.stderr).toBe("");
  return r.stdout.split("\0").slice(0, -1);
}

describe("a real shell reads back exactly the value, whatever it holds", () => {
  it.each(["sh", "bash", "zsh"] as const)("%s: env and env-no-export", (shell) => {
    expect(inShell(shell, "env", HOSTILE)).toEqual(HOSTILE);
    expect(inShell(shell, "env-no-export", HOSTILE)).toEqual(HOSTILE);
  });

  it("fish: fish", () => {
    expect(inShell("fish", "fish", HOSTILE)).toEqual(HOSTILE);
  });

  it("bash: dotenv, sourced (`set -a; . ./.env`), for values on one line", () => {
    const oneLine = HOSTILE.filter((v) => !/[\r\n]/.test(v));
    expect(inShell("bash", "dotenv", oneLine)).toEqual(oneLine);
  });

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

  it("windows-cmd: a value is plain, or inside one pair of quotes holding none of \" % ! or a line break, or refused", () => {
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
