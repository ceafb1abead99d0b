import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/errors.js";
import { resolveAwsPaths, resolveHome } from "../../src/files/aws-paths.js";

const system = (home: string | undefined) => () => home;
const noSystem = () => {
  throw new Error("the system home must not be asked for when HOME is set");
};

describe("resolveHome", () => {
  it("uses HOME when it is set", () => {
    expect(resolveHome({ HOME: "/home/me" }, noSystem)).toBe("/home/me");
  });

  it.each([
    ["unset", {}],
    ["empty", { HOME: "" }],
    ["empty, USERPROFILE empty too", { HOME: "", USERPROFILE: "" }],
  ])("treats HOME %s as unset and asks the system for the account's home", (_name, env) => {
    expect(resolveHome(env, system("/home/from-passwd"))).toBe("/home/from-passwd");
  });

  it("falls back to USERPROFILE before the system (Windows)", () => {
    expect(resolveHome({ HOME: "", USERPROFILE: "C:\\Users\\me" }, noSystem)).toBe("C:\\Users\\me");
  });

  it.each([undefined, ""])("refuses with one clear line when the system knows no home either (%j)", (home) => {
    expect(() => resolveHome({ HOME: "" }, system(home))).toThrow(ConfigError);
    expect(() => resolveHome({ HOME: "" }, system(home))).toThrow(/^HOME is not set, and the system knows no home folder for this account\.$/);
  });
});

describe("resolveAwsPaths", () => {
  it("never puts the caches under the current folder when HOME is empty", () => {
    const paths = resolveAwsPaths({ HOME: "" }, system("/home/from-passwd"));
    expect(paths).toEqual({
      home: "/home/from-passwd",
      configFile: join("/home/from-passwd", ".aws", "config"),
      credentialsFile: join("/home/from-passwd", ".aws", "credentials"),
      ssoCacheDir: join("/home/from-passwd", ".aws", "sso", "cache"),
      cliCacheDir: join("/home/from-passwd", ".aws", "cli", "cache"),
    });
  });

  it("expands ~ in AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE with the same home", () => {
    const paths = resolveAwsPaths({ HOME: "", AWS_CONFIG_FILE: "~/cfg", AWS_SHARED_CREDENTIALS_FILE: "~" }, system("/h"));
    expect(paths.configFile).toBe(join("/h", "cfg"));
    expect(paths.credentialsFile).toBe("/h");
  });
});
