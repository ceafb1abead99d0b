import { describe, expect, it } from "vitest";
import { ServiceClock, formatOffset } from "../../src/sso/service-clock.js";
import { describeServiceError, isRetryable } from "../../src/sso/service-errors.js";

describe("ServiceClock", () => {
  const at = (iso: string) => () => new Date(iso);

  it("learns the offset from Date headers beyond 5 minutes, warns once, and maps service times to local ones", () => {
    const said: string[] = [];
    const clock = new ServiceClock(at("2030-01-01T12:00:00Z"), (l) => said.push(l));
    clock.observe("Tue, 01 Jan 2030 13:00:00 GMT");
    clock.observe("Tue, 01 Jan 2030 13:00:05 GMT");
    expect(said).toHaveLength(1);
    expect(said[0]).toMatch(/^warning: this computer's clock is 1 h behind IAM Identity Center's/);
    expect(clock.toLocal(new Date("2030-01-01T14:00:05Z")).toISOString()).toBe("2030-01-01T13:00:00.000Z");
  });

  it.each([undefined, "", "not a date", "Tue, 01 Jan 2030 12:04:00 GMT", "Tue, 01 Jan 2030 11:56:00 GMT"])(
    "ignores %j (absent, unreadable or within 5 minutes)",
    (header) => {
      const said: string[] = [];
      const clock = new ServiceClock(at("2030-01-01T12:00:00Z"), (l) => said.push(l));
      clock.observe(header);
      expect(said).toEqual([]);
      expect(clock.skewMs).toBe(0);
    },
  );

  it.each([
    [7 * 60_000, "7 min"],
    [3600_000, "1 h"],
    [3720_000, "1 h 2 min"],
    [3 * 86_400_000 + 4 * 3600_000, "3 days 4 h"],
    [86_400_000, "1 day"],
  ])("formatOffset(%i) is %s", (ms, text) => {
    expect(formatOffset(ms)).toBe(text);
  });
});

describe("what a failed call says", () => {
  const tlsError = Object.assign(new Error("self-signed certificate in certificate chain"), { code: "SELF_SIGNED_CERT_IN_CHAIN" });
  const timeout = Object.assign(
    new Error("@smithy/node-http-handler - [ERROR] a request has exceeded the configured 300 ms requestTimeout."),
    { name: "TimeoutError", code: "ETIMEDOUT" },
  );

  it("a certificate it cannot verify: names the endpoint and AWS_CA_BUNDLE, and is not retried", () => {
    const e = describeServiceError(tlsError, "registering this client", "https://oidc.us-east-1.amazonaws.com");
    expect(e.exitCode).toBe(254);
    expect(e.message).toBe(
      "Could not verify the TLS certificate of https://oidc.us-east-1.amazonaws.com (SELF_SIGNED_CERT_IN_CHAIN) while registering this client.",
    );
    expect(e.hint).toMatch(/AWS_CA_BUNDLE/);
    expect(isRetryable(tlsError)).toBe(false);
  });

  it("a name that does not resolve: the region may be wrong, and the near known one is named (#18 item 6)", () => {
    const notFound = Object.assign(new Error("getaddrinfo ENOTFOUND oidc.eu-nort-1.amazonaws.com"), { code: "ENOTFOUND" });
    const e = describeServiceError(notFound, "registering this client", "https://oidc.eu-nort-1.amazonaws.com");
    expect(e.message).toBe(
      "Could not reach IAM Identity Center at https://oidc.eu-nort-1.amazonaws.com (ENOTFOUND: the name does not resolve) while registering this client.",
    );
    expect(e.hint).toBe(
      "The region may be wrong: eu-nort-1 is not a region sso-cli knows (did you mean eu-north-1?). Check sso_region, else your network connection, DNS and proxy.",
    );
    expect(describeServiceError(notFound, "x", "https://oidc.eu-north-1.amazonaws.com").hint).toBe(
      "The region may be wrong (eu-north-1): check sso_region, else your network connection, DNS and proxy; then try again.",
    );
  });

  it("a call that timed out: says so in one line (not the SDK's), and is retried", () => {
    const e = describeServiceError(timeout, "refreshing the sign-in", "https://oidc.us-east-1.amazonaws.com");
    expect(e.message).toBe(
      "IAM Identity Center at https://oidc.us-east-1.amazonaws.com did not answer in time (ETIMEDOUT) while refreshing the sign-in.",
    );
    expect(e.exitCode).toBe(254);
    expect(isRetryable(timeout)).toBe(true);
  });
});
