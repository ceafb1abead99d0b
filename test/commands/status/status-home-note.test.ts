import { describe, expect, it } from "vitest";
import { main } from "../../../src/cli/main.js";
import { createTestContext } from "../../helpers/test-context.js";
import { makeTempHome } from "../../helpers/temp-home.js";

// Windows, simulated: Git Bash sets HOME to a folder that is not USERPROFILE.
describe("sso-cli status on Windows says when HOME is not the home folder", () => {
  it("names both folders, and which tools use which", async () => {
    const { home, cleanup } = await makeTempHome();
    try {
      const ctx = createTestContext({ home, platform: "win32", env: { HOME: "C:\\Users\\ann\\git-home", USERPROFILE: "C:\\Users\\ann" } });
      await main(["status"], ctx);
      expect(ctx.stderrText()).toMatch(
        /^Note: HOME \(C:\\Users\\ann\\git-home\) is not your Windows home folder \(C:\\Users\\ann\): sso-cli and the AWS CLI use C:\\Users\\ann\\\.aws, tools built on the AWS SDK for JavaScript use HOME's\.\n/,
      );
      const same = createTestContext({ home, platform: "win32", env: { HOME: "C:/Users/ann", USERPROFILE: "C:\\Users\\ann" } });
      await main(["status"], same);
      expect(same.stderrText()).not.toMatch(/Note: HOME/);
    } finally {
      await cleanup();
    }
  });
});
