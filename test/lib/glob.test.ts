import { describe, expect, it } from "vitest";
import { globToRegExp, matchesAny } from "../../src/lib/glob.js";

describe("globs for --account and --role", () => {
  it.each([
    ["prod-*", "prod-eu", true],
    ["prod-*", "prod-", true],
    ["prod-*", "Prod-eu", false],
    ["prod-*", "my-prod-eu", false],
    ["1000000000?1", "100000000011", true],
    ["1000000000?1", "10000000001", false],
    ["a.b", "a.b", true],
    ["a.b", "axb", false],
    ["(x)[y]+{z}$^|\\", "(x)[y]+{z}$^|\\", true],
    ["*", "", true],
    ["dev [x]*", "dev [x] team", true],
  ])("%j matches %j: %s", (glob, text, expected) => {
    expect(globToRegExp(glob).test(text)).toBe(expected);
  });

  it("matches any of several texts (an account's id or its name), and everything without globs", () => {
    const globs = ["prod-*", "1000000000?2"].map(globToRegExp);
    expect(matchesAny(globs, "100000000001", "prod-eu")).toBe(true);
    expect(matchesAny(globs, "100000000002", "dev")).toBe(true);
    expect(matchesAny(globs, "100000000003", "dev")).toBe(false);
    expect(matchesAny(globs, "100000000003", undefined)).toBe(false);
    expect(matchesAny([], "anything")).toBe(true);
  });
});
