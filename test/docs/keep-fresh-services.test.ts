import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseSimpleArgs } from "../../src/cli/flag-table.entry.js";
import { LOGIN_GRAMMAR, toLoginInput } from "../../src/commands/login/login-grammar.entry.js";
import { Exit } from "../../src/errors.js";
import { REPO_ROOT } from "../helpers/run-process.js";

// The systemd user unit and the launchd agent in docs/service/ run `sso-cli login --keep-fresh`
// with arguments login takes, and do not restart it when the sign-in needs a browser.

const DIR = join(REPO_ROOT, "docs", "service");

/** A systemd unit file as sections of key → values (a key may repeat), comments and blank lines dropped. */
function parseUnit(text: string): Record<string, Record<string, string[]>> {
  const out: Record<string, Record<string, string[]>> = {};
  let section: Record<string, string[]> | undefined;
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#") || line.startsWith(";")) continue;
    const header = /^\[([A-Za-z]+)\]$/.exec(line);
    if (header) {
      section = out[header[1]!] ??= {};
      continue;
    }
    const kv = /^([A-Za-z]+)=(.*)$/.exec(line);
    if (!kv || !section) throw new Error(`not a unit file line: ${line}`);
    (section[kv[1]!] ??= []).push(kv[2]!);
  }
  return out;
}

/** The words login would get, checked by login's own grammar. */
function loginArgs(argv: string[]): ReturnType<typeof toLoginInput> {
  expect(argv[0]).toMatch(/(^|\/)sso-cli$/);
  expect(argv[1]).toBe("login");
  const parsed = parseSimpleArgs(argv.slice(2), LOGIN_GRAMMAR);
  expect(parsed, `login refuses: ${argv.join(" ")}`).toBeDefined();
  return toLoginInput(parsed!);
}

describe("docs/service", () => {
  it("the systemd user unit runs login --keep-fresh, restarts on failure but not on a needed sign-in (253)", () => {
    const unit = parseUnit(readFileSync(join(DIR, "sso-cli-keep-fresh.service"), "utf8"));
    expect(Object.keys(unit).sort()).toEqual(["Install", "Service", "Unit"]);
    const service = unit.Service!;
    expect(service.Type).toEqual(["simple"]);
    expect(service.ExecStart).toHaveLength(1);
    const input = loginArgs(service.ExecStart![0]!.split(" "));
    expect(input).toMatchObject({ keepFresh: true, profile: "dev", browser: false });
    expect(service.Restart).toEqual(["on-failure"]);
    expect(service.RestartPreventExitStatus![0]!.split(" ")).toContain(String(Exit.config));
    expect(service.KillSignal).toEqual(["SIGTERM"]);
    expect(unit.Install!.WantedBy).toEqual(["default.target"]);
    const verify = spawnSync("systemd-analyze", ["--version"]);
    if (!verify.error) {
      // Where systemd is installed, its own parser has the last word on the syntax.
      const r = spawnSync("systemd-analyze", ["verify", "--man=no", "--user", join(DIR, "sso-cli-keep-fresh.service")], {
        encoding: "utf8",
      });
      expect(r.stderr).not.toMatch(/Unknown key|Unknown section|Failed to parse/i);
    }
  });

  it("the launchd agent is a valid property list running login --keep-fresh, kept alive after a failure", () => {
    const file = join(DIR, "com.github.sso-cli.keep-fresh.plist");
    // Python's plistlib reads property lists as launchd does (XML 1.0: no "--" inside a comment).
    const r = spawnSync("python3", ["-c", "import json, plistlib, sys; print(json.dumps(plistlib.load(open(sys.argv[1], 'rb'))))", file], {
      encoding: "utf8",
    });
    expect(r.status, r.stderr).toBe(0);
    const plist = JSON.parse(r.stdout) as {
      Label: string;
      ProgramArguments: string[];
      RunAtLoad: boolean;
      KeepAlive: { SuccessfulExit: boolean };
      ThrottleInterval: number;
    };
    expect(plist.Label).toBe("com.github.sso-cli.keep-fresh");
    expect(loginArgs(plist.ProgramArguments)).toMatchObject({ keepFresh: true, profile: "dev", browser: false });
    expect(plist.RunAtLoad).toBe(true);
    expect(plist.KeepAlive).toEqual({ SuccessfulExit: false });
    expect(plist.ThrottleInterval).toBeGreaterThanOrEqual(60);
  });
});
