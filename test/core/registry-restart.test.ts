/**
 * Restarts of a failing adapter instance, on a ManualClock: the backoff (0.5 s doubling, equal
 * jitter; the random source pinned at the top of the range), the start timeout, what /ready and
 * the routes' Retry-After see meanwhile, and stopAll() cancelling a pending retry.
 */
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AdapterRegistry } from '../../src/core/adapter/registry.ts';
import type { ContextDeps } from '../../src/core/adapter/context.ts';
import type { AdapterDefinition, RunningAdapter } from '../../src/core/adapter/types.ts';
import { LocalLeases } from '../../src/core/cluster/lease.ts';
import { AdapterRoutes } from '../../src/core/adapter/routes.ts';
import { createMetrics } from '../../src/core/ops/metrics.ts';
import { ManualClock } from '../../src/core/time/manual-clock.ts';

const log = pino({ level: 'silent' });

function rig(start: () => Promise<RunningAdapter> | RunningAdapter, extra: { startTimeoutMs?: number } = {}) {
  const clock = new ManualClock();
  const metrics = createMetrics();
  // Only what a start needs: the rest of the context is not used by these adapters.
  const deps = { log, metrics, clock, leases: new LocalLeases({ log, clock }), routes: new AdapterRoutes() } as unknown as ContextDeps;
  const registry = new AdapterRegistry({ deps, metrics, log, random: () => 1, ...extra });
  const def: AdapterDefinition = { type: 'flaky', version: '1.0.0', configSchema: z.object({ type: z.string(), id: z.string() }), capabilities: [], graphqlPrefix: 'Flaky', start };
  registry.add(def, { type: 'flaky', id: 'a' });
  const inst = () => registry.find('flaky', 'a')!;
  return { clock, registry, inst };
}

describe('adapter restarts', () => {
  it('retries a failing start after 1 s, 2 s, 4 s (doubling), then runs and resets the backoff', async () => {
    let starts = 0;
    const { clock, registry, inst } = rig(() => {
      if (++starts <= 3) throw new Error(`vendor down ${starts}`);
      return { stop() {} };
    });
    await registry.startAll();
    expect(starts).toBe(1);
    expect([inst().status, inst().detail]).toEqual(['ERROR', 'vendor down 1 (retry 1 in 1 s)']);
    expect(registry.readiness()[0].phase).toBe('failed');
    expect(registry.availability('flaky', 'a')).toMatchObject({ available: false, retryAfterSec: 1 });
    for (const [wait, detail] of [
      [1000, 'vendor down 2 (retry 2 in 2 s)'],
      [2000, 'vendor down 3 (retry 3 in 4 s)'],
    ] as const) {
      await clock.advance(wait - 1);
      expect(starts).toBe(detail.startsWith('vendor down 2') ? 1 : 2);
      await clock.advance(1);
      expect(inst().detail).toBe(detail);
    }
    expect(registry.availability('flaky', 'a')).toMatchObject({ available: false, retryAfterSec: 4 });
    await clock.advance(4000);
    expect(starts).toBe(4);
    expect(inst().status).toBe('READY');
    expect(registry.availability('flaky', 'a')).toEqual({ available: true });
    expect(inst().attempts).toBe(0);
    await registry.stopAll();
  });

  it('caps the delay at maxBackoffMs (60 s by default)', async () => {
    const { clock, registry, inst } = rig(() => {
      throw new Error('down');
    });
    await registry.startAll();
    for (let i = 0; i < 10; i++) await clock.runNext();
    expect(inst().attempts).toBe(11);
    expect(inst().detail).toBe('down (retry 11 in 60 s)');
    expect(clock.nextAt()! - clock.nowMs()).toBe(60_000);
    await registry.stopAll();
  });

  it('a start that does not finish within startTimeoutMs is ERROR and retried', async () => {
    let starts = 0;
    const { clock, registry, inst } = rig(() => (++starts === 1 ? new Promise<never>(() => {}) : { stop() {} }), { startTimeoutMs: 5000 });
    const started = registry.startAll();
    await clock.advance(4999);
    expect(inst().status).toBe('STARTING');
    await clock.advance(1);
    await started;
    expect([inst().status, inst().detail]).toEqual(['ERROR', 'start did not finish within 5000 ms (retry 1 in 1 s)']);
    await clock.advance(1000);
    expect([starts, inst().status]).toEqual([2, 'READY']);
    await registry.stopAll();
  });

  it('stopAll() cancels a pending retry', async () => {
    let starts = 0;
    const { clock, registry, inst } = rig(() => {
      starts++;
      throw new Error('down');
    });
    await registry.startAll();
    expect(clock.pending).toBe(1);
    await registry.stopAll();
    expect(clock.pending).toBe(0);
    await clock.advance(120_000);
    expect([starts, inst().status]).toEqual([1, 'STOPPED']);
  });
});
