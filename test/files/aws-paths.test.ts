import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/errors.js";
import { homeMismatchNote, resolveAwsPaths, resolveHome } from "../../src/files/aws-paths.js";

const system = (home: string | undefined) => () => home;
const noSystem = () => {
  throw new Error("the system home must not be asked for when HOME is set");
};

describe("resolveHome", () => {
  it("uses HOME when it is set", () => {
    expect(resolveHome({ HOME: "/home/me" }, noSystem, "linux")).toBe("/home/me");
  });

  it.each([
    ["unset", {}],
    ["empty", { HOME: "" }],
    ["empty, USERPROFILE empty too", { HOME: "", USERPROFILE: "" }],
  ])("treats HOME %s as unset and asks the system for the account's home", (_name, env) => {
    expect(resolveHome(env, system("/home/from-passwd"), "linux")).toBe("/home/from-passwd");
  });

  it("falls back to USERPROFILE before the system (Windows)", () => {
    expect(resolveHome({ HOME: "", USERPROFILE: "C:\\Users\\me" }, noSystem, "linux")).toBe("C:\\Users\\me");
  });

  it.each([undefined, ""])("refuses with one clear line when the system knows no home either (%j)", (home) => {
    expect(() => resolveHome({ HOME: "" }, system(home), "linux")).toThrow(ConfigError);
    expect(() => resolveHome({ HOME: "" }, system(home), "linux")).toThrow(
      /^HOME is not set, and the system knows no home folder for this account\.$/,
    );
  });
});

describe("resolveAwsPaths", () => {
  it("never puts the caches under the current folder when HOME is empty", () => {
    const paths = resolveAwsPaths({ HOME: "" }, system("/home/from-passwd"), "linux");
    expect(paths).toEqual({
      home: "/home/from-passwd",
      configFile: join("/home/from-passwd", ".aws", "config"),
      credentialsFile: join("/home/from-passwd", ".aws", "credentials"),
      ssoCacheDir: join("/home/from-passwd", ".aws", "sso", "cache"),
      cliCacheDir: join("/home/from-passwd", ".aws", "cli", "cache"),
    });
  });

  it("expands ~ in AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE with the same home", () => {
    const paths = resolveAwsPaths({ HOME: "", AWS_CONFIG_FILE: "~/cfg", AWS_SHARED_CREDENTIALS_FILE: "~" }, system("/h"), "linux");
    expect(paths.configFile).toBe(join("/h", "cfg"));
    expect(paths.credentialsFile).toBe("/h");
  });
});

// Windows, simulated: path.win32 rules and a Windows environment (Git Bash sets HOME).
describe("on Windows, the home folder and paths as botocore finds them", () => {
  const GIT_BASH = {
    HOME: "C:\\Users\\ann\\git-home",
    USERPROFILE: "C:\\Users\\ann",
    USERNAME: "ann",
    APPDATA: "C:\\Users\\ann\\AppData\\Roaming",
  };

  it("uses USERPROFILE, never HOME (Python >= 3.8), then HOMEDRIVE + HOMEPATH", () => {
    expect(resolveHome(GIT_BASH, noSystem, "win32")).toBe("C:\\Users\\ann");
    expect(resolveHome({ HOME: "C:\\h", HOMEDRIVE: "D:", HOMEPATH: "\\Users\\ann" }, noSystem, "win32")).toBe("D:\\Users\\ann");
    expect(resolveHome({ HOME: "C:\\h" }, system("C:\\Users\\sys"), "win32")).toBe("C:\\Users\\sys");
    expect(() => resolveHome({ HOME: "C:\\h" }, system(undefined), "win32")).toThrow(/^USERPROFILE is not set/);
  });

  it("puts the files and caches under USERPROFILE, with Windows separators", () => {
    expect(resolveAwsPaths(GIT_BASH, noSystem, "win32")).toEqual({
      home: "C:\\Users\\ann",
      configFile: "C:\\Users\\ann\\.aws\\config",
      credentialsFile: "C:\\Users\\ann\\.aws\\credentials",
      ssoCacheDir: "C:\\Users\\ann\\.aws\\sso\\cache",
      cliCacheDir: "C:\\Users\\ann\\.aws\\cli\\cache",
    });
  });

  it.each([
    ["~\\aws\\cfg", "C:\\Users\\ann\\aws\\cfg"],
    ["~/aws/cfg", "C:\\Users\\ann\\aws\\cfg"],
    ["%APPDATA%\\aws\\cfg", "C:\\Users\\ann\\AppData\\Roaming\\aws\\cfg"],
    ["%appdata%\\cfg", "C:\\Users\\ann\\AppData\\Roaming\\cfg"],
    ["C:\\work\\${USERNAME}\\x", "C:\\work\\ann\\x"],
    ["C:\\work\\'%APPDATA%'\\x", "C:\\work\\'%APPDATA%'\\x"],
    ["C:\\work\\%NOPE%\\cfg", "C:\\work\\%NOPE%\\cfg"],
    ["~bob\\cfg", "C:\\Users\\bob\\cfg"],
    ["D:\\100%%\\cfg", "D:\\100%\\cfg"],
  ])("expands AWS_CONFIG_FILE=%s as botocore does there (%s)", (value, expected) => {
    expect(resolveAwsPaths({ ...GIT_BASH, AWS_CONFIG_FILE: value }, noSystem, "win32").configFile).toBe(expected);
  });

  it("says when HOME is not the Windows home folder, and only then", () => {
    expect(homeMismatchNote(GIT_BASH, "C:\\Users\\ann", "win32")).toBe(
      "Note: HOME (C:\\Users\\ann\\git-home) is not your Windows home folder (C:\\Users\\ann): sso-cli and the AWS CLI use C:\\Users\\ann\\.aws, tools built on the AWS SDK for JavaScript use HOME's.",
    );
    expect(homeMismatchNote({ HOME: "C:/Users/Ann" }, "C:\\Users\\ann", "win32")).toBeUndefined();
    expect(homeMismatchNote(GIT_BASH, "/home/ann", "linux")).toBeUndefined();
  });
});
