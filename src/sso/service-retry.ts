/**
 * The one retry policy for calls to IAM Identity Center (lib/backoff.ts has the mechanics): faults
 * (5xx, network) back off and give up soon, since a person is waiting; throttling slows every call
 * that shares this retrier's rate limiter down to what the service accepts, so a fan-out settles
 * just under its limit instead of failing.
 */
import type { Context } from "../context.js";
import { RateLimiter, retryWithBackoff } from "../lib/backoff.js";
import { isRetryable, isThrottle } from "./service-errors.js";

/** Attempts in all while throttled; faults stop sooner (lib/backoff.ts). */
const MAX_ATTEMPTS = 10;

/** Calls to IAM Identity Center in flight at once in a fan-out (login's keys, roles' listings). */
export const FAN_OUT_CONCURRENCY = 16;

export type ServiceRetry = <T>(call: () => Promise<T>) => Promise<T>;

export interface ServiceRetryOptions {
  /** Stops waiting and retrying (default: the Context's signal). */
  signal?: AbortSignal | undefined;
  /** No retry starts at or after this moment (ms on the Context's clock), asked afresh each time. */
  deadline?: (() => number) | undefined;
  /**
   * Told, once for this retrier, when the service first throttles, with the rate (requests a
   * second) the calls are slowed to: a run that slows down says why (throttleNotice).
   */
  onThrottled?: ((requestsPerSecond: number) => void) | undefined;
}

/**
 * The line a command says when the service slows it down, once however many retriers share it:
 * on a terminal and in a log alike, since a run that takes many times longer deserves a reason.
 */
export function throttleNotice(say: (line: string) => void): (requestsPerSecond: number) => void {
  let said = false;
  return (rate) => {
    if (said) return;
    said = true;
    say(
      `IAM Identity Center is throttling these calls (TooManyRequestsException): slowing down to about ${Math.max(1, Math.round(rate))} requests a second, so this takes longer.`,
    );
  };
}

/** A retrier for one group of calls: the calls it runs share one rate limiter. */
export function serviceRetry(ctx: Pick<Context, "now" | "sleep" | "signal">, opts: ServiceRetryOptions = {}): ServiceRetry {
  const now = (): number => ctx.now().getTime();
  const limiter = new RateLimiter(now);
  let told = false;
  const onThrottle = (): void => {
    if (told || !opts.onThrottled) return;
    told = true;
    opts.onThrottled(limiter.currentRate);
  };
  return (call) =>
    retryWithBackoff(call, {
      sleep: ctx.sleep,
      now,
      signal: opts.signal ?? ctx.signal,
      isRetryable,
      isThrottle,
      limiter,
      maxAttempts: MAX_ATTEMPTS,
      deadline: opts.deadline,
      onThrottle,
    });
}
