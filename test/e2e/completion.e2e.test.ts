import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN, runCli } from "../helpers/run-process.js";
import { makeTempHome } from "../helpers/temp-home.js";

// The bash script as bash runs it: sourced into a real bash, then the completion function called
// with COMP_WORDS / COMP_CWORD set as readline sets them. Profile names come from the built
// sso-cli (COMP_WORDS[0]) reading the config file at that moment.

let home: string;
let cleanup: () => Promise<void>;
let script: string;

beforeAll(async () => {
  ({ home, cleanup } = await makeTempHome("sso-cli-completion-"));
  await mkdir(join(home, ".aws"));
  await writeFile(
    join(home, ".aws", "config"),
    `[default]\nregion = us-east-1\n\n[profile dev]\nregion = eu-west-1\n\n[profile "prod east"]\nregion = us-east-2\n\n[profile $(touch\${IFS}pwned)]\nregion = x\n\n[sso-session corp]\nsso_start_url = https://d-1.awsapps.com/start\nsso_region = us-east-1\n`,
  );
  const r = await runCli(["completion", "bash"], { home });
  expect(r.code).toBe(0);
  script = join(home, "sso-cli.bash");
  await writeFile(script, r.stdout);
});

afterAll(async () => {
  await cleanup?.();
});

/**
 * macOS's /bin/bash is 3.2, which has no mapfile nor readarray (bash 4): this bash, without them.
 * Before the script read lines with a loop, every Tab there printed "mapfile: command not found".
 */
const BASH_3_2_BUILTINS = "enable -n mapfile readarray\n";

/** What bash offers for the words typed so far (the last one is the word being completed); `prelude` runs first. */
function completeIn(prelude: string, ...typed: string[]): string[] {
  const words = [BIN, ...typed];
  const program = `${prelude}source ${JSON.stringify(script)}
COMP_WORDS=(${words.map((w) => `'${w.replace(/'/g, `'\\''`)}'`).join(" ")})
COMP_CWORD=${words.length - 1}
COMP_LINE="\${COMP_WORDS[*]}"
COMP_POINT=\${#COMP_LINE}
_sso_cli sso-cli "\${COMP_WORDS[COMP_CWORD]}" "\${COMP_WORDS[COMP_CWORD-1]}"
printf '%s\\n' "\${COMPREPLY[@]}"`;
  const r = spawnSync("bash", ["--norc", "--noprofile", "-c", program], {
    encoding: "utf8",
    cwd: home,
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: home },
  });
  expect(r.stderr).toBe("");
  return r.stdout.split("\n").filter((l) => l !== "");
}

describe.each([
  ["bash", ""],
  ["bash without mapfile (macOS's bash 3.2)", BASH_3_2_BUILTINS],
])("%s completes sso-cli", (_shell, prelude) => {
  const complete = (...typed: string[]): string[] => completeIn(prelude, ...typed);

  it("registers itself for the sso-cli command", () => {
    const r = spawnSync("bash", ["--norc", "--noprofile", "-c", `${prelude}source ${JSON.stringify(script)}; complete -p sso-cli`], {
      encoding: "utf8",
    });
    expect(r.stdout.trim()).toBe("complete -o default -F _sso_cli sso-cli");
  });

  it.each([
    [["lo"], ["login", "logout"]],
    [["c"], ["configure", "credential-process", "console", "completion"]],
    [
      ["configure", ""],
      ["profile", "populate"],
    ],
    [["--debug", "st"], ["status"]],
    [
      ["completion", ""],
      ["bash", "zsh", "fish", "powershell"],
    ],
  ])("commands: %j → %j", (typed, offered) => {
    expect(complete(...typed)).toEqual(offered);
  });

  it.each([
    [["login", "--pro"], ["--profile"]],
    [
      ["configure", "profile", "dev", "--sso-s"],
      ["--sso-start-url", "--sso-session"],
    ],
    [
      ["console", "--p"],
      ["--profile", "--print", "--portal"],
    ],
    [["roles", "--c"], ["--csv"]],
    // A command with neither subcommands nor choices offers its flags on an empty word.
    [
      ["status", ""],
      ["--profile", "--sso-session", "--json", "--check", "--debug", "--help"],
    ],
  ])("flags: %j → %j", (typed, offered) => {
    expect(complete(...typed)).toEqual(offered);
  });

  it("profile names from the config file at completion time, quoted for the shell, never expanded", () => {
    expect(complete("login", "--profile", "")).toEqual(["default", "dev", "prod\\ east", "\\$\\(touch\\$\\{IFS\\}pwned\\)"]);
    expect(complete("console", "--profile", "d")).toEqual(["default", "dev"]);
    expect(complete("status", "--profile", "=", "p")).toEqual(["prod\\ east"]);
    expect(complete("logout", "--sso-session", "")).toEqual(["corp"]);
    expect(existsSync(join(home, "pwned"))).toBe(false);
  });

  it("flag values with fixed choices; nothing from us after exec's --, nor for a free value", () => {
    expect(complete("export", "--profile", "dev", "--format", "env")).toEqual(["env", "env-no-export"]);
    expect(complete("console", "--destination", "ec")).toEqual(["ec2", "ecr", "ecs"]);
    expect(complete("exec", "--profile", "dev", "--", "aw")).toEqual([]);
    expect(complete("roles", "--account", "")).toEqual([]);
  });
});

describe("sso-cli completion", () => {
  it("prints a script for each shell; refuses an unknown or missing one (exit 2)", async () => {
    for (const shell of ["zsh", "fish", "powershell"]) {
      const r = await runCli(["completion", shell], { home });
      expect(r.code, shell).toBe(0);
      expect(r.stdout, shell).toMatch(
        shell === "powershell"
          ? /Register-ArgumentCompleter -Native -CommandName 'sso-cli'/
          : shell === "zsh"
            ? /^#compdef sso-cli\n/
            : /complete -c sso-cli /,
      );
    }
    const bad = await runCli(["completion", "tcsh"], { home });
    expect([bad.code, bad.stdout, bad.stderr]).toEqual([
      2,
      "",
      'sso-cli: Unknown shell "tcsh": sso-cli completion bash|zsh|fish|powershell.\n',
    ]);
    expect((await runCli(["completion"], { home })).code).toBe(2);
  });

  it("bash parses the generated script (bash -n)", () => {
    const r = spawnSync("bash", ["-n", script], { encoding: "utf8" });
    expect([r.status, r.stderr]).toEqual([0, ""]);
  });
});

// Issue 16, item 5: PowerShell inserted a completion value raw, so a profile named $(calc) ran
// when the line was. No PowerShell here: the generated script's own quoting (its two patterns,
// read out of the script) is applied as PowerShell applies them, and the result read back with
// PowerShell's tokenizer rules for a single-quoted string.
describe("PowerShell completion quotes a value from the config file", () => {
  const PS_SINGLE = new Set(["'", "\u2018", "\u2019", "\u201a", "\u201b"]);

  /** A single-quoted PowerShell literal at the start of `text`: its value and what follows it. */
  function readSingleQuoted(text: string): { value: string; rest: string } {
    expect(PS_SINGLE.has(text[0]!)).toBe(true);
    let value = "";
    let i = 1;
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
    expect(i, `unterminated: ${text}`).toBeLessThan(text.length);
    return { value, rest: text.slice(i + 1) };
  }

  it("as one literal that reads back exactly, whatever the name holds", async () => {
    const r = await runCli(["completion", "powershell"], { home });
    const unquote = (s: string): string => s.replace(/''/g, "'");
    const line =
      /^ +if \(\$flag -and \$c -notmatch '([^']*)'\) \{ \$text = "'" \+ \(\$text -replace '((?:[^']|'')*)', '\$0\$0'\) \+ "'" \}$/m.exec(
        r.stdout,
      );
    expect(line, "the script quotes values").not.toBeNull();
    expect(r.stdout).toContain("[System.Management.Automation.CompletionResult]::new($text, $c, 'ParameterValue', $c)");
    const plain = new RegExp(unquote(line![1]!));
    const quotes = new RegExp(unquote(line![2]!), "g");
    const inserted = (prefix: string, c: string): string =>
      plain.test(c) ? `${prefix}${c}` : `'${`${prefix}${c}`.replace(quotes, "$&$&")}'`;
    const names = [
      "$(calc)",
      "dev$(calc)",
      "a'b",
      "\u2019; calc; \u2018",
      "\u201a\u201b'",
      "@x",
      "-x",
      "a,b",
      "`calc`",
      '"q"',
      "\u201cx\u201d",
      "a b",
      "a;calc",
      "(x)",
      "{x}",
      "$env:PATH",
      "x#y",
    ];
    for (const name of names) {
      for (const prefix of ["", "--profile="]) {
        const text = inserted(prefix, name);
        expect(readSingleQuoted(text), JSON.stringify(text)).toEqual({ value: `${prefix}${name}`, rest: "" });
      }
    }
    for (const name of ["dev", "prod.Admin", "a_b-c", "acct/role:1", "x+y=z"]) expect(inserted("", name)).toBe(name);
  });
});
