import { describe, expect, it } from "vitest";
import { SignInDeniedError, SignInFailedError } from "../../src/errors.js";
import {
  buildAuthorizeUrl,
  codeFromCallback,
  createPkceSecrets,
  parsePastedCallback,
  percentEncode,
  pkceChallenge,
} from "../../src/sso/authorization-code.js";

describe("PKCE values (RFC 7636, as the AWS CLI v2 makes them)", () => {
  it("derives the S256 challenge of the documented example", () => {
    expect(pkceChallenge(`${"Ab3-._~".repeat(9)}x`)).toBe("SXt1c1GpARTs23l1OboV3FBd8sGum0fFBaBbI8U9vCA");
  });

  it("makes a 64-character unreserved verifier, its 43-character challenge and a UUID state, new each time", () => {
    const a = createPkceSecrets();
    const b = createPkceSecrets();
    expect(a.verifier).toMatch(/^[A-Za-z0-9\-._~]{64}$/);
    expect(a.challenge).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(a.challenge).toBe(pkceChallenge(a.verifier));
    expect(a.state).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(b.verifier).not.toBe(a.verifier);
    expect(b.state).not.toBe(a.state);
  });

  it("draws every verifier character from the 66 unreserved ones, even from skewed random bytes", () => {
    const secrets = createPkceSecrets((n) => Buffer.alloc(n, 255).fill(7, 0, 40));
    expect(secrets.verifier).toMatch(/^[A-Za-z0-9\-._~]{64}$/);
  });
});

describe("the /authorize address", () => {
  it("matches the AWS CLI's byte for byte (botocore percent-encoding, parameter order, challenge last)", () => {
    const url = buildAuthorizeUrl("https://oidc.us-east-1.amazonaws.com", {
      clientId: "AbCdEf123",
      redirectUri: "http://127.0.0.1:54321/oauth/callback",
      state: "0b7a5d4e-6f1c-4e7b-9d2a-3c5b8e1f2a47",
      challenge: "SXt1c1GpARTs23l1OboV3FBd8sGum0fFBaBbI8U9vCA",
      scopes: ["sso:account:access", "codewhisperer:completions"],
    });
    expect(url).toBe(
      "https://oidc.us-east-1.amazonaws.com/authorize?response_type=code&client_id=AbCdEf123&redirect_uri=http%3A%2F%2F127.0.0.1%3A54321%2Foauth%2Fcallback&state=0b7a5d4e-6f1c-4e7b-9d2a-3c5b8e1f2a47&code_challenge_method=S256&scopes=sso%3Aaccount%3Aaccess%20codewhisperer%3Acompletions&code_challenge=SXt1c1GpARTs23l1OboV3FBd8sGum0fFBaBbI8U9vCA",
    );
  });

  it("keeps an endpoint override's host and port and drops its path", () => {
    expect(
      buildAuthorizeUrl("http://127.0.0.1:4566/some/path", { clientId: "c", redirectUri: "r", state: "s", challenge: "x", scopes: ["a"] }),
    ).toMatch(/^http:\/\/127\.0\.0\.1:4566\/authorize\?/);
  });

  it("percent-encodes everything but A–Z a–z 0–9 - _ . ~", () => {
    expect(percentEncode("a b+c!'()*~._-")).toBe("a%20b%2Bc%21%27%28%29%2A~._-");
  });
});

describe("the answer on the redirect", () => {
  it("gives the code when the state comes back unchanged", () => {
    expect(codeFromCallback({ code: "c1", state: "s1" }, "s1")).toBe("c1");
  });

  it("refuses an answer carrying another state", () => {
    expect(() => codeFromCallback({ code: "c1", state: "other" }, "s1")).toThrow(SignInFailedError);
    expect(() => codeFromCallback({ code: "c1", state: "s1-longer" }, "s1")).toThrow(/state does not match/);
  });

  it("checks the state before it reads an error: a denial without this sign-in's state ends nothing as a denial", () => {
    expect(() => codeFromCallback({ error: "access_denied", state: undefined }, "s1")).toThrow(/state does not match/);
    expect(() => codeFromCallback({ error: "access_denied", state: "other" }, "s1")).toThrow(SignInFailedError);
  });

  it("turns access_denied into the denial, and any other error into a failure naming it", () => {
    expect(() => codeFromCallback({ error: "access_denied", state: "s1" }, "s1")).toThrow(SignInDeniedError);
    expect(() => codeFromCallback({ error: "invalid_request", state: "s1", description: "bad" }, "s1")).toThrow(
      /"invalid_request" \(bad\)/,
    );
  });

  it.each([
    ["http://127.0.0.1:51234/oauth/callback?code=abc&state=s1", { code: "abc", state: "s1" }],
    ["  http://127.0.0.1:9/oauth/callback?state=s1&code=abc  ", { code: "abc", state: "s1" }],
    ["?code=abc&state=s1", { code: "abc", state: "s1" }],
    ["code=abc&state=s1", { code: "abc", state: "s1" }],
    ["http://127.0.0.1:9/oauth/callback?error=access_denied&state=s1", { error: "access_denied", state: "s1", description: undefined }],
    ["http://127.0.0.1:9/oauth/callback", undefined],
    ["hello", undefined],
    ["", undefined],
  ])("reads the pasted %j", (text, expected) => {
    expect(parsePastedCallback(text)).toEqual(expected);
  });
});
