/**
 * A full rebuild of a 100,000-entry plate list index (maxDistance 1) does not hold ingest: the
 * rebuild is held at one of its pauses between slices (AppOptions.plateListPause), and meanwhile FF
 * reads are ingested, stored and queried, matched against the last completed index; once released,
 * the new index serves the next reads.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upsertEntries } from '../../src/core/plates/repo.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { ffJson, postFf } from '../helpers/ff-events.ts';
import { waitFor } from '../helpers/wait-for.ts';

const MATCHES = `query($f: EventFilter) { events(filter: $f, first: 5) { edges { node { ... on PlateReadEvent { plate listMatches { listName distance } } } } } }`;
const T0 = Date.parse('2025-06-01T12:00:00Z');

describe('plate list rebuild', () => {
  let t: TestApp;
  /** While set, every pause of a rebuild waits for it. */
  let gate: { promise: Promise<void>; release: () => void } | null = null;
  let held = 0;
  beforeAll(async () => {
    t = await startTestApp({
      plateListPause: async () => {
        if (gate) {
          held++;
          await gate.promise;
        } else await nextTurn();
      },
    });
  });
  afterAll(() => t?.close());

  it('keeps ingest served while a 100,000-entry rebuild runs; reads match the last completed index until it is done', async () => {
    let packet = 0;
    const read = async (plateText: string) => {
      packet++;
      const res = await postFf(t.url, ffJson(packet, { plateText, capture_timestamp: String(T0 + packet) }));
      expect(res.status).toBe(200);
    };
    const matchesOf = async (plate: string) => {
      const r = await t.gql(MATCHES, { f: { plate } });
      expect(r.errors).toBeUndefined();
      return r.data.events.edges[0].node.listMatches;
    };

    const created = await t.gql(`mutation { createPlateList(input: { name: "big", kind: ALLOW, maxDistance: 1 }) { id } }`);
    expect(created.errors).toBeUndefined();
    // 100,000 entries written to the store as another instance would (this index learns them by a rebuild).
    const lists = await t.app.services.plateLists.lists();
    const big = lists.find((l) => l.name === 'big')!;
    for (let c = 0; c < 10; c++)
      await upsertEntries(
        t.db.database.db,
        big.id,
        Array.from({ length: 10_000 }, (_, i) => {
          const p = `RB${String(c * 10_000 + i).padStart(6, '0')}`;
          return { plateNormalized: p, plate: p, label: null, validFrom: null, validTo: null };
        }),
      );
    expect(t.app.plateLists.size).toBe(0);

    let release!: () => void;
    gate = { promise: new Promise<void>((r) => (release = r)), release: () => release() };
    const rebuilt = t.app.plateLists.refresh();
    await waitFor(() => held > 0, 60_000, 'the rebuild to reach a pause');
    expect(t.app.plateLists.rebuilding).toBe(true);

    // Mid-rebuild: reads are ingested, stored and queried; they match the previous (empty) index.
    await read('RB000042');
    await read('RB00004');
    expect(await matchesOf('RB000042')).toEqual([]);
    expect(await matchesOf('RB00004')).toEqual([]);
    expect(t.app.plateLists.rebuilding).toBe(true);

    gate = null;
    release();
    await rebuilt;
    expect(t.app.plateLists.size).toBe(100_000);
    await read('R8000042'); // B/8 look alike
    await read('RB00043'); // one deletion from RB000043 (and others)
    await read('XX999999');
    expect(await matchesOf('R8000042')).toEqual([{ listName: 'big', distance: 0 }]);
    expect(await matchesOf('RB00043')).toEqual([{ listName: 'big', distance: 1 }]);
    expect(await matchesOf('XX999999')).toEqual([]);
  }, 180_000);
});
