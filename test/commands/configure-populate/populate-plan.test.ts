import { describe, expect, it } from "vitest";
import { IniEditor } from "../../../src/files/ini-editor.js";
import type { NamedProfile } from "../../../src/commands/configure-populate/populate-names.js";
import {
  applyPopulatePlan,
  planPopulate,
  type ListingFacts,
  type PopulatePlanInput,
} from "../../../src/commands/configure-populate/populate-plan.js";

// What populate decides against a config file, and that carrying it out twice changes nothing.

const own = (name: string, account: string, role: string, session = "s", marker = "# sso-cli configure populate") =>
  `\n[profile ${name}]\n${marker}\nsso_session = ${session}\nsso_account_id = ${account}\nsso_role_name = ${role}\nregion = us-east-1\noutput = json\n`;

const USER =
  "# mine\n[default]\nregion = eu-west-1\n\n[profile taken.Admin]\nregion = eu-west-1\n\n[sso-session s]\nsso_start_url = https://d-0000000000.awsapps.com/start\nsso_region = us-east-1\n";

function profile(accountId: string, roleName: string, name = `${accountId}.${roleName}`): NamedProfile {
  return { accountId, accountName: accountId, roleName, region: "us-east-1", profile: name };
}

function listing(o: Partial<ListingFacts> & { roles?: Record<string, string[]> } = {}): ListingFacts {
  const roles = o.roles ?? { "100000000001": ["Admin", "Read"], "100000000002": ["Admin"] };
  return {
    accounts: o.accounts ?? new Set(Object.keys(roles)),
    accountsComplete: o.accountsComplete ?? true,
    roles: new Map(Object.entries(roles).map(([a, r]) => [a, new Set(r)])),
    inScope: o.inScope ?? (() => true),
  };
}

function input(o: Partial<PopulatePlanInput> = {}): PopulatePlanInput {
  return {
    ssoSession: "s",
    profiles: [profile("100000000001", "Admin"), profile("100000000001", "Read"), profile("100000000002", "Admin")],
    output: "json",
    withKeys: false,
    prune: false,
    listing: listing(),
    ...o,
  };
}

describe("planPopulate", () => {
  it("adds what is missing, then a second run over the result changes no byte", () => {
    const doc = IniEditor.parse(USER, "config");
    const first = planPopulate(doc, input());
    expect(first.add.map((p) => p.profile)).toEqual(["100000000001.Admin", "100000000001.Read", "100000000002.Admin"]);
    applyPopulatePlan(doc, first, input());
    const text = doc.toString();
    expect(text.startsWith(USER)).toBe(true);
    expect(text.slice(USER.length)).toBe(
      own("100000000001.Admin", "100000000001", "Admin") +
        own("100000000001.Read", "100000000001", "Read") +
        own("100000000002.Admin", "100000000002", "Admin"),
    );
    const again = IniEditor.parse(text, "config");
    const second = planPopulate(again, input());
    expect(second).toMatchObject({ add: [], change: [], remove: [], stale: [], skip: [] });
    expect(second.unchanged).toHaveLength(3);
    applyPopulatePlan(again, second, input());
    expect(again.toString()).toBe(text);
  });

  it("skips a name a profile the user wrote has, the default profile, and one populated for another sso-session", () => {
    const doc = IniEditor.parse(USER + own("other.Admin", "100000000001", "Admin", "t"), "config");
    const plan = planPopulate(
      doc,
      input({
        profiles: [
          profile("100000000001", "Admin", "taken.Admin"),
          profile("100000000001", "Read", "default"),
          profile("100000000002", "Admin", "other.Admin"),
        ],
      }),
    );
    expect(plan.skip).toEqual([
      { profile: "taken.Admin", reason: "a profile you wrote has this name" },
      { profile: "default", reason: "the default profile is left to you" },
      { profile: "other.Admin", reason: "populated for sso-session t" },
    ]);
    expect(plan.add).toEqual([]);
  });

  it("changes its own profile when a value or the --with-keys marker differs, and only our keys", () => {
    const text = USER + own("100000000001.Admin", "100000000001", "Admin").replace("output = json\n", "output = json\ncli_pager =\n");
    const doc = IniEditor.parse(text, "config");
    const plan = planPopulate(doc, input({ profiles: [profile("100000000001", "Admin")], withKeys: true, output: "text" }));
    expect(plan.change.map((p) => p.profile)).toEqual(["100000000001.Admin"]);
    applyPopulatePlan(doc, plan, input({ withKeys: true, output: "text" }));
    expect(doc.toString()).toBe(
      text
        .replace("# sso-cli configure populate\n", "# sso-cli configure populate --with-keys\n")
        .replace("output = json", "output = text"),
    );
  });

  it("prunes only its own profiles of this session whose account or role is gone, in scope, with a complete listing", () => {
    const text =
      USER +
      own("gone-account", "100000000009", "Admin") +
      own("gone-role", "100000000001", "Write") +
      own("renamed", "100000000002", "Admin") +
      own("other-session", "100000000009", "Admin", "t") +
      own("failed-listing", "100000000003", "Admin") +
      "\n[profile hand]\nsso_session = s\nsso_account_id = 100000000009\nsso_role_name = Admin\n";
    const facts = listing({ accounts: new Set(["100000000001", "100000000002", "100000000003"]) });
    const doc = IniEditor.parse(text, "config");
    const stale = planPopulate(doc, input({ listing: facts }));
    expect(stale.stale.map((p) => p.profile)).toEqual(["gone-account", "gone-role"]);
    expect(stale.remove).toEqual([]);
    const plan = planPopulate(doc, input({ prune: true, listing: facts }));
    expect(plan.remove.map((p) => p.profile)).toEqual(["gone-account", "gone-role"]);
    applyPopulatePlan(doc, plan, input({ prune: true }));
    const after = doc.toString();
    expect(after).not.toMatch(/\[profile gone-/);
    for (const kept of ["renamed", "other-session", "failed-listing", "hand", "taken.Admin", "default"]) expect(after).toContain(kept);
    // A listing that stopped part way says nothing about accounts it did not reach.
    expect(
      planPopulate(IniEditor.parse(text, "config"), input({ prune: true, listing: { ...facts, accountsComplete: false } })).remove.map(
        (p) => p.profile,
      ),
    ).toEqual(["gone-role"]);
    // Out of the filters' scope: left alone.
    expect(
      planPopulate(
        IniEditor.parse(text, "config"),
        input({ prune: true, listing: { ...facts, inScope: (a) => a !== "100000000009" } }),
      ).remove.map((p) => p.profile),
    ).toEqual(["gone-role"]);
  });
});
