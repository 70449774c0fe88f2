/** The one backoff: doubling from base, capped, jitter within its stated range, injectable randomness. */
import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../../src/core/time/backoff.ts';

const top = () => 0.999_999_999;
const bottom = () => 0;

describe('backoffDelay', () => {
  it('doubles from baseMs at attempt 0 and stops at capMs (no jitter)', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 100].map((a) => backoffDelay(a, { baseMs: 100, capMs: 5000, jitter: 'none' }))).toEqual([100, 200, 400, 800, 1600, 3200, 5000, 5000]);
  });

  it('equal jitter (the default) stays in [d/2, d]', () => {
    expect(backoffDelay(0, { baseMs: 500, capMs: 30_000, random: bottom })).toBe(250);
    expect(backoffDelay(0, { baseMs: 500, capMs: 30_000, random: top })).toBe(500);
    expect(backoffDelay(3, { baseMs: 500, capMs: 30_000, random: () => 0.5 })).toBe(3000);
    expect(backoffDelay(60, { baseMs: 500, capMs: 30_000, random: bottom })).toBe(15_000);
    expect(backoffDelay(60, { baseMs: 500, capMs: 30_000, random: top })).toBe(30_000);
  });

  it('full jitter stays in [0, d]', () => {
    expect(backoffDelay(2, { baseMs: 100, capMs: 1000, jitter: 'full', random: bottom })).toBe(0);
    expect(backoffDelay(2, { baseMs: 100, capMs: 1000, jitter: 'full', random: top })).toBe(400);
    expect(backoffDelay(9, { baseMs: 100, capMs: 1000, jitter: 'full', random: () => 0.25 })).toBe(250);
  });

  it('with Math.random, every draw is within the range of its attempt and never past the cap', () => {
    for (let attempt = 0; attempt < 40; attempt++) {
      const d = Math.min(10_000, 100 * 2 ** attempt);
      for (let i = 0; i < 50; i++) {
        const equal = backoffDelay(attempt, { baseMs: 100, capMs: 10_000 });
        expect(equal).toBeGreaterThanOrEqual(Math.floor(d / 2));
        expect(equal).toBeLessThanOrEqual(d);
        const full = backoffDelay(attempt, { baseMs: 100, capMs: 10_000, jitter: 'full' });
        expect(full).toBeGreaterThanOrEqual(0);
        expect(full).toBeLessThanOrEqual(d);
      }
    }
  });

  it('odd input does not escape the bounds: negative, fractional or huge attempts, a random source out of [0, 1)', () => {
    expect(backoffDelay(-3, { baseMs: 100, capMs: 1000, jitter: 'none' })).toBe(100);
    expect(backoffDelay(1.7, { baseMs: 100, capMs: 1000, jitter: 'none' })).toBe(200);
    expect(backoffDelay(Number.NaN, { baseMs: 100, capMs: 1000, jitter: 'none' })).toBe(100);
    expect(backoffDelay(1e9, { baseMs: 100, capMs: 1000, jitter: 'none' })).toBe(1000);
    expect(backoffDelay(1, { baseMs: 100, capMs: 1000, random: () => 7 })).toBe(200);
    expect(backoffDelay(1, { baseMs: 100, capMs: 1000, random: () => -1 })).toBe(100);
  });
});
