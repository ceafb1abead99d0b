import type { SsoCliError } from "../../errors.js";

/** One profile of a login: its keys written (with their expiry), or refused with the reason. */
export type ProfileOutcome = { profile: string; accountId: string; roleName: string } & (
  | { ok: true; expiresAt: Date }
  | { ok: false; error: SsoCliError }
);
