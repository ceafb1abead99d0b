import { describe, expect, it } from "vitest";
import { ServiceError } from "../../src/errors.js";
import { parseReply, RoleCredentialsReply } from "../../src/sso/replies.js";

// Issue 16, item 5: the role keys a service returns are checked for their shape where the reply is
// read; anything else is one line naming the field, never its value.

const GOOD = {
  accessKeyId: "ASIAEXAMPLEEXAMPLE12",
  secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
  sessionToken: "IQoJb3JpZ2luX2VjEXAMPLE+/==",
  expiration: 1_900_000_000_000,
};

describe("GetRoleCredentials: the keys' shape", () => {
  it("takes real keys", () => {
    expect(parseReply(RoleCredentialsReply, { roleCredentials: GOOD }, "GetRoleCredentials").roleCredentials).toEqual(GOOD);
  });

  it.each([
    ["accessKeyId", 'ASIA"&calc&"'],
    ["accessKeyId", "ASIA EXAMPLE"],
    ["accessKeyId", "A".repeat(129)],
    ["secretAccessKey", "secret\u201d; calc; \u201c"],
    ["secretAccessKey", "a'b"],
    ["sessionToken", "tok\nexport X=1"],
    ["sessionToken", "tok%PATH%"],
    ["sessionToken", "$(calc)"],
    ["expiration", 9e15],
    ["expiration", 1.5],
  ])("refuses %s = %j", (field, value) => {
    const reply = { roleCredentials: { ...GOOD, [field]: value } };
    const run = () => parseReply(RoleCredentialsReply, reply, "GetRoleCredentials");
    expect(run).toThrow(ServiceError);
    expect(run).toThrow(
      `IAM Identity Center sent an unexpected GetRoleCredentials reply (roleCredentials.${field} is missing or invalid).`,
    );
  });
});
