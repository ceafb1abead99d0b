import type { Context } from "../context.js";
import { InterruptedError } from "../errors.js";
import { createProgress } from "./progress.js";

export type CountdownDeps = Pick<Context, "now" | "sleep" | "signal" | "stderr" | "tty">;

/**
 * Waits for `answer` until `timeoutMs` has passed on the Context's clock, redrawing `label(msLeft)`
 * once a second when one is given (a countdown on a terminal; a plain line now and then
 * otherwise). The answer, or undefined when the time ran out; Ctrl-C (the Context's signal)
 * throws InterruptedError. Waiting is on the Context's clock, so a test's fake clock drives it.
 */
export async function waitWithCountdown<T>(
  deps: CountdownDeps,
  answer: Promise<T>,
  timeoutMs: number,
  label?: (msLeft: number) => string,
): Promise<{ value: T } | undefined> {
  let result: { value: T } | undefined;
  // Aborted when the answer arrives, so the pending one-second wait ends at once.
  const arrived = new AbortController();
  void answer.then((value) => {
    result ??= { value };
    arrived.abort();
  });
  const wait = AbortSignal.any([deps.signal, arrived.signal]);
  const deadline = deps.now().getTime() + timeoutMs;
  const progress = createProgress(deps.stderr, deps.tty.stderr, () => deps.now().getTime());
  try {
    while (result === undefined) {
      if (deps.signal.aborted) throw new InterruptedError();
      const left = deadline - deps.now().getTime();
      if (left <= 0) return undefined;
      if (label) progress.update(label(left));
      try {
        await deps.sleep(Math.min(1000, left), wait);
      } catch (e) {
        if (deps.signal.aborted) throw new InterruptedError();
        if (!arrived.signal.aborted) throw e;
      }
    }
    return result;
  } finally {
    progress.done();
  }
}
