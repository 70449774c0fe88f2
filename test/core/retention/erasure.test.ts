/**
 * erasePlate on a real server: counts (events, media, list entries), bytes overwritten in their
 * segment, list entries gone (and no longer matched), an image shared with another plate's read
 * erased too (that read stays, its Media.expiredAt set), the time window, fuzzy (OCR-aware distance
 * 1) versus exact, idempotence, a second call finishing an interrupted first (between batches, and
 * after the bytes were zeroed but before the rows went), and subscriptions
 * resuming with `after` never receiving an erased event. Both drivers.
 */
import { openSync, readSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ffAdapter } from '../../../src/adapters/ff/index.ts';
import { resultRows } from '../../../src/core/db/result-rows.ts';
import { erasePlate } from '../../../src/core/lifecycle/erasure.ts';
import { ManualClock } from '../../../src/core/time/manual-clock.ts';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { drivers, type TestDb } from '../../helpers/db.ts';
import { ADMIN, DAY, bearer, inconsistencies, jpeg, platesStored, read } from './helpers.ts';

const config = { auth: { apiKeys: [{ key: ADMIN, scopes: ['admin'] }] }, adapters: [{ type: 'ff', id: 'default', tcpPort: 0 }] };

const ERASE = `mutation($input: ErasePlateInput!) { erasePlate(input: $input) { events media listEntries } }`;
const BY_PLATE = `query($p: String) { events(filter: { plate: $p }, first: 10) { edges { node { media { id expiredAt } ... on PlateReadEvent { plate listMatches { listName } } } } } }`;

type Gql = { data?: any; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };

for (const driver of drivers) {
  describe(`erasePlate on ${driver.name}`, () => {
    let t: TestApp;
    let db: TestDb;
    const clock = new ManualClock(Date.now());
    const gql = (q: string, v?: Record<string, unknown>) => t.gql(q, v, bearer(ADMIN)) as Promise<Gql>;
    const ok = async (q: string, v?: Record<string, unknown>) => {
      const r = await gql(q, v);
      expect(r.errors).toBeUndefined();
      return r.data;
    };
    const erase = async (input: Record<string, unknown>) => (await ok(ERASE, { input })).erasePlate;
    const sqlDb = () => t.db.database.db;
    const mediaOf = async (plate: string) => ((await gql(BY_PLATE, { p: plate })).data?.events.edges ?? []).flatMap((e: any) => e.node.media);
    /** Where an image's bytes are (segment file, offset, size). */
    const location = async (id: string) => {
      const [r] = resultRows<{ segment: string; offset: string | number; byte_size: number }>(await sqlDb().execute(sql`select segment, "offset", byte_size from media where id = ${id}`));
      return { path: join(t.dataDir, 'media', 'segments', r.segment), offset: Number(r.offset), size: Number(r.byte_size) };
    };
    const bytesAt = (l: { path: string; offset: number; size: number }) => {
      const fd = openSync(l.path, 'r');
      try {
        const b = Buffer.alloc(l.size);
        readSync(fd, b, 0, l.size, l.offset);
        return b;
      } finally {
        closeSync(fd);
      }
    };

    beforeAll(async () => {
      db = await driver.open();
      t = await startTestApp({ config, db, clock, adapters: [ffAdapter] });
    });
    afterAll(async () => {
      await t?.close();
      await db?.cleanup();
    });

    it('erases every read of the plate, their images (bytes zeroed), its list entries, and a shared image of another read; idempotent', async () => {
      const list = (await ok(`mutation { createPlateList(input: { name: "erase-watch", kind: WATCH }) { id } }`)).createPlateList;
      await ok(`mutation($input: AddPlatesInput!) { addPlates(input: $input) { size } }`, { input: { listId: list.id, entries: [{ plate: 'ER-123' }, { plate: 'KEEP01' }] } });
      const shared = jpeg();
      await read(t, clock.nowMs(), { plate: 'ER 123', ageMs: 2 * DAY, images: [jpeg(), shared] });
      await read(t, clock.nowMs(), { plate: 'ER123', ageMs: DAY, images: [jpeg()] });
      await read(t, clock.nowMs(), { plate: 'er-123', ageMs: 0 });
      await read(t, clock.nowMs(), { plate: 'OT999', ageMs: DAY, images: [shared] });
      const ids = (await mediaOf('ER123')).map((m: any) => m.id);
      expect(ids).toHaveLength(3);
      const where = await Promise.all(ids.map(location));
      for (const l of where) expect(bytesAt(l).some((b) => b !== 0)).toBe(true);

      expect(await erase({ plate: 'er 123' })).toEqual({ events: 3, media: 3, listEntries: 1 });
      expect(await platesStored(sqlDb(), 'ER%')).toEqual([]);
      for (const l of where) expect(bytesAt(l).every((b) => b === 0)).toBe(true);
      for (const id of ids) expect((await fetch(`${t.url}/media/${id}`, { headers: bearer(ADMIN) })).status).not.toBe(200);
      const other = await mediaOf('OT999');
      expect(other).toHaveLength(1);
      expect(other[0].expiredAt).not.toBeNull();
      const entries = await ok(`query($id: ID!) { node(id: $id) { ... on PlateList { size } } }`, { id: list.id });
      expect(entries.node.size).toBe(1);
      // The entry no longer matches new reads.
      await read(t, clock.nowMs(), { plate: 'ER123', ageMs: 0 });
      const fresh = (await gql(BY_PLATE, { p: 'ER123' })).data.events.edges[0].node;
      expect(fresh.listMatches).toEqual([]);
      expect(await inconsistencies(sqlDb())).toEqual({ refsWithoutRow: 0, rowsWithoutRef: 0 });

      expect(await erase({ plate: 'ER123' })).toEqual({ events: 1, media: 0, listEntries: 0 });
      expect(await erase({ plate: 'ER123' })).toEqual({ events: 0, media: 0, listEntries: 0 });
    });

    it('keeps reads outside [from, to], and erases OCR look-alikes and one-edit neighbours only when fuzzy', async () => {
      await read(t, clock.nowMs(), { plate: 'FZ100', ageMs: 10 * DAY });
      await read(t, clock.nowMs(), { plate: 'FZ100', ageMs: 5 * DAY });
      await read(t, clock.nowMs(), { plate: 'FZ1O0', ageMs: 5 * DAY }); // O for 0: distance 0 once OCR-folded
      await read(t, clock.nowMs(), { plate: 'FZ1000', ageMs: 5 * DAY }); // one insertion
      await read(t, clock.nowMs(), { plate: 'FZ777', ageMs: 5 * DAY });
      const window = { from: new Date(clock.nowMs() - 7 * DAY).toISOString(), to: new Date(clock.nowMs()).toISOString() };
      expect(await erase({ plate: 'FZ100', ...window })).toMatchObject({ events: 1 });
      expect(await platesStored(sqlDb(), 'FZ%')).toEqual(['FZ100', 'FZ1000', 'FZ1O0', 'FZ777']);
      expect(await erase({ plate: 'FZ100', ...window, fuzzy: true })).toMatchObject({ events: 2 });
      expect(await platesStored(sqlDb(), 'FZ%')).toEqual(['FZ100', 'FZ777']);
    });

    it('an erasure interrupted between batches is finished by a second call', async () => {
      for (let i = 0; i < 5; i++) await read(t, clock.nowMs(), { plate: 'IN4242', ageMs: i * 1000, images: [jpeg()] });
      const abort = new AbortController();
      const first = await erasePlate(sqlDb(), t.app.media, { plate: 'IN4242' }, { batchSize: 2, signal: abort.signal, onBatch: () => abort.abort() });
      expect(first).toEqual({ events: 2, media: 2, listEntries: 0 });
      expect((await platesStored(sqlDb(), 'IN%')).length).toBe(3);
      expect(await inconsistencies(sqlDb())).toEqual({ refsWithoutRow: 0, rowsWithoutRef: 0 });
      expect(await erase({ plate: 'IN4242' })).toEqual({ events: 3, media: 3, listEntries: 0 });
      expect(await platesStored(sqlDb(), 'IN%')).toEqual([]);
    });

    it('a crash after the bytes were zeroed but before the rows went is finished by the next call', async () => {
      await read(t, clock.nowMs(), { plate: 'ZB0001', ageMs: 0, images: [jpeg()] });
      const [m] = await mediaOf('ZB0001');
      const where = await location(m.id);
      const meta = await t.app.media.meta(m.id);
      await t.app.media.erase([meta!]); // step (2) of a batch; the process dies before step (3)
      expect(bytesAt(where).every((b) => b === 0)).toBe(true);
      expect(await platesStored(sqlDb(), 'ZB%')).toEqual(['ZB0001']);
      expect(await erase({ plate: 'ZB0001' })).toEqual({ events: 1, media: 1, listEntries: 0 });
      expect(await inconsistencies(sqlDb())).toEqual({ refsWithoutRow: 0, rowsWithoutRef: 0 });
    });

    it('a subscription resuming with `after` never receives an erased event', async () => {
      const [{ seq: before }] = resultRows<{ seq: string }>(await sqlDb().execute(sql`select coalesce(max(seq), 0)::text as seq from events`));
      await read(t, clock.nowMs(), { plate: 'SB0001', ageMs: 0 });
      await read(t, clock.nowMs(), { plate: 'GONE01', ageMs: 0 });
      await read(t, clock.nowMs(), { plate: 'SB0002', ageMs: 0 });
      expect(await erase({ plate: 'GONE01' })).toMatchObject({ events: 1 });
      const seen: string[] = [];
      const it = t.app.services.subscribeEvents({ adapters: ['ff'] }, BigInt(before))[Symbol.asyncIterator]();
      try {
        while (!seen.includes('SB0002')) {
          const n = await it.next();
          if (n.done) break;
          seen.push(n.value.plate?.plateNormalized ?? '');
        }
      } finally {
        await it.return?.();
      }
      expect(seen).toEqual(['SB0001', 'SB0002']);
    });
  });
}
