import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { redirectUriMatches, verifyPkce } from "../../src/emulator/oidc-service.js";

const challengeOf = (v: string): string => createHash("sha256").update(v).digest("base64url");

describe("verifyPkce (RFC 7636 S256)", () => {
  it("accepts the reference example from docs/protocol/sso-oidc.md §7.3", () => {
    const verifier = "Ab3-._~".repeat(9) + "x";
    expect(verifyPkce(verifier, "SXt1c1GpARTs23l1OboV3FBd8sGum0fFBaBbI8U9vCA")).toBe(true);
  });

  it.each([
    ["a wrong verifier", "B".repeat(64), challengeOf("A".repeat(64))],
    ["a verifier shorter than 43 characters", "A".repeat(42), challengeOf("A".repeat(42))],
    ["a verifier with characters outside the unreserved set", "A".repeat(50) + "+", challengeOf("A".repeat(50) + "+")],
    ["a padded challenge", "A".repeat(64), challengeOf("A".repeat(64)) + "="],
    ["the plain method (challenge = verifier)", "A".repeat(64), "A".repeat(64)],
  ])("rejects %s", (_name, verifier, challenge) => {
    expect(verifyPkce(verifier, challenge)).toBe(false);
  });
});

describe("redirectUriMatches (RFC 8252 §7.3)", () => {
  it.each([
    ["http://127.0.0.1/oauth/callback", "http://127.0.0.1:54321/oauth/callback", true],
    ["http://127.0.0.1/oauth/callback", "http://127.0.0.1:1/oauth/callback", true],
    ["http://127.0.0.1/oauth/callback", "http://127.0.0.1:54321/other", false],
    ["http://127.0.0.1/oauth/callback", "http://evil.example:54321/oauth/callback", false],
    ["https://app.example/cb", "https://app.example/cb", true],
    ["https://app.example/cb", "https://app.example:444/cb", false],
  ])("%s vs %s → %s", (registered, used, expected) => {
    expect(redirectUriMatches(registered, used)).toBe(expected);
  });
});
