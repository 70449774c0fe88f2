/** The replay semaphore: FIFO turns, an aborted waiter leaves without taking or leaking a permit. */
import { describe, expect, it } from 'vitest';
import { Semaphore } from '../../src/core/util/semaphore.ts';

describe('Semaphore', () => {
  it('grants at most `permits` at once, the rest in arrival order; a double release frees one permit', async () => {
    const s = new Semaphore(2);
    const order: string[] = [];
    const a = await s.acquire();
    const b = await s.acquire();
    const c = s.acquire().then((r) => (order.push('c'), r));
    const d = s.acquire().then((r) => (order.push('d'), r));
    expect(s.waiting).toBe(2);
    a();
    a(); // idempotent: must not grant d as well
    const rc = await c;
    expect([order, s.waiting]).toEqual([['c'], 1]);
    b();
    const rd = await d;
    expect(order).toEqual(['c', 'd']);
    rc();
    rd();
    const all = await Promise.all([s.acquire(), s.acquire()]);
    expect(s.waiting).toBe(0);
    all.forEach((r) => r());
  });

  it('a waiter whose signal aborts leaves the queue; the permit goes to the next one', async () => {
    const s = new Semaphore(1);
    const held = await s.acquire();
    const ctrl = new AbortController();
    const gone = s.acquire(ctrl.signal);
    const next = s.acquire();
    const reason = new Error('closed');
    ctrl.abort(reason);
    await expect(gone).rejects.toBe(reason);
    expect(s.waiting).toBe(1);
    held();
    const r = await next;
    expect(s.waiting).toBe(0);
    r();
    await expect(s.acquire(ctrl.signal)).rejects.toBe(reason);
    (await s.acquire())(); // the aborted ones took nothing
  });
});
