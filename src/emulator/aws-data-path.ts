import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";

/**
 * Points the AWS CLI v2.9 (Debian's awscli), which ignores AWS_ENDPOINT_URL_*, at the emulator:
 * `AWS_DATA_PATH=<dir>` makes it read these endpoint rule sets before its bundled ones, and each
 * one's only rule returns a fixed URL (docs/protocol/aws-cli-v2-redirect.md).
 */
export const AWS_DATA_PATH_SERVICES = [
  { service: "sso", apiVersion: "2019-06-10" },
  { service: "sso-oidc", apiVersion: "2019-06-10" },
  { service: "sts", apiVersion: "2011-06-15" },
] as const;

/** The rule-set document for one service: an `--endpoint-url` still wins, else `url`. */
export function redirectRuleSet(url: string): Record<string, unknown> {
  const target = checkUrl(url);
  const flag = (builtIn: string) => ({ builtIn, required: true, default: false, type: "Boolean" });
  return {
    version: "1.0",
    parameters: {
      Region: { builtIn: "AWS::Region", required: false, type: "String" },
      UseDualStack: flag("AWS::UseDualStack"),
      UseFIPS: flag("AWS::UseFIPS"),
      Endpoint: { builtIn: "SDK::Endpoint", required: false, type: "String" },
    },
    rules: [
      {
        conditions: [{ fn: "isSet", argv: [{ ref: "Endpoint" }] }],
        endpoint: { url: { ref: "Endpoint" }, properties: {}, headers: {} },
        type: "endpoint",
      },
      {
        conditions: [],
        endpoint: { url: target, properties: {}, headers: {} },
        type: "endpoint",
      },
    ],
  };
}

/** Writes `<service>/<api version>/endpoint-rule-set-1.json` for SSO, SSO OIDC and STS under `dir`. */
export async function writeAwsDataPath(dir: string, url: string): Promise<void> {
  const text = JSON.stringify(redirectRuleSet(url), null, 2) + "\n";
  for (const { service, apiVersion } of AWS_DATA_PATH_SERVICES) {
    const folder = join(dir, service, apiVersion);
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, "endpoint-rule-set-1.json"), text);
  }
}

/** An http(s) origin, optionally with a path; no query, fragment or trailing slash. */
function checkUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`Not a URL: "${url}".`);
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:")
    throw new Error(`The endpoint must be an http or https URL, not "${url}".`);
  if (parsed.search || parsed.hash || parsed.username || parsed.password) {
    throw new Error(`The endpoint must not carry a query, fragment or credentials: "${url}".`);
  }
  // A rule-set URL is a template: braces would be read as references.
  if (/[{}]/.test(url)) throw new Error(`The endpoint must not contain braces: "${url}".`);
  return url.replace(/\/+$/, "");
}
