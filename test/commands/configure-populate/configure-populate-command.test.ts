import { describe, expect, it } from "vitest";
import {
  formatPopulatePlan,
  formatPopulateReport,
  populateFailure,
} from "../../../src/commands/configure-populate/configure-populate-command.js";
import { Exit, ServiceError } from "../../../src/errors.js";
import type { PopulateResult } from "../../../src/commands/configure-populate/configure-populate.js";

const p = (profile: string, accountId = "100000000001", roleName = "Admin") => ({
  profile,
  accountId,
  accountName: "a",
  roleName,
  region: "us-east-1",
});

function result(over: Partial<PopulateResult> = {}): PopulateResult {
  return {
    configFile: "/h/.aws/config",
    ssoSession: "s",
    startUrl: "https://d-0000000000.awsapps.com/start",
    newSession: false,
    dryRun: false,
    signIn: "cached",
    listed: { accounts: 2, accountsInScope: 2, rolesListed: 2, assignments: 2 },
    plan: { add: [], change: [], unchanged: [], remove: [], stale: [], skip: [] },
    collisions: [],
    failures: [],
    invalid: [],
    written: false,
    unmatched: [],
    ...over,
  };
}

describe("assignments the portal gave in a shape no profile may hold (issue 16, item 5)", () => {
  const invalid = [
    {
      accountId: "100000000001",
      accountName: "prod\u001b[2J",
      roleName: "Bad\nRole",
      reason: "the role name is not a permission set name",
    },
  ];

  it("each is one escaped line naming it; the run ends partial (exit 1)", () => {
    const r = result({
      invalid,
      written: true,
      plan: { add: [p("prod.Admin")], change: [], unchanged: [], remove: [], stale: [], skip: [] },
    });
    expect(formatPopulateReport(r)).toContain(
      "  skip    account 100000000001 (prod\\x1b[2J) role Bad\\nRole: the role name is not a permission set name\n",
    );
    const failure = populateFailure(r);
    expect([failure?.exitCode, failure?.message]).toEqual([Exit.partial, "1 of 2 assignments could not be written; the others were."]);
  });
});

describe("configure populate report", () => {
  it("a dry run lists every change it would make, with counts", () => {
    const dry = result({
      dryRun: true,
      plan: { add: [p("a.Admin")], change: [], unchanged: [], remove: [], stale: [], skip: [] },
    });
    // The command prints the plan on stdout and the outcome alone on stderr (#18 item 8).
    expect(formatPopulatePlan(dry)).toBe("  add     a.Admin  (100000000001 Admin us-east-1)\n");
    expect(formatPopulateReport(dry, { withPlan: false })).toBe(
      "Dry run, nothing written to /h/.aws/config: would be 1 added, 0 changed, 0 removed, 0 unchanged, 0 skipped.\n",
    );
    const text = formatPopulateReport(
      result({
        dryRun: true,
        plan: {
          add: [p("a.Admin")],
          change: [p("b.Admin", "100000000002")],
          unchanged: [],
          remove: [{ profile: "old.Admin", accountId: "100000000009", roleName: "Admin" }],
          stale: [],
          skip: [{ profile: "mine", reason: "a profile you wrote has this name" }],
        },
        collisions: [{ name: "dev.Admin", profiles: ["dev.Admin-100000000001", "dev.Admin-100000000002"] }],
      }),
    );
    expect(text).toBe(
      [
        "  add     a.Admin  (100000000001 Admin us-east-1)",
        "  change  b.Admin  (100000000002 Admin us-east-1)",
        "  remove  old.Admin  (100000000009 Admin: no longer assigned)",
        "  skip    mine: a profile you wrote has this name",
        "  named   dev.Admin-100000000001, dev.Admin-100000000002: 2 assignments would all be dev.Admin",
        "Dry run, nothing written to /h/.aws/config: would be 1 added, 1 changed, 1 removed, 0 unchanged, 1 skipped.",
        "",
      ].join("\n"),
    );
  });

  it("a real run names exceptions only, says what is stale, and how to use a profile", () => {
    const stale = ["x1", "x2", "x3", "x4"].map((profile) => ({ profile, accountId: "100000000009", roleName: "R" }));
    const text = formatPopulateReport(
      result({
        written: true,
        newSession: true,
        plan: { add: [p("a.Admin"), p("b.Admin")], change: [], unchanged: [], remove: [], stale, skip: [] },
      }),
    );
    expect(text).toBe(
      [
        "Wrote /h/.aws/config: 2 added, 0 changed, 0 removed, 0 unchanged, 0 skipped (and [sso-session s]).",
        "4 populated profiles are no longer assigned (x1, x2, x3, …); --prune removes them.",
        "Use them: aws sts get-caller-identity --profile a.Admin",
        "",
      ].join("\n"),
    );
  });

  it.each([
    ["no failure", {}, undefined],
    [
      "every role listing failed: the failure itself",
      { listed: { accounts: 1, accountsInScope: 1, rolesListed: 0, assignments: 0 } },
      Exit.service,
    ],
    ["some failed: partial", { listed: { accounts: 2, accountsInScope: 2, rolesListed: 1, assignments: 3 } }, Exit.partial],
  ])("exit code: %s", (_name, over, code) => {
    const failures =
      code === undefined
        ? []
        : [{ what: "the roles of account 100000000002 (b)", accountId: "100000000002", error: new ServiceError("refused") }];
    expect(populateFailure(result({ ...over, failures }))?.exitCode).toBe(code);
  });
});
