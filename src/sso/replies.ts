import { z } from "zod";
import { ServiceError } from "../errors.js";

/**
 * The SDK types make every reply field optional; these schemas require what we use, so a
 * malformed reply is one clear error instead of an `undefined` deep inside a command.
 */
export const RegisterClientReply = z.object({
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
  clientSecretExpiresAt: z.number().int().positive(),
});

export const DeviceAuthorizationReply = z.object({
  deviceCode: z.string().min(1),
  userCode: z.string().min(1),
  verificationUri: z.string().min(1),
  verificationUriComplete: z.string().min(1).optional(),
  expiresIn: z.number().int().positive(),
  interval: z.number().int().positive().optional(),
});

export const TokenReply = z.object({
  accessToken: z.string().min(1),
  expiresIn: z.number().int().positive(),
  refreshToken: z.string().min(1).optional(),
});

export const RoleCredentialsReply = z.object({
  roleCredentials: z.object({
    accessKeyId: z.string().min(1),
    secretAccessKey: z.string().min(1),
    sessionToken: z.string().min(1),
    expiration: z.number().int().positive(),
  }),
});

export const AccountListReply = z.object({
  accountList: z.array(z.object({ accountId: z.string(), accountName: z.string().optional(), emailAddress: z.string().optional() })).optional(),
  nextToken: z.string().optional().nullable(),
});

export const RoleListReply = z.object({
  roleList: z.array(z.object({ roleName: z.string(), accountId: z.string().optional() })).optional(),
  nextToken: z.string().optional().nullable(),
});

/** Parses a reply; the error names the operation and the missing field, never a value. */
export function parseReply<T>(schema: z.ZodType<T>, reply: unknown, operation: string): T {
  const r = schema.safeParse(reply);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const where = issue && issue.path.length ? issue.path.join(".") : "reply";
  throw new ServiceError(`IAM Identity Center sent an unexpected ${operation} reply (${where} is missing or invalid).`, "Try again; if it persists, report it with --debug output.");
}
