import { describe, expect, it } from "vitest";
import { SignInDeniedError, SignInExpiredError } from "../../src/errors.js";
import { pollForToken, type PollAnswer } from "../../src/sso/device-authorization.js";

/** A fake clock: sleeping moves time forward at once, and every poll is recorded with its time. */
function harness(answers: PollAnswer["kind"][]) {
  let nowMs = 0;
  const polls: number[] = [];
  const queue = [...answers];
  return {
    polls,
    deps: {
      now: () => new Date(nowMs),
      sleep: async (ms: number) => {
        nowMs += ms;
      },
      signal: new AbortController().signal,
      createToken: async (): Promise<PollAnswer> => {
        polls.push(nowMs);
        const kind = queue.shift() ?? "pending";
        return kind === "token" ? { kind, token: { accessToken: "t", expiresInS: 3600 } } : ({ kind } as PollAnswer);
      },
    },
  };
}

const auth = { deviceCode: "dc", userCode: "ABCD-EFGH", verificationUri: "u", verificationUriComplete: "u", expiresInS: 600, intervalS: 1 };

describe("pollForToken (RFC 8628 §3.4–3.5)", () => {
  it("polls at once, then every interval, until approved", async () => {
    const h = harness(["pending", "pending", "token"]);
    await expect(pollForToken(h.deps, auth)).resolves.toMatchObject({ accessToken: "t" });
    expect(h.polls).toEqual([0, 1000, 2000]);
  });

  it("adds 5 seconds for good after slow_down", async () => {
    const h = harness(["slow_down", "pending", "slow_down", "token"]);
    await pollForToken(h.deps, auth);
    expect(h.polls).toEqual([0, 6000, 12000, 23000]);
  });

  it("stops on denial", async () => {
    await expect(pollForToken(harness(["pending", "denied"]).deps, auth)).rejects.toBeInstanceOf(SignInDeniedError);
  });

  it("stops when the server says the code expired", async () => {
    await expect(pollForToken(harness(["expired"]).deps, auth)).rejects.toBeInstanceOf(SignInExpiredError);
  });

  it("stops at the deadline even if the server keeps saying pending", async () => {
    const h = harness([]);
    await expect(pollForToken(h.deps, { ...auth, expiresInS: 5 })).rejects.toBeInstanceOf(SignInExpiredError);
    expect(h.polls.at(-1)).toBeLessThan(5000);
  });

  it("stops when interrupted", async () => {
    const ac = new AbortController();
    const h = harness([]);
    const deps = { ...h.deps, signal: ac.signal, sleep: async () => void ac.abort() };
    await expect(pollForToken(deps, auth)).rejects.toThrow(/Interrupted/);
  });
});
