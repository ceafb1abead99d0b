import { describe, expect, it } from "vitest";
import { nearestNames, orList } from "../../src/lib/did-you-mean.js";

describe("nearestNames", () => {
  it("finds a typo's near names, fewest edits first, case ignored", () => {
    const known = ["account-1.AdministratorAccess", "account-1.ReadOnlyAccess", "account-10.AdministratorAccess", "dev", "prod"];
    expect(nearestNames("acount-1.AdministratorAccess", known)).toEqual(["account-1.AdministratorAccess"]);
    expect(nearestNames("Account-1.administratoraccess", known)).toEqual(["account-1.AdministratorAccess"]);
    expect(nearestNames("dve", known)).toEqual(["dev"]);
    expect(nearestNames("eu-nort-1", ["eu-north-1", "eu-west-1", "us-east-1"])).toEqual(["eu-north-1"]);
  });

  it("offers nothing for a name far from every known one, or the name itself", () => {
    expect(nearestNames("staging", ["dev", "prod"])).toEqual([]);
    expect(nearestNames("dev", ["dev"])).toEqual([]);
    expect(nearestNames("x", [])).toEqual([]);
  });

  it("says a list as a person would", () => {
    expect([orList(["a"]), orList(["a", "b"]), orList(["a", "b", "c"])]).toEqual(["a", "a or b", "a, b or c"]);
  });
});

describe("noMatchLine", () => {
  it("one wording for every filter: near names for a typo or a name's start, the nearest for a pattern", async () => {
    const { noMatchLine } = await import("../../src/lib/no-match.js");
    expect(noMatchLine("role", "--role", ["ReadOnly"], ["AdministratorAccess", "ReadOnlyAccess"])).toBe(
      "No role matches --role ReadOnly (did you mean ReadOnlyAccess?).",
    );
    expect(noMatchLine("account", "--account", ["acount-1?"], ["account-1", "prod"])).toBe(
      "No account matches --account acount-1? (the nearest listed: account-1).",
    );
    expect(noMatchLine("account", "--account", ["123", "x*"], ["prod"])).toBe("No account matches --account 123 or --account x*.");
  });
});
