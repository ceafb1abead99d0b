import { Writable } from "node:stream";
import { afterEach, describe, expect, it, vi } from "vitest";
import { KeyKeeper } from "../../../src/commands/serve/key-keeper.js";
import { LoginRequiredError } from "../../../src/errors.js";
import type { ProfileCredentials } from "../../../src/role-keys/profile-credentials.js";

// The keeper's own rules, with a key source the test scripts (the emulator-backed behaviour is in
// credentials-endpoint.test.ts): background renewal, one renewal at a time, held keys while the
// sign-in is gone.

afterEach(() => {
  vi.useRealTimers();
});

function setUp(lifetimeMs: number) {
  let nowMs = Date.parse("2026-01-01T00:00:00Z");
  let said = "";
  let failWith: Error | undefined;
  const calls: number[] = [];
  const source = (profile: string): Promise<ProfileCredentials> => {
    calls.push(nowMs);
    if (failWith) return Promise.reject(failWith);
    return Promise.resolve({
      accessKeyId: `ASIA${String(calls.length).padStart(16, "0")}`,
      secretAccessKey: "s",
      sessionToken: "t",
      expiration: new Date(nowMs + lifetimeMs),
      profile,
      accountId: "100000000001",
      roleName: "R",
      region: "us-east-1",
      source: "fetched",
    });
  };
  const stderr = new Writable({ write: (c: Buffer, _e, done) => void ((said += c.toString()), done()) });
  const keeper = new KeyKeeper({ now: () => new Date(nowMs), stderr }, source);
  return {
    keeper,
    calls,
    said: () => said,
    fail: (e: Error | undefined) => void (failWith = e),
    advance: async (ms: number) => {
      nowMs += ms;
      await vi.advanceTimersByTimeAsync(ms);
    },
  };
}

describe("KeyKeeper", () => {
  it("renews hour-long keys in the background when 15 minutes are left, with no request", async () => {
    vi.useFakeTimers();
    const t = setUp(60 * 60_000);
    await t.keeper.keysFor("p");
    await t.advance(44 * 60_000);
    expect(t.calls).toHaveLength(1);
    await t.advance(2 * 60_000);
    expect(t.calls).toHaveLength(2);
    const k = await t.keeper.keysFor("p");
    expect(k.ok && k.keys.accessKeyId).toBe("ASIA0000000000000002");
    expect(t.calls).toHaveLength(2);
    t.keeper.close();
  });

  it("many requests at once make one renewal", async () => {
    const t = setUp(60 * 60_000);
    await Promise.all(Array.from({ length: 20 }, () => t.keeper.keysFor("p")));
    expect(t.calls).toHaveLength(1);
    t.keeper.close();
  });

  it("without a sign-in: held keys while they last, said once, then the error; revived by a sign-in", async () => {
    vi.useFakeTimers();
    const t = setUp(11 * 60_000);
    await t.keeper.keysFor("p");
    t.fail(new LoginRequiredError("sso-session s", "sso-cli login --profile p"));
    await t.advance(2 * 60_000);
    expect((await t.keeper.keysFor("p")).ok).toBe(true);
    await t.advance(10 * 60_000);
    const gone = await t.keeper.keysFor("p");
    expect(gone.ok).toBe(false);
    expect(!gone.ok && gone.error.message).toBe("No valid sign-in for sso-session s: run: sso-cli login --profile p");
    expect(t.said().match(/run: sso-cli login/g)).toHaveLength(1);
    t.fail(undefined);
    await t.advance(60_000);
    expect((await t.keeper.keysFor("p")).ok).toBe(true);
    expect(t.said()).toContain("profile p: keys renewed again.");
    t.keeper.close();
  });
});
