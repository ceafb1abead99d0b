import { formatIsoOffset } from "../../lib/iso-time.js";
import { sameEnvName } from "../../lib/platform-env.js";
import type { ProfileCredentials } from "../../role-keys/credential-profile.entry.js";

// The environment `exec` hands its child: the person's, less what would let the child's SDK pick
// other credentials, plus the keys (exec.ts; exec-ecs-server.ts sets an endpoint instead).

/** Set in the child's environment: the profile an `exec` runs under, to catch an exec nested inside another. */
export const EXEC_PROFILE_VARIABLE = "SSO_CLI_EXEC_PROFILE";

/**
 * Variables that would let a child's AWS SDK pick other credentials than the ones handed to it
 * (the SDKs read a profile, web identity and container credentials before or beside the keys).
 */
export const COMPETING = [
  "AWS_PROFILE",
  "AWS_DEFAULT_PROFILE",
  "AWS_ACCESS_KEY_ID",
  "AWS_SECRET_ACCESS_KEY",
  "AWS_SESSION_TOKEN",
  "AWS_SECURITY_TOKEN",
  "AWS_CREDENTIAL_EXPIRATION",
  "AWS_WEB_IDENTITY_TOKEN_FILE",
  "AWS_ROLE_ARN",
  "AWS_ROLE_SESSION_NAME",
  "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
  "AWS_CONTAINER_CREDENTIALS_FULL_URI",
  "AWS_CONTAINER_AUTHORIZATION_TOKEN",
  "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
];

/**
 * The child's environment: ours, minus anything competing, plus the keys, the region and the
 * profile's name. On Windows names match in any case (`aws_profile` is AWS_PROFILE there, and the
 * child's SDK would pick it over the keys), and a name set here replaces ours in any case.
 */
export function buildExecEnv(
  base: Readonly<Record<string, string | undefined>>,
  c: ProfileCredentials,
  platform: NodeJS.Platform,
): Record<string, string> {
  const set: Record<string, string> = {
    AWS_ACCESS_KEY_ID: c.accessKeyId,
    AWS_SECRET_ACCESS_KEY: c.secretAccessKey,
    AWS_SESSION_TOKEN: c.sessionToken,
    AWS_CREDENTIAL_EXPIRATION: formatIsoOffset(c.expiration),
    AWS_REGION: c.region,
    AWS_DEFAULT_REGION: c.region,
    [EXEC_PROFILE_VARIABLE]: c.profile,
  };
  const dropped = [...COMPETING, ...Object.keys(set)];
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(base)) if (v !== undefined && !dropped.some((name) => sameEnvName(k, name, platform))) env[k] = v;
  return Object.assign(env, set);
}
