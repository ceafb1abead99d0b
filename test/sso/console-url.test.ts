import { describe, expect, it } from "vitest";
import { BadValueError } from "../../src/errors.js";
import { buildLoginUrl, federationUrl, partitionOf, resolveDestination } from "../../src/sso/console-url.js";

// Hosts per partition and region: docs/protocol/credential-formats.md §3.1; destinations: §3.5.
describe("the federation endpoint and console of a region", () => {
  it.each([
    ["us-east-1", "aws", "https://signin.aws.amazon.com/federation", "https://console.aws.amazon.com/console/home?region=us-east-1"],
    [
      "eu-north-1",
      "aws",
      "https://eu-north-1.signin.aws.amazon.com/federation",
      "https://eu-north-1.console.aws.amazon.com/console/home?region=eu-north-1",
    ],
    ["cn-north-1", "aws-cn", "https://signin.amazonaws.cn/federation", "https://console.amazonaws.cn/console/home?region=cn-north-1"],
    [
      "cn-northwest-1",
      "aws-cn",
      "https://cn-northwest-1.signin.amazonaws.cn/federation",
      "https://cn-northwest-1.console.amazonaws.cn/console/home?region=cn-northwest-1",
    ],
    [
      "us-gov-west-1",
      "aws-us-gov",
      "https://signin.amazonaws-us-gov.com/federation",
      "https://console.amazonaws-us-gov.com/console/home?region=us-gov-west-1",
    ],
    [
      "us-gov-east-1",
      "aws-us-gov",
      "https://us-gov-east-1.signin.amazonaws-us-gov.com/federation",
      "https://us-gov-east-1.console.amazonaws-us-gov.com/console/home?region=us-gov-east-1",
    ],
  ])("%s: %s", (region, partition, federation, home) => {
    expect(partitionOf(region)).toBe(partition);
    expect(federationUrl(region)).toBe(federation);
    expect(resolveDestination(undefined, region)).toBe(home);
  });

  it("AWS_ENDPOINT_URL_SIGNIN replaces the host, whatever the region", () => {
    expect(federationUrl("eu-west-1", "http://127.0.0.1:4566/")).toBe("http://127.0.0.1:4566/federation");
  });

  it("regions without a public console are refused", () => {
    expect(partitionOf("us-iso-east-1")).toBeUndefined();
    expect(() => federationUrl("us-isob-east-1")).toThrow(BadValueError);
  });
});

describe("--destination", () => {
  it.each([
    ["ec2", "eu-west-1", "https://eu-west-1.console.aws.amazon.com/ec2/v2/home?region=eu-west-1"],
    ["S3", "us-east-1", "https://console.aws.amazon.com/s3/home?region=us-east-1"],
    ["iam", "eu-west-1", "https://eu-west-1.console.aws.amazon.com/iamv2/home"],
    ["cfn", "eu-west-1", "https://eu-west-1.console.aws.amazon.com/cloudformation/home?region=eu-west-1"],
    ["https://console.aws.amazon.com/billing/home#/bills", "eu-west-1", "https://console.aws.amazon.com/billing/home#/bills"],
  ])("%s in %s", (destination, region, url) => {
    expect(resolveDestination(destination, region)).toBe(url);
  });

  it.each(["ec3", "", "http://console.aws.amazon.com/", "javascript:alert(1)", "https://exa mple.com/"])("refuses %j", (destination) => {
    expect(() => resolveDestination(destination, "us-east-1")).toThrow(BadValueError);
  });
});

describe("the login link", () => {
  it("carries Action=login, the issuer, the destination and the token, URL-encoded", () => {
    const url = buildLoginUrl("https://signin.aws.amazon.com/federation", {
      issuer: "https://d-1.awsapps.com/start",
      destination: "https://console.aws.amazon.com/ec2/v2/home?region=us-east-1",
      signinToken: "tok+/=",
    });
    expect(url).toBe(
      "https://signin.aws.amazon.com/federation?Action=login&Issuer=https%3A%2F%2Fd-1.awsapps.com%2Fstart&Destination=https%3A%2F%2Fconsole.aws.amazon.com%2Fec2%2Fv2%2Fhome%3Fregion%3Dus-east-1&SigninToken=tok%2B%2F%3D",
    );
  });
});
