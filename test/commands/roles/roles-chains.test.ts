import { describe, expect, it } from "vitest";
import { formatRolesJson, formatRolesTable } from "../../../src/commands/roles/roles-command.js";
import { listRoles } from "../../../src/commands/roles/roles.js";
import { sessionProfileConfig } from "../../helpers/sso-fixtures.js";
import { seedSignIn, useCaseSetups } from "../../helpers/use-case-setup.js";

// Issue 22: roles names, for each role, the local role chains whose keys start from it.

const setUp = useCaseSetups();
const config = (u: string): string =>
  [
    sessionProfileConfig({ startUrl: u, region: "eu-west-1" }),
    "[profile deploy]",
    "role_arn = arn:aws:iam::100000000002:role/Deploy",
    "source_profile = p",
    "",
    "[profile audit]",
    "role_arn = arn:aws:iam::100000000003:role/Audit",
    "source_profile = deploy",
    "",
  ].join("\n");

describe("sso-cli roles and role chains", () => {
  it("the chains on a role's profiles, one hop or two, in the row of the role they start from", async () => {
    const { ctx, emu } = await setUp({ config });
    await seedSignIn(ctx, emu);
    const r = await listRoles(ctx, { browser: false, ssoSession: "s" });
    const admin1 = r.rows.find((x) => x.accountId === "100000000001" && x.roleName === "AdministratorAccess")!;
    expect(admin1).toMatchObject({ profiles: ["p"], chainedProfiles: ["deploy", "audit"] });
    expect(r.rows.filter((x) => x.chainedProfiles.length > 0)).toHaveLength(1);
    expect(formatRolesTable([admin1])).toContain("p, deploy (chain), audit (chain)");
    expect(JSON.parse(formatRolesJson([admin1]))).toEqual([
      expect.objectContaining({ profiles: ["p"], chainedProfiles: ["deploy", "audit"] }),
    ]);
  });
});
