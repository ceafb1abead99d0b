import { spawnSync } from "node:child_process";
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../helpers/run-process.js";
import { makeTempHome } from "../helpers/temp-home.js";

// A Windows checkout, simulated: git's settings there (core.autocrlf=true) applied to this
// repository's files as `git checkout` would write them.
describe("a checkout with Windows line ends", () => {
  it("still builds bin/sso-cli with LF: its shebang line is `#!/usr/bin/env node` exactly, and it is executable", async () => {
    const bin = await readFile(join(REPO_ROOT, "bin/sso-cli"), "utf8");
    expect(bin.split("\n")[0]).toBe("#!/usr/bin/env node");
    expect(bin).not.toContain("\r");
    expect((await stat(join(REPO_ROOT, "bin/sso-cli"))).mode & 0o111).toBe(0o111);
  });

  it("keeps LF in the sources (the build makes bin/sso-cli from them: a `node\\r` shebang would not start) and the fixtures' bytes as they are", async () => {
    const { home: dir, cleanup } = await makeTempHome("sso-cli-checkout-");
    try {
      const files = ["src/cli/bin.ts", "src/cli/main.ts", "test/fixtures/ini/config-crlf"];
      const r = spawnSync(
        "git",
        ["-c", "core.autocrlf=true", "-c", "core.eol=crlf", "checkout-index", `--prefix=${dir}/`, "--", ...files],
        { cwd: REPO_ROOT, encoding: "utf8" },
      );
      expect(r.status, r.stderr).toBe(0);
      expect(await readFile(join(dir, "src/cli/bin.ts"), "utf8")).not.toContain("\r");
      expect(await readFile(join(dir, "src/cli/main.ts"), "utf8")).not.toContain("\r");
      expect(await readFile(join(dir, "test/fixtures/ini/config-crlf"))).toEqual(
        await readFile(join(REPO_ROOT, "test/fixtures/ini/config-crlf")),
      );
    } finally {
      await cleanup();
    }
  });
});
