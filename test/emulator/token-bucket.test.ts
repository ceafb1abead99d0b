import { describe, expect, it } from "vitest";
import { TokenBucket } from "../../src/emulator/token-bucket.js";

describe("TokenBucket", () => {
  it("allows a burst, then the steady rate", () => {
    const b = new TokenBucket(10, 3, 0);
    expect([b.tryTake(0), b.tryTake(0), b.tryTake(0), b.tryTake(0)]).toEqual([true, true, true, false]);
    expect(b.tryTake(50)).toBe(false);
    expect(b.tryTake(100)).toBe(true);
    expect(b.tryTake(100)).toBe(false);
  });

  it("never holds more than the burst", () => {
    const b = new TokenBucket(100, 2, 0);
    let ok = 0;
    for (let i = 0; i < 5; i++) if (b.tryTake(60_000)) ok++;
    expect(ok).toBe(2);
  });

  it("admits about rate × seconds over a long run", () => {
    const b = new TokenBucket(20, 1, 0);
    let ok = 0;
    for (let t = 0; t <= 10_000; t += 5) if (b.tryTake(t)) ok++;
    expect(ok).toBeGreaterThanOrEqual(200);
    expect(ok).toBeLessThanOrEqual(202);
  });

  it("says how long until the next token", () => {
    const b = new TokenBucket(4, 1, 0);
    b.tryTake(0);
    expect(b.msUntilNext()).toBe(250);
  });
});
