import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { flag, PROFILE_FLAG, SIGN_IN_FLAGS } from "../../src/cli/shared-flags.entry.js";
import { REPO_ROOT } from "../helpers/run-process.js";

/** Every `flag: "--x"` written in src/ (the emulator's own settings table aside), by flag. */
async function flagDeclarations(): Promise<Map<string, string[]>> {
  const found = new Map<string, string[]>();
  const src = join(REPO_ROOT, "src");
  for (const entry of await readdir(src, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith(".ts")) continue;
    const file = join(entry.parentPath, entry.name);
    if (file.includes(`${join("src", "emulator")}`)) continue;
    for (const m of (await readFile(file, "utf8")).matchAll(/\bflag: "(--[a-z-]+)"/g)) {
      found.set(m[1]!, [...(found.get(m[1]!) ?? []), file.slice(REPO_ROOT.length)]);
    }
  }
  return found;
}

describe("shared flags", () => {
  it("each flag is spelled once in src/: grammars reuse the shared table", async () => {
    const repeated = [...(await flagDeclarations())].filter(([, files]) => files.length > 1);
    expect(repeated).toEqual([]);
  });

  it("a grammar's use keeps the shared spelling and adds its own meaning", () => {
    expect(flag(PROFILE_FLAG, "only this profile", { conflicts: ["ssoSession"] })).toEqual({
      flag: "--profile",
      value: "<name>",
      key: "profile",
      conflicts: ["ssoSession"],
      description: "only this profile",
    });
    expect(SIGN_IN_FLAGS.map((f) => f.flag)).toEqual(["--no-browser", "--use-device-code", "--use-pkce"]);
  });
});
