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
