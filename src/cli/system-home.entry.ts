/**
 * The account's home folder from the system's user database, for when HOME is unset or empty.
 * Not os.homedir(): that returns HOME as it is, even when it is empty.
 */
export function systemHome(): string | undefined {
  try {
    // Loaded here, as only a process without HOME needs it: node:os is not otherwise loaded at start.
    // eslint-disable-next-line no-restricted-globals -- loads a built-in module; reads nothing of the process
    return process.getBuiltinModule("node:os").userInfo().homedir || undefined;
  } catch {
    // No entry for this uid (a container running as an arbitrary user).
    return undefined;
  }
}
