/** The test clock: time moves only by advance(), timers fire in order at their due time, chains within one advance. */
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/core/time/manual-clock.ts';
import { systemClock } from '../../../src/core/time/clock.ts';

describe('ManualClock', () => {
  it('reads the time it was given and moves only by advance()', async () => {
    const clock = new ManualClock(Date.UTC(2030, 0, 1));
    expect(clock.now().toISOString()).toBe('2030-01-01T00:00:00.000Z');
    await clock.advance(1500);
    expect(clock.nowMs()).toBe(Date.UTC(2030, 0, 1) + 1500);
    await expect(clock.advance(-1)).rejects.toThrow(/≥ 0/);
  });

  it('fires timeouts in due order (ties in the order set), each seeing its own due time', async () => {
    const clock = new ManualClock(0);
    const fired: Array<[string, number]> = [];
    clock.setTimeout(() => fired.push(['b', clock.nowMs()]), 200);
    clock.setTimeout(() => fired.push(['a', clock.nowMs()]), 100);
    clock.setTimeout(() => fired.push(['c', clock.nowMs()]), 200);
    clock.setTimeout(() => fired.push(['late', clock.nowMs()]), 301);
    await clock.advance(300);
    expect(fired).toEqual([
      ['a', 100],
      ['b', 200],
      ['c', 200],
    ]);
    expect(clock.nowMs()).toBe(300);
    expect(clock.pending).toBe(1);
  });

  it('runs intervals at each period until cleared', async () => {
    const clock = new ManualClock(0);
    const at: number[] = [];
    const t = clock.setInterval(() => at.push(clock.nowMs()), 50);
    await clock.advance(175);
    expect(at).toEqual([50, 100, 150]);
    clock.clearInterval(t);
    await clock.advance(1000);
    expect(at).toEqual([50, 100, 150]);
    expect(clock.pending).toBe(0);
  });

  it('a cleared timeout never fires; clearing null or a foreign timer is harmless', async () => {
    const clock = new ManualClock(0);
    let fired = false;
    const t = clock.setTimeout(() => (fired = true), 10);
    clock.clearTimeout(t);
    clock.clearTimeout(null);
    clock.clearTimeout(undefined);
    clock.clearTimeout(
      systemClock()
        .setTimeout(() => {}, 1)
        .unref(),
    );
    await clock.advance(100);
    expect(fired).toBe(false);
  });

  it('timers set by async work a timer started fire within the same advance', async () => {
    const clock = new ManualClock(0);
    const ticks: number[] = [];
    const loop = async () => {
      for (let i = 0; i < 5; i++) {
        await clock.sleep(100);
        await Promise.resolve(); // some async work between waits
        ticks.push(clock.nowMs());
      }
    };
    const done = loop();
    await clock.advance(500);
    await done;
    expect(ticks).toEqual([100, 200, 300, 400, 500]);
  });

  it('a timer that sets itself again at 0 ms fails the advance instead of looping for ever', async () => {
    const clock = new ManualClock(0);
    const again = () => void clock.setTimeout(again, 0);
    again();
    await expect(clock.advance(1)).rejects.toThrow(/timers within 1 ms/);
  });

  it('runNext() jumps to the next timer; nextAt() tells when it is', async () => {
    const clock = new ManualClock(0);
    expect(clock.nextAt()).toBeNull();
    expect(await clock.runNext()).toBe(false);
    let fired = 0;
    clock.setTimeout(() => fired++, 5000);
    expect(clock.nextAt()).toBe(5000);
    expect(await clock.runNext()).toBe(true);
    expect([fired, clock.nowMs()]).toEqual([1, 5000]);
  });

  it('its methods work detached (passed as callbacks), like the system clock', async () => {
    const clock = new ManualClock(42);
    const { nowMs, sleep, setTimeout: set } = clock;
    let fired = false;
    set(() => (fired = true), 1);
    const p = sleep(1);
    await clock.advance(1);
    await p;
    expect([nowMs(), fired]).toEqual([43, true]);
  });
});

describe('systemClock', () => {
  it('reads real time and its timers are real (unref-able)', async () => {
    const clock = systemClock();
    const before = Date.now();
    expect(clock.nowMs()).toBeGreaterThanOrEqual(before);
    expect(Math.abs(clock.now().getTime() - clock.nowMs())).toBeLessThan(1000);
    const fired = await new Promise<boolean>((resolve) => clock.setTimeout(() => resolve(true), 1).unref());
    expect(fired).toBe(true);
    let n = 0;
    await new Promise<void>((resolve) => {
      const t = clock.setInterval(() => {
        if (++n === 2) {
          clock.clearInterval(t);
          resolve();
        }
      }, 1);
    });
    expect(n).toBe(2);
  });
});
