import { spawnSync } from "node:child_process";
import { win32 } from "node:path";
import { describe, expect, it } from "vitest";
import { resolveAwsPaths } from "../../src/files/aws-paths.js";

// botocore reads AWS_CONFIG_FILE as os.path.expanduser(os.path.expandvars(path)); on Windows those
// are Python's ntpath functions, which are plain Python and run here too. The same values through
// both, in the same (Windows, simulated) environment. (Windows' os.environ also matches names in
// any case, which Linux's cannot show: aws-paths.test.ts covers that. The path is compared resolved,
// as Windows opens `C:\a/b` as `C:\a\b`.)
const ENV = { USERPROFILE: "C:\\Users\\ann", USERNAME: "ann", APPDATA: "C:\\Users\\ann\\AppData\\Roaming", HOME: "C:\\git-home" };
const VALUES = [
  "~\\aws\\cfg",
  "~/aws/cfg",
  "~",
  "%APPDATA%\\aws\\cfg",
  "C:\\w\\$APPDATA\\x",
  "C:\\w\\${USERNAME}\\x",
  "C:\\w\\'%APPDATA%'\\x",
  "C:\\w\\%NOPE%\\c",
  "C:\\w\\$NOPE\\c",
  "~bob\\cfg",
  "D:\\100%%\\cfg",
  "D:\\a$$b",
  "D:\\50%\\c",
];

describe("AWS_CONFIG_FILE on Windows: sso-cli and Python's ntpath agree", () => {
  it.each(VALUES)("%s", (value) => {
    const python = spawnSync("python3", ["-c", "import ntpath, sys; print(ntpath.expanduser(ntpath.expandvars(sys.argv[1])))", value], {
      encoding: "utf8",
      env: { ...ENV, PATH: process.env.PATH ?? "/usr/bin:/bin" },
    });
    expect(python.status, python.stderr).toBe(0);
    expect(resolveAwsPaths({ ...ENV, AWS_CONFIG_FILE: value }, () => undefined, "win32").configFile).toBe(
      win32.resolve(python.stdout.trimEnd()),
    );
  });
});
