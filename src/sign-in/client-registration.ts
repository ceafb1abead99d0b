import type { Context } from "../context.js";
import { SsoCliError } from "../errors.js";
import { noticeTo } from "../files/atomic-write.js";
import {
  formatTimestamp,
  parseTimestamp,
  readClientRegistration,
  registrationCacheFileName,
  writeClientRegistration,
} from "../files/token-cache.js";
import { debugLogFor } from "../lib/debug-log.js";
import { AUTHORIZATION_CODE_GRANTS, DEFAULT_SCOPES, REGISTERED_REDIRECT_URI } from "../sso/authorization-code.js";
import type { SsoClients } from "../sso/clients.js";
import { isRegistrationKnown, registerClient } from "../sso/register-client.js";
import type { SignInFlow, SignInSpec } from "./cached-sign-in.entry.js";

export interface Registration {
  clientId: string;
  clientSecret: string;
  expiresAt: Date;
}

/** A cached registration is reused while it has more than 15 minutes left (docs/protocol/token-cache.md §4). */
const REGISTRATION_MARGIN_MS = 15 * 60_000;

export type RegistrationDeps = Pick<Context, "now" | "paths" | "stderr" | "debug">;

/**
 * The client registration for a sign-in flow, shared with the AWS CLI v2: one cache file per
 * sign-in (docs/protocol/token-cache.md §2.1), reused while it lives and was made for the same flow (a file
 * whose grantTypes hold authorization_code serves the PKCE flow only, one without serves the
 * device flow only, as the AWS CLI v2.22+ decides). `fresh` registers anew whatever is cached.
 * A cached PKCE registration is checked with the service before a browser is sent off with it.
 */
export async function loadRegistration(
  deps: RegistrationDeps,
  spec: SignInSpec,
  clients: SsoClients,
  flow: SignInFlow,
  opts: { fresh?: boolean } = {},
): Promise<Registration> {
  const debug = debugLogFor(deps);
  const fileName = registrationCacheFileName({
    startUrl: spec.startUrl,
    region: spec.region,
    scopes: spec.scopes,
    sessionName: spec.ssoSession ?? null,
  });
  if (!opts.fresh) {
    let cached;
    try {
      cached = await readClientRegistration(deps.paths.ssoCacheDir, fileName);
    } catch (err) {
      // A corrupt registration is only a cache: register anew and overwrite it.
      if (!(err instanceof SsoCliError)) throw err;
      debug(`client registration ${fileName} is unreadable; registering anew`);
    }
    const forPkce = cached?.grantTypes?.includes("authorization_code") === true;
    if (cached && forPkce === (flow === "pkce")) {
      const expiresAt = parseTimestamp(cached.expiresAt)!;
      if (expiresAt.getTime() - deps.now().getTime() > REGISTRATION_MARGIN_MS) {
        const registration = { clientId: cached.clientId, clientSecret: cached.clientSecret, expiresAt };
        if (flow === "device" || (await isRegistrationKnown(clients, registration))) {
          debug(`reusing the cached client registration ${fileName} (expires ${expiresAt.toISOString()})`);
          return registration;
        }
        debug("the service no longer knows the cached client registration (InvalidClientException): registering anew");
      } else {
        debug(`the cached client registration expires ${expiresAt.toISOString()}: registering anew`);
      }
    } else if (cached) {
      debug(`the cached client registration was made for the ${forPkce ? "authorization code" : "device code"} flow: registering anew`);
    }
  }
  const clientName = `botocore-client-${spec.ssoSession ?? Math.floor(deps.now().getTime() / 1000)}`;
  const reg =
    flow === "pkce"
      ? await registerClient(clients, {
          clientName,
          scopes: spec.scopes ?? DEFAULT_SCOPES,
          grantTypes: AUTHORIZATION_CODE_GRANTS,
          redirectUris: [REGISTERED_REDIRECT_URI],
          issuerUrl: spec.startUrl,
        })
      : await registerClient(clients, { clientName, scopes: spec.scopes ?? undefined });
  await writeClientRegistration(
    deps.paths.ssoCacheDir,
    fileName,
    {
      clientId: reg.clientId,
      clientSecret: reg.clientSecret,
      expiresAt: formatTimestamp(reg.expiresAt),
      ...(reg.scopes?.length ? { scopes: reg.scopes } : {}),
      ...(reg.grantTypes?.length ? { grantTypes: reg.grantTypes } : {}),
    },
    { notice: noticeTo(deps.stderr) },
  );
  debug(`registered a new client for the ${flow === "pkce" ? "authorization code" : "device code"} flow; cached as ${fileName}`);
  return { clientId: reg.clientId, clientSecret: reg.clientSecret, expiresAt: reg.expiresAt };
}
