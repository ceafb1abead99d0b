import { describe, expect, it } from "vitest";
import { naturalCompare } from "../../src/lib/natural-sort.js";

describe("naturalCompare (#18 item 11)", () => {
  it("numbers by value, case aside, and a total order for names equal but for case", () => {
    expect(["account-10", "account-2", "Account-1", "account-1"].sort(naturalCompare)).toEqual([
      "Account-1",
      "account-1",
      "account-2",
      "account-10",
    ]);
    expect(["dev.Admin", "dev.admin"].sort(naturalCompare)).toEqual(["dev.Admin", "dev.admin"]);
  });
});
