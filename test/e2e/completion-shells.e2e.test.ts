import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN, runCli } from "../helpers/run-process.js";
import { runOnTerminal } from "../helpers/pty.js";
import { makeTempHome } from "../helpers/temp-home.js";

// Issue 16, item 5: profile names are the config file's, so anyone who can write a profile can
// choose what a Tab inserts. Each shell, for real on a terminal: Tab completes a hostile name, then
// the line is turned into `printf '<%s>\n' sso-cli login --profile <what Tab inserted>` and run, so
// the shell itself says which word it read. It must be the name, byte for byte, and nothing ran.
// (Tier "zsh and fish" in test/tiers.ts; bash is also tested without a terminal in completion.e2e.)

/**
 * Each name starts with its own prefix, so typing the prefix and Tab inserts that one name; the
 * header that gives it (the config's section names are read as a shell word: docs/protocol/config-files.md §2).
 */
const PROFILES: [name: string, header: string][] = [
  ["pa-$(touch${IFS}pwned)", "pa-$(touch${IFS}pwned)"],
  ["pb-a'b", `"pb-a'b"`],
  ['pc-a"b', `'pc-a"b'`],
  ["pd-`touch${IFS}pwned2`", "pd-`touch${IFS}pwned2`"],
  ["pe-a&c|d<e>", "pe-a&c|d<e>"],
  ["pf-~x*", "pf-~x*"],
  ["pg-a b", `"pg-a b"`],
  ["ph-{a,b}", "ph-{a,b}"],
  ["pi-!x", "pi-!x"],
  ["pj-$HOME", "pj-$HOME"],
  ["pk-\u2018x\u2019\u201cy\u201d", "pk-\u2018x\u2019\u201cy\u201d"],
  ["pl-a\\b", `"pl-a\\\\b"`],
  ["pm-(x)", "pm-(x)"],
];
const NAMES = PROFILES.map(([name]) => name);

// Under CI=true the tier runs even without its tools (test/tiers.ts): say so plainly.
const missingShells = ["/usr/bin/zsh", "/usr/bin/fish"].filter((f) => !existsSync(f));
beforeAll(() => {
  expect(missingShells, "zsh and fish are needed: sudo apt-get install -y zsh fish").toEqual([]);
});

let home: string;
let cleanup: () => Promise<void>;
let script: Record<string, string>;

beforeAll(async () => {
  ({ home, cleanup } = await makeTempHome("sso-cli-completion-shells-"));
  await mkdir(join(home, ".aws"));
  // Double-quoted section names keep the spaces and quotes (docs/protocol/config-files.md §2).
  await writeFile(join(home, ".aws", "config"), PROFILES.map(([, header]) => `[profile ${header}]\nregion = us-east-1\n`).join("\n"));
  script = {};
  for (const shell of ["bash", "zsh", "fish"]) {
    const r = await runCli(["completion", shell], { home });
    expect(r.code).toBe(0);
    script[shell] = join(home, `sso-cli.${shell}`);
    await writeFile(script[shell], r.stdout);
  }
  const listed = await runCli(["completion", "--list-profiles"], { home });
  expect(listed.stdout).toBe(NAMES.map((n) => `${n}\n`).join(""));
});
afterAll(async () => {
  await cleanup?.();
});

const SHELLS = {
  bash: { argv: ["bash", "--norc", "--noprofile", "-i"], script: "bash", setup: (s: string) => `PS1='READY> '; source ${s}` },
  // macOS's /bin/bash is 3.2: no mapfile nor readarray (bash 4).
  "bash without mapfile (macOS's bash 3.2)": {
    argv: ["bash", "--norc", "--noprofile", "-i"],
    script: "bash",
    setup: (s: string) => `enable -n mapfile readarray; PS1='READY> '; source ${s}`,
  },
  zsh: {
    argv: ["zsh", "-f", "-i"],
    script: "zsh",
    setup: (s: string) => `PROMPT='READY> '; bindkey -e; autoload -U compinit; compinit -u; source ${s}`,
  },
  fish: {
    argv: ["fish", "--no-config", "-i"],
    script: "fish",
    setup: (s: string) => `function fish_prompt; echo -n 'READY> '; end; source ${s}`,
  },
} as const;

/** The words the shell read from each completed line, in order of NAMES. */
async function completeOnTerminal(shell: keyof typeof SHELLS): Promise<string[]> {
  const { argv, setup } = SHELLS[shell];
  const answers: [string, string[]][] = [["\\$|#|>", [`${setup(script[SHELLS[shell].script]!)}\r`]]];
  for (const name of NAMES) {
    const prefix = name.slice(0, 3);
    // Tab, then Ctrl-A and the printf before it: the shell runs the line it would have run.
    answers.push([
      answers.length === 1 ? "READY> \\s*$" : `<${NAMES[NAMES.indexOf(name) - 1]!.slice(0, 3)}`,
      [`sso-cli login --profile ${prefix}`, "\t", "\u0001", "printf '<%s>\\n' ", "\r"],
    ]);
  }
  answers.push([`<${NAMES.at(-1)!.slice(0, 3)}`, ["exit\r"]]);
  const r = await runOnTerminal(argv as unknown as string[], answers, {
    home,
    env: {
      PATH: `${dirname(BIN)}:${process.env.PATH ?? "/usr/bin:/bin"}`,
      TERM: "xterm",
      EDITOR: undefined,
      VISUAL: undefined,
      BROWSER: undefined,
    },
    timeoutMs: 60_000,
  });
  expect(r.answered, r.output).toBe(answers.length);
  expect(r.output).not.toMatch(/command not found|unknown command/i);
  return [...r.output.matchAll(/^<(p[a-m]-.*)>\r?$/gm)].map((m) => m[1]!);
}

describe.each(["bash", "bash without mapfile (macOS's bash 3.2)", "zsh", "fish"] as const)(
  "%s: Tab inserts a hostile profile name quoted",
  (shell) => {
    it("the shell reads back exactly the name, and nothing in it ran", { timeout: 90_000 }, async () => {
      expect(await completeOnTerminal(shell)).toEqual(NAMES);
      expect(existsSync(join(home, "pwned"))).toBe(false);
      expect(existsSync(join(home, "pwned2"))).toBe(false);
    });
  },
);
