import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatCredentials } from "../../src/role-keys/format-credentials.entry.js";
import { HOSTILE, withToken } from "./hostile-values.js";

// Issue 16, item 5: what real shells make of export's text, for values no key holds. sh and bash
// come with every machine; zsh and fish are a test tier (test/tiers.ts).

// Under CI=true the tier runs even without its tools (test/tiers.ts): say so plainly.
const missingShells = ["/usr/bin/zsh", "/usr/bin/fish"].filter((f) => !existsSync(f));
// fish makes its config and history folders under HOME: a throwaway one, never a real folder.
const home = mkdtempSync(join(tmpdir(), "sso-cli-shells-"));
afterAll(() => rmSync(home, { recursive: true, force: true }));
beforeAll(() => {
  expect(missingShells, "zsh and fish are needed: sudo apt-get install -y zsh fish").toEqual([]);
});

/** Runs `script` in a real shell; the token as the shell holds it, NUL-terminated, for each value. */
function inShell(
  shell: "sh" | "bash" | "zsh" | "fish",
  format: "env" | "env-no-export" | "fish" | "dotenv",
  values: readonly string[],
): string[] {
  // printf is a builtin of each of them, and "$VAR" reads a variable the same way in all four.
  const print = `printf '%s\\0' "$AWS_SESSION_TOKEN"`;
  const prelude = format === "dotenv" ? "set -a\n" : "";
  const script = prelude + values.map((v) => `${formatCredentials(withToken(v), format)}${print}\n`).join("");
  const args =
    shell === "fish"
      ? ["--no-config", "-c", script]
      : shell === "zsh"
        ? ["-f", "-c", script]
        : shell === "bash"
          ? ["--norc", "--noprofile", "-c", script]
          : ["-c", script];
  const r = spawnSync(shell, args, {
    encoding: "utf8",
    env: {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      HOME: home,
      XDG_CONFIG_HOME: join(home, ".config"),
      XDG_DATA_HOME: join(home, ".local/share"),
    },
  });
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
});
