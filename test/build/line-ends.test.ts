import { spawnSync } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../helpers/run-process.js";
import { makeTempHome } from "../helpers/temp-home.js";

// A Windows checkout, simulated: git's settings there (core.autocrlf=true) applied to this
// repository's files as `git checkout` would write them.
describe("a checkout with Windows line ends", () => {
  it("keeps LF in bin/sso-cli (a `node\\r` shebang would not start) and the fixtures' bytes as they are", async () => {
    const { home: dir, cleanup } = await makeTempHome("sso-cli-checkout-");
    try {
      const files = ["bin/sso-cli", "src/cli/main.ts", "test/fixtures/ini/config-crlf"];
      const r = spawnSync(
        "git",
        ["-c", "core.autocrlf=true", "-c", "core.eol=crlf", "checkout-index", `--prefix=${dir}/`, "--", ...files],
        { cwd: REPO_ROOT, encoding: "utf8" },
      );
      expect(r.status, r.stderr).toBe(0);
      expect((await readFile(join(dir, "bin/sso-cli"), "utf8")).split("\n")[0]).toBe("#!/usr/bin/env node");
      expect(await readFile(join(dir, "src/cli/main.ts"), "utf8")).not.toContain("\r");
      expect(await readFile(join(dir, "test/fixtures/ini/config-crlf"))).toEqual(
        await readFile(join(REPO_ROOT, "test/fixtures/ini/config-crlf")),
      );
    } finally {
      await cleanup();
    }
  });
});
