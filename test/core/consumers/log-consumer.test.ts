/**
 * The log consumer on both drivers: order, a stored cursor across restarts, progress kept when the
 * handler fails, retry after a backoff on the injected clock, rewinds (and a save in flight that a
 * rewind must win against), wake-up by the bus, reading ahead and saving behind.
 */
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalLeases } from '../../../src/core/cluster/lease.ts';
import { type CursorStore, DbCursorStore } from '../../../src/core/consumers/cursor-store.ts';
import { LogConsumer, type ConsumerBatch, type LogConsumerOptions } from '../../../src/core/consumers/log-consumer.ts';
import { eventsAfter, insertEvents, maxSeq, type NewEventRow } from '../../../src/core/db/event-repo.ts';
import { LocalEventBus } from '../../../src/core/events/bus.ts';
import type { StoredEvent } from '../../../src/core/events/model.ts';
import { ManualClock } from '../../../src/core/time/manual-clock.ts';
import { drivers, type TestDb } from '../../helpers/db.ts';
import { waitFor } from '../../helpers/wait-for.ts';

const log = pino({ level: 'silent' });

function row(i: number): Omit<NewEventRow, 'seq'> {
  return {
    typeName: 'TestThingEvent',
    kind: 'CUSTOM',
    vendorType: 'thing',
    occurredAt: new Date(Date.UTC(2026, 0, 1)),
    receivedAt: new Date(),
    adapter: 'w',
    instance: 'i',
    cameraId: null,
    dedupeKey: `c-${i}-${Math.random()}`,
    plateNormalized: null,
    trackId: null,
    plate: null,
    analytics: null,
    data: {},
    raw: {},
    media: [],
  };
}

for (const driver of drivers) {
  describe(`log consumer (${driver.name})`, () => {
    let t: TestDb;
    let clock: ManualClock;
    let bus: LocalEventBus;
    let leases: LocalLeases;
    const consumers: LogConsumer[] = [];

    beforeEach(async () => {
      t = await driver.open();
      clock = new ManualClock();
      bus = new LocalEventBus();
      leases = new LocalLeases({ log, clock });
    });
    afterEach(async () => {
      await Promise.all(consumers.splice(0).map((c) => c.stop()));
      await leases.close();
      await t.cleanup();
    });

    /** Insert n events and announce them on the bus, as the writer does after a commit. */
    async function append(n: number): Promise<StoredEvent[]> {
      const rows = Array.from({ length: n }, (_, i) => row(i));
      const ins = await insertEvents(t.database.db, rows);
      const stored = await eventsAfter(t.database.db, ins[0]!.seq - 1n, null, n);
      bus.publish(stored);
      return stored;
    }

    function consumer(handle: (b: ConsumerBatch) => Promise<bigint | undefined | void>, over: Partial<LogConsumerOptions> = {}): LogConsumer {
      const db = t.database.db;
      const c = new LogConsumer({
        name: 'test',
        cursors: new DbCursorStore(db),
        readAfter: (after, limit) => eventsAfter(db, after, null, limit),
        initial: () => maxSeq(db),
        handle,
        bus,
        leases,
        clock,
        log,
        batchSize: 3,
        ...over,
      });
      consumers.push(c);
      return c.start();
    }

    it('starts at the log end, then handles every new event once, in order, across a restart', async () => {
      await append(2); // before the consumer existed: not handled
      const seen: bigint[] = [];
      const first = consumer(async ({ events }) => void seen.push(...events.map((e) => e.seq)));
      await waitFor(() => first.position !== null, 5000, 'cursor loaded');
      const a = await append(7);
      await waitFor(() => seen.length === 7, 5000, 'seven handled');
      expect(seen).toEqual(a.map((e) => e.seq));
      await first.stop();
      consumers.splice(0);

      const b = await append(4); // while stopped
      const second = consumer(async ({ events }) => void seen.push(...events.map((e) => e.seq)));
      await waitFor(() => seen.length === 11, 5000, 'the four written while stopped');
      expect(seen.slice(7)).toEqual(b.map((e) => e.seq));
      // The cursor is saved after the handler returns, so wait for it rather than read it at once.
      await waitFor(() => second.position === b.at(-1)!.seq, 5000, 'the cursor saved at the last one');
      expect(seen).toHaveLength(11); // and nothing handled twice
    });

    it('keeps reported progress when the handler throws, and retries the rest after the backoff', async () => {
      const handled: bigint[] = [];
      const errors: number[] = [];
      let failOn: bigint | null = null;
      const c = consumer(
        async ({ events, progress }) => {
          for (const e of events) {
            if (e.seq === failOn) {
              failOn = null;
              throw new Error('receiver down');
            }
            handled.push(e.seq);
            progress(e.seq);
          }
        },
        { retry: { baseMs: 1000, capMs: 1000, jitter: 'none' }, onError: (_e, attempt) => errors.push(attempt) },
      );
      await waitFor(() => c.position !== null, 5000, 'cursor loaded');
      const evs = await append(3);
      failOn = evs[1]!.seq;
      await waitFor(() => errors.length === 1, 5000, 'the failure reported');
      expect(handled).toEqual([evs[0]!.seq]);
      await clock.advance(999);
      expect(handled).toEqual([evs[0]!.seq]); // still backing off
      await clock.advance(1);
      await waitFor(() => handled.length === 3, 5000, 'the rest after the backoff');
      expect(handled).toEqual(evs.map((e) => e.seq)); // the first one not repeated
    });

    it('rewinds: events after the new cursor are handled again, and a save in flight does not undo it', async () => {
      const seen: bigint[] = [];
      let release: (() => void) | null = null;
      const c = consumer(async ({ events }) => {
        if (release === null && seen.length === 3) await new Promise<void>((r) => (release = r));
        seen.push(...events.map((e) => e.seq));
      });
      await waitFor(() => c.position !== null, 5000, 'cursor loaded');
      const a = await append(3);
      await waitFor(() => seen.length === 3, 5000, 'first three');
      const b = await append(3); // the handler now waits before taking these
      await waitFor(() => release !== null, 5000, 'handler holding');
      await new DbCursorStore(t.database.db).rewind('test', a[0]!.seq); // from another instance
      release!();
      await waitFor(() => seen.length >= 8, 5000, 'replayed after the rewind');
      await clock.advance(1000); // the idle poll reloads the cursor
      await waitFor(() => seen.length === 11, 5000, 'a[1..] and b again');
      expect(seen.slice(3, 6)).toEqual(b.map((e) => e.seq));
      expect(seen.slice(6)).toEqual([...a.slice(1), ...b].map((e) => e.seq));
      // The cursor is saved after the handler returns: wait for it to land rather than read it at once.
      await waitFor(async () => (await new DbCursorStore(t.database.db).peek('test'))?.seq === b.at(-1)!.seq, 5000, 'the cursor saved at the last one');
      expect(seen).toHaveLength(11);
    });

    it('prefetch: reads the next batch while one is handled, in order, once; a rewind meanwhile drops what was read ahead', async () => {
      const seen: bigint[] = [];
      const reads: bigint[] = [];
      let hold: Promise<void> | null = null;
      const db = t.database.db;
      const c = consumer(
        async ({ events }) => {
          if (hold) await hold;
          seen.push(...events.map((e) => e.seq));
        },
        { prefetch: true, readAfter: (after, limit) => (reads.push(after), eventsAfter(db, after, null, limit)) },
      );
      await waitFor(() => c.position !== null, 5000, 'cursor loaded');
      let release!: () => void;
      hold = new Promise<void>((r) => (release = r));
      const a = await append(9);
      // While the first batch is held, the second is already read (after its last seq).
      await waitFor(() => reads.includes(a[2]!.seq), 5000, 'the batch after the first read ahead');
      expect(seen).toEqual([]);
      await c.rewind(a[0]!.seq); // replay from a[1]: what was read ahead must not be used
      hold = null;
      release();
      await waitFor(() => seen.length === 3 + 8, 5000, 'the first batch, then a[1..8] after the rewind');
      expect(seen).toEqual([...a.slice(0, 3), ...a.slice(1)].map((e) => e.seq));
      await waitFor(async () => (await new DbCursorStore(db).peek('test'))?.seq === a.at(-1)!.seq, 5000, 'the cursor saved at the last one');
      expect(seen).toHaveLength(3 + 8);
    });

    it('saveBehind: the next batches are handled while a cursor save is under way; saves land in order; a rewind meanwhile is picked up', async () => {
      const store = new DbCursorStore(t.database.db);
      let gate: Promise<void> | null = null;
      let open!: () => void;
      const hold = () => (gate = new Promise<void>((r) => (open = r)));
      const saves: bigint[] = [];
      const cursors: CursorStore = {
        load: (name, initial) => store.load(name, initial),
        peek: (name) => store.peek(name),
        rewind: (name, seq) => store.rewind(name, seq),
        remove: (name) => store.remove(name),
        save: async (name, pos) => {
          if (gate) await gate;
          saves.push(pos.seq);
          return store.save(name, pos);
        },
      };
      const seen: bigint[] = [];
      const c = consumer(async ({ events }) => void seen.push(...events.map((e) => e.seq)), { prefetch: true, saveBehind: true, cursors });
      await waitFor(() => c.position !== null, 5000, 'cursor loaded');
      const start = (await store.peek('test'))!.seq;
      hold();
      const a = await append(9);
      await waitFor(() => seen.length === 9, 5000, 'three batches handled while the first save is held');
      expect(saves).toEqual([]);
      expect((await store.peek('test'))?.seq).toBe(start);
      gate = null;
      open();
      await waitFor(async () => (await store.peek('test'))?.seq === a[8]!.seq, 5000, 'every save landed');
      expect(saves).toEqual([a[2]!.seq, a[5]!.seq, a[8]!.seq]);

      // A rewind (from another instance) while a save is held: that save is refused, the consumer reloads at once.
      hold();
      const b = await append(3);
      await waitFor(() => seen.length === 12, 5000, 'b handled, its save held');
      await store.rewind('test', a[5]!.seq);
      gate = null;
      open();
      await waitFor(() => seen.length === 18, 5000, 'a[6..8] and b again after the rewind');
      expect(seen.slice(12)).toEqual([...a.slice(6), ...b].map((e) => e.seq));
      await waitFor(async () => (await store.peek('test'))?.seq === b[2]!.seq, 5000, 'the cursor saved at the end again');
      expect(seen).toHaveLength(18);
    });

    it('never moves a saved cursor back within an epoch', async () => {
      const store = new DbCursorStore(t.database.db);
      const p = await store.load('x', async () => 10n);
      expect(await store.save('x', { seq: 20n, epoch: p.epoch })).toBe(true);
      expect(await store.save('x', { seq: 15n, epoch: p.epoch })).toBe(true);
      expect((await store.peek('x'))?.seq).toBe(20n);
      const r = await store.rewind('x', 5n);
      expect(await store.save('x', { seq: 30n, epoch: p.epoch })).toBe(false);
      expect(await store.peek('x')).toEqual(r);
      expect(r.seq).toBe(5n);
    });
  });
}
