/** The adapter record store and camera listing, on each driver. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordStore } from '../../src/core/adapter/record-store.ts';
import { upsertCamera } from '../../src/core/cameras/repo.ts';
import { drivers, type TestDb } from '../helpers/db.ts';

for (const driver of drivers) {
  describe(`record store (${driver.name})`, () => {
    let tdb: TestDb;
    beforeAll(async () => {
      tdb = await driver.open();
    });
    afterAll(() => tdb.cleanup());

    it('upserts by key, queries by time range, content and order, scoped per instance', async () => {
      const a = recordStore(tdb.database.db, 'camlytics', 'office');
      const b = recordStore(tdb.database.db, 'camlytics', 'other');
      const h = (n: number) => new Date(Date.UTC(2024, 5, 14, n));
      await a.put('agg', 'ch1|h|10', h(10), { channel: 'ch1', granularity: 'HOURLY', count: 3 });
      await a.put('agg', 'ch1|h|11', h(11), { channel: 'ch1', granularity: 'HOURLY', count: 5 });
      await a.put('agg', 'ch2|h|11', h(11), { channel: 'ch2', granularity: 'HOURLY', count: 7, note: "it's \u0000 fine" });
      await a.put('agg', 'ch1|h|10', h(10), { channel: 'ch1', granularity: 'HOURLY', count: 4 }); // replaced
      await b.put('agg', 'ch1|h|10', h(10), { channel: 'ch1', count: 99 });

      const all = await a.query('agg');
      expect(all).toHaveLength(3);
      expect(all[0].key).toBe('ch1|h|10'); // oldest first
      expect(all.map((r) => r.key).sort()).toEqual(['ch1|h|10', 'ch1|h|11', 'ch2|h|11']);
      expect(all.find((r) => r.key === 'ch1|h|10')!.data).toMatchObject({ count: 4 });
      const ch1 = await a.query('agg', { match: { channel: 'ch1' } });
      expect(ch1.map((r) => (r.data as { count: number }).count)).toEqual([4, 5]);
      const late = await a.query('agg', { from: h(11), order: 'desc' });
      expect(late).toHaveLength(2);
      expect(await a.query('other-collection')).toEqual([]);
      expect((await b.query('agg')).map((r) => (r.data as { count: number }).count)).toEqual([99]);
    });

    it('upserts cameras and keeps a real name', async () => {
      await upsertCamera(tdb.database.db, { id: 'x/y/1', adapter: 'x', instance: 'y', vendorId: '1', name: 'Gate', status: 'ONLINE', capabilities: ['SNAPSHOT'] });
      await upsertCamera(tdb.database.db, { id: 'x/y/1', adapter: 'x', instance: 'y', vendorId: '1', name: 'Gate 2', status: 'OFFLINE' });
      const rows = await tdb.database.db.query.cameras.findMany();
      const cam = rows.find((r) => r.id === 'x/y/1')!;
      expect(cam).toMatchObject({ name: 'Gate 2', status: 'OFFLINE', capabilities: ['SNAPSHOT'] });
    });
  });
}
