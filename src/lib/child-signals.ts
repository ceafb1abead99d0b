/**
 * The signals sso-cli passes on to a child it runs (`exec`), by platform.
 *
 * POSIX: SIGTERM and SIGHUP always; SIGINT only without a terminal (a script, `kill -INT`): a
 * terminal sends Ctrl-C to the whole foreground group, the child included, and passing it on too
 * would deliver it twice.
 *
 * Windows: none. `child.kill(sig)` there is TerminateProcess whatever the signal, an abrupt end
 * with no chance to clean up, and the console already delivers Ctrl-C (and Ctrl-Break) to every
 * process attached to it, the child included.
 */
export function forwardedSignals(platform: NodeJS.Platform, stdinIsTTY: boolean): NodeJS.Signals[] {
  if (platform === "win32") return [];
  return stdinIsTTY ? ["SIGTERM", "SIGHUP"] : ["SIGINT", "SIGTERM", "SIGHUP"];
}
