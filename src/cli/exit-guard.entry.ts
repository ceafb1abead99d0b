import { Exit } from "../errors.js";

/** The bits of `process` the guard uses; tests hand in their own. */
export interface GuardedProcess {
  once(event: "beforeExit", listener: () => void): unknown;
  exitCode?: number | string | undefined | null;
  stderr: { write(text: string): unknown };
}

/**
 * Runs a command and sets the exit code it returns. If the event loop empties while the command
 * is still pending (an awaited promise that nothing will ever settle), Node would exit with 0 as
 * though it had finished: instead the process says so in one line and exits 255. This once
 * turned a browser launch that never answered into a `login` that "succeeded" having done nothing.
 */
export function runToCompletion(command: () => Promise<number>, proc: GuardedProcess): Promise<void> {
  let settled = false;
  proc.once("beforeExit", () => {
    if (settled) return;
    settled = true;
    proc.stderr.write(
      "sso-cli: internal error: the command stopped before it finished (nothing was left to wait for).\n  Nothing was completed. Re-run with --debug and report it.\n",
    );
    proc.exitCode = Exit.internal;
  });
  return command().then(
    (code) => {
      if (settled) return;
      settled = true;
      proc.exitCode = code;
    },
    (err: unknown) => {
      if (settled) return;
      settled = true;
      proc.stderr.write(`sso-cli: internal error: ${err instanceof Error ? err.message : String(err)}\n`);
      proc.exitCode = Exit.internal;
    },
  );
}
