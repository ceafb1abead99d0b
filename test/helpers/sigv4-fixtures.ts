import type { IssuedCredentials, SigV4Request, SigV4Result, VerifySigV4Options } from "../../src/emulator/sigv4-verify.js";
import { verifySigV4 } from "../../src/emulator/sigv4-verify.js";

// Inputs of the test vector in docs/protocol/sts.md §7.
export const AKID = "ASIAIOSFODNN7EXAMPLE";
export const SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
export const TOKEN = "IQoJb3JpZ2luX2VjEXAMPLETOKEN";
export const BODY = "Action=GetCallerIdentity&Version=2011-06-15";
export const T0 = Date.UTC(2024, 0, 2, 3, 4, 5); // 20240102T030405Z
export const MIN = 60_000;

export const LONG_TERM_AKID = "AKIAIOSFODNN7EXAMPLE";
export const EXPIRED_AKID = "ASIAEXPIREDEXAMPLE00";
export const issued = new Map<string, IssuedCredentials>([
  [AKID, { secretAccessKey: SECRET, sessionToken: TOKEN, expiresAtMs: T0 + 60 * MIN }],
  [LONG_TERM_AKID, { secretAccessKey: SECRET }],
  [EXPIRED_AKID, { secretAccessKey: SECRET, sessionToken: TOKEN, expiresAtMs: T0 - 1 }],
]);

export function verify(req: SigV4Request, opts: Partial<VerifySigV4Options> = {}): SigV4Result {
  return verifySigV4(req, { nowMs: T0, service: "sts", lookup: (id) => issued.get(id), ...opts });
}

export function header(req: SigV4Request, name: string): string | undefined {
  const i = req.rawHeaders.findIndex((h, n) => n % 2 === 0 && h.toLowerCase() === name);
  return i < 0 ? undefined : req.rawHeaders[i + 1];
}

export function signedHeadersOf(req: SigV4Request): string | undefined {
  return /SignedHeaders=([^,]+)/.exec(header(req, "authorization") ?? "")?.[1];
}
