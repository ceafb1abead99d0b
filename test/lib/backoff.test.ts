import { describe, expect, it } from "vitest";
import { backoffDelayMs, RateLimiter, retryWithBackoff } from "../../src/lib/backoff.js";
import { mapBounded } from "../../src/lib/bounded-concurrency.js";

describe("retryWithBackoff", () => {
  const clock = () => {
    let t = 0;
    const slept: number[] = [];
    return { slept, now: () => t, sleep: async (ms: number) => void (slept.push(ms), (t += ms)) };
  };

  it("retries retryable errors with growing, capped delays", async () => {
    const c = clock();
    let calls = 0;
    const result = await retryWithBackoff(
      async () => {
        if (++calls < 4) throw new Error("busy");
        return "ok";
      },
      { ...c, isRetryable: () => true, baseMs: 100, capMs: 300, random: () => 1, maxFaultAttempts: 4 },
    );
    expect(result).toBe("ok");
    expect(c.slept).toEqual([100, 200, 300]);
  });

  it("starts no retry at or past its deadline, throwing the last error (calls that hang use up the time)", async () => {
    const c = clock();
    const starts: number[] = [];
    const hangs = async () => {
      starts.push(c.now());
      await c.sleep(1000); // each attempt fails after 1 s, as a request timeout would
      throw new Error(`timeout ${starts.length}`);
    };
    await expect(
      retryWithBackoff(hangs, {
        ...c,
        isRetryable: () => true,
        isThrottle: () => true,
        maxAttempts: 10,
        baseMs: 200,
        random: () => 1,
        deadline: 2700,
      }),
    ).rejects.toThrow("timeout 3");
    // 1 s each, then 200 and 400 ms of backoff; the next pause (800 ms) would end past 2.7 s.
    expect(starts).toEqual([0, 1200, 2600]);
    const faults: number[] = [];
    const failsSlowly = async () => {
      faults.push(c.now());
      await c.sleep(1000);
      throw new Error("fault");
    };
    const start = c.now();
    // A fault's backoff (here 400 ms after the second) that would end past the deadline is not slept.
    await expect(
      retryWithBackoff(failsSlowly, { ...c, isRetryable: () => true, baseMs: 200, random: () => 1, deadline: start + 2300 }),
    ).rejects.toThrow("fault");
    expect(faults.map((t) => t - start)).toEqual([0, 1200]);
  });

  it("gives up at once on errors that are not retryable", async () => {
    const c = clock();
    await expect(retryWithBackoff(async () => Promise.reject(new Error("no")), { ...c, isRetryable: () => false })).rejects.toThrow("no");
    expect(c.slept).toEqual([]);
  });

  it("gives up on faults after maxFaultAttempts, but keeps retrying throttles up to maxAttempts", async () => {
    const c = clock();
    let faults = 0;
    await expect(
      retryWithBackoff(async () => Promise.reject(new Error(`f${++faults}`)), { ...c, isRetryable: () => true, maxAttempts: 10 }),
    ).rejects.toThrow("f4");
    let throttles = 0;
    await expect(
      retryWithBackoff(async () => Promise.reject(new Error(`t${++throttles}`)), {
        ...c,
        isRetryable: () => true,
        isThrottle: () => true,
        maxAttempts: 10,
      }),
    ).rejects.toThrow("t10");
  });

  it("gives up after maxAttempts", async () => {
    const c = clock();
    let calls = 0;
    await expect(
      retryWithBackoff(async () => Promise.reject(new Error(`n${++calls}`)), { ...c, isRetryable: () => true, maxAttempts: 3 }),
    ).rejects.toThrow("n3");
  });

  it("is unlimited until a throttle, then paces callers at a rate below what succeeded", async () => {
    const c = clock();
    const limiter = new RateLimiter(c.now);
    for (let i = 0; i < 20; i++) {
      await limiter.acquire(c.sleep);
      limiter.onSuccess();
    }
    expect(c.slept).toEqual([]);
    limiter.onThrottle();
    expect(limiter.currentRate).toBe(16);
    const start = c.now();
    for (let i = 0; i < 16; i++) await limiter.acquire(c.sleep);
    // 16 slots at 16/s, the first one 1/16 s after the throttle.
    expect(c.now() - start).toBeGreaterThanOrEqual(990);
    expect(limiter.throttleCount).toBe(1);
  });

  it("counts a burst of throttles as one signal, and never drops below 1 request/s", () => {
    let t = 0;
    const limiter = new RateLimiter(() => t);
    for (let i = 0; i < 10; i++) limiter.onThrottle();
    expect(limiter.currentRate).toBeCloseTo(3.2);
    for (let i = 0; i < 50; i++) {
      t += 300;
      limiter.onThrottle();
    }
    expect(limiter.currentRate).toBe(1);
  });

  it("climbs back about one request/s per second of success", () => {
    let t = 0;
    const limiter = new RateLimiter(() => t);
    limiter.onThrottle();
    const r0 = limiter.currentRate;
    for (let i = 0; i < 40; i++) {
      t += 250;
      limiter.onSuccess();
    }
    expect(limiter.currentRate).toBeGreaterThan(r0 + 5);
  });

  it("keeps jittered delays within [ceiling/2, ceiling]", () => {
    for (let attempt = 0; attempt < 8; attempt++) {
      const ceiling = Math.min(1000, 100 * 2 ** attempt);
      expect(backoffDelayMs(attempt, 100, 1000, () => 0)).toBe(ceiling / 2);
      expect(backoffDelayMs(attempt, 100, 1000, () => 1)).toBe(ceiling);
    }
  });
});

describe("mapBounded", () => {
  it("never runs more than the limit at once and keeps order", async () => {
    let inFlight = 0;
    let peak = 0;
    const results = await mapBounded([1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, 5));
      inFlight--;
      if (n === 4) throw new Error("four");
      return n * 2;
    });
    expect(peak).toBe(3);
    expect(results.map((r) => (r.ok ? r.value : "err"))).toEqual([2, 4, 6, "err", 10, 12, 14]);
  });
});
