/**
 * addPlates / removePlates racing deletePlateList answer NOT_FOUND, never INTERNAL: the list is
 * deleted after the caller found it (the insert or delete then meets no list), deterministically by
 * deleting first and calling the store with the stale id; through the services the same. Both drivers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlateList, deletePlateList, removeEntries, upsertEntries } from '../../../src/core/plates/repo.ts';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { drivers, type TestDb } from '../../helpers/db.ts';

const entry = (p: string) => ({ plateNormalized: p, plate: p, label: null, validFrom: null, validTo: null });

for (const driver of drivers) {
  describe(`plate lists deleted mid-change on ${driver.name}`, () => {
    let db: TestDb;
    let t: TestApp;
    beforeAll(async () => {
      db = await driver.open();
      t = await startTestApp({ db });
    });
    afterAll(async () => {
      await t?.close();
      await db?.cleanup();
    });

    it('the store answers NOT_FOUND for a list deleted after it was found', async () => {
      const list = await createPlateList(db.database.db, { name: 'stale', kind: 'DENY', maxDistance: 0 });
      expect(await deletePlateList(db.database.db, list.id)).toBe(true);
      await expect(upsertEntries(db.database.db, list.id, [entry('AB1')])).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await expect(removeEntries(db.database.db, list.id, ['AB1'])).rejects.toMatchObject({ code: 'NOT_FOUND' });
    });

    it('addPlates and removePlates through the services answer NOT_FOUND once the list is gone', async () => {
      const s = t.app.services.plateLists;
      const list = await s.create({ name: 'gone', kind: 'WATCH', maxDistance: 1 });
      await s.addPlates(list.id, [entry('GN1')]);
      expect(await s.delete(list.id)).toBe(true);
      await expect(s.addPlates(list.id, [entry('GN2')])).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await expect(s.removePlates(list.id, ['GN1'])).rejects.toMatchObject({ code: 'NOT_FOUND' });
    });
  });
}
