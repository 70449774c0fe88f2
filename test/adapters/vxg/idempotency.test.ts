import { describe, expect, it } from 'vitest';
import { fingerprint, IdempotencyStore } from '../../../src/adapters/vxg/idempotency.ts';
import { EventTypeCache } from '../../../src/adapters/vxg/event-types.ts';
import { vendorUnavailable, type InstanceState } from '../../../src/sdk.ts';
import type { VxgEventType } from '../../../src/adapters/vxg/map.ts';
import { waitFor } from '../../helpers/wait-for.ts';

function memoryState(): InstanceState & { data: Map<string, unknown> } {
  const data = new Map<string, unknown>();
  return { data, get: async (k) => structuredClone(data.get(k)) as never, set: async (k, v) => void data.set(k, structuredClone(v)) };
}

describe('IdempotencyStore', () => {
  const ok = (id: string) => async () => ({ accepted: true, vendorEventId: id });

  it('a retry with the same key answers the stored result without acting', async () => {
    const store = new IdempotencyStore({ state: memoryState(), ttlMs: 60_000, now: () => 1000 });
    let calls = 0;
    const act = async () => ({ accepted: true, vendorEventId: String(++calls) });
    expect(await store.run('k1', { a: 1 }, () => null, act)).toEqual({ accepted: true, vendorEventId: '1' });
    expect(await store.run('k1', { a: 1 }, () => null, act)).toEqual({ accepted: true, vendorEventId: '1' });
    expect(calls).toBe(1);
    expect(await store.run(null, { a: 1 }, () => null, act)).toEqual({ accepted: true, vendorEventId: '2' });
  });

  it('concurrent calls with one key act once', async () => {
    const store = new IdempotencyStore({ state: memoryState(), ttlMs: 60_000, now: () => 1000 });
    let calls = 0;
    let answer = () => {};
    const vendorAnswers = new Promise<void>((r) => (answer = r));
    const act = async () => {
      calls++;
      await vendorAnswers; // the vendor is still acting while the other four calls come in
      return { accepted: true, vendorEventId: 'x' };
    };
    const all = Promise.all(Array.from({ length: 5 }, () => store.run('k', { a: 1 }, () => null, act)));
    await waitFor(() => calls === 1, 5000, 'the first call acting');
    answer();
    const results = await all;
    expect(calls).toBe(1);
    expect(new Set(results.map((r) => r.vendorEventId))).toEqual(new Set(['x']));
  });

  it('a key reused with a different request is BAD_USER_INPUT; an expired key acts again', async () => {
    let now = 1000;
    const store = new IdempotencyStore({ state: memoryState(), ttlMs: 5000, now: () => now });
    await store.run('k', { a: 1 }, () => null, ok('1'));
    await expect(store.run('k', { a: 2 }, () => null, ok('2'))).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    now += 6000;
    expect(await store.run('k', { a: 2 }, () => null, ok('3'))).toMatchObject({ vendorEventId: '3' });
  });

  it('a failure is not remembered (a retry acts again)', async () => {
    const store = new IdempotencyStore({ state: memoryState(), ttlMs: 60_000, now: () => 1000 });
    await expect(
      store.run(
        'k',
        {},
        () => null,
        async () => {
          throw new Error('boom');
        },
      ),
    ).rejects.toThrow('boom');
    expect(await store.run('k', {}, () => null, ok('2'))).toMatchObject({ vendorEventId: '2' });
  });

  it('after an unknown outcome the retry reconciles with the same prepared request before acting', async () => {
    const state = memoryState();
    const store = new IdempotencyStore({ state, ttlMs: 60_000, now: () => 1000 });
    let prepared = 0;
    const prepare = () => ({ time: `t${++prepared}` });
    const sent: string[] = [];
    const unknownOutcome = (e: unknown) => (e as { code?: string }).code === 'VENDOR_UNAVAILABLE';
    await expect(
      store.run(
        'k',
        {},
        prepare,
        async (p) => {
          sent.push(p.time);
          throw vendorUnavailable('timeout');
        },
        { unknownOutcome },
      ),
    ).rejects.toMatchObject({ code: 'VENDOR_UNAVAILABLE' });
    const looked: string[] = [];
    const reconcile = async (p: { time: string }) => (looked.push(p.time), { accepted: true, vendorEventId: 'found' });
    expect(
      await store.run(
        'k',
        {},
        prepare,
        async () => {
          throw new Error('must not act');
        },
        { reconcile, unknownOutcome },
      ),
    ).toEqual({ accepted: true, vendorEventId: 'found' });
    expect(sent).toEqual(['t1']);
    expect(looked).toEqual(['t1']);
    expect(prepared).toBe(1);
    // Not found at the vendor: the retry sends the same prepared request.
    await expect(
      store.run(
        'k2',
        {},
        prepare,
        async () => {
          throw vendorUnavailable('timeout');
        },
        { unknownOutcome },
      ),
    ).rejects.toBeTruthy();
    const resent: string[] = [];
    await store.run('k2', {}, prepare, async (p) => (resent.push(p.time), { accepted: true, vendorEventId: 'new' }), { reconcile: async () => null, unknownOutcome });
    expect(resent).toEqual(['t2']);
  });

  it('fingerprint ignores key order', () => {
    expect(fingerprint({ a: 1, b: { c: 2, d: 3 } })).toBe(fingerprint({ b: { d: 3, c: 2 }, a: 1 }));
    expect(fingerprint({ a: 1 })).not.toBe(fingerprint({ a: 2 }));
  });
});

describe('EventTypeCache', () => {
  const type = (name: string): VxgEventType => ({
    name,
    caps: { canBeTriggered: false, canRecord: false, canSnapshot: false, isPeriodic: false },
    notify: null,
    receive: null,
    record: null,
    snapshot: null,
    period: null,
    custom: false,
    generateImages: null,
  });

  it('serves from cache while fresh, re-reads when stale or when a name is unknown, one listing at a time', async () => {
    let now = 0;
    let listings = 0;
    let names = ['motion'];
    const changes: string[][] = [];
    let answer = () => {};
    const vendorAnswers = new Promise<void>((r) => (answer = r));
    const cache = new EventTypeCache(
      { listEventTypes: async () => (listings++, await vendorAnswers, names.map(type)) },
      { ttlMs: 10_000, now: () => now, onChange: (t) => changes.push(t.map((x) => x.name)) },
    );
    const three = Promise.all([cache.list(), cache.list(), cache.list()]); // all while the first listing is unanswered
    answer();
    await three;
    expect(listings).toBe(1);
    expect(await cache.find('motion')).toMatchObject({ name: 'motion' });
    expect(listings).toBe(1);
    now = 1500;
    names = ['motion', 'door_bell'];
    expect(await cache.find('door_bell')).toMatchObject({ name: 'door_bell' });
    expect(listings).toBe(2);
    now = 2000;
    expect(await cache.find('nope')).toBeNull(); // refreshed < 1 s ago: no new listing
    expect(listings).toBe(2);
    now = 20_000;
    await cache.list();
    expect(listings).toBe(3);
    cache.upsert({ ...type('door_bell'), notify: true });
    expect(cache.current?.find((t) => t.name === 'door_bell')?.notify).toBe(true);
    expect(changes).toEqual([['motion'], ['motion', 'door_bell'], ['motion', 'door_bell']]);
  });
});
