import { ConfigError, type SsoCliError } from "../../errors.js";
import type { EditOutcome } from "../../files/credentials-file.js";

/** One profile of a login: its keys written (with their expiry), or refused with the reason. */
export type ProfileOutcome = { profile: string; accountId: string; roleName: string } & (
  | { ok: true; expiresAt: Date }
  | { ok: false; error: SsoCliError }
);

/** What writing a profile's keys into the credentials file came to: written, or left alone as not ours. */
export function outcomeOfWrite(
  who: { profile: string; accountId: string; roleName: string },
  outcome: EditOutcome,
  expiresAt: Date,
  credentialsFile: string,
): ProfileOutcome {
  if (outcome !== "not-ours") return { ...who, ok: true, expiresAt };
  return {
    ...who,
    ok: false,
    error: new ConfigError(
      `Profile ${who.profile} in ${credentialsFile} holds keys sso-cli did not write; left alone.`,
      "Remove them by hand or use another profile name.",
    ),
  };
}
