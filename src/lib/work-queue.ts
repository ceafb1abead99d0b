import type { Settled } from "./bounded-concurrency.js";

/**
 * Work that arrives over time (accounts as their pages come in) for a bounded set of workers: a
 * producer pushes and finally closes; `runWorkers` takes items in arrival order, at most `limit`
 * at once, and keeps each result at its item's arrival index.
 */
export class WorkQueue<T> {
  private readonly items: T[] = [];
  private next = 0;
  private closed = false;
  private readonly waiting: Array<(item: { value: T; index: number } | undefined) => void> = [];

  push(item: T): void {
    this.items.push(item);
    const waiter = this.waiting.shift();
    if (waiter) waiter(this.takeNow());
  }

  /** No more items: idle workers stop. */
  close(): void {
    this.closed = true;
    for (const waiter of this.waiting.splice(0)) waiter(undefined);
  }

  take(): Promise<{ value: T; index: number } | undefined> {
    if (this.next < this.items.length) return Promise.resolve(this.takeNow());
    if (this.closed) return Promise.resolve(undefined);
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private takeNow(): { value: T; index: number } {
    const index = this.next++;
    return { value: this.items[index] as T, index };
  }
}

export async function runWorkers<T, R>(
  queue: WorkQueue<T>,
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<Settled<R>[]> {
  const results: Settled<R>[] = [];
  async function worker(): Promise<void> {
    for (let got = await queue.take(); got !== undefined; got = await queue.take()) {
      try {
        results[got.index] = { ok: true, value: await fn(got.value, got.index) };
      } catch (error) {
        results[got.index] = { ok: false, error };
      }
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, limit) }, worker));
  return results;
}
