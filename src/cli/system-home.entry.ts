import { userInfo } from "node:os";

/**
 * The account's home folder from the system's user database, for when HOME is unset or empty.
 * Not os.homedir(): that returns HOME as it is, even when it is empty.
 */
export function systemHome(): string | undefined {
  try {
    return userInfo().homedir || undefined;
  } catch {
    // No entry for this uid (a container running as an arbitrary user).
    return undefined;
  }
}
