import { describe, expect, it } from "vitest";
import { serviceRetry } from "../../src/sso/service-retry.js";

/** A clock that moves only when slept on, and counts the sleeps. */
function fakeClock() {
  let now = 0;
  const slept: number[] = [];
  return {
    slept,
    ctx: {
      now: () => new Date(now),
      sleep: async (ms: number) => {
        slept.push(ms);
        now += ms;
      },
      signal: new AbortController().signal,
    },
  };
}

const sdkError = (name: string, status: number): Error => Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });

describe("serviceRetry: the one retry policy for calls to IAM Identity Center", () => {
  it("retries throttling until the call succeeds", async () => {
    const { ctx } = fakeClock();
    let calls = 0;
    const result = await serviceRetry(ctx)(async () => {
      if (++calls < 4) throw sdkError("TooManyRequestsException", 429);
      return "ok";
    });
    expect([result, calls]).toEqual(["ok", 4]);
  });

  it("gives up on throttling after ten attempts, and on faults sooner", async () => {
    const { ctx } = fakeClock();
    let throttled = 0;
    await expect(serviceRetry(ctx)(() => (throttled++, Promise.reject(sdkError("ThrottlingException", 400))))).rejects.toThrow(
      "ThrottlingException",
    );
    expect(throttled).toBe(10);
    let faults = 0;
    await expect(serviceRetry(ctx)(() => (faults++, Promise.reject(sdkError("InternalServerException", 500))))).rejects.toThrow(
      "InternalServerException",
    );
    expect(faults).toBeLessThan(10);
    expect(faults).toBeGreaterThan(1);
  });

  it("does not retry what retrying cannot change", async () => {
    const { ctx } = fakeClock();
    let calls = 0;
    await expect(serviceRetry(ctx)(() => (calls++, Promise.reject(sdkError("ForbiddenException", 403))))).rejects.toThrow(
      "ForbiddenException",
    );
    expect(calls).toBe(1);
  });

  it("starts no retry at or after the deadline it is given", async () => {
    const { ctx } = fakeClock();
    let calls = 0;
    await expect(
      serviceRetry(ctx, { deadline: () => 0 })(() => (calls++, Promise.reject(sdkError("TooManyRequestsException", 429)))),
    ).rejects.toThrow();
    expect(calls).toBe(1);
  });
});
