import type { Writable } from "node:stream";
import { escapeControlChars } from "../lib/control-chars.js";
import { describeSignIn, type SignInSpec } from "./cached-sign-in.entry.js";

/**
 * Said once before a command signs in again because the service refused a token that still had
 * time left (signed out or revoked elsewhere): otherwise a browser opens with no reason given.
 */
export function sayRefusedSignIn(stderr: Pick<Writable, "write">, spec: SignInSpec): void {
  stderr.write(
    `IAM Identity Center no longer accepts the cached sign-in for ${escapeControlChars(describeSignIn(spec))} (signed out or revoked elsewhere): signing in again.\n`,
  );
}
