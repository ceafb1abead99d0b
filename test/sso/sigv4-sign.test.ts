import { describe, expect, it } from "vitest";
import { signQueryPost } from "../../src/sso/sigv4-sign.js";

describe("SigV4 for an awsQuery POST", () => {
  it("gives the test vector of docs/protocol/sts.md §7 (computed with botocore 1.43)", () => {
    const h = signQueryPost(
      "https://sts.us-east-1.amazonaws.com/",
      "Action=GetCallerIdentity&Version=2011-06-15",
      {
        accessKeyId: "ASIAIOSFODNN7EXAMPLE",
        secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        sessionToken: "IQoJb3JpZ2luX2VjEXAMPLETOKEN",
      },
      { region: "us-east-1", service: "sts", at: new Date("2024-01-02T03:04:05Z") },
    );
    expect(h.authorization).toBe(
      "AWS4-HMAC-SHA256 Credential=ASIAIOSFODNN7EXAMPLE/20240102/us-east-1/sts/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-security-token, Signature=006ded18759de28c835785267d08efbe5ac83d492a856601cb6e29912435ed74",
    );
    expect(h["x-amz-security-token"]).toBe("IQoJb3JpZ2luX2VjEXAMPLETOKEN");
  });
});
