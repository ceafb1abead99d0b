import { describe, expect, it } from "vitest";
import { redact, redactText } from "../../src/lib/redact.js";

describe("redact", () => {
  it.each([
    ["key ids keep only their ends", "key ASIAABCDEFGHIJKLMNOP used", "key ASIA…MNOP used"],
    ["json token values", '{"accessToken": "aoaSECRET123", "region": "us-east-1"}', '{"accessToken": "<redacted>", "region": "us-east-1"}'],
    ["ini secrets", "aws_secret_access_key = abc/DEF+ghi", "aws_secret_access_key = <redacted>"],
    ["session tokens", "aws_session_token=IQoJb3JpZ2luX2VjSECRET", "aws_session_token=<redacted>"],
    ["query signatures", "X-Amz-Signature=abcdef0123&x=1", "X-Amz-Signature=<redacted>&x=1"],
  ])("hides %s", (_name, input, expected) => {
    expect(redactText(input)).toBe(expected);
  });

  it("hides secret-named fields in objects, deeply", () => {
    expect(redact({ clientSecret: "s", nested: { refreshToken: "r", ok: "ASIAABCDEFGHIJKLMNOP" }, list: ["deviceCode=xyz"] })).toEqual({
      clientSecret: "<redacted>",
      nested: { refreshToken: "<redacted>", ok: "ASIA…MNOP" },
      list: ["deviceCode=<redacted>"],
    });
  });
});
