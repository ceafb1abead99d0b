import { describe, expect, it } from "vitest";
import { WorkQueue, runWorkers } from "../../src/lib/work-queue.js";

describe("WorkQueue and runWorkers", () => {
  it("runs items as they arrive, at most `limit` at once, results in arrival order, failures kept", async () => {
    const queue = new WorkQueue<number>();
    let running = 0;
    let peak = 0;
    const done = runWorkers(queue, 3, async (n) => {
      running += 1;
      peak = Math.max(peak, running);
      await new Promise((r) => setImmediate(r));
      running -= 1;
      if (n === 4) throw new Error("four");
      return n * 10;
    });
    for (let page = 0; page < 3; page++) {
      for (let i = 0; i < 3; i++) queue.push(page * 3 + i);
      await new Promise((r) => setImmediate(r));
    }
    queue.close();
    const results = await done;
    expect(results.map((r) => (r.ok ? r.value : (r.error as Error).message))).toEqual([0, 10, 20, 30, "four", 50, 60, 70, 80]);
    expect(peak).toBe(3);
  });

  it("ends at once when closed with nothing queued", async () => {
    const queue = new WorkQueue<number>();
    queue.close();
    expect(await runWorkers(queue, 4, async (n) => n)).toEqual([]);
  });
});
