import { describe, expect, it } from "vitest";
import { BadValueError } from "../../src/errors.js";
import { checkEndpointOverride, cleartextProblem, endpointsFromEnv } from "../../src/lib/endpoint-override.js";

// Issue 16, item 3: which endpoint overrides may receive tokens and keys (e2e: test/e2e/endpoint-overrides.e2e.test.ts).

describe("cleartextProblem: https anywhere, http only to this machine", () => {
  it.each([
    "https://oidc.us-east-1.amazonaws.com",
    "https://10.0.0.5:4566",
    "http://127.0.0.1:4566",
    "http://127.8.9.10",
    "http://localhost:4566/",
    "http://LOCALHOST.:80",
    "http://[::1]:4566",
    "http://0x7f.1/",
  ])("%s may", (url) => {
    expect(cleartextProblem(url)).toBeUndefined();
  });

  it.each([
    ["http://localstack:4566", "is http:// to another machine"],
    ["http://10.0.0.5", "is http:// to another machine"],
    ["http://128.0.0.1", "is http:// to another machine"],
    ["http://[::2]", "is http:// to another machine"],
    ["http://localhost.evil.example", "is http:// to another machine"],
    ["http://app.localhost:1", "is http:// to another machine"],
    ["http://127.0.0.1.nip.io", "is http:// to another machine"],
    ["ftp://127.0.0.1", "is not an https:// URL"],
    ["localhost:4566", "is not an https:// URL"],
    ["not a url", "is not a URL"],
  ])("%s may not: %s", (url, problem) => {
    expect(cleartextProblem(url)).toBe(problem);
  });
});

describe("endpointsFromEnv", () => {
  it("the console sign-in endpoint comes from AWS_ENDPOINT_URL_SIGNIN only; the SDK services fall back to AWS_ENDPOINT_URL", () => {
    expect(endpointsFromEnv({ AWS_ENDPOINT_URL: "http://localstack:4566" })).toEqual({
      oidc: "http://localstack:4566",
      portal: "http://localstack:4566",
      sts: "http://localstack:4566",
      sources: { oidc: "AWS_ENDPOINT_URL", portal: "AWS_ENDPOINT_URL", sts: "AWS_ENDPOINT_URL" },
    });
    expect(
      endpointsFromEnv({ AWS_ENDPOINT_URL: "https://a", AWS_ENDPOINT_URL_SIGNIN: "https://s", AWS_ENDPOINT_URL_SSO: "https://p" }),
    ).toMatchObject({
      portal: "https://p",
      signin: "https://s",
      sources: { portal: "AWS_ENDPOINT_URL_SSO", signin: "AWS_ENDPOINT_URL_SIGNIN", oidc: "AWS_ENDPOINT_URL" },
    });
    expect(endpointsFromEnv({ AWS_ENDPOINT_URL_SSO_OIDC: "" })).toEqual({ sources: {} });
  });

  it("a refusal names the variable the value came from", () => {
    const endpoints = endpointsFromEnv({ AWS_ENDPOINT_URL: "http://localstack:4566" });
    expect(() => checkEndpointOverride(endpoints, "oidc")).toThrow(BadValueError);
    expect(() => checkEndpointOverride(endpoints, "oidc")).toThrow(
      /^AWS_ENDPOINT_URL is http:\/\/ to another machine: .*; set it to an https:\/\/ URL, or unset it\.$/,
    );
    expect(checkEndpointOverride(endpoints, "signin")).toBeUndefined();
    expect(() => checkEndpointOverride({ portal: "http://x" }, "portal")).toThrow(/^AWS_ENDPOINT_URL_SSO is http:\/\//);
  });
});
