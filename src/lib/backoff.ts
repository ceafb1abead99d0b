/**
 * Retries with capped exponential backoff and full jitter (the AWS Architecture Blog's
 * "Exponential Backoff and Jitter"), plus a shared pause: when one call is throttled, every
 * caller sharing the `Pacer` waits, so a fan-out slows down as a whole instead of hammering.
 */
export interface BackoffOptions {
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  now(): number;
  signal?: AbortSignal | undefined;
  maxAttempts?: number;
  baseMs?: number;
  capMs?: number;
  random?: () => number;
  isRetryable(err: unknown): boolean;
  isThrottle?(err: unknown): boolean;
  pacer?: Pacer | undefined;
}

export class Pacer {
  private resumeAtMs = 0;
  private throttles = 0;

  constructor(private readonly now: () => number) {}

  /** Waits until no pause is in force. */
  async ready(sleep: (ms: number, signal?: AbortSignal) => Promise<void>, signal?: AbortSignal): Promise<void> {
    for (;;) {
      const wait = this.resumeAtMs - this.now();
      if (wait <= 0) return;
      await sleep(wait, signal);
    }
  }

  /** Everyone waits at least `ms` from now. */
  pause(ms: number): void {
    this.throttles += 1;
    this.resumeAtMs = Math.max(this.resumeAtMs, this.now() + ms);
  }

  get throttleCount(): number {
    return this.throttles;
  }
}

export function backoffDelayMs(attempt: number, baseMs: number, capMs: number, random: () => number): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** attempt);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

export async function retryWithBackoff<T>(fn: (attempt: number) => Promise<T>, o: BackoffOptions): Promise<T> {
  const maxAttempts = o.maxAttempts ?? 8;
  const baseMs = o.baseMs ?? 200;
  const capMs = o.capMs ?? 5000;
  const random = o.random ?? Math.random;
  for (let attempt = 0; ; attempt++) {
    if (o.pacer) await o.pacer.ready(o.sleep, o.signal);
    try {
      return await fn(attempt);
    } catch (err) {
      if (o.signal?.aborted || attempt + 1 >= maxAttempts || !o.isRetryable(err)) throw err;
      const delay = backoffDelayMs(attempt, baseMs, capMs, random);
      if (o.pacer && o.isThrottle?.(err)) o.pacer.pause(delay);
      else await o.sleep(delay, o.signal);
    }
  }
}
