import { describe, expect, it } from "vitest";
import { IniEditor } from "../../../src/files/ini-editor.js";
import { UsageError } from "../../../src/errors.js";
import {
  checkTemplate,
  nameProfiles,
  normaliseField,
  renderName,
  type Assignment,
} from "../../../src/commands/configure-populate/populate-names.js";

// Profile names must read back as one name in every client: botocore splits `[profile NAME]` with
// shlex, the JS SDK accepts [\w-@+.%:/]. Each rendered name is checked against both readers' rules
// through our own header round trip (ini-section-name.ts follows botocore) and the SDK's pattern.
const JS_SDK_PROFILE = /^([\w-@+.%:/]+)$/;

describe("populate profile names", () => {
  it.each([
    ["Prod East", "Prod-East"],
    ["dev [x]", "dev-x"],
    ["#team;a", "team-a"],
    ["Zürich Ünïts", "Zurich-Units"],
    ["a  --  b", "a-b"],
    ["名前", ""],
    ["line\nbreak\ttab", "line-break-tab"],
    ["ok.name_with@+%:/", "ok.name_with@+%:/"],
  ])("normalises %j to %j", (value, expected) => {
    expect(normaliseField(value)).toBe(expected);
  });

  it.each([
    ["{account_name}.{role_name}", { accountName: "Prod East", roleName: "Admin" }, "Prod-East.Admin"],
    ["{account_name}.{role_name}", { accountName: "名前", roleName: "Admin" }, "100000000001.Admin"],
    ["{account_id}_{role_name}@{region}", {}, "100000000001_Admin@eu-west-1"],
    ["{sso_session}/{account_name} {role_name}", {}, "corp/Prod-East-Admin"],
    ["#{account_name}]", {}, "Prod-East-"],
    ["{account_name}", { accountName: "-" }, "100000000001"],
  ])("renders %j", (template, over, expected) => {
    const name = renderName(
      template,
      { accountId: "100000000001", accountName: "Prod East", roleName: "Admin", region: "eu-west-1", ...over },
      "corp",
    );
    expect(name).toBe(expected);
    const doc = IniEditor.parse("", "config");
    doc.setKeys(`profile ${name}`, { region: "x" });
    expect(IniEditor.parse(doc.toString(), "config").sectionNames()).toEqual([`profile ${name}`]);
    expect(JS_SDK_PROFILE.test(name)).toBe(true);
  });

  it.each([
    ["{account_name}.{nope}", 1, /unknown field \{nope\}/],
    ["  ", 1, /cannot be empty/],
    ["{account_name}.{role_name}", 2, /must contain \{region\}/],
  ])("refuses template %j (%i regions)", (template, regions, message) => {
    expect(() => checkTemplate(template, regions)).toThrow(UsageError);
    expect(() => checkTemplate(template, regions)).toThrow(message);
  });

  it("keeps every assignment that would get one name, made distinct the same way in any order", () => {
    const a: Assignment[] = [
      { accountId: "100000000002", accountName: "dev", roleName: "Admin" },
      { accountId: "100000000001", accountName: "dev", roleName: "Admin" },
      { accountId: "100000000003", accountName: "ops", roleName: "Admin Role" },
      { accountId: "100000000003", accountName: "ops", roleName: "Admin-Role" },
      { accountId: "100000000004", accountName: "qa", roleName: "Admin" },
    ];
    const forward = nameProfiles(a, ["us-east-1"], "{account_name}.{role_name}", "s");
    const backward = nameProfiles([...a].reverse(), ["us-east-1"], "{account_name}.{role_name}", "s");
    const names = (r: typeof forward) => Object.fromEntries(r.profiles.map((p) => [`${p.accountId}/${p.roleName}`, p.profile]));
    expect(names(forward)).toEqual({
      "100000000001/Admin": "dev.Admin-100000000001",
      "100000000002/Admin": "dev.Admin-100000000002",
      "100000000003/Admin Role": "ops.Admin-Role-1",
      "100000000003/Admin-Role": "ops.Admin-Role-2",
      "100000000004/Admin": "qa.Admin",
    });
    expect(names(backward)).toEqual(names(forward));
    expect(forward.collisions).toEqual([
      { name: "dev.Admin", profiles: ["dev.Admin-100000000002", "dev.Admin-100000000001"] },
      { name: "ops.Admin-Role", profiles: ["ops.Admin-Role-1", "ops.Admin-Role-2"] },
    ]);
  });

  it("makes one profile per region, in listing order", () => {
    const r = nameProfiles(
      [{ accountId: "100000000001", accountName: "a", roleName: "R" }],
      ["eu-west-1", "us-east-1"],
      "{account_name}.{role_name}.{region}",
      "s",
    );
    expect(r.profiles.map((p) => [p.profile, p.region])).toEqual([
      ["a.R.eu-west-1", "eu-west-1"],
      ["a.R.us-east-1", "us-east-1"],
    ]);
  });
});
