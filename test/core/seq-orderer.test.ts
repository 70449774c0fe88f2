/**
 * SeqOrderer: whatever order and duplication batches arrive in (own commits, other instances'
 * messages, lost messages), listeners get every committed event exactly once, ascending. The "log"
 * here is an in-memory array standing for the committed events (the orderer's only dependency is
 * `readAfter`); the Redis bus test runs it against the real database.
 */
import { describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../src/core/events/model.ts';
import { SeqOrderer } from '../../src/core/events/seq-orderer.ts';
import { ManualClock } from '../../src/core/time/manual-clock.ts';

const ev = (seq: number): StoredEvent =>
  ({
    seq: BigInt(seq),
    typeName: 'T',
    kind: 'CUSTOM',
    vendorType: 'x',
    occurredAt: new Date(0),
    receivedAt: new Date(0),
    adapter: 'a',
    instance: 'i',
    cameraId: null,
    dedupeKey: String(seq),
    plate: null,
    analytics: null,
    data: {},
    raw: {},
    media: [],
  }) as StoredEvent;

/** Log reads take 1 ms of a ManualClock (a database answers later), so batches can arrive while one is read. */
function harness(start = 0, pageSize = 1000) {
  const clock = new ManualClock();
  const log: StoredEvent[] = [];
  const got: bigint[] = [];
  let reads = 0;
  let failNext = false;
  const o = new SeqOrderer(
    {
      readAfter: async (after, limit) => {
        reads += 1;
        await clock.sleep(1);
        if (failNext) {
          failNext = false;
          throw new Error('db down');
        }
        return log.filter((e) => e.seq > after).slice(0, limit);
      },
      deliver: (events) => events.forEach((e) => got.push(e.seq)),
      onError: () => {},
      pageSize,
    },
    BigInt(start),
  );
  const commit = (...seqs: number[]) => {
    const evs = seqs.map(ev);
    log.push(...evs);
    return evs;
  };
  return { o, clock, log, got, commit, reads: () => reads, failOnce: () => (failNext = true) };
}

/** Let every log read in flight (and the reads they lead to) finish: run the clock until no read waits. */
const settle = async (h: { clock: ManualClock }) => {
  while (await h.clock.runNext());
};
const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);

describe('SeqOrderer', () => {
  it('delivers contiguous batches at once, without reading the log', () => {
    const h = harness();
    h.o.offer(h.commit(1, 2, 3));
    h.o.offer(h.commit(4));
    expect(h.got).toEqual([1n, 2n, 3n, 4n]);
    expect(h.reads()).toBe(0);
  });

  it('a batch that arrives before an earlier one: the gap is read from the log, the late one is dropped', async () => {
    const h = harness();
    const a = h.commit(1, 2);
    const b = h.commit(3, 4);
    h.o.offer(b);
    expect(h.got).toEqual([]); // held until the gap is read
    await settle(h);
    expect(h.got).toEqual([1n, 2n, 3n, 4n]);
    h.o.offer(a); // the late message
    h.o.offer(b); // an echo
    expect(h.got).toEqual([1n, 2n, 3n, 4n]);
  });

  it('a lost message is recovered from the log by the next batch or a poke', async () => {
    const h = harness();
    h.commit(1, 2); // announced to nobody
    h.o.poke();
    await settle(h);
    expect(h.got).toEqual([1n, 2n]);
    h.commit(3); // lost
    h.o.offer(h.commit(4));
    await settle(h);
    expect(h.got).toEqual([1n, 2n, 3n, 4n]);
  });

  it('holes (seqs drawn but never committed) do not stall delivery', async () => {
    const h = harness();
    h.o.offer(h.commit(1));
    h.o.offer(h.commit(3, 5)); // 2 and 4 are holes
    await settle(h);
    h.o.offer(h.commit(6));
    expect(h.got).toEqual([1n, 3n, 5n, 6n]);
  });

  it('batches that arrive while the log is read wait their turn; order and exactly-once hold', async () => {
    const h = harness(0, 3);
    const batches = [h.commit(1, 2), h.commit(3), h.commit(4, 5, 6, 7), h.commit(8), h.commit(9, 10)];
    h.o.offer(batches[2]);
    h.o.offer(batches[4]);
    h.o.offer(batches[0]);
    h.o.offer(batches[3]);
    h.o.offer(batches[1]);
    await settle(h);
    h.o.offer(h.commit(11));
    expect(h.got).toEqual(range(1, 11).map(BigInt));
  });

  it('a failed log read is retried at the next offer; nothing is lost or repeated', async () => {
    const h = harness();
    h.failOnce();
    h.o.offer(h.commit(2)); // gap at 1 (hole or lost) → read fails
    await settle(h);
    expect(h.got).toEqual([]);
    h.o.offer(h.commit(3)); // must not jump the queue
    await settle(h);
    expect(h.got).toEqual([2n, 3n]);
  });

  it('random interleavings of many producers: every committed seq once, ascending', async () => {
    for (let round = 0; round < 20; round++) {
      const h = harness(0, 7);
      let seed = round + 1;
      const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
      const inFlight: StoredEvent[][] = [];
      let next = 1;
      for (let i = 0; i < 60; i++) {
        const n = 1 + Math.floor(rnd() * 4);
        const seqs = range(next, next + n - 1).filter(() => rnd() > 0.1); // some holes
        next += n;
        if (seqs.length) inFlight.push(h.commit(...seqs));
        while (inFlight.length && rnd() < 0.5) {
          const k = Math.floor(rnd() * inFlight.length);
          const [b] = inFlight.splice(k, 1);
          if (rnd() > 0.1) h.o.offer(b); // some messages are lost
          if (rnd() < 0.1) h.o.offer(b); // some arrive twice
        }
        if (rnd() < 0.2) await h.clock.advance(1); // reads in flight finish between these offers
      }
      inFlight.forEach((b) => h.o.offer(b));
      h.o.poke();
      await settle(h);
      expect(h.got).toEqual(h.log.map((e) => e.seq));
    }
  });
});
