/**
 * Crashes inside a batch, on both drivers. The crash is simulated by the store failing between two
 * statements of a batch's transaction (failing-store.ts: the events already deleted or stamped, the
 * media rows not yet), which rolls the transaction back as a process killed there would; not a real
 * SIGKILL. After it: no event without its media row nor the reverse, the bytes still served (a
 * retention batch deletes no bytes before its rows), and the next pass finishes. For erasure, whose
 * bytes are zeroed before the rows go: the rows stay, the bytes are zeros, and after a restart of
 * the server (same database, same media directory) erasePlate finishes the job and is idempotent.
 */
import { closeSync, mkdtempSync, openSync, readSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import pino from 'pino';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ffAdapter } from '../../../src/adapters/ff/index.ts';
import { resultRows } from '../../../src/core/db/result-rows.ts';
import { erasePlate } from '../../../src/core/lifecycle/erasure.ts';
import { createRetentionMetrics } from '../../../src/core/lifecycle/metrics.ts';
import type { RetentionPolicy } from '../../../src/core/lifecycle/policy.ts';
import { type PassDeps, runRetentionPass } from '../../../src/core/lifecycle/retention-pass.ts';
import { ManualClock } from '../../../src/core/time/manual-clock.ts';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { drivers, type TestDb } from '../../helpers/db.ts';
import { failingInTransaction, InjectedStoreFailure } from './failing-store.ts';
import { ADMIN, DAY, bearer, inconsistencies, jpeg, platesStored, read } from './helpers.ts';

const config = { auth: { apiKeys: [{ key: ADMIN, scopes: ['admin'] }] }, adapters: [{ type: 'ff', id: 'default', tcpPort: 0 }] };
const BY_PLATE = `query($p: String) { events(filter: { plate: $p }, first: 10) { edges { node { media { id expiredAt } } } } }`;
const ERASE = `mutation($input: ErasePlateInput!) { erasePlate(input: $input) { events media listEntries } }`;

for (const driver of drivers) {
  describe(`crash inside a lifecycle batch on ${driver.name}`, () => {
    let t: TestApp;
    let db: TestDb;
    const clock = new ManualClock(Date.now());
    const mediaDir = mkdtempSync(join(tmpdir(), 'usa-crash-media-'));
    const start = () => startTestApp({ config, db, clock, adapters: [ffAdapter], mediaDir });
    const sqlDb = () => t.db.database.db;
    const gql = (q: string, v?: Record<string, unknown>) => t.gql(q, v, bearer(ADMIN));
    const mediaOf = async (plate: string) => ((await gql(BY_PLATE, { p: plate })).data?.events.edges ?? []).flatMap((e: any) => e.node.media);
    const status = async (id: string) => (await fetch(`${t.url}/media/${id}`, { headers: bearer(ADMIN) })).status;
    /** Where an image's bytes are in its segment, as its media row says. */
    const location = async (id: string) => {
      const [r] = resultRows<{ segment: string; offset: string | number; byte_size: number }>(await sqlDb().execute(sql`select segment, "offset", byte_size from media where id = ${id}`));
      return { path: join(mediaDir, 'segments', r.segment), offset: Number(r.offset), size: Number(r.byte_size) };
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
    const passDeps = (database: PassDeps['db'], policies: RetentionPolicy[]): PassDeps => ({
      db: database,
      media: t.app.media,
      metrics: createRetentionMetrics(new Registry()),
      clock,
      log: pino({ level: 'silent' }),
      policies: async () => policies,
      batchSize: 2,
    });

    beforeAll(async () => {
      db = await driver.open();
      t = await start();
    });
    afterAll(async () => {
      await t?.close();
      await db?.cleanup();
      rmSync(mediaDir, { recursive: true, force: true });
    });

    it('a retention batch failing after its events were deleted but before its media rows: rolled back whole; the next pass finishes', async () => {
      for (let i = 0; i < 3; i++) await read(t, clock.nowMs(), { plate: `CD000${i}`, ageMs: 10 * DAY, camera: 'CRASH-D', images: [jpeg()] });
      const ids = (await Promise.all([0, 1, 2].map((i) => mediaOf(`CD000${i}`)))).flat().map((m: any) => m.id);
      expect(ids).toHaveLength(3);
      const policies = [{ cameraIds: ['ff/default/CRASH-D'], events: '9d' }];
      const failing = failingInTransaction(sqlDb(), /^delete from media/i);

      await expect(runRetentionPass(passDeps(failing.db, policies), new AbortController().signal)).rejects.toBeInstanceOf(InjectedStoreFailure);
      expect(failing.failures()).toBe(1);
      expect(await platesStored(sqlDb(), 'CD%')).toEqual(['CD0000', 'CD0001', 'CD0002']);
      expect(await inconsistencies(sqlDb())).toEqual({ refsWithoutRow: 0, rowsWithoutRef: 0 });
      for (const id of ids) expect(await status(id)).toBe(200); // rows and bytes intact

      const done = await runRetentionPass(passDeps(sqlDb(), policies), new AbortController().signal);
      expect(done).toMatchObject({ complete: true, events: 3, mediaDeleted: 3 });
      expect(await platesStored(sqlDb(), 'CD%')).toEqual([]);
      expect(await inconsistencies(sqlDb())).toEqual({ refsWithoutRow: 0, rowsWithoutRef: 0 });
      for (const id of ids) expect(await status(id)).toBe(404);
    });

    it('a media-expiry batch failing after the refs were stamped but before the rows went: no ref marked expired, bytes served; the next pass expires them', async () => {
      for (let i = 0; i < 3; i++) await read(t, clock.nowMs(), { plate: `CE000${i}`, ageMs: 4 * DAY, camera: 'CRASH-E', images: [jpeg()] });
      const policies = [{ cameraIds: ['ff/default/CRASH-E'], events: '9d', media: '3d' }];
      const failing = failingInTransaction(sqlDb(), /^delete from media/i);

      await expect(runRetentionPass(passDeps(failing.db, policies), new AbortController().signal)).rejects.toBeInstanceOf(InjectedStoreFailure);
      const refs = (await Promise.all([0, 1, 2].map((i) => mediaOf(`CE000${i}`)))).flat();
      expect(refs).toHaveLength(3);
      for (const m of refs) {
        expect(m.expiredAt).toBeNull();
        expect(await status(m.id)).toBe(200);
      }
      expect(await inconsistencies(sqlDb())).toEqual({ refsWithoutRow: 0, rowsWithoutRef: 0 });

      const done = await runRetentionPass(passDeps(sqlDb(), policies), new AbortController().signal);
      expect(done).toMatchObject({ complete: true, events: 0, mediaExpired: 3, mediaDeleted: 3 });
      for (const m of (await Promise.all([0, 1, 2].map((i) => mediaOf(`CE000${i}`)))).flat()) {
        expect(m.expiredAt).not.toBeNull();
        expect(await status(m.id)).toBe(410);
      }
      expect(await inconsistencies(sqlDb())).toEqual({ refsWithoutRow: 0, rowsWithoutRef: 0 });
    });

    it('an erasure failing inside its transaction (bytes already zeroed): rows kept whole; after a server restart erasePlate finishes it, idempotent', async () => {
      for (let i = 0; i < 3; i++) await read(t, clock.nowMs(), { plate: 'CX0001', ageMs: i * 1000, images: [jpeg()] });
      const ids = (await mediaOf('CX0001')).map((m: any) => m.id);
      expect(ids).toHaveLength(3);
      const where = await Promise.all(ids.map(location));
      for (const l of where) expect(bytesAt(l).some((b) => b !== 0)).toBe(true);
      const failing = failingInTransaction(sqlDb(), /^delete from media/i);

      await expect(erasePlate(failing.db, t.app.media, { plate: 'CX0001' }, { batchSize: 2 })).rejects.toBeInstanceOf(InjectedStoreFailure);
      // The first batch's transaction rolled back: its two events and their rows are all there, bytes zeroed (they go first).
      expect(await platesStored(sqlDb(), 'CX%')).toEqual(['CX0001', 'CX0001', 'CX0001']);
      expect(await inconsistencies(sqlDb())).toEqual({ refsWithoutRow: 0, rowsWithoutRef: 0 });
      expect(where.filter((l) => bytesAt(l).every((b) => b === 0))).toHaveLength(2);

      await t.close(); // the process goes away; the database and the media directory stay
      t = await start();
      const r = await gql(ERASE, { input: { plate: 'CX0001' } });
      expect(r.errors).toBeUndefined();
      expect(r.data.erasePlate).toEqual({ events: 3, media: 3, listEntries: 0 });
      expect(await platesStored(sqlDb(), 'CX%')).toEqual([]);
      expect(await inconsistencies(sqlDb())).toEqual({ refsWithoutRow: 0, rowsWithoutRef: 0 });
      for (const id of ids) expect(await status(id)).toBe(404);
      for (const l of where) expect(bytesAt(l).every((b) => b === 0)).toBe(true);
      expect((await gql(ERASE, { input: { plate: 'CX0001' } })).data.erasePlate).toEqual({ events: 0, media: 0, listEntries: 0 });
    });
  });
}
