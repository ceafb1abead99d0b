import { describe, expect, it } from "vitest";
import { ChoiceNeededError, Exit } from "../../src/errors.js";
import { IniChain } from "../../src/files/ini-chain.js";
import { resolveLoginPlan } from "../../src/targets/resolve-targets.entry.js";

const URL_A = "https://d-1111111111.awsapps.com/start";
const URL_B = "https://d-2222222222.awsapps.com/start";

describe("several sign-ins and none named (#18 item 2)", () => {
  it("names them in the error, with what selecting each means (for the picker)", () => {
    const doc = IniChain.read(
      `[profile a]\nsso_session = one\n[sso-session one]\nsso_start_url = ${URL_A}\nsso_region = us-east-1\n` +
        `[profile b]\nsso_start_url = ${URL_B}\nsso_region = eu-west-1\nsso_account_id = 111122223333\nsso_role_name = R\n`,
      "config",
    );
    let caught: unknown;
    try {
      resolveLoginPlan(doc, {});
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ChoiceNeededError);
    const err = caught as ChoiceNeededError;
    expect(err.exitCode).toBe(Exit.usage);
    expect(err.message).toBe(`Several sign-ins are configured: sso-session one, ${URL_B}; say which one.`);
    expect(err.hint).toBe("Use --sso-session one (or another of them), --profile NAME or --all.");
    expect(err.choices.map((c) => c.selection)).toEqual([{ ssoSession: "one" }, { startUrl: URL_B, region: "eu-west-1" }]);
    // Each selection, given back, is a plan of that one sign-in.
    for (const c of err.choices) expect(resolveLoginPlan(doc, c.selection).signIns).toHaveLength(1);
  });
});
