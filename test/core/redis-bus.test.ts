/**
 * The Redis event bus, two buses on one database standing for two instances: events one publishes
 * reach the other's listeners exactly once and in order, over Redis when it answers
 * (TEST_REDIS_URL), and from the log when Redis is unreachable (here: a closed port), so losing
 * Redis costs latency, never events. The wire format round-trips a stored event exactly.
 */
import { afterEach, describe, expect, it } from 'vitest';
import pino from 'pino';
import { drivers, type TestDb } from '../helpers/db.ts';
import { unusedPort } from '../helpers/ports.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { insertEvents, eventsBySeq } from '../../src/core/db/event-repo.ts';
import type { InsertableEventRow } from '../../src/core/db/event-insert.ts';
import { decodeEvents, encodeEvents, RedisEventBus } from '../../src/core/events/redis-bus.ts';
import type { StoredEvent } from '../../src/core/events/model.ts';
import { createMetrics } from '../../src/core/ops/metrics.ts';

const TEST_REDIS_URL = process.env.TEST_REDIS_URL || undefined;
const log = pino({ level: 'silent' });
const T0 = new Date('2024-06-14T10:00:00.123Z');
const row = (k: string): InsertableEventRow => ({
  typeName: 'TestThingEvent',
  kind: 'PLATE_READ',
  vendorType: 'thing',
  occurredAt: T0,
  receivedAt: T0,
  adapter: 'w',
  instance: 'i',
  cameraId: 'w/i/c1',
  dedupeKey: k,
  plateNormalized: 'AB12',
  trackId: 't1',
  plate: { plate: 'AB 12', plateNormalized: 'AB12', direction: 'IN', phase: 'NEW' },
  analytics: null,
  data: { n: 1, s: 'x' },
  raw: { a: [1, { b: null }] },
  media: [{ id: 'm1', role: 'SNAPSHOT', contentType: 'image/jpeg', byteSize: 3 }],
});

async function commit(t: TestDb, keys: string[]): Promise<StoredEvent[]> {
  const inserted = await insertEvents(t.database.db, keys.map(row));
  return (
    await eventsBySeq(
      t.database.db,
      inserted.map((r) => r.seq),
    )
  ).sort((a, b) => (a.seq < b.seq ? -1 : 1));
}

describe('bus wire format', () => {
  it('a stored event survives encode/decode exactly (bigint seq, dates, nested JSON)', () => {
    const e: StoredEvent = {
      seq: 12345678901234567n,
      typeName: 'X',
      kind: 'PLATE_READ',
      vendorType: 'v',
      occurredAt: new Date(T0),
      receivedAt: new Date(T0.getTime() + 1),
      adapter: 'a',
      instance: 'i',
      cameraId: null,
      dedupeKey: 'k\n"x"',
      plate: null,
      analytics: { ruleName: 'r' },
      data: { ü: 'é' },
      raw: [1, 'two', null],
      media: [],
    };
    const { node, events } = decodeEvents(encodeEvents('node-1', [e]));
    expect(node).toBe('node-1');
    expect(events).toEqual([e]);
  });
});

for (const driver of drivers) {
  describe(`Redis event bus on ${driver.name}`, () => {
    const open: Array<{ close(): Promise<void> }> = [];
    afterEach(async () => {
      for (const x of open.splice(0).reverse()) await x.close();
    });

    async function twoBuses(url: string, logPollMs: number) {
      const t = await driver.open();
      open.push({ close: () => t.cleanup() });
      const metrics = [createMetrics(), createMetrics()];
      const a = await RedisEventBus.start({ url, db: t.database.db, log, metrics: metrics[0], logPollMs });
      const b = await RedisEventBus.start({ url, db: t.database.db, log, metrics: metrics[1], logPollMs });
      open.push(a, b);
      const got = { a: [] as StoredEvent[], b: [] as StoredEvent[] };
      a.subscribe((evs) => got.a.push(...evs));
      b.subscribe((evs) => got.b.push(...evs));
      return { t, a, b, got, metrics };
    }

    it.skipIf(!TEST_REDIS_URL)("over Redis: each side gets its own and the other's events once, in seq order, as stored", async () => {
      const { t, a, b, got, metrics } = await twoBuses(TEST_REDIS_URL!, 60_000); // no log poll: Redis must carry them
      expect(a.connected && b.connected).toBe(true);
      const all: StoredEvent[] = [];
      for (let i = 0; i < 20; i++) {
        const evs = await commit(t, [`k${i}a`, `k${i}b`]);
        all.push(...evs);
        (i % 2 ? a : b).publish(evs);
      }
      // Then one more from each side: the buses deliver in seq order, so once both have the last
      // event, anything delivered twice or out of order is already in what they got.
      for (const [key, bus] of [
        ['end-a', a],
        ['end-b', b],
      ] as const) {
        const evs = await commit(t, [key]);
        all.push(...evs);
        bus.publish(evs);
      }
      const last = all.at(-1)!.seq;
      await waitFor(() => got.a.at(-1)?.seq === last && got.b.at(-1)?.seq === last, 5000, 'both buses to deliver the last event');
      expect(got.a).toEqual(all);
      expect(got.b).toEqual(all);
      const received = async (i: number) => (await metrics[i].registry.getSingleMetric('bus_events_received_total')!.get()).values[0].value;
      expect(await received(0)).toBe(21); // the 10 batches b published, and its last event
      expect(await received(1)).toBe(21);
    });

    it.skipIf(!TEST_REDIS_URL)(
      'an instance that starts while another publishes: no crash, then every later event once, in order',
      async () => {
        const t = await driver.open();
        open.push({ close: () => t.cleanup() });
        const a = await RedisEventBus.start({ url: TEST_REDIS_URL!, db: t.database.db, log, metrics: createMetrics(), logPollMs: 60_000 });
        open.push(a);
        const all: StoredEvent[] = [];
        let running = true;
        const publishing = (async () => {
          for (let i = 0; running && i < 5000; i++) {
            const evs = await commit(t, [`busy${i}`]);
            all.push(...evs);
            a.publish(evs);
            // PGlite answers in process: without a turn of the event loop here, b's start (Redis
            // sockets, timers) would wait for the whole loop instead of running while a publishes.
            await new Promise((r) => setImmediate(r));
          }
        })();
        const got: bigint[] = [];
        try {
          await waitFor(() => all.length >= 20, 10_000, 'a to publish');
          const b = await RedisEventBus.start({ url: TEST_REDIS_URL!, db: t.database.db, log, metrics: createMetrics(), logPollMs: 60_000 });
          open.push(b);
          b.subscribe((evs) => got.push(...evs.map((e) => e.seq)));
          const started = all.length;
          await waitFor(() => all.length >= started + 20, 10_000, 'a to publish after b started');
        } finally {
          running = false;
          await publishing;
        }
        for (let i = 0; i < 3; i++) {
          const evs = await commit(t, [`after${i}`]); // certainly after b started
          all.push(...evs);
          a.publish(evs);
        }
        const last = all.at(-1)!.seq;
        await waitFor(() => got.at(-1) === last, 5000, 'b to reach the last event');
        // A suffix of everything committed: nothing skipped, nothing twice, in order.
        expect(got.length).toBeGreaterThanOrEqual(3);
        expect(got).toEqual(all.slice(all.length - got.length).map((e) => e.seq));
      },
      30_000,
    );

    it('with Redis unreachable: still every event once, in order, read from the log', async () => {
      const { t, a, b, got } = await twoBuses(`redis://127.0.0.1:${await unusedPort()}`, 50);
      expect(a.connected || b.connected).toBe(false);
      const all: StoredEvent[] = [];
      for (let i = 0; i < 5; i++) {
        const evs = await commit(t, [`u${i}`]);
        all.push(...evs);
        a.publish(evs); // b hears of it only from the log
      }
      await waitFor(() => got.b.length >= 5, 5000, 'b to read the events from the log');
      // One more: once both have it, anything delivered twice is already in what they got (seq order).
      const evs = await commit(t, ['u-end']);
      all.push(...evs);
      a.publish(evs);
      await waitFor(() => got.a.at(-1)?.seq === evs[0].seq && got.b.at(-1)?.seq === evs[0].seq, 5000, 'both to deliver the last event');
      expect(got.a).toEqual(all);
      expect(got.b).toEqual(all);
    });
  });
}
