import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../helpers/run-process.js";

// The import rules of docs/ARCHITECTURE.md §2, held by eslint.config.js: what the entry bundle may
// hold, and which way the layers point.

const eslint = new ESLint({
  cwd: REPO_ROOT,
  overrideConfig: {
    languageOptions: { parserOptions: { projectService: false, project: null } },
    rules: { "@typescript-eslint/no-floating-promises": "off", "@typescript-eslint/no-unused-vars": "off" },
  },
});

/** The no-restricted-imports messages for `code` linted as the content of `file` (an existing file). */
async function restricted(code: string, file: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${REPO_ROOT}${file}` });
  return result!.messages.filter((m) => m.ruleId === "no-restricted-imports").map((m) => m.message);
}

describe("entry files (*.entry.ts and the start-up files) keep the entry bundle small", () => {
  it.each([
    ['import { Command } from "commander";', "src/commands/login/login-grammar.entry.ts"],
    ['import { z } from "zod";', "src/cli/flag-table.entry.ts"],
    ['import { SSOClient } from "@aws-sdk/client-sso";', "src/role-keys/credential-profile.entry.ts"],
    ['import { createSsoClients } from "../../sso/clients.js";', "src/commands/login/login-plan.entry.ts"],
    ['import { startEmulator } from "../emulator/start-emulator.js";', "src/cli/hot-login.ts"],
    ['import { login } from "./login.js";', "src/commands/login/login-report.entry.ts"],
    ['import { ensureSignedIn } from "../sign-in/sign-in.js";', "src/role-keys/credential-profile.entry.ts"],
    ['import { getProfileCredentials } from "../role-keys/profile-credentials.js";', "src/cli/hot-credentials.ts"],
    ['import { buildProgram } from "./program.js";', "src/cli/real-context.ts"],
  ])("refuses %j in %s", async (code, file) => {
    expect(await restricted(code, file)).toHaveLength(1);
  });

  it.each([
    ['import { LOGIN_GRAMMAR } from "./login-grammar.entry.js";', "src/commands/login/login-report.entry.ts"],
    ['import { readCachedToken } from "../../sign-in/cached-sign-in.entry.js";', "src/commands/login/login-plan.entry.ts"],
    ['import { readConfigFile } from "../files/config-file.js";', "src/role-keys/credential-profile.entry.ts"],
    ['import type { LoginResult } from "./login.js";', "src/commands/login/login-report.entry.ts"],
    ['import type { Command } from "commander";', "src/cli/flag-table.entry.ts"],
    ['import { createRealContext } from "./real-context.js";', "src/cli/entry.ts"],
  ])("accepts %j in %s", async (code, file) => {
    expect(await restricted(code, file)).toEqual([]);
  });
});

describe("layers point down", () => {
  it.each([
    ['import { login } from "../commands/login/login.js";', "src/sign-in/sign-in.ts"],
    ['import { flag } from "../cli/shared-flags.entry.js";', "src/targets/resolve-targets.entry.ts"],
    ['import { ensureSignedIn } from "../sign-in/sign-in.js";', "src/files/config-file.ts"],
    ['import { networkFor } from "../network/network-for.js";', "src/sso/clients.ts"],
    ['import { startEmulator } from "../../emulator/start-emulator.js";', "src/commands/login/login.ts"],
    ['import { createRealContext } from "../../cli/real-context.js";', "src/commands/status/status-command.ts"],
  ])("refuses %j in %s", async (code, file) => {
    expect(await restricted(code, file)).toHaveLength(1);
  });

  it("lets the emulator command load the emulator, and commands use the argument framework", async () => {
    expect(
      await restricted('import { runEmulator } from "../../emulator/run-emulator.js";', "src/commands/emulator/emulator-command.ts"),
    ).toEqual([]);
    expect(
      await restricted('import { addGrammarCommand } from "../../cli/program-grammar.js";', "src/commands/status/status-command.ts"),
    ).toEqual([]);
  });
});
