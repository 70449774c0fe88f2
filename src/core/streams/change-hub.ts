/**
 * Fan-out of stream session state changes to `streamSessionChanged` subscribers, like StatusHub:
 * each subscriber keeps at most the newest `limit` pending changes (a change is superseded by
 * the next one anyway), so a subscriber that stops reading cannot grow memory.
 */
export class ChangeHub<T> {
  private readonly subs = new Set<(v: T) => void>();

  publish(v: T): void {
    for (const s of this.subs) s(v);
  }

  /**
   * Values passing `filter`, after `initial` (e.g. the current state). The iterator ends after
   * delivering a value for which `last` is true (e.g. a terminal state).
   */
  subscribe(filter: (v: T) => boolean = () => true, initial: T[] = [], last: (v: T) => boolean = () => false, limit = 100): AsyncIterableIterator<T> {
    const queue: T[] = [...initial];
    let waiter: (() => void) | null = null;
    let closed = false;
    const wake = () => {
      const w = waiter;
      waiter = null;
      w?.();
    };
    const push = (v: T) => {
      if (!filter(v)) return;
      queue.push(v);
      if (queue.length > limit) queue.shift();
      wake();
    };
    const close = () => {
      closed = true;
      queue.length = 0;
      this.subs.delete(push);
      wake();
    };
    this.subs.add(push);
    const it: AsyncIterableIterator<T> = {
      next: async () => {
        while (!closed) {
          if (queue.length) {
            const value = queue.shift()!;
            if (last(value)) close();
            return { value, done: false };
          }
          await new Promise<void>((r) => (waiter = r));
        }
        return { value: undefined, done: true };
      },
      return: async () => {
        close();
        return { value: undefined, done: true };
      },
      [Symbol.asyncIterator]: () => it,
    };
    return it;
  }

  get subscribers(): number {
    return this.subs.size;
  }
}
