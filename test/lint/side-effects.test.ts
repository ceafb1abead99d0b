import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../helpers/run-process.js";

// The style's promise, held by lint: side effects come in through the Context. A stray clock or
// process read in a use case is an error, not a review comment.

// The project's own config, without the type-aware parts (rules needing a TypeScript program take
// seconds to set up and are not what this test is about).
const eslint = new ESLint({
  cwd: REPO_ROOT,
  overrideConfig: {
    languageOptions: { parserOptions: { projectService: false, project: null } },
    rules: { "@typescript-eslint/no-floating-promises": "off" },
  },
});

/** Lints `code` as though it were the content of `file` (an existing file, so the type-aware rules can place it). */
async function lint(code: string, file: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${REPO_ROOT}${file}` });
  return result!.messages.map((m) => `${m.ruleId}: ${m.message}`);
}

describe("lint keeps the clock and the process out of the code below cli/real-context.ts", () => {
  it.each([
    ["export const t = Date.now();", /Date\.now\(\)/],
    ["export const t = new Date();", /new Date\(\)/],
    ["export const h = process.env.HOME;", /process/],
    ["export const a = process.argv;", /process/],
  ])("refuses %j in src/commands/", async (code, message) => {
    expect((await lint(code, "src/commands/login/login.ts")).join("\n")).toMatch(message);
  });

  it("accepts a date made from a value, and the same code in real-context.ts", async () => {
    expect(await lint("export const d = (ms: number): Date => new Date(ms);", "src/commands/login/login.ts")).toEqual([]);
    expect(await lint("export const t = (): number => Date.now() + (process.env.X ? 1 : 0);", "src/cli/real-context.ts")).toEqual([]);
  });
});
