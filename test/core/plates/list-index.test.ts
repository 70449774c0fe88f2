/** The per-instance plate list index: rebuilt on refresh, and on a match once its TTL has passed (another instance's change without Redis). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PlateListIndex } from '../../../src/core/plates/list-index.ts';
import { createPlateList, upsertEntries } from '../../../src/core/plates/repo.ts';
import { openPgliteTestDb, type TestDb } from '../../helpers/db.ts';
import { waitFor } from '../../helpers/wait-for.ts';

describe('PlateListIndex', () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await openPgliteTestDb();
  });
  afterAll(() => t.cleanup());

  it('matches against the lists as last loaded; a change elsewhere shows after refresh, or on the first match past the TTL', async () => {
    const db = t.database.db;
    let now = 0;
    const here = new PlateListIndex(db, { ttlMs: 1000, now: () => now });
    await here.refresh();
    const at = new Date('2025-06-01T00:00:00Z');
    expect(here.match('AB123', at)).toEqual([]);

    // "Another instance" changes the store: this index still answers from what it loaded.
    const list = await createPlateList(db, { name: 'ttl', kind: 'DENY', maxDistance: 0 });
    await upsertEntries(db, list.id, [{ plateNormalized: 'AB123', plate: 'AB-123', label: null, validFrom: null, validTo: null }]);
    now = 999;
    expect(here.match('AB123', at)).toEqual([]);

    // Before the TTL nothing rebuilds; past it a match starts a rebuild (never waits for it) and later matches see the change.
    expect(here.size).toBe(0);
    now = 1000;
    expect(here.match('AB123', at)).toEqual([]);
    await waitFor(() => here.size === 1, 5000, 'the rebuild started by a match past the TTL');
    expect(here.match('A8I23', at).map((m) => [m.listName, m.kind, m.distance])).toEqual([['ttl', 'DENY', 0]]);
  });
});
