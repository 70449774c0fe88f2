/**
 * The store, once per driver (PGlite always, PostgreSQL when TEST_DATABASE_URL is set): the
 * group-commit writer, event queries (keyset pagination, filters), cameras and adapter state.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { drivers, type TestDb } from '../helpers/db.ts';
import { EventWriter, type PendingWrite } from '../../src/core/events/writer.ts';
import { LocalEventBus } from '../../src/core/events/bus.ts';
import { createMetrics } from '../../src/core/ops/metrics.ts';
import { AppError } from '../../src/core/errors.ts';
import type { StoredEvent } from '../../src/core/events/model.ts';
import { matchesFilter } from '../../src/core/events/subscription.ts';
import { eventsAfter, insertEvents, listEvents, seqsByDedupeKey, timeWindowOnly, type EventFilter, type NewEventRow } from '../../src/core/db/event-repo.ts';
import { camerasById, listCameras, setCameraStatus, upsertCamera } from '../../src/core/cameras/repo.ts';
import { instanceState } from '../../src/core/adapter/state-repo.ts';

const T0 = Date.parse('2024-06-14T10:00:00.000Z');

function row(over: Partial<NewEventRow> = {}): Omit<NewEventRow, 'seq'> {
  return {
    typeName: 'TestThingEvent',
    kind: 'CUSTOM',
    vendorType: 'thing',
    occurredAt: new Date(T0),
    receivedAt: new Date(),
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
  };
}
const write = (over: Partial<NewEventRow>, deadlineMs = 10_000): Omit<PendingWrite, 'resolve' | 'reject'> => ({ row: row(over), mediaRows: [], deadline: Date.now() + deadlineMs });
const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'resolved',
    (e: unknown) => (e instanceof AppError ? e.code : `not an AppError: ${String(e)}`),
  );
const batchCount = async (m: ReturnType<typeof createMetrics>) => (await m.batchSize.get()).values.find((v) => v.metricName === 'db_batch_events_count')?.value ?? 0;

for (const driver of drivers) {
  describe(`store on ${driver.name}`, () => {
    describe('EventWriter (group commit)', () => {
      let t: TestDb;
      beforeAll(async () => void (t = await driver.open()));
      afterAll(() => t.cleanup());
      const setup = () => {
        const bus = new LocalEventBus();
        const published: StoredEvent[] = [];
        bus.subscribe((evs) => published.push(...evs));
        const metrics = createMetrics();
        const writer = new EventWriter({ db: t.database.db, bus, log: pino({ level: 'silent' }), metrics });
        return { writer, metrics, published };
      };

      it('commits concurrent enqueues in few batches; each promise resolves after commit, seqs increasing in order', async () => {
        const { writer, metrics, published } = setup();
        const n = 300;
        const visibleAtResolve: boolean[] = [];
        const results = await Promise.all(
          Array.from({ length: n }, (_, i) =>
            writer.enqueue(write({ instance: 'gc', dedupeKey: `gc-${i}` })).then(async (r) => {
              if (i % 50 === 0) visibleAtResolve.push((await seqsByDedupeKey(t.database.db, 'w', 'gc', [`gc-${i}`])).get(`gc-${i}`) === r.seq);
              return r;
            }),
          ),
        );
        expect(results.every((r) => !r.duplicate)).toBe(true);
        for (let i = 1; i < n; i++) expect(results[i].seq > results[i - 1].seq).toBe(true);
        expect(visibleAtResolve).toEqual(Array(6).fill(true));
        const batches = await batchCount(metrics);
        expect(batches).toBeGreaterThanOrEqual(1);
        expect(batches).toBeLessThan(n / 10);
        expect(published.map((e) => e.seq)).toEqual(results.map((r) => r.seq));
        const stored = await seqsByDedupeKey(
          t.database.db,
          'w',
          'gc',
          results.map((_, i) => `gc-${i}`),
        );
        expect(stored.size).toBe(n);
      });

      it('resolves duplicates within a batch and across batches with the original seq, storing and streaming once', async () => {
        const { writer, metrics, published } = setup();
        const [a, a2, b, a3] = await Promise.all([
          writer.enqueue(write({ instance: 'dup', dedupeKey: 'A' })),
          writer.enqueue(write({ instance: 'dup', dedupeKey: 'A', vendorType: 'resend' })),
          writer.enqueue(write({ instance: 'dup', dedupeKey: 'B' })),
          writer.enqueue(write({ instance: 'dup', dedupeKey: 'A' })),
        ]);
        expect(a.duplicate).toBe(false);
        expect([a2, a3]).toEqual([
          { seq: a.seq, duplicate: true },
          { seq: a.seq, duplicate: true },
        ]);
        expect(b).toMatchObject({ duplicate: false });
        const again = await writer.enqueue(write({ instance: 'dup', dedupeKey: 'A' }));
        expect(again).toEqual({ seq: a.seq, duplicate: true });
        // Same key on another instance is a different event.
        const other = await writer.enqueue(write({ instance: 'dup2', dedupeKey: 'A' }));
        expect(other.duplicate).toBe(false);
        expect(published.map((e) => e.dedupeKey)).toEqual(['A', 'B', 'A']);
        expect((await metrics.deduplicated.get()).values.reduce((s, v) => s + v.value, 0)).toBe(3);
        const [stored] = (await listEvents(t.database.db, { instances: ['dup'] }, { first: 10 })).events.filter((e) => e.dedupeKey === 'A');
        expect(stored.vendorType).toBe('thing');
      });

      it('isolates rows the database refuses as data: they are rejected BAD_USER_INPUT, the rest of the batch commits', async () => {
        const { writer, published } = setup();
        const ps = [
          writer.enqueue(write({ instance: 'poison', dedupeKey: 'good-1' })),
          writer.enqueue(write({ instance: 'poison', dedupeKey: 'nul-\u0000-byte' })),
          writer.enqueue(write({ instance: 'poison', dedupeKey: 'good-2' })),
          writer.enqueue(write({ instance: 'poison', dedupeKey: 'ancient', occurredAt: new Date('-010000-01-01T00:00:00Z') })),
          writer.enqueue(write({ instance: 'poison', dedupeKey: 'json-nul', raw: { s: 'a\u0000b' } })),
          writer.enqueue(write({ instance: 'poison', dedupeKey: 'good-3' })),
        ];
        expect(await Promise.all(ps.map(codeOf))).toEqual(['resolved', 'BAD_USER_INPUT', 'resolved', 'BAD_USER_INPUT', 'BAD_USER_INPUT', 'resolved']);
        const page = await listEvents(t.database.db, { instances: ['poison'] }, { first: 10 });
        expect(page.events.map((e) => e.dedupeKey).sort()).toEqual(['good-1', 'good-2', 'good-3']);
        expect(published.map((e) => e.dedupeKey)).toEqual(['good-1', 'good-2', 'good-3']);
      });

      it('does not let a row breaking a NOT NULL column block the batch until its deadline', async () => {
        const { writer } = setup();
        const started = Date.now();
        const ps = [writer.enqueue(write({ instance: 'notnull', dedupeKey: 'ok' }, 3000)), writer.enqueue(write({ instance: 'notnull', dedupeKey: 'no-raw', raw: null }, 3000))];
        expect(await Promise.all(ps.map(codeOf))).toEqual(['resolved', 'BAD_USER_INPUT']);
        expect(Date.now() - started).toBeLessThan(2500);
      });

      it('drains on close and refuses writes afterwards', async () => {
        const { writer } = setup();
        const p = writer.enqueue(write({ instance: 'close', dedupeKey: 'last' }));
        await writer.close();
        expect(await codeOf(p)).toBe('resolved');
        expect(await codeOf(writer.enqueue(write({ instance: 'close', dedupeKey: 'late' })))).toBe('SERVICE_UNAVAILABLE');
      });
    });

    describe('event queries', () => {
      let t: TestDb;
      const plates = ['AB123', 'AB124', 'ABX99', 'AB%1', 'AB_1', 'XY123', 'AB1', null, 'AB%', 'ZZ9', 'AB123', null];
      let seeded: Array<StoredEvent & { plateNormalized: string | null }> = [];
      beforeAll(async () => {
        t = await driver.open();
        const rows = plates.map((p, i) => ({
          ...row({
            adapter: i % 3 === 0 ? 'cl' : 'ff',
            instance: i % 2 ? 'east' : 'west',
            kind: i % 4 === 0 ? 'LINE_CROSSED' : 'PLATE_READ',
            vendorType: i % 5 === 0 ? 'Line crossed' : i % 2 ? 'update' : 'new',
            cameraId: `cam${i % 3}`,
            occurredAt: new Date(T0 + i * 3_600_000),
            plateNormalized: p,
            dedupeKey: `q-${i}`,
          }),
        }));
        // Two inserts: seqs are assigned in row order across statements too.
        const ins = [...(await insertEvents(t.database.db, rows.slice(0, 5) as NewEventRow[])), ...(await insertEvents(t.database.db, rows.slice(5) as NewEventRow[]))];
        seeded = rows.map((r, i) => ({ ...(r as unknown as StoredEvent), seq: ins[i].seq, plateNormalized: r.plateNormalized ?? null }));
      });
      afterAll(() => t.cleanup());
      const newestFirst = (pred: (e: (typeof seeded)[number]) => boolean = () => true) =>
        seeded
          .filter(pred)
          .map((e) => e.seq)
          .sort((a, b) => (a < b ? 1 : -1));
      const seqsOf = async (filter: EventFilter | null, first = 100) => (await listEvents(t.database.db, filter, { first })).events.map((e) => e.seq);

      it('pages newest first with first/after until the end', async () => {
        const got: bigint[] = [];
        let after: bigint | null = null;
        const flags: boolean[] = [];
        for (;;) {
          const page = await listEvents(t.database.db, null, { first: 5, after });
          got.push(...page.events.map((e) => e.seq));
          flags.push(page.hasNextPage);
          if (!page.hasNextPage) break;
          after = page.events.at(-1)!.seq;
        }
        expect(got).toEqual(newestFirst());
        expect(flags).toEqual([true, true, false]);
        expect((await listEvents(t.database.db, null, { first: 12 })).hasNextPage).toBe(false);
      });

      it('omitRaw reads every column but the vendor payload, on each plan (seq walk, index-first, time window)', async () => {
        const filters: Array<EventFilter | null> = [null, { plate: 'AB1*' }, { from: new Date(T0), to: new Date(T0 + 5 * 3_600_000) }];
        for (const filter of filters) {
          for (const page of [{ first: 4 }, { last: 4 }]) {
            const full = await listEvents(t.database.db, filter, page);
            const lean = await listEvents(t.database.db, filter, { ...page, omitRaw: true });
            expect(full.events.length).toBeGreaterThan(0);
            expect(full.events.every((e) => e.raw !== null)).toBe(true);
            expect(lean).toEqual({ ...full, events: full.events.map((e) => ({ ...e, raw: null })) });
          }
        }
      });

      it('pages with last/before from the oldest towards the newest, each page newest first', async () => {
        const pages: bigint[][] = [];
        let before: bigint | null = null;
        for (;;) {
          const page = await listEvents(t.database.db, null, { last: 5, before });
          pages.push(page.events.map((e) => e.seq));
          if (!page.hasPreviousPage) break;
          before = page.events[0].seq;
        }
        expect(pages.map((p) => p.length)).toEqual([5, 5, 2]);
        expect(pages.reverse().flat()).toEqual(newestFirst());
        // last with after: the oldest ones older than the cursor.
        const all = newestFirst();
        const page = await listEvents(t.database.db, null, { last: 2, after: all[3] });
        expect(page.events.map((e) => e.seq)).toEqual(all.slice(-2));
      });

      it('filters by kinds, adapters, instances, cameras and time (inclusive)', async () => {
        expect(await seqsOf({ kinds: ['LINE_CROSSED'] })).toEqual(newestFirst((e) => e.kind === 'LINE_CROSSED'));
        expect(await seqsOf({ adapters: ['cl'], instances: ['west'] })).toEqual(newestFirst((e) => e.adapter === 'cl' && e.instance === 'west'));
        expect(await seqsOf({ cameraIds: ['cam1', 'cam2'], kinds: ['PLATE_READ'] })).toEqual(newestFirst((e) => e.cameraId !== 'cam0' && e.kind === 'PLATE_READ'));
        const from = new Date(T0 + 3 * 3_600_000);
        const to = new Date(T0 + 7 * 3_600_000);
        expect(await seqsOf({ from, to })).toEqual(newestFirst((e) => e.occurredAt >= from && e.occurredAt <= to));
        expect(await seqsOf({ adapters: ['nobody'] })).toEqual([]);
      });

      it('time windows page newest first and oldest first, with other filters, on both query plans (time-first up to 7 days, seq walk beyond)', async () => {
        const win = (h0: number, h1: number) => ({ from: new Date(T0 + h0 * 3_600_000), to: new Date(T0 + h1 * 3_600_000) });
        for (const [f, plan] of [
          [win(2, 9), 'time-first'],
          [{ ...win(2, 9), kinds: ['PLATE_READ'] as const }, 'time-first'],
          [{ from: new Date(T0 - 30 * 86_400_000), to: new Date(T0 + 9 * 3_600_000) }, 'seq walk'],
        ] as const) {
          const want = newestFirst((e) => e.occurredAt >= f.from && e.occurredAt <= f.to && (!('kinds' in f) || e.kind === 'PLATE_READ'));
          const forward: bigint[] = [];
          let after: bigint | null = null;
          for (let guard = 0; guard < 10; guard++) {
            const page = await listEvents(t.database.db, f as EventFilter, { first: 2, after });
            forward.push(...page.events.map((e) => e.seq));
            if (!page.hasNextPage) break;
            after = page.events.at(-1)!.seq;
          }
          expect(forward, plan).toEqual(want);
          const backward: bigint[][] = [];
          let before: bigint | null = null;
          for (let guard = 0; guard < 10; guard++) {
            const page = await listEvents(t.database.db, f as EventFilter, { last: 2, before });
            backward.push(page.events.map((e) => e.seq));
            if (!page.hasPreviousPage) break;
            before = page.events[0].seq;
          }
          expect(backward.reverse().flat(), plan).toEqual(want);
        }
      });

      it('plate prefixes page the same on both plans (index-first from two characters, seq walk for one)', async () => {
        for (const plate of ['AB*', 'A*']) {
          const want = newestFirst((e) => e.plateNormalized?.startsWith(plate.slice(0, -1)) ?? false);
          const got: bigint[] = [];
          let after: bigint | null = null;
          for (let guard = 0; guard < 10; guard++) {
            const page = await listEvents(t.database.db, { plate }, { first: 2, after });
            got.push(...page.events.map((e) => e.seq));
            if (!page.hasNextPage) break;
            after = page.events.at(-1)!.seq;
          }
          expect(got, plate).toEqual(want);
          expect(want.length).toBeGreaterThan(4);
        }
      });

      it('filters plates exactly or by prefix, with % and _ taken literally', async () => {
        const byPlate = (pred: (p: string) => boolean) => newestFirst((e) => e.plateNormalized != null && pred(e.plateNormalized));
        expect(await seqsOf({ plate: 'AB123' })).toEqual(byPlate((p) => p === 'AB123'));
        expect(await seqsOf({ plate: 'AB12*' })).toEqual(byPlate((p) => p.startsWith('AB12')));
        expect(await seqsOf({ plate: 'AB%1' })).toEqual(byPlate((p) => p === 'AB%1'));
        expect(await seqsOf({ plate: 'AB%*' })).toEqual(byPlate((p) => p.startsWith('AB%')));
        expect(await seqsOf({ plate: 'AB_*' })).toEqual(byPlate((p) => p.startsWith('AB_')));
        expect(await seqsOf({ plate: 'AB_1' })).toHaveLength(1);
        expect(await seqsOf({ plate: "AB1' OR '1'='1" })).toEqual([]);
      });

      it('filters by vendorTypes (exact, any of), alone and with kinds, as the live matcher does', async () => {
        const cases: Array<[EventFilter, number]> = [
          [{ vendorTypes: ['Line crossed'] }, 3],
          [{ vendorTypes: ['Line crossed', 'update'] }, 8],
          [{ vendorTypes: ['new'], kinds: ['LINE_CROSSED'] }, 2],
          [{ vendorTypes: ['new', 'update'], kinds: ['PLATE_READ'], adapters: ['ff'] }, 4],
          [{ vendorTypes: ['line crossed'] }, 0], // exact: case matters
          [{ vendorTypes: ['Line'] }, 0], // exact: no prefix
          [{ vendorTypes: [] }, 12], // empty list: no condition, like the other lists
        ];
        for (const [f, n] of cases) {
          const want = newestFirst((e) => matchesFilter(e, f));
          expect(want, JSON.stringify(f)).toHaveLength(n);
          expect(await seqsOf(f), JSON.stringify(f)).toEqual(want);
          expect(
            (await eventsAfter(t.database.db, 0n, f, 100)).map((e) => e.seq),
            JSON.stringify(f),
          ).toEqual([...want].reverse());
        }
        // Pages of two through a vendorType filter, newest first to the end.
        const got: bigint[] = [];
        let after: bigint | null = null;
        for (let guard = 0; guard < 10; guard++) {
          const page = await listEvents(t.database.db, { vendorTypes: ['update'] }, { first: 2, after });
          got.push(...page.events.map((e) => e.seq));
          if (!page.hasNextPage) break;
          after = page.events.at(-1)!.seq;
        }
        expect(got).toEqual(newestFirst((e) => e.vendorType === 'update'));
      });

      it('eventsAfter returns events after a seq, oldest first, filtered and limited', async () => {
        const asc = [...newestFirst()].reverse();
        const r = await eventsAfter(t.database.db, asc[2], null, 100);
        expect(r.map((e) => e.seq)).toEqual(asc.slice(3));
        const ffOnly = await eventsAfter(t.database.db, 0n, { adapters: ['ff'] }, 3);
        expect(ffOnly.map((e) => e.seq)).toEqual([...newestFirst((e) => e.adapter === 'ff')].reverse().slice(0, 3));
        expect(await eventsAfter(t.database.db, asc.at(-1)!, null, 10)).toEqual([]);
      });
    });

    describe('time windows read by hour bucket (seq order unlike time order)', () => {
      let t: TestDb;
      let seeded: Array<{ seq: bigint; occurredAt: Date; cameraId: string }> = [];
      beforeAll(async () => {
        t = await driver.open();
        // 60 events over 6 hours whose times are shuffled against their seqs (late and early
        // arrivals), several per hour bucket, a few at the exact hour boundaries.
        const rows = Array.from({ length: 60 }, (_, i) => {
          const minute = (i * 37) % 360; // 60 distinct minutes in 0..359, out of seq order
          return row({ cameraId: `cam${i % 2}`, occurredAt: new Date(T0 + minute * 60_000 + (i % 3 === 0 ? 0 : 1)), dedupeKey: `w-${i}` }) as NewEventRow;
        });
        const ins = await insertEvents(t.database.db, rows);
        seeded = rows.map((r, i) => ({ seq: ins[i].seq, occurredAt: r.occurredAt as Date, cameraId: r.cameraId as string }));
      });
      afterAll(() => t.cleanup());

      it('pages newest first and oldest first like a scan of the window would, across buckets and at their edges', async () => {
        const at = (min: number, ms = 0) => new Date(T0 + min * 60_000 + ms);
        const windows: Array<[Date, Date]> = [
          [at(0), at(359, 1)], // every event
          [at(20), at(200)], // edges inside buckets
          [at(60), at(120)], // edges on bucket boundaries (inclusive)
          [at(61, 1), at(61, 1)], // one instant
          [at(-600), at(-1)], // before everything: empty
          [at(185), at(186)], // inside one bucket
        ];
        for (const [from, to] of windows) {
          const filter: EventFilter = { from, to };
          expect(timeWindowOnly(filter)).toBe(true);
          const want = seeded
            .filter((e) => e.occurredAt >= from && e.occurredAt <= to)
            .map((e) => e.seq)
            .sort((a, b) => (a < b ? 1 : -1));
          for (const size of [1, 4, 7]) {
            const forward: bigint[] = [];
            let after: bigint | null = null;
            for (let guard = 0; guard < 100; guard++) {
              const page = await listEvents(t.database.db, filter, { first: size, after });
              forward.push(...page.events.map((e) => e.seq));
              if (!page.hasNextPage) break;
              after = page.events.at(-1)!.seq;
            }
            expect(forward, `${from.toISOString()}..${to.toISOString()} first ${size}`).toEqual(want);
            const backward: bigint[][] = [];
            let before: bigint | null = null;
            for (let guard = 0; guard < 100; guard++) {
              const page = await listEvents(t.database.db, filter, { last: size, before });
              backward.push(page.events.map((e) => e.seq));
              if (!page.hasPreviousPage) break;
              before = page.events[0].seq;
            }
            expect(backward.reverse().flat(), `${from.toISOString()}..${to.toISOString()} last ${size}`).toEqual(want);
          }
        }
        // With another filter the window keeps the other plans (camera: its own time index), same answer.
        const f: EventFilter = { from: at(20), to: at(200), cameraIds: ['cam1'] };
        expect(timeWindowOnly(f)).toBe(false);
        const want = seeded
          .filter((e) => e.cameraId === 'cam1' && e.occurredAt >= f.from! && e.occurredAt <= f.to!)
          .map((e) => e.seq)
          .sort((a, b) => (a < b ? 1 : -1));
        expect((await listEvents(t.database.db, f, { first: 100 })).events.map((e) => e.seq)).toEqual(want);
      });
    });

    describe('cameras and adapter state', () => {
      let t: TestDb;
      beforeAll(async () => void (t = await driver.open()));
      afterAll(() => t.cleanup());

      it('upserts cameras, lists them by id with paging and filters (capabilities: any of)', async () => {
        const db = t.database.db;
        const base = { adapter: 'ff', instance: 'a' };
        await upsertCamera(db, { ...base, id: 'ff/a/1', vendorId: '1', name: 'Gate', capabilities: ['TRIGGER_EVENT'], status: 'ONLINE' });
        await upsertCamera(db, { ...base, id: 'ff/a/2', vendorId: '2', name: "Robert'); DROP TABLE cameras;--", capabilities: ['LIVE_STREAM', 'SNAPSHOT'] });
        await upsertCamera(db, { adapter: 'vx', instance: 'b', id: 'vx/b/3', vendorId: '3', name: 'Yard' });
        await upsertCamera(db, { ...base, id: 'ff/a/4', vendorId: '4', name: 'Dock', capabilities: ['CLIP', 'TRIGGER_EVENT'], status: 'OFFLINE' });
        const ids = async (filter: Parameters<typeof listCameras>[1], first = 10, after?: string) => (await listCameras(db, filter, first, after)).cameras.map((c) => c.id);
        expect(await ids(null)).toEqual(['ff/a/1', 'ff/a/2', 'ff/a/4', 'vx/b/3']);
        expect(await ids({ capabilities: ['TRIGGER_EVENT'] })).toEqual(['ff/a/1', 'ff/a/4']);
        expect(await ids({ capabilities: ['SNAPSHOT', 'CLIP'] })).toEqual(['ff/a/2', 'ff/a/4']);
        expect(await ids({ statuses: ['UNKNOWN'] })).toEqual(['ff/a/2', 'vx/b/3']);
        expect(await ids({ adapters: ['vx'] })).toEqual(['vx/b/3']);
        const p1 = await listCameras(db, null, 2);
        expect([p1.cameras.map((c) => c.id), p1.hasNextPage]).toEqual([['ff/a/1', 'ff/a/2'], true]);
        const p2 = await listCameras(db, null, 2, 'ff/a/2');
        expect([p2.cameras.map((c) => c.id), p2.hasNextPage]).toEqual([['ff/a/4', 'vx/b/3'], false]);
        const [sqlish] = await camerasById(db, ['ff/a/2']);
        expect(sqlish.name).toBe("Robert'); DROP TABLE cameras;--");

        // Upsert again: name and given fields change, omitted ones stay.
        await upsertCamera(db, { ...base, id: 'ff/a/1', vendorId: '1', name: 'Gate North' });
        await setCameraStatus(db, 'ff/a/4', 'ONLINE');
        const [gate, dock] = await camerasById(db, ['ff/a/1', 'ff/a/4']).then((cs) => cs.sort((a, b) => a.id.localeCompare(b.id)));
        expect(gate).toMatchObject({ name: 'Gate North', status: 'ONLINE', capabilities: ['TRIGGER_EVENT'] });
        expect(dock.status).toBe('ONLINE');
        expect(await camerasById(db, [])).toEqual([]);
      });

      it('keeps per-instance adapter state', async () => {
        const a = instanceState(t.database.db, 'ff', 'one');
        const b = instanceState(t.database.db, 'ff', 'two');
        expect(await a.get('cursor')).toBeUndefined();
        await a.set('cursor', { after: 41, ids: ['x'] });
        await a.set('cursor', { after: 42, ids: ['y'] });
        await b.set('cursor', 'other');
        expect(await a.get('cursor')).toEqual({ after: 42, ids: ['y'] });
        expect(await b.get('cursor')).toBe('other');
        expect(await instanceState(t.database.db, 'vx', 'one').get('cursor')).toBeUndefined();
      });

      it('stores null as a value (clearing a cursor) instead of failing', async () => {
        const a = instanceState(t.database.db, 'ff', 'nulls');
        await a.set('cursor', 5);
        await a.set('cursor', null);
        expect(await a.get('cursor')).toBeNull();
        await a.set('fresh', null);
        expect(await a.get('fresh')).toBeNull();
      });
    });
  });
}
