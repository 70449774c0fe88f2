/**
 * Fan-out of adapter status changes to `adapterStatusChanged` subscribers. Status changes are
 * rare; each subscriber keeps at most the newest `limit` pending changes (older ones are
 * superseded anyway: the latest status is what matters).
 */
import type { AdapterInstanceInfo } from '../ports.ts';

export class StatusHub {
  private readonly subs = new Set<(i: AdapterInstanceInfo) => void>();

  publish(info: AdapterInstanceInfo): void {
    for (const s of this.subs) s(info);
  }

  subscribe(limit = 100): AsyncIterableIterator<AdapterInstanceInfo> {
    const queue: AdapterInstanceInfo[] = [];
    let waiter: (() => void) | null = null;
    let closed = false;
    const push = (i: AdapterInstanceInfo) => {
      queue.push(i);
      if (queue.length > limit) queue.shift();
      const w = waiter;
      waiter = null;
      w?.();
    };
    this.subs.add(push);
    const it: AsyncIterableIterator<AdapterInstanceInfo> = {
      next: async () => {
        while (!closed) {
          const v = queue.shift();
          if (v) return { value: v, done: false };
          await new Promise<void>((r) => (waiter = r));
        }
        return { value: undefined, done: true };
      },
      return: async () => {
        closed = true;
        this.subs.delete(push);
        const w = waiter;
        waiter = null;
        w?.();
        return { value: undefined, done: true };
      },
      [Symbol.asyncIterator]: () => it,
    };
    return it;
  }
}
