import { describe, expect, it } from "vitest";
import { InterruptedError } from "../../src/errors.js";
import { waitWithCountdown } from "../../src/lib/countdown-wait.js";
import { createTestContext } from "../helpers/test-context.js";

// The one wait-with-a-countdown of the sign-in's browser answer and of console's browser (on the
// Context's clock, so the fake one drives it).
describe("waitWithCountdown", () => {
  it("gives the answer once it arrives, and counts down on a terminal meanwhile", async () => {
    const ctx = createTestContext({ home: "/nonexistent-home", tty: { stderr: true } });
    const start = ctx.now().getTime();
    // The answer comes 3 s later on the same (fake) clock.
    const answer = ctx.sleep(3_000).then(() => "yes");
    expect(await waitWithCountdown(ctx, answer, 60_000, (left) => `${Math.ceil(left / 1000)} s left`)).toEqual({ value: "yes" });
    expect(ctx.stderrText()).toMatch(/s left/);
    expect(ctx.now().getTime() - start).toBeLessThan(60_000);
  });

  it("is undefined once the time has run out, having printed no countdown without a label", async () => {
    const ctx = createTestContext({ home: "/nonexistent-home" });
    const start = ctx.now().getTime();
    expect(await waitWithCountdown(ctx, new Promise<never>(() => {}), 5_000)).toBeUndefined();
    expect(ctx.now().getTime() - start).toBe(5_000);
    expect(ctx.stderrText()).toBe("");
  });

  it("throws InterruptedError on Ctrl-C", async () => {
    const ctx = createTestContext({ home: "/nonexistent-home" });
    ctx.interrupt();
    await expect(waitWithCountdown(ctx, new Promise<never>(() => {}), 5_000)).rejects.toBeInstanceOf(InterruptedError);
  });
});
