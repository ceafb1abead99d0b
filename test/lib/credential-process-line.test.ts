import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { BadValueError } from "../../src/errors.js";
import { credentialProcessLine } from "../../src/lib/credential-process-line.js";

const WINDOWS = {
  platform: "win32",
  node: "C:\\Program Files\\nodejs\\node.exe",
  script: "C:\\Users\\Ann Lee\\AppData\\Roaming\\npm\\node_modules\\sso-cli\\bin\\sso-cli",
} as const;
const MAC = {
  platform: "darwin",
  node: "/opt/homebrew/Cellar/node/24.1.0/bin/node",
  script: "/opt/homebrew/lib/node_modules/sso-cli/bin/sso-cli",
} as const;

describe("the credential_process line", () => {
  it("names Node.js and the entry script on macOS and Linux, so launchd's short PATH does not matter", () => {
    expect(credentialProcessLine(MAC, "dev")).toBe(`"${MAC.node}" "${MAC.script}" credential-process --profile dev`);
  });

  it("is read by /bin/sh as the same words (the JS SDK runs it through sh -c)", () => {
    const line = credentialProcessLine({ platform: "linux", node: "/opt/my node/bin/node", script: "/home/a b/sso-cli" }, "my dev's (1)");
    const words = spawnSync("/bin/sh", ["-c", `printf '%s\\n' ${line.replace(/^"[^"]*"/, "")}`], { encoding: "utf8" })
      .stdout.split("\n")
      .slice(0, -1);
    expect(words).toEqual(["/home/a b/sso-cli", "credential-process", "--profile", "my dev's (1)"]);
  });

  it("accepts Windows paths with backslashes and spaces", () => {
    expect(credentialProcessLine(WINDOWS, "dev")).toBe(`"${WINDOWS.node}" "${WINDOWS.script}" credential-process --profile dev`);
    expect(credentialProcessLine(WINDOWS, "my dev")).toMatch(/ --profile "my dev"$/);
  });

  it.each([
    ["a double quote in the script path", { ...WINDOWS, script: 'C:\\a"b\\sso-cli' }, "dev"],
    ["%VAR% in the script path (cmd.exe expands it inside quotes)", { ...WINDOWS, script: "C:\\%USERNAME%\\sso-cli" }, "dev"],
    ["a percent sign in the profile", WINDOWS, "100%"],
    ["! in the Node.js path (delayed expansion)", { ...WINDOWS, node: "C:\\Tools!\\node.exe" }, "dev"],
    ["a trailing backslash (it would escape the closing quote)", { ...WINDOWS, script: "C:\\sso-cli\\" }, "dev"],
  ])("refuses on Windows: %s", (_what, program, profile) => {
    expect(() => credentialProcessLine(program, profile)).toThrow(BadValueError);
  });

  it.each([
    ["a backslash", { ...MAC, script: "/opt/a\\b/sso-cli" }, "dev"],
    ["a dollar sign", { ...MAC, node: "/opt/$HOME/node" }, "dev"],
    ["a backquote in the profile", MAC, "a`id`"],
    ["a newline", { ...MAC, script: "/opt/a\nb" }, "dev"],
  ])("refuses on POSIX: %s", (_what, program, profile) => {
    expect(() => credentialProcessLine(program, profile)).toThrow(BadValueError);
  });
});
