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
}

/** A retrier for one group of calls: the calls it runs share one rate limiter. */
export function serviceRetry(ctx: Pick<Context, "now" | "sleep" | "signal">, opts: ServiceRetryOptions = {}): ServiceRetry {
  const now = (): number => ctx.now().getTime();
  const limiter = new RateLimiter(now);
  return (call) => retryWithBackoff(call, { sleep: ctx.sleep, now, signal: opts.signal ?? ctx.signal, isRetryable, isThrottle, limiter, maxAttempts: MAX_ATTEMPTS, deadline: opts.deadline });
}
