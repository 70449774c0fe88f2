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

  it('applies local changes incrementally, in order, and replays those made during a rebuild onto its result', async () => {
    const db = t.database.db;
    let gate: Promise<void> | null = null;
    let held = 0;
    const index = new PlateListIndex(db, {
      ttlMs: 3_600_000,
      pause: async () => {
        if (gate) {
          held++;
          await gate;
        } else await new Promise<void>((r) => setImmediate(r));
      },
    });
    await index.refresh();
    const before = index.size; // the other test's list
    const at = new Date('2025-06-01T00:00:00Z');
    const list = await createPlateList(db, { name: 'local', kind: 'WATCH', maxDistance: 1 });
    await upsertEntries(db, list.id, [{ plateNormalized: 'INDB01', plate: 'INDB01', label: null, validFrom: null, validTo: null }]);
    const e = (p: string, label: string | null = null) => ({ listId: list.id, plateNormalized: p, plate: p, label, validFrom: null, validTo: null });

    await index.apply({ type: 'putList', list });
    // Only this instance's change is applied: the store's INDB01 (written "elsewhere") is not seen yet.
    await index.apply({ type: 'upsert', listId: list.id, entries: [e('LOC001', 'first'), e('LOC001', 'last wins'), e('LOC002')] });
    expect(index.match('LOC01', at).map((m) => [m.listName, m.distance, m.entryLabel])).toEqual([['local', 1, 'last wins']]);
    expect(index.match('INDB01', at)).toEqual([]);
    await index.apply({ type: 'remove', listId: list.id, platesNormalized: ['LOC002'] });
    expect(index.match('LOC002', at).map((m) => [m.entryPlate, m.distance])).toEqual([['LOC001', 1]]); // LOC002 itself is gone
    expect(index.size).toBe(before + 1);

    // A rebuild held mid-way: a change applied meanwhile is matched at once, and kept by the rebuilt index.
    let release!: () => void;
    gate = new Promise<void>((r) => (release = r));
    // Enough entries in the store for the rebuild to pause.
    await upsertEntries(
      db,
      list.id,
      Array.from({ length: 20_000 }, (_, i) => ({ plateNormalized: `ST${String(i).padStart(5, '0')}`, plate: `ST${i}`, label: null, validFrom: null, validTo: null })),
    );
    const rebuilt = index.refresh();
    await waitFor(() => held > 0 || !index.rebuilding, 60_000, 'the rebuild to pause');
    const applied = index.apply({ type: 'upsert', listId: list.id, entries: [e('DURING1')] });
    gate = null;
    if (held > 0) {
      // The change waits for nothing but its own slices: it is matched before the rebuild completes.
      await applied;
      expect(index.rebuilding).toBe(true);
      expect(index.match('DURING1', at).map((m) => m.entryPlate)).toEqual(['DURING1']);
    }
    release();
    await rebuilt;
    await applied;
    expect(index.match('DURING1', at).map((m) => m.entryPlate)).toEqual(['DURING1']); // not in the store: replayed from the journal
    expect(index.match('INDB01', at).map((m) => m.entryPlate)).toEqual(['INDB01']);
    expect(index.depth).toBe(2); // the rebuilt base and the change replayed onto it
    await index.apply({ type: 'dropList', listId: list.id });
    expect(index.match('DURING1', at)).toEqual([]);
    expect(index.size).toBe(before);
  }, 120_000);
});
