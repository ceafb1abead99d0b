import { describe, expect, it } from "vitest";
import { Directory, roleHash16, roleUniqueId } from "../../src/emulator/directory.js";

describe("Directory", () => {
  it("names accounts deterministically with 12-digit ids", () => {
    const d = new Directory({ accounts: 3, rolesPerAccount: 2 });
    expect([0, 1, 2].map((i) => d.accountAt(i).accountId)).toEqual(["100000000001", "100000000002", "100000000003"]);
    expect(d.accountAt(0).accountName).toBe("account-1");
    expect(d.rolesOf("100000000002")).toEqual(["AdministratorAccess", "ReadOnlyAccess"]);
    expect(d.indexOf("100000000004")).toBeUndefined();
    expect(d.indexOf("12345")).toBeUndefined();
  });

  it("takes names from the options and invents the rest", () => {
    const d = new Directory({ accounts: 2, rolesPerAccount: 3, accountNames: ["prod"], roleNames: ["Admin"] });
    expect(d.accountAt(0).accountName).toBe("prod");
    expect(d.accountAt(1).accountName).toBe("account-2");
    expect(d.rolesOf("100000000001")).toEqual(["Admin", "Role2", "Role3"]);
  });

  it("forbids a listed role or a whole account", () => {
    const d = new Directory({ accounts: 2, rolesPerAccount: 2, forbid: ["100000000001:ReadOnlyAccess", "100000000002:*"] });
    expect(d.isForbidden("100000000001", "ReadOnlyAccess")).toBe(true);
    expect(d.isForbidden("100000000001", "AdministratorAccess")).toBe(false);
    expect(d.isForbidden("100000000002", "AdministratorAccess")).toBe(true);
  });

  it("scales to 5,000 accounts × 10 roles without storing them", () => {
    const d = new Directory({ accounts: 5000, rolesPerAccount: 10 });
    expect(d.accountAt(4999).accountId).toBe("100000005000");
    expect(d.rolesOf("100000005000")).toHaveLength(10);
  });

  it("derives stable role hashes and unique ids of the real shapes", () => {
    expect(roleHash16("100000000001", "Admin")).toMatch(/^[0-9a-f]{16}$/);
    expect(roleHash16("100000000001", "Admin")).toBe(roleHash16("100000000001", "Admin"));
    expect(roleUniqueId("100000000001", "Admin")).toMatch(/^AROA[A-Z2-7]{17}$/);
  });
});
