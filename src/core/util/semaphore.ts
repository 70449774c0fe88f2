/**
 * A counting semaphore with a FIFO queue: at most `permits` holders at a time, the others wait
 * their turn. A waiter whose signal aborts leaves the queue (no permit is taken or leaked).
 */
export class Semaphore {
  private free: number;
  private readonly queue: Array<{ grant(): void; abandon(): void }> = [];

  constructor(readonly permits: number) {
    if (!(permits >= 1)) throw new RangeError('permits must be at least 1');
    this.free = permits;
  }

  /** Holders waiting for a permit (for metrics and tests). */
  get waiting(): number {
    return this.queue.length;
  }

  /** Resolves with a release function once a permit is free; rejects if `signal` aborts first. */
  acquire(signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.free > 0) {
      this.free -= 1;
      return Promise.resolve(this.releaser());
    }
    return new Promise((resolve, reject) => {
      const entry = {
        grant: () => {
          signal?.removeEventListener('abort', entry.abandon);
          resolve(this.releaser());
        },
        abandon: () => {
          const i = this.queue.indexOf(entry);
          if (i >= 0) this.queue.splice(i, 1);
          reject(signal!.reason);
        },
      };
      signal?.addEventListener('abort', entry.abandon, { once: true });
      this.queue.push(entry);
    });
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.queue.shift();
      if (next)
        next.grant(); // the permit passes on directly
      else this.free += 1;
    };
  }
}
