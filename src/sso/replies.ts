import * as z from "zod/mini";
import { ServiceError } from "../errors.js";
import { ACCESS_KEY_ID_SHAPE, MAX_EPOCH_MS, SECRET_ACCESS_KEY_SHAPE, SESSION_TOKEN_SHAPE } from "../lib/key-shape.js";

/**
 * The SDK types make every reply field optional; these schemas require what we use, so a
 * malformed reply is one clear error instead of an `undefined` deep inside a command.
 */
export const RegisterClientReply = z.object({
  clientId: z.string().check(z.minLength(1)),
  clientSecret: z.string().check(z.minLength(1)),
  clientSecretExpiresAt: z.int().check(z.positive()),
});

export const DeviceAuthorizationReply = z.object({
  deviceCode: z.string().check(z.minLength(1)),
  userCode: z.string().check(z.minLength(1)),
  verificationUri: z.string().check(z.minLength(1)),
  verificationUriComplete: z.optional(z.string().check(z.minLength(1))),
  expiresIn: z.int().check(z.positive()),
  interval: z.optional(z.int().check(z.positive())),
});

export const TokenReply = z.object({
  accessToken: z.string().check(z.minLength(1)),
  expiresIn: z.int().check(z.positive()),
  refreshToken: z.optional(z.string().check(z.minLength(1))),
});

/** The keys' shape is checked here, at the boundary (lib/key-shape.ts): nothing else is printed or written. */
export const RoleCredentialsReply = z.object({
  roleCredentials: z.object({
    accessKeyId: z.string().check(z.regex(ACCESS_KEY_ID_SHAPE)),
    secretAccessKey: z.string().check(z.regex(SECRET_ACCESS_KEY_SHAPE)),
    sessionToken: z.string().check(z.regex(SESSION_TOKEN_SHAPE)),
    expiration: z.int().check(z.positive(), z.lte(MAX_EPOCH_MS)),
  }),
});

export const AccountListReply = z.object({
  accountList: z.optional(
    z.array(z.object({ accountId: z.string(), accountName: z.optional(z.string()), emailAddress: z.optional(z.string()) })),
  ),
  nextToken: z.nullish(z.string()),
});

export const RoleListReply = z.object({
  roleList: z.optional(z.array(z.object({ roleName: z.string(), accountId: z.optional(z.string()) }))),
  nextToken: z.nullish(z.string()),
});

/** Parses a reply; the error names the operation and the missing field, never a value. */
export function parseReply<T>(schema: z.ZodMiniType<T>, reply: unknown, operation: string): T {
  const r = schema.safeParse(reply);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const where = issue && issue.path.length ? issue.path.join(".") : "reply";
  throw new ServiceError(
    `IAM Identity Center sent an unexpected ${operation} reply (${where} is missing or invalid).`,
    "Try again; if it persists, report it with --debug output.",
  );
}

/** The federation endpoint's getSigninToken answer (docs/protocol/credential-formats.md §3.2). */
export const SigninTokenReply = z.object({ SigninToken: z.string().check(z.minLength(1)) });
