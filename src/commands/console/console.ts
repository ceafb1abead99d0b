import type { Context } from "../../context.js";
import { BadValueError } from "../../errors.js";
import { isValidRegion } from "../../files/config-file.js";
import { debugLogFor } from "../../lib/debug-log.js";
import { buildLoginUrl, federationUrl, resolveDestination } from "../../sso/console-url.js";
import { checkEndpointOverride } from "../../lib/endpoint-override.js";
import { getSigninToken } from "../../sso/federation.js";
import { networkFor } from "../../network/network-for.js";
import { getProfileCredentials } from "../../role-keys/profile-credentials.js";
import { resolveKeysProfile } from "../../role-keys/role-chain.entry.js";

export interface ConsoleInput {
  profile?: string | undefined;
  /** An https URL or a service name (ec2, s3, …); the console home by default. */
  destination?: string | undefined;
  /** Default: the profile's region, else its sso_region. */
  region?: string | undefined;
  /** Print the link instead of opening a browser. */
  print: boolean;
}

export interface ConsoleResult {
  /** The sign-in link: a secret for 15 minutes (it signs anyone in who has it). */
  url: string;
  profile: string;
  accountId: string;
  roleName: string;
  region: string;
  destination: string;
  /** A browser was started with the link. */
  opened: boolean;
  /** When not opened and not asked to print: why (no browser here, or it would not start). */
  notOpenedBecause?: string | undefined;
  /** The link works until then (docs/protocol/credential-formats.md §3.3). */
  linkExpiresAt: Date;
}

const LINK_TTL_MS = 15 * 60_000;

/**
 * The AWS console, signed in as the profile's role: its keys (the shared role cache, else
 * GetRoleCredentials with the cached sign-in; never a browser sign-in) traded at the federation
 * endpoint for a sign-in token, then the login link, opened in the browser or handed back to print.
 * The destination and region are checked before any file or network is touched beyond the config.
 */
export async function openConsole(ctx: Context, input: ConsoleInput): Promise<ConsoleResult> {
  const debug = debugLogFor(ctx);
  // A role chain's keys are assumed-role keys, which the federation endpoint takes as any others.
  const target = await resolveKeysProfile(ctx, input.profile);
  const region = input.region ?? target.region;
  if (!isValidRegion(region)) throw new BadValueError(`"${region}" is not an AWS region name.`, "Pass --region with a region such as us-east-1 or eu-north-1.");
  const destination = resolveDestination(input.destination, region);
  // Checked before the keys are fetched: an override that would carry them in cleartext is refused first.
  const federation = federationUrl(region, checkEndpointOverride(ctx.endpoints, "signin"));
  const keys = await getProfileCredentials(ctx, { profile: target.profile });
  debug(`console: getSigninToken at ${federation}`, { profile: target.profile, keys: keys.source });
  // The command's network: the proxy and CA bundle every AWS call of sso-cli goes through.
  const network = await networkFor(ctx, target.profile);
  const { agent } = await network.agentFor(federation);
  const signinToken = await getSigninToken(federation, keys, { signal: ctx.signal, agent, timeoutMs: network.limits.requestTimeoutMs });
  const url = buildLoginUrl(federation, { issuer: target.startUrl ?? "https://console.aws.amazon.com/", destination, signinToken });
  // redactText hides the SigninToken value: the link is a secret while it lasts.
  debug(`console: login link ${url}`);
  const result = {
    url,
    profile: target.profile,
    accountId: target.accountId,
    roleName: target.roleName,
    region,
    destination,
    linkExpiresAt: new Date(ctx.now().getTime() + LINK_TTL_MS),
  };
  if (input.print) return { ...result, opened: false };
  if (!ctx.browser.available) return { ...result, opened: false, notOpenedBecause: ctx.browser.unavailableReason ?? "no browser can be opened here" };
  const opened = await ctx.browser.open(url);
  return { ...result, opened, ...(opened ? {} : { notOpenedBecause: "the browser could not be started" }) };
}
