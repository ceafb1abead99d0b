import { describe, expect, it } from "vitest";
import { backoffDelayMs, Pacer, retryWithBackoff } from "../../src/lib/backoff.js";
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
      { ...c, isRetryable: () => true, baseMs: 100, capMs: 300, random: () => 1 },
    );
    expect(result).toBe("ok");
    expect(c.slept).toEqual([100, 200, 300]);
  });

  it("gives up at once on errors that are not retryable", async () => {
    const c = clock();
    await expect(retryWithBackoff(async () => Promise.reject(new Error("no")), { ...c, isRetryable: () => false })).rejects.toThrow("no");
    expect(c.slept).toEqual([]);
  });

  it("gives up after maxAttempts", async () => {
    const c = clock();
    let calls = 0;
    await expect(retryWithBackoff(async () => Promise.reject(new Error(`n${++calls}`)), { ...c, isRetryable: () => true, maxAttempts: 3 })).rejects.toThrow("n3");
  });

  it("makes every caller sharing a pacer wait after a throttle", async () => {
    const c = clock();
    const pacer = new Pacer(c.now);
    pacer.pause(500);
    await pacer.ready(c.sleep);
    expect(c.now()).toBe(500);
    expect(pacer.throttleCount).toBe(1);
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
