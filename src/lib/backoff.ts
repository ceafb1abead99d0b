/**
 * Retries with capped exponential backoff and full jitter (AWS Architecture Blog, "Exponential
 * Backoff and Jitter") for faults, and, for throttling, an adaptive client-side rate limit shared
 * by every caller of a fan-out: unlimited until the service first says "too many requests", then
 * a smooth rate that drops by a fifth on each throttle and creeps back up with each success
 * (additive increase, multiplicative decrease, as the AWS SDKs' "adaptive" retry mode does).
 * A throttled fan-out thus settles just under the service's limit instead of hammering it.
 */
export interface BackoffOptions {
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  now(): number;
  signal?: AbortSignal | undefined;
  /** Attempts in all while throttled (the limiter slows each retry down). */
  maxAttempts?: number;
  /** Attempts in all for faults (5xx, network): a person is waiting, so give up sooner. */
  maxFaultAttempts?: number;
  baseMs?: number;
  capMs?: number;
  random?: () => number;
  isRetryable(err: unknown): boolean;
  isThrottle?(err: unknown): boolean;
  limiter?: RateLimiter | undefined;
  /** Called on each throttle, after the limiter has cut its rate. */
  onThrottle?: (() => void) | undefined;
  /**
   * No retry starts at or after this moment (on `now()`'s clock): with hung calls or a throttle
   * storm the caller gets the last error in bounded time, whatever the attempts left. A function
   * is asked afresh each time (a deadline that moves with progress).
   */
  deadline?: number | (() => number) | undefined;
}

/** Requests per second never go below this, so a throttle storm still ends in bounded time. */
const MIN_RATE = 1;
/** Multiplicative decrease on a throttle. */
const BETA = 0.8;
/** At most one decrease per this window: a burst of 429s is one signal, not sixteen. */
const CUT_WINDOW_MS = 250;

export class RateLimiter {
  private rate = Number.POSITIVE_INFINITY;
  private nextSlotMs = 0;
  private lastCutMs = Number.NEGATIVE_INFINITY;
  private recentSuccesses: number[] = [];
  private throttles = 0;

  constructor(private readonly now: () => number) {}

  /** Waits for this caller's turn under the current rate (no wait while unlimited). */
  async acquire(sleep: (ms: number, signal?: AbortSignal) => Promise<void>, signal?: AbortSignal): Promise<void> {
    if (!Number.isFinite(this.rate)) return;
    const now = this.now();
    const slot = Math.max(now, this.nextSlotMs);
    this.nextSlotMs = slot + 1000 / this.rate;
    if (slot > now) await sleep(slot - now, signal);
  }

  onSuccess(): void {
    const now = this.now();
    this.recentSuccesses.push(now);
    while (this.recentSuccesses.length > 0 && this.recentSuccesses[0]! < now - 1000) this.recentSuccesses.shift();
    // About +1 request/s per second of success at the current rate.
    if (Number.isFinite(this.rate)) this.rate += 1 / this.rate;
  }

  onThrottle(): void {
    this.throttles += 1;
    const now = this.now();
    if (now - this.lastCutMs < CUT_WINDOW_MS) return;
    this.lastCutMs = now;
    const measured = this.recentSuccesses.filter((t) => t >= now - 1000).length;
    const base = Number.isFinite(this.rate) ? Math.min(this.rate, Math.max(measured, MIN_RATE)) : Math.max(measured, MIN_RATE * 4);
    this.rate = Math.max(MIN_RATE, base * BETA);
    this.nextSlotMs = Math.max(this.nextSlotMs, now + 1000 / this.rate);
  }

  get throttleCount(): number {
    return this.throttles;
  }

  get currentRate(): number {
    return this.rate;
  }
}

export function backoffDelayMs(attempt: number, baseMs: number, capMs: number, random: () => number): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** attempt);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

export async function retryWithBackoff<T>(fn: (attempt: number) => Promise<T>, o: BackoffOptions): Promise<T> {
  const maxAttempts = o.maxAttempts ?? 8;
  const maxFaultAttempts = Math.min(o.maxFaultAttempts ?? 4, maxAttempts);
  let faults = 0;
  const baseMs = o.baseMs ?? 200;
  const capMs = o.capMs ?? 5000;
  const random = o.random ?? Math.random;
  const pastDeadline = (waitMs: number): boolean => {
    const deadline = typeof o.deadline === "function" ? o.deadline() : o.deadline;
    return deadline !== undefined && o.now() + waitMs >= deadline;
  };
  let lastError: unknown;
  for (let attempt = 0; ; attempt++) {
    if (o.limiter) await o.limiter.acquire(o.sleep, o.signal);
    // The limiter may have paced this retry past the deadline.
    if (attempt > 0 && pastDeadline(0)) throw lastError;
    try {
      const result = await fn(attempt);
      o.limiter?.onSuccess();
      return result;
    } catch (err) {
      lastError = err;
      if (o.signal?.aborted || attempt + 1 >= maxAttempts || !o.isRetryable(err)) throw err;
      const throttled = o.isThrottle?.(err) === true;
      if (!throttled && ++faults >= maxFaultAttempts) throw err;
      if (o.limiter && throttled) {
        // The limiter now paces the retry; a little jitter keeps callers from moving in step.
        o.limiter.onThrottle();
        o.onThrottle?.();
        const jitter = Math.round(random() * 50);
        if (pastDeadline(jitter)) throw err;
        await o.sleep(jitter, o.signal);
      } else {
        const delay = backoffDelayMs(throttled ? attempt : faults - 1, baseMs, capMs, random);
        if (pastDeadline(delay)) throw err;
        await o.sleep(delay, o.signal);
      }
    }
  }
}
