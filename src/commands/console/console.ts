import type { Context } from "../../context.js";
import { BadValueError } from "../../errors.js";
import { isValidRegion } from "../../files/config-file.js";
import { debugLogFor } from "../../lib/debug-log.js";
import { waitWithCountdown, type CountdownDeps } from "../../lib/countdown-wait.js";
import { buildLoginUrl, federationUrl, resolveDestination } from "../../sso/console-url.js";
import { checkEndpointOverride } from "../../lib/endpoint-override.js";
import { getSigninToken } from "../../sso/federation.js";
import { networkFor } from "../../network/network-for.js";
import { getProfileCredentials } from "../../role-keys/profile-credentials.js";
import { resolveKeysProfile } from "../../role-keys/role-chain.entry.js";
import { nearRegions } from "../../lib/aws-regions.js";
import { portalConsoleUrl } from "./portal-link.js";

export interface ConsoleInput {
  profile?: string | undefined;
  /** An https URL or a service name (ec2, s3, …); the console home by default. */
  destination?: string | undefined;
  /** Default: the profile's region, else its sso_region. */
  region?: string | undefined;
  /** Print the link instead of opening a browser. */
  print: boolean;
  /** Through the access portal's shortcut link: no keys fetched, the browser's portal session used. */
  portal?: boolean | undefined;
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
  /** The link works until then (docs/protocol/credential-formats.md §3.3); a portal link does not expire. */
  linkExpiresAt?: Date | undefined;
  /** The access portal's shortcut link (--portal): no secret in it. */
  portal?: boolean | undefined;
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
  if (!isValidRegion(region))
    throw new BadValueError(
      `"${region}" is not an AWS region name${nearRegions(region)}.`,
      "Pass --region with a region such as us-east-1 or eu-north-1.",
    );
  const destination = resolveDestination(input.destination, region);
  if (input.portal === true) {
    // No keys, no network: the portal signs the browser in with its own session.
    // The portal's shortcut opens a permission set the sign-in holds, not a role assumed from one.
    if (target.chain !== undefined || target.startUrl === undefined) {
      throw new BadValueError(
        `Profile ${target.profile} is a role chain: the access portal opens only the roles of a sign-in.`,
        `Run sso-cli console --profile ${target.profile} without --portal.`,
      );
    }
    const url = portalConsoleUrl(target.startUrl, target.accountId, target.roleName, destination);
    const result = {
      url,
      profile: target.profile,
      accountId: target.accountId,
      roleName: target.roleName,
      region,
      destination,
      portal: true,
    };
    return openOrPrint(ctx, input, result);
  }
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
  return openOrPrint(ctx, input, result);
}

async function openOrPrint(
  ctx: Context,
  input: ConsoleInput,
  result: Omit<ConsoleResult, "opened" | "notOpenedBecause">,
): Promise<ConsoleResult> {
  if (input.print) return { ...result, opened: false };
  if (!ctx.browser.available)
    return { ...result, opened: false, notOpenedBecause: ctx.browser.unavailableReason ?? "no browser can be opened here" };
  const launch = await ctx.browser.open(result.url);
  try {
    if (!launch.opened) return { ...result, opened: false, notOpenedBecause: launch.failure ?? "the browser could not be started" };
    // The link reaches the browser only through its one-time local address, which lives as long as
    // this command: wait for the browser to follow it, or hand the link back to print.
    if (await browserFollowed(ctx, launch.followed)) return { ...result, opened: true };
    return { ...result, opened: false, notOpenedBecause: `the browser did not come for the link within ${BROWSER_WAIT_MS / 1000} seconds` };
  } finally {
    await launch.close();
  }
}

/** How long `console` waits for a started browser to follow the link's one-time address. */
const BROWSER_WAIT_MS = 60_000;

function browserFollowed(ctx: CountdownDeps, followed: Promise<boolean>): Promise<boolean> {
  const label = ctx.tty.stderr
    ? (left: number) => `Waiting for the browser to open the console… (${Math.ceil(left / 1000)} s left)`
    : undefined;
  return waitWithCountdown(ctx, followed, BROWSER_WAIT_MS, label).then((r) => r?.value ?? false);
}
