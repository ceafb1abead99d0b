import { describe, expect, it } from "vitest";
import { childCommand, findWindowsCommand, type ChildCommandSystem } from "../../src/lib/child-command.js";

// A Windows machine on Linux: path.win32 rules, a PATH with Node's folder of `.cmd` shims, and the
// files that exist there. Expected lines were checked against cross-spawn 7's lib/util/escape.js.
// NTFS: names match in any case.
const FILES = new Set(
  [
    "C:\\Windows\\system32\\cmd.exe",
    "C:\\Windows\\system32\\where.exe",
    "C:\\Program Files\\nodejs\\node.exe",
    "C:\\Program Files\\nodejs\\npm.cmd",
    "C:\\Program Files\\nodejs\\npx.cmd",
    "C:\\Users\\ann\\AppData\\Roaming\\npm\\cdk.cmd",
    "C:\\work\\app\\node_modules\\.bin\\tsc.cmd",
    "C:\\work\\app\\build.bat",
  ].map((f) => f.toLowerCase()),
);
const WINDOWS: ChildCommandSystem = { platform: "win32", isFile: (p) => FILES.has(p.toLowerCase()), cwd: "C:\\work\\app" };
const ENV = {
  Path: 'C:\\Windows\\system32;"C:\\Program Files\\nodejs";C:\\Users\\ann\\AppData\\Roaming\\npm;C:\\work\\app\\node_modules\\.bin',
  PATHEXT: ".COM;.EXE;.BAT;.CMD;.VBS;.JS",
  ComSpec: "C:\\Windows\\system32\\cmd.exe",
};

describe("how exec starts a command on Windows (simulated)", () => {
  it("finds an npm shim through PATH and PATHEXT, and runs it by cmd.exe /d /s /c with cross-spawn's escaping", () => {
    expect(childCommand("npm", ["install", "left pad", 'a"b', "c:\\dir\\", "100%", "x&y|z", "^!"], ENV, WINDOWS)).toEqual({
      file: "C:\\Windows\\system32\\cmd.exe",
      args: [
        "/d",
        "/s",
        "/c",
        '"C:\\Program^ Files\\nodejs\\npm.CMD ^"install^" ^"left^ pad^" ^"a\\^"b^" ^"c:\\dir\\\\^" ^"100^%^" ^"x^&y^|z^" ^"^^^!^""',
      ],
      windowsVerbatimArguments: true,
    });
  });

  it("runs `cdk.cmd` named with its extension through cmd.exe too (spawn would throw EINVAL)", () => {
    expect(childCommand("cdk.cmd", ["deploy"], ENV, WINDOWS).args).toEqual([
      "/d",
      "/s",
      "/c",
      '"C:\\Users\\ann\\AppData\\Roaming\\npm\\cdk.cmd ^"deploy^""',
    ]);
  });

  it("escapes twice for a node_modules\\.bin shim, which passes %* through cmd.exe again", () => {
    expect(childCommand("tsc", ["a&b"], ENV, WINDOWS).args[3]).toBe('"C:\\work\\app\\node_modules\\.bin\\tsc.CMD ^^^"a^^^&b^^^""');
  });

  it("starts an .exe directly, by its full path; a relative path is taken from the current folder", () => {
    expect(childCommand("where", ["node"], ENV, WINDOWS)).toEqual({
      file: "C:\\Windows\\system32\\where.EXE",
      args: ["node"],
      windowsVerbatimArguments: false,
    });
    expect(childCommand(".\\build", [], ENV, WINDOWS).args).toEqual(["/d", "/s", "/c", '"C:\\work\\app\\build.BAT"']);
  });

  it("never looks in the current folder for a bare name, and leaves an unknown command to spawn (ENOENT: not found)", () => {
    expect(findWindowsCommand("build", ENV, WINDOWS)).toBeUndefined();
    expect(childCommand("nosuch", ["x"], ENV, WINDOWS)).toEqual({ file: "nosuch", args: ["x"], windowsVerbatimArguments: false });
  });

  it("uses cmd.exe's default PATHEXT and finds PATH in any case", () => {
    expect(findWindowsCommand("npx", { PATH: "C:\\Program Files\\nodejs" }, WINDOWS)).toBe("C:\\Program Files\\nodejs\\npx.CMD");
  });

  it("changes nothing on Linux and macOS (execvp searches PATH)", () => {
    for (const platform of ["linux", "darwin"] as const) {
      expect(childCommand("npm", ["i"], { PATH: "/usr/bin" }, { ...WINDOWS, platform })).toEqual({
        file: "npm",
        args: ["i"],
        windowsVerbatimArguments: false,
      });
    }
  });
});
