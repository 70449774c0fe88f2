/**
 * The durable spool (src/core/events/spool.ts) with the writer, on each driver: writes marked
 * spoolable are fsynced to DATA_DIR/spool while the database fails and resolve `spooled`; others are
 * held to their deadline; replay commits them in order exactly once (also after a crash mid-replay),
 * deletes files only when all is committed, skips torn tails and refuses appends past its bound.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import pino from 'pino';
import { sql } from 'drizzle-orm';
import { drivers, type TestDb } from '../helpers/db.ts';
import type { InsertableEventRow } from '../../src/core/db/event-insert.ts';
import type { Db } from '../../src/core/db/client.ts';
import { EventWriter } from '../../src/core/events/writer.ts';
import { EventSpool } from '../../src/core/events/spool.ts';
import { LocalEventBus } from '../../src/core/events/bus.ts';
import { createMetrics, type Metrics } from '../../src/core/ops/metrics.ts';
import type { StoredEvent } from '../../src/core/events/model.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { ManualClock } from '../../src/core/time/manual-clock.ts';
import type { Clock } from '../../src/core/time/clock.ts';

const T0 = new Date('2024-06-14T10:00:00.123Z');
const row = (instance: string, dedupeKey: string): InsertableEventRow => ({
  typeName: 'TestThingEvent',
  kind: 'CUSTOM',
  vendorType: 'thing',
  occurredAt: T0,
  receivedAt: T0,
  adapter: 'sp',
  instance,
  cameraId: null,
  dedupeKey,
  plateNormalized: null,
  trackId: null,
  plate: null,
  analytics: null,
  data: { n: dedupeKey },
  raw: { text: `ž "${dedupeKey}"\n` },
  media: [],
});
const log = pino({ level: 'silent' });
const metricValue = async (m: Metrics, name: string, labels = '') => {
  const text = await m.registry.metrics();
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels} `));
  return line === undefined ? 0 : Number(line.split(' ')[1]);
};

for (const driver of drivers) {
  describe(`spool with the writer on ${driver.name}`, () => {
    let t: TestDb;
    const dirs: string[] = [];
    beforeAll(async () => void (t = await driver.open()));
    afterAll(() => t.cleanup());
    afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

    const stored = async (instance: string) => {
      const r = (await t.database.db.execute(sql`select dedupe_key, raw from events where adapter = 'sp' and instance = ${instance} order by seq`)) as unknown as { rows?: unknown[] } | unknown[];
      return (Array.isArray(r) ? r : (r.rows ?? [])) as Array<{ dedupe_key: string; raw: unknown }>;
    };

    /** A writer on the real database whose statements fail while `state.down`, with a spool in a temp dir. */
    const setup = (o: { dir?: string; maxBytes?: number; replayChunk?: number; failAfter?: number; clock?: Clock } = {}) => {
      const dir = o.dir ?? mkdtempSync(join(tmpdir(), 'usa-spool-'));
      if (!o.dir) dirs.push(dir);
      const state = { down: false, attempts: 0, okWrites: 0, probes: 0 };
      const real = t.database.db;
      const failing = () => state.down || (o.failAfter !== undefined && state.okWrites >= o.failAfter);
      const db = new Proxy(real, {
        get: (target, prop, receiver) =>
          prop === 'execute'
            ? (q: unknown) => {
                state.attempts += 1;
                if (failing()) return Promise.reject(Object.assign(new Error('connection refused'), { code: 'ECONNREFUSED' }));
                state.okWrites += 1;
                return target.execute(q as never);
              }
            : Reflect.get(target, prop, receiver),
      }) as Db;
      const metrics = createMetrics();
      const bus = new LocalEventBus();
      const published: StoredEvent[] = [];
      bus.subscribe((evs) => published.push(...evs));
      const spool = new EventSpool({
        dir,
        log,
        registry: metrics.registry,
        probe: async () => {
          state.probes += 1;
          if (failing()) throw new Error('down');
        },
        maxBytes: o.maxBytes,
        replayChunk: o.replayChunk,
        retryMs: 50,
        clock: o.clock,
      });
      const writer = new EventWriter({ db, bus, log, metrics, spool, clock: o.clock });
      const now = () => o.clock?.nowMs() ?? Date.now();
      const write = (instance: string, key: string, o2: { spool?: boolean; deadlineMs?: number } = {}) =>
        writer.enqueue({ row: row(instance, key), mediaRows: [], deadline: now() + (o2.deadlineMs ?? 10_000), spool: o2.spool === false ? undefined : 'append' });
      return { dir, state, spool, writer, write, metrics, published };
    };
    const files = (dir: string) => readdirSync(dir).filter((n) => n.endsWith('.jsonl'));

    it('while the database is down: spoolable writes are fsynced and resolve spooled; others wait; replay commits all once, in order', async () => {
      const clock = new ManualClock();
      /** Move the clock (writer retries, spool probes) until `cond` holds. */
      const tick = (cond: () => Promise<boolean> | boolean, what: string) => waitFor(async () => (await clock.advance(50), cond()), 10_000, what);
      const { dir, state, spool, writer, write, metrics, published } = setup({ clock });
      state.down = true;
      const keys = Array.from({ length: 50 }, (_, i) => `a${i}`);
      const results = await Promise.all(keys.map((k) => write('a', k)));
      expect(results.every((r) => r.spooled === true && r.seq === 0n)).toBe(true);
      // A non-spoolable write (HTTP) is held to its deadline, then refused.
      const heldAt = clock.nowMs();
      let held: string | undefined;
      void write('a', 'http-1', { spool: false, deadlineMs: 300 }).then(
        () => (held = 'ok'),
        (e: { code?: string }) => (held = e.code),
      );
      await tick(() => held !== undefined, 'the held write refused');
      expect(held).toBe('SERVICE_UNAVAILABLE');
      expect(clock.nowMs() - heldAt).toBeGreaterThanOrEqual(300);
      // More arrive between attempts: spooled at once (the clock does not move), not at the next attempt.
      expect((await write('a', 'a50')).spooled).toBe(true);
      keys.push('a50');
      expect(files(dir)).toHaveLength(1);
      const lines = readFileSync(join(dir, files(dir)[0]), 'utf8')
        .trim()
        .split('\n');
      expect(lines).toHaveLength(51);
      expect(await metricValue(metrics, 'events_spooled_total')).toBe(51);
      expect(await metricValue(metrics, 'spool_bytes')).toBe(Buffer.byteLength(`${lines.join('\n')}\n`));
      expect(await stored('a')).toEqual([]);

      spool.start(writer);
      await tick(() => state.probes >= 3, 'probes while down'); // probing while down: nothing replayed
      expect(await stored('a')).toEqual([]);
      state.down = false;
      await tick(() => !spool.pending, 'spool replayed');
      const rows = await stored('a');
      expect(rows.map((r) => r.dedupe_key)).toEqual(keys);
      expect(rows[0].raw).toEqual({ text: 'ž "a0"\n' });
      expect(published.map((e) => e.dedupeKey)).toEqual(keys);
      expect(published[0].occurredAt).toEqual(T0);
      expect(files(dir)).toEqual([]);
      expect(await metricValue(metrics, 'events_spool_replayed_total')).toBe(51);
      expect(await metricValue(metrics, 'spool_bytes')).toBe(0);
      await spool.close();
    });

    it('a crash mid-replay replays the file again; dedupe keeps it exactly-once; the file goes only when all is committed', async () => {
      const first = setup({ replayChunk: 10 });
      first.state.down = true;
      const keys = Array.from({ length: 35 }, (_, i) => `b${i}`);
      await Promise.all(keys.map((k) => first.write('b', k)));
      await first.spool.close();
      // Next run: the database answers two chunks, then fails again, and the process dies there.
      const limited = setup({ dir: first.dir, replayChunk: 10, failAfter: 2 });
      limited.spool.start(limited.writer);
      await waitFor(async () => (await stored('b')).length >= 20, 10_000, 'two chunks replayed');
      const probes = limited.state.probes;
      await waitFor(() => limited.state.probes >= probes + 2, 5000, 'the spool probing the failed database again');
      await limited.spool.close(); // "crash": nothing deleted
      expect((await stored('b')).length).toBe(20);
      expect(files(first.dir)).toHaveLength(1);

      const restarted = setup({ dir: first.dir, replayChunk: 10 });
      expect(restarted.spool.pending).toBe(true);
      restarted.spool.start(restarted.writer);
      await waitFor(() => !restarted.spool.pending, 10_000, 'replayed after restart');
      expect((await stored('b')).map((r) => r.dedupe_key)).toEqual(keys);
      expect(restarted.published.map((e) => e.dedupeKey)).toEqual(keys.slice(20)); // the 20 already stored are duplicates
      expect(await metricValue(restarted.metrics, 'events_spool_replayed_total')).toBe(35);
      expect(await metricValue(restarted.metrics, 'events_deduplicated_total', '{adapter="sp",instance="b"}')).toBe(20);
      expect(files(first.dir)).toEqual([]);
      await restarted.spool.close();
    });

    it('a torn last line (the process died mid-write) is skipped and counted; the rest is replayed', async () => {
      const a = setup();
      a.state.down = true;
      await Promise.all(['c0', 'c1', 'c2'].map((k) => a.write('c', k)));
      await a.spool.close();
      const [file] = files(a.dir);
      appendFileSync(join(a.dir, file), '{"r":{"type_name":"TestThingEvent","kind":"CUS');
      const b = setup({ dir: a.dir });
      b.spool.start(b.writer);
      await waitFor(() => !b.spool.pending, 10_000, 'replayed');
      expect((await stored('c')).map((r) => r.dedupe_key)).toEqual(['c0', 'c1', 'c2']);
      expect(await metricValue(b.metrics, 'spool_skipped_total', '{reason="torn"}')).toBe(1);
      await b.spool.close();
    });

    it('a poisoned line (a row the database refuses) is dropped and counted; the lines behind it drain, after a restart too', async () => {
      const a = setup();
      a.state.down = true;
      const poison = { ...row('p', 'p-poison'), plateNormalized: randomBytes(9000).toString('base64') }; // index row too large (54000)
      const keys = ['p0', 'p1', 'p2', 'p3'];
      const results = await Promise.all([
        a.write('p', 'p0'),
        a.writer.enqueue({ row: poison, mediaRows: [], deadline: Date.now() + 10_000, spool: 'append' }),
        ...keys.slice(1).map((k) => a.write('p', k)),
      ]);
      expect(results.every((r) => r.spooled)).toBe(true);
      await a.spool.close(); // the process stops with the poisoned line in its spool
      const b = setup({ dir: a.dir, replayChunk: 2 });
      b.spool.start(b.writer);
      await waitFor(() => !b.spool.pending, 10_000, 'replayed past the poisoned line');
      expect((await stored('p')).map((r) => r.dedupe_key)).toEqual(keys);
      expect(await metricValue(b.metrics, 'spool_skipped_total', '{reason="refused"}')).toBe(1);
      expect(await metricValue(b.metrics, 'events_refused_total', '{adapter="sp",instance="p"}')).toBe(1);
      expect(files(a.dir)).toEqual([]);
      await b.spool.close();
    });

    it('past maxBytes the spool refuses: counted, and the write waits for the database until its deadline', async () => {
      const clock = new ManualClock();
      const { state, write, metrics, spool } = setup({ maxBytes: 800, clock });
      state.down = true;
      expect((await write('d', 'd0')).spooled).toBe(true); // one line (~480 bytes) fits, three more do not
      const settled = new Map<string, unknown>();
      const [d1, ...short] = ['d1', 'd2', 'd3'].map((k, i) =>
        write('d', k, { deadlineMs: i === 0 ? 5_000 : 400 })
          .then(
            (r) => r,
            (e: { code?: string }) => e.code,
          )
          .then((v) => (settled.set(k, v), v)),
      );
      await waitFor(async () => (await clock.advance(50), settled.size === 2), 10_000, 'the short deadlines passed');
      expect(await Promise.all(short)).toEqual(['SERVICE_UNAVAILABLE', 'SERVICE_UNAVAILABLE']);
      expect(settled.has('d1')).toBe(false);
      expect(await metricValue(metrics, 'spool_refused_total')).toBe(3);
      expect(await metricValue(metrics, 'events_spooled_total')).toBe(1);
      // …and the one still within its deadline is committed when the database returns (at the next retry).
      state.down = false;
      await waitFor(async () => (await clock.advance(50), settled.has('d1')), 10_000, 'd1 committed');
      expect(await d1).toMatchObject({ duplicate: false });
      expect(((await d1) as { spooled?: boolean }).spooled).toBeUndefined();
      expect((await stored('d')).map((r) => r.dedupe_key)).toEqual(['d1']);
      await spool.close();
    });
  });
}
