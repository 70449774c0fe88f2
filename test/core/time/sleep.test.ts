/** The one abortable sleep, on a manual clock (deterministic) and on real timers. */
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/core/time/manual-clock.ts';
import { sleep } from '../../../src/core/time/sleep.ts';

/** Whether `p` settled, without waiting for it. */
async function settled(p: Promise<unknown>): Promise<boolean> {
  let done = false;
  void p.then(() => (done = true));
  await new Promise((r) => setImmediate(r));
  return done;
}

describe('clock.sleep', () => {
  it('resolves when its time has come, not before', async () => {
    const clock = new ManualClock();
    const p = clock.sleep(1000);
    await clock.advance(999);
    expect(await settled(p)).toBe(false);
    await clock.advance(1);
    expect(await settled(p)).toBe(true);
    expect(clock.pending).toBe(0);
  });

  it('resolves at once on abort (never rejects) and leaves no timer behind', async () => {
    const clock = new ManualClock();
    const ac = new AbortController();
    const p = clock.sleep(60_000, ac.signal);
    expect(clock.pending).toBe(1);
    ac.abort(new Error('stop'));
    await expect(p).resolves.toBeUndefined();
    expect(clock.pending).toBe(0);
  });

  it('an aborted signal, zero, negative or NaN ms resolve at once without a timer', async () => {
    const clock = new ManualClock();
    const aborted = AbortSignal.abort();
    for (const p of [clock.sleep(1000, aborted), clock.sleep(0), clock.sleep(-5), clock.sleep(Number.NaN)]) expect(await settled(p)).toBe(true);
    expect(clock.pending).toBe(0);
  });

  it('Infinity waits for the signal only', async () => {
    const clock = new ManualClock();
    const ac = new AbortController();
    const p = clock.sleep(Number.POSITIVE_INFINITY, ac.signal);
    expect(clock.pending).toBe(0);
    await clock.advance(365 * 86_400_000);
    expect(await settled(p)).toBe(false);
    ac.abort();
    expect(await settled(p)).toBe(true);
  });

  it('removes its abort listener when it resolves normally', async () => {
    const clock = new ManualClock();
    const ac = new AbortController();
    let listeners = 0;
    const add = ac.signal.addEventListener.bind(ac.signal);
    const remove = ac.signal.removeEventListener.bind(ac.signal);
    ac.signal.addEventListener = ((...args: Parameters<typeof add>) => (listeners++, add(...args))) as typeof add;
    ac.signal.removeEventListener = ((...args: Parameters<typeof remove>) => (listeners--, remove(...args))) as typeof remove;
    const p = clock.sleep(10, ac.signal);
    expect(listeners).toBe(1);
    await clock.advance(10);
    await p;
    expect(listeners).toBe(0);
  });
});

describe('sleep (real timers, for code without a clock)', () => {
  it('resolves on abort long before its time', async () => {
    const ac = new AbortController();
    const p = sleep(3_600_000, ac.signal);
    expect(await settled(p)).toBe(false);
    ac.abort();
    expect(await settled(p)).toBe(true);
  });
});
