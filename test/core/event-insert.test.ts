/**
 * The event batch INSERT (src/core/db/event-insert.ts) and ingest's sanitising fast path, once per
 * driver: both drivers must store and answer exactly the same (the snapshots below are literal).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { sql } from 'drizzle-orm';
import { drivers, type TestDb } from '../helpers/db.ts';
import { eventRowJson, insertEventBatch, type InsertableEventRow } from '../../src/core/db/event-insert.ts';
import { insertEvents, listEvents } from '../../src/core/db/event-repo.ts';
import type { Db } from '../../src/core/db/client.ts';
import { EventWriter } from '../../src/core/events/writer.ts';
import { Ingest } from '../../src/core/events/ingest.ts';
import { LocalEventBus } from '../../src/core/events/bus.ts';
import { createMetrics } from '../../src/core/ops/metrics.ts';
import { CameraCache } from '../../src/core/cameras/cache.ts';
import type { FileMediaStore } from '../../src/core/media/store.ts';
import type { StoredEvent } from '../../src/core/events/model.ts';
import { ManualClock } from '../../src/core/time/manual-clock.ts';
import { waitFor } from '../helpers/wait-for.ts';

const T0 = new Date('2024-06-14T10:00:00.123Z');
const row = (over: Partial<InsertableEventRow> = {}): InsertableEventRow => ({
  typeName: 'TestThingEvent',
  kind: 'CUSTOM',
  vendorType: 'thing',
  occurredAt: T0,
  receivedAt: T0,
  adapter: 'w',
  instance: 'i',
  cameraId: null,
  dedupeKey: 'k',
  plateNormalized: null,
  trackId: null,
  plate: null,
  analytics: null,
  data: {},
  raw: {},
  media: [],
  ...over,
});
const rowsOf = async (db: Db, q: ReturnType<typeof sql>) => {
  const r = (await db.execute(q)) as unknown as { rows?: unknown[] } | unknown[];
  return (Array.isArray(r) ? r : (r.rows ?? [])) as Array<Record<string, unknown>>;
};
const sqlStateOf = (e: unknown) => {
  const x = e as { code?: string; cause?: { code?: string } };
  return x?.cause?.code ?? x?.code;
};

for (const driver of drivers) {
  describe(`event batch insert on ${driver.name}`, () => {
    let t: TestDb;
    beforeAll(async () => void (t = await driver.open()));
    afterAll(() => t.cleanup());

    it('stores every column as the drizzle insert did, seqs in row order, duplicates skipped', async () => {
      const db = t.database.db;
      const rows = [
        row({
          dedupeKey: 'a',
          plate: { plate: 'AB 123', plateNormalized: 'AB123', direction: 'IN', phase: 'NEW' },
          plateNormalized: 'AB123',
          trackId: 'cam:1',
          cameraId: 'w/i/cam',
          listMatches: [{ listId: 'l1', listName: 'Gate', kind: 'ALLOW', entryPlate: 'AB-123', entryLabel: null, entryValidFrom: null, entryValidTo: null, distance: 0 }],
        }),
        row({ dedupeKey: 'b', data: { n: 1.5, s: 'ž\'"\\', nested: [null, true, { x: [] }] }, raw: 'just a string', analytics: { ruleId: 'r1' } }),
        row({ dedupeKey: 'a', vendorType: 'resend of a' }), // duplicate within the batch
        row({ dedupeKey: 'lone-\ud800-surrogate', vendorType: 'half \udc00 pair', media: [{ id: 'm1', role: 'FRAME', contentType: 'image/jpeg', byteSize: 3 }] }),
      ];
      const inserted = await insertEvents(db, rows);
      // A skipped duplicate uses up a seq (identity values are drawn before the conflict check): gaps, never reordering.
      expect(inserted.map((r) => [r.seq, r.dedupeKey])).toEqual([
        [1n, 'a'],
        [2n, 'b'],
        [4n, 'lone-\ufffd-surrogate'],
      ]);
      expect(await insertEvents(db, [row({ dedupeKey: 'b' }), row({ dedupeKey: 'c' })])).toEqual([{ seq: 6n, dedupeKey: 'c', adapter: 'w', instance: 'i' }]);

      const stored = (await listEvents(db, { instances: ['i'] }, { first: 10 })).events.reverse();
      expect(stored.map((e) => ({ ...e, receivedAt: e.receivedAt.toISOString(), occurredAt: e.occurredAt.toISOString() }))).toEqual([
        {
          seq: 1n,
          typeName: 'TestThingEvent',
          kind: 'CUSTOM',
          vendorType: 'thing',
          occurredAt: T0.toISOString(),
          receivedAt: T0.toISOString(),
          adapter: 'w',
          instance: 'i',
          cameraId: 'w/i/cam',
          dedupeKey: 'a',
          plate: { plate: 'AB 123', plateNormalized: 'AB123', direction: 'IN', phase: 'NEW' },
          analytics: null,
          data: {},
          raw: {},
          media: [],
          listMatches: [{ listId: 'l1', listName: 'Gate', kind: 'ALLOW', entryPlate: 'AB-123', entryLabel: null, entryValidFrom: null, entryValidTo: null, distance: 0 }],
        },
        {
          seq: 2n,
          typeName: 'TestThingEvent',
          kind: 'CUSTOM',
          vendorType: 'thing',
          occurredAt: T0.toISOString(),
          receivedAt: T0.toISOString(),
          adapter: 'w',
          instance: 'i',
          cameraId: null,
          dedupeKey: 'b',
          plate: null,
          analytics: { ruleId: 'r1' },
          data: { n: 1.5, s: 'ž\'"\\', nested: [null, true, { x: [] }] },
          raw: 'just a string',
          media: [],
          listMatches: null,
        },
        {
          seq: 4n,
          typeName: 'TestThingEvent',
          kind: 'CUSTOM',
          vendorType: 'half \ufffd pair',
          occurredAt: T0.toISOString(),
          receivedAt: T0.toISOString(),
          adapter: 'w',
          instance: 'i',
          cameraId: null,
          dedupeKey: 'lone-\ufffd-surrogate',
          plate: null,
          analytics: null,
          data: {},
          raw: {},
          media: [{ id: 'm1', role: 'FRAME', contentType: 'image/jpeg', byteSize: 3 }],
          listMatches: null,
        },
        {
          seq: 6n,
          typeName: 'TestThingEvent',
          kind: 'CUSTOM',
          vendorType: 'thing',
          occurredAt: T0.toISOString(),
          receivedAt: T0.toISOString(),
          adapter: 'w',
          instance: 'i',
          cameraId: null,
          dedupeKey: 'c',
          plate: null,
          analytics: null,
          data: {},
          raw: {},
          media: [],
          listMatches: null,
        },
      ]);
      const [cols] = await rowsOf(
        db,
        sql`select plate_normalized, track_id, plate is null as plate_null, analytics is null as analytics_null, jsonb_typeof(raw) as raw_type from events where dedupe_key in ('a', 'b') order by seq limit 1`,
      );
      expect(cols).toEqual({ plate_normalized: 'AB123', track_id: 'cam:1', plate_null: false, analytics_null: true, raw_type: 'object' });
    });

    it('each row travels as one line: line feeds inside values stay theirs, between tokens they are whitespace; seqs follow the rows', async () => {
      const db = t.database.db;
      const many = Array.from({ length: 300 }, (_, i) => eventRowJson(row({ instance: 'lines', dedupeKey: `n${i}`, data: { i } })));
      const pretty = JSON.stringify(JSON.parse(eventRowJson(row({ instance: 'lines', dedupeKey: 'pretty', data: { text: 'two\nlines\r\n' }, raw: ['x\ny'] }))), null, 2);
      expect(pretty).toContain('\n');
      const inserted = await insertEventBatch(db, { rowsJson: [...many.slice(0, 150), pretty, ...many.slice(150)] });
      expect(inserted.map((r) => r.dedupeKey)).toEqual([...many.slice(0, 150).map((_, i) => `n${i}`), 'pretty', ...many.slice(150).map((_, i) => `n${i + 150}`)]);
      expect(inserted.every((r, i) => i === 0 || r.seq > inserted[i - 1].seq)).toBe(true);
      const [p] = await rowsOf(db, sql`select data, raw from events where instance = 'lines' and dedupe_key = 'pretty'`);
      expect(p).toEqual({ data: { text: 'two\nlines\r\n' }, raw: ['x\ny'] });
    });

    it('a plain insert (skipDuplicates: false) fails with 23505 on any duplicate and writes nothing, media and cameras included', async () => {
      const db = t.database.db;
      const fresh = eventRowJson(row({ instance: 'plain', dedupeKey: 'new' }));
      const dupe = eventRowJson(row({ instance: 'plain', dedupeKey: 'new' }));
      const media = [{ id: 'plain-m', contentType: 'image/png', byteSize: 9 }];
      const cameras = [{ id: 'w/plain/c1', adapter: 'w', instance: 'plain', vendorId: 'c1', name: 'c1', status: 'ONLINE', capabilities: [] }];
      const err = await insertEventBatch(db, { rowsJson: [fresh, dupe], media, cameras, skipDuplicates: false }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(sqlStateOf(err)).toBe('23505');
      expect(
        await rowsOf(
          db,
          sql`select (select count(*) from events where instance = 'plain')::int as e, (select count(*) from media where id = 'plain-m')::int as m, (select count(*) from cameras where instance = 'plain')::int as c`,
        ),
      ).toEqual([{ e: 0, m: 0, c: 0 }]);
      const ok = await insertEventBatch(db, { rowsJson: [fresh, dupe], media, cameras });
      expect(ok.map((r) => r.dedupeKey)).toEqual(['new']);
      expect(
        await rowsOf(
          db,
          sql`select (select count(*) from events where instance = 'plain')::int as e, (select count(*) from media where id = 'plain-m')::int as m, (select count(*) from cameras where instance = 'plain')::int as c`,
        ),
      ).toEqual([{ e: 1, m: 1, c: 1 }]);
    });

    it('media rows are kept once; a camera placeholder name is replaced, a real name is not', async () => {
      const db = t.database.db;
      const cam = (name: string) => ({ id: 'w/cams/x', adapter: 'w', instance: 'cams', vendorId: 'x', name, status: 'ONLINE', capabilities: ['SNAPSHOT' as const] });
      const media = [{ id: 'cm', contentType: 'image/jpeg', byteSize: 1 }];
      await insertEventBatch(db, { rowsJson: [eventRowJson(row({ instance: 'cams', dedupeKey: '1' }))], media, cameras: [cam('x')] });
      await insertEventBatch(db, { rowsJson: [eventRowJson(row({ instance: 'cams', dedupeKey: '2' }))], media: [{ ...media[0], byteSize: 999 }], cameras: [cam('Gate')] });
      await insertEventBatch(db, { rowsJson: [eventRowJson(row({ instance: 'cams', dedupeKey: '3' }))], cameras: [cam('x')] });
      expect(await rowsOf(db, sql`select name, status, capabilities, details from cameras where id = 'w/cams/x'`)).toEqual([
        { name: 'Gate', status: 'ONLINE', capabilities: ['SNAPSHOT'], details: {} },
      ]);
      expect(await rowsOf(db, sql`select byte_size from media where id = 'cm'`)).toEqual([{ byte_size: 1 }]);
    });

    it('values the database refuses fail the statement with class 22/23 and write nothing', async () => {
      const db = t.database.db;
      const good = eventRowJson(row({ instance: 'bad', dedupeKey: 'good' }));
      const cases: Array<[string, InsertableEventRow]> = [
        ['U+0000 in jsonb', row({ instance: 'bad', dedupeKey: 'nul', raw: { s: 'a\u0000b' } })],
        ['U+0000 in text', row({ instance: 'bad', dedupeKey: 'nul-\u0000-key' })],
        ['date out of range', row({ instance: 'bad', dedupeKey: 'old', occurredAt: new Date('-010000-01-01T00:00:00Z') })],
        ['raw missing (NOT NULL)', row({ instance: 'bad', dedupeKey: 'noraw', raw: null })],
      ];
      const refused: Array<[string, boolean]> = [];
      for (const [what, bad] of cases) {
        const err = await insertEventBatch(db, { rowsJson: [good, eventRowJson(bad)] }).then(
          () => null,
          (e: unknown) => e,
        );
        refused.push([what, /^2[23]/.test(sqlStateOf(err) ?? '')]);
      }
      expect(refused).toEqual(cases.map(([what]) => [what, true]));
      expect(await rowsOf(db, sql`select count(*)::int as n from events where instance = 'bad'`)).toEqual([{ n: 0 }]);
    });
  });

  describe(`writer when the database fails, on ${driver.name}`, () => {
    let t: TestDb;
    beforeAll(async () => void (t = await driver.open()));
    afterAll(() => t.cleanup());

    /** The real database, with statements failing as a lost connection would while `down`. */
    const setup = () => {
      const state = { down: true, attempts: 0 };
      const real = t.database.db;
      const db = new Proxy(real, {
        get: (target, prop, receiver) =>
          prop === 'execute'
            ? (q: unknown) => {
                state.attempts += 1;
                if (state.down) return Promise.reject(Object.assign(new Error('connection refused'), { code: 'ECONNREFUSED' }));
                return target.execute(q as never);
              }
            : Reflect.get(target, prop, receiver),
      }) as Db;
      const bus = new LocalEventBus();
      const published: bigint[] = [];
      bus.subscribe((evs) => published.push(...evs.map((e) => e.seq)));
      const clock = new ManualClock();
      const writer = new EventWriter({ db, bus, log: pino({ level: 'silent' }), metrics: createMetrics(), clock });
      const write = (key: string, deadlineMs: number) => writer.enqueue({ row: row({ instance: 'faults', dedupeKey: key }), mediaRows: [], deadline: clock.nowMs() + deadlineMs });
      return { state, writer, write, published, clock };
    };

    it('retries after 100, 200, 400 ms until the database is back; every write commits once, acked and streamed in seq order', async () => {
      const { state, write, published, clock } = setup();
      const ps = ['r1', 'r2', 'r3'].map((k) => write(k, 10_000));
      await waitFor(() => state.attempts > 0, 2000, 'the first attempt');
      for (const delay of [100, 200]) {
        const before = state.attempts;
        await clock.advance(delay - 1);
        expect(state.attempts).toBe(before); // not before its time
        await clock.advance(1);
        expect(state.attempts).toBeGreaterThan(before);
      }
      state.down = false;
      await clock.advance(400);
      const results = await Promise.all(ps);
      expect(results.map((r) => r.duplicate)).toEqual([false, false, false]);
      expect(published).toEqual(results.map((r) => r.seq));
      expect(results[0].seq < results[1].seq && results[1].seq < results[2].seq).toBe(true);
    });

    it('past its deadline a write is refused SERVICE_UNAVAILABLE and nothing is stored', async () => {
      const { write, state, clock } = setup();
      const late = write('late', 300).then(
        () => null,
        (e: unknown) => e,
      );
      await waitFor(() => state.attempts > 0, 2000, 'the first attempt');
      await clock.advance(300); // retries at 100 and 300 (100 + 200): the second finds the deadline passed
      const err = await late;
      expect((err as { code?: string })?.code).toBe('SERVICE_UNAVAILABLE');
      expect(await rowsOf(t.database.db, sql`select count(*)::int as n from events where dedupe_key = 'late'`)).toEqual([{ n: 0 }]);
    });
  });

  describe(`ingest sanitising on ${driver.name}`, () => {
    let t: TestDb;
    beforeAll(async () => void (t = await driver.open()));
    afterAll(() => t.cleanup());

    const setup = () => {
      const bus = new LocalEventBus();
      const published: StoredEvent[] = [];
      bus.subscribe((evs) => published.push(...evs));
      const writer = new EventWriter({ db: t.database.db, bus, log: pino({ level: 'silent' }), metrics: createMetrics() });
      const ingest = new Ingest({ writer, media: {} as FileMediaStore, cameras: new CameraCache() });
      const publish = (dedupeKey: string, raw: unknown, data: Record<string, unknown> = {}) =>
        ingest.publish({ adapter: 'san', instance: 'i' }, { typeName: 'SanEvent', kind: 'CUSTOM', vendorType: 't', occurredAt: T0, dedupeKey, raw, data });
      return { publish, published };
    };
    const storedRaw = async (key: string) => (await listEvents(t.database.db, { adapters: ['san'] }, { first: 50 })).events.find((e) => e.dedupeKey === key);

    it('stores clean payloads as given, and what needs it sanitised, the same in the store and on the bus', async () => {
      const { publish, published } = setup();
      const clean = { a: 'literal \\u0000 text stays', b: [1, { c: 'ž' }], d: null };
      await publish('clean', clean, { n: 2 });
      await publish('dirty', { s: 'a\u0000b', 'k\u0000': 1, when: new Date('2024-01-02T03:04:05.006Z'), bytes: new Uint8Array(5), big: 12n, nan: Number.NaN });
      await publish('nul-in-data', {}, { note: 'x\u0000y' });
      expect((await storedRaw('clean'))?.raw).toEqual(clean);
      expect((await storedRaw('clean'))?.data).toEqual({ n: 2 });
      const dirty = { s: 'ab', k: 1, when: '2024-01-02T03:04:05.006Z', bytes: '<5 bytes removed>', big: '12', nan: null };
      expect((await storedRaw('dirty'))?.raw).toEqual(dirty);
      expect((await storedRaw('nul-in-data'))?.data).toEqual({ note: 'xy' });
      expect(published.map((e) => [e.dedupeKey, e.raw, e.data])).toEqual([
        ['clean', clean, { n: 2 }],
        ['dirty', dirty, {}],
        ['nul-in-data', {}, { note: 'xy' }],
      ]);
    });
  });
}
