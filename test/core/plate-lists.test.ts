/**
 * Plate lists through GraphQL on a real server, FF plate reads posted over HTTP: list CRUD and a
 * 10,000-entry bulk load, each distance case end to end (look-alike, one edit, maxDistance 0 vs 1,
 * expired and not yet valid entries), history kept after an entry is removed and after its list is
 * deleted, the plateListIds filter, bad inputs and the admin scope. Both drivers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { drivers, type TestDb } from '../helpers/db.ts';
import { ffJson, postFf } from '../helpers/ff-events.ts';

const ADMIN = 'admin-key-0123456789abcdef';
const READER = 'read-key-0123456789abcdefg';
const bearer = (k: string) => ({ authorization: `Bearer ${k}` });
const config = {
  auth: {
    apiKeys: [
      { key: ADMIN, scopes: ['admin', 'events:read', 'events:write'] },
      { key: READER, scopes: ['events:read', 'events:write'] },
    ],
  },
  adapters: [{ type: 'ff', id: 'default', tcpPort: 0 }],
};
const T0 = Date.parse('2025-06-01T12:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

type Gql = { data?: any; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };
const codes = (r: Gql) => (r.errors ?? []).map((e) => e.extensions?.code);

const CREATE = `mutation($input: CreatePlateListInput!) { createPlateList(input: $input) { id name kind maxDistance size } }`;
const ADD = `mutation($input: AddPlatesInput!) { addPlates(input: $input) { id size } }`;
const REMOVE = `mutation($input: RemovePlatesInput!) { removePlates(input: $input) { id size } }`;
const DELETE = `mutation($id: ID!) { deletePlateList(id: $id) }`;
const MATCHES = `query($f: EventFilter) { events(filter: $f, first: 20) { edges { node { ... on PlateReadEvent { plate listMatches { list { id name } listName kind distance entry { plate plateNormalized label validFrom validTo } } } } } } }`;

for (const driver of drivers) {
  describe(`plate lists on ${driver.name}`, () => {
    let t: TestApp;
    let db: TestDb;
    let packet = 0;
    const gql = (q: string, v?: Record<string, unknown>, key = ADMIN) => t.gql(q, v, bearer(key)) as Promise<Gql>;
    const ok = async (q: string, v?: Record<string, unknown>) => {
      const r = await gql(q, v);
      expect(r.errors).toBeUndefined();
      return r.data;
    };
    const createList = async (name: string, kind: string, maxDistance?: number) => (await ok(CREATE, { input: { name, kind, maxDistance } })).createPlateList;
    /** Post an FF plate read at `at`; resolves once stored. */
    const read = async (plateText: string, at = T0) => {
      packet++;
      const res = await postFf(t.url, ffJson(packet, { plateText, capture_timestamp: String(at), sensorProviderID: 'GATE' }), 'default', bearer(ADMIN));
      expect(res.status).toBe(200);
    };
    /** listMatches of the newest read of this plate text. */
    const matchesOf = async (plateText: string) => {
      const d = await ok(MATCHES, { f: { plate: plateText } });
      expect(d.events.edges.length).toBeGreaterThan(0);
      return d.events.edges[0].node.listMatches as Array<{ list: { id: string; name: string } | null; listName: string; kind: string; distance: number; entry: any }>;
    };

    beforeAll(async () => {
      db = await driver.open();
      t = await startTestApp({ config, db });
    });
    afterAll(async () => {
      await t?.close();
      await db?.cleanup();
    });

    it('creates, lists, bulk-loads 10,000 entries in one call, pages and filters entries, upserts, removes and deletes', async () => {
      const list = await createList('bulk', 'WATCH');
      expect(list).toMatchObject({ name: 'bulk', kind: 'WATCH', maxDistance: 0, size: 0 });
      const entries = Array.from({ length: 10_000 }, (_, i) => ({ plate: `BK-${String(i).padStart(5, '0')}`, label: `car ${i}` }));
      expect((await ok(ADD, { input: { listId: list.id, entries } })).addPlates).toEqual({ id: list.id, size: 10_000 });

      const page = await ok(
        `query($id: ID!) { node(id: $id) { ... on PlateList { entries(first: 2, plate: "bk0012*") { edges { cursor node { plate plateNormalized label } } pageInfo { hasNextPage endCursor } } } } }`,
        { id: list.id },
      );
      expect(page.node.entries.edges.map((e: any) => e.node)).toEqual([
        { plate: 'BK-00120', plateNormalized: 'BK00120', label: 'car 120' },
        { plate: 'BK-00121', plateNormalized: 'BK00121', label: 'car 121' },
      ]);
      expect(page.node.entries.pageInfo.hasNextPage).toBe(true);
      const next = await ok(
        `query($id: ID!, $after: String) { node(id: $id) { ... on PlateList { entries(first: 100, after: $after, plate: "BK0012*") { edges { node { plateNormalized } } pageInfo { hasNextPage } } } } }`,
        {
          id: list.id,
          after: page.node.entries.pageInfo.endCursor,
        },
      );
      expect(next.node.entries.edges.map((e: any) => e.node.plateNormalized)).toEqual(['BK00122', 'BK00123', 'BK00124', 'BK00125', 'BK00126', 'BK00127', 'BK00128', 'BK00129']);
      expect(next.node.entries.pageInfo.hasNextPage).toBe(false);

      // Upsert by normalized plate: "bk 00001" replaces BK-00001.
      expect((await ok(ADD, { input: { listId: list.id, entries: [{ plate: 'bk 00001', label: 'renamed' }] } })).addPlates.size).toBe(10_000);
      const one = await ok(`query($id: ID!) { node(id: $id) { ... on PlateList { entries(first: 5, plate: "BK00001") { edges { node { plate label } } } } } }`, { id: list.id });
      expect(one.node.entries.edges.map((e: any) => e.node)).toEqual([{ plate: 'bk 00001', label: 'renamed' }]);

      expect((await ok(REMOVE, { input: { listId: list.id, plates: ['BK-00001', 'bk00002', 'NOT-THERE'] } })).removePlates.size).toBe(9_998);
      expect((await ok('{ plateLists { name size } }')).plateLists).toContainEqual({ name: 'bulk', size: 9_998 });
      // The bulk bound holds for a variable given to the field itself and for a literal list too.
      const direct = `mutation($id: ID!, $entries: [PlateListEntryInput!]!) { addPlates(input: { listId: $id, entries: $entries }) { size } }`;
      expect((await ok(direct, { id: list.id, entries: entries.slice(0, 150).map((e) => ({ ...e, plate: `D${e.plate}` })) })).addPlates.size).toBe(10_148);
      const literal = `mutation { removePlates(input: { listId: ${JSON.stringify(list.id)}, plates: [${entries
        .slice(0, 150)
        .map((e) => JSON.stringify(`D${e.plate}`))
        .join(',')}] }) { size } }`;
      expect((await ok(literal)).removePlates.size).toBe(9_998);
      expect((await ok(DELETE, { id: list.id })).deletePlateList).toBe(true);
      expect((await ok(DELETE, { id: list.id })).deletePlateList).toBe(false);
      expect((await ok('{ plateLists { name } }')).plateLists).not.toContainEqual({ name: 'bulk' });
      expect(codes(await gql(ADD, { input: { listId: list.id, entries: [{ plate: 'A1' }] } }))).toEqual(['NOT_FOUND']);
    }, 90_000); // 10,000 entries through GraphQL on PGlite: slow on a busy 2-core machine

    it('matches each distance case at ingest: look-alikes free, one edit only where maxDistance is 1, validity windows at occurredAt', async () => {
      const deny = await createList('deny-exact', 'DENY', 0);
      const watch = await createList('watch-near', 'WATCH', 1);
      await ok(ADD, { input: { listId: deny.id, entries: [{ plate: 'ABC-123', label: 'stolen' }] } });
      await ok(ADD, { input: { listId: watch.id, entries: [{ plate: 'ABC123' }, { plate: 'XYZ789', label: 'visitor' }] } });
      const timed = await createList('timed', 'ALLOW', 0);
      await ok(ADD, { input: { listId: timed.id, entries: [{ plate: 'TIM111', label: 'contractor', validFrom: iso(T0), validTo: iso(T0 + 3_600_000) }] } });

      await read('A8C 1Z3'); // B/8 and 2/Z look alike: distance 0 for both lists
      expect((await matchesOf('A8C1Z3')).map((m) => [m.listName, m.kind, m.distance, m.entry.plate, m.list?.id])).toEqual([
        ['deny-exact', 'DENY', 0, 'ABC-123', deny.id],
        ['watch-near', 'WATCH', 0, 'ABC123', watch.id],
      ]);

      await read('ABC124'); // one edit: only the maxDistance 1 list
      expect((await matchesOf('ABC124')).map((m) => [m.listName, m.distance])).toEqual([['watch-near', 1]]);
      await read('XYZ78'); // one deletion
      expect((await matchesOf('XYZ78')).map((m) => [m.listName, m.distance, m.entry.label])).toEqual([['watch-near', 1, 'visitor']]);
      await read('XZY789'); // two edits: nothing
      expect(await matchesOf('XZY789')).toEqual([]);

      await read('TIM111', T0 + 60_000);
      expect((await matchesOf('TIM111')).map((m) => [m.listName, m.entry.validFrom, m.entry.validTo])).toEqual([['timed', iso(T0), iso(T0 + 3_600_000)]]);
      await read('TIM 111', T0 + 3_600_000); // expired (validTo is exclusive)
      expect(await matchesOf('TIM111')).toEqual([]);
      await read('TIM-111', T0 - 1); // not yet valid
      expect(await matchesOf('TIM111')).toEqual([]);
    });

    it('keeps the match in history after the entry is removed and after the list is deleted; plateListIds filters reads', async () => {
      const gone = await createList('to-delete', 'WATCH', 1);
      const kept = await createList('kept', 'DENY', 0);
      await ok(ADD, { input: { listId: gone.id, entries: [{ plate: 'HIS001', label: 'history' }] } });
      await ok(ADD, { input: { listId: kept.id, entries: [{ plate: 'REM001', label: 'removed later' }] } });
      await read('HIS001');
      await read('REM001');
      await read('OTHER1');

      const filtered = async (ids: string[]) => (await ok(MATCHES, { f: { plateListIds: ids } })).events.edges.map((e: any) => e.node.plate);
      expect(await filtered([gone.id])).toEqual(['HIS001']);
      expect(await filtered([kept.id])).toEqual(['REM001']);
      expect((await filtered([gone.id, kept.id])).sort()).toEqual(['HIS001', 'REM001']);

      await ok(REMOVE, { input: { listId: kept.id, plates: ['REM001'] } });
      await read('REM001', T0 + 1000); // a new read no longer matches
      const rem = (await ok(MATCHES, { f: { plate: 'REM001' } })).events.edges.map((e: any) => e.node.listMatches);
      expect(rem).toEqual([
        [],
        [
          {
            list: { id: kept.id, name: 'kept' },
            listName: 'kept',
            kind: 'DENY',
            distance: 0,
            entry: { plate: 'REM001', plateNormalized: 'REM001', label: 'removed later', validFrom: null, validTo: null },
          },
        ],
      ]);

      expect((await ok(DELETE, { id: gone.id })).deletePlateList).toBe(true);
      expect(await matchesOf('HIS001')).toEqual([
        { list: null, listName: 'to-delete', kind: 'WATCH', distance: 0, entry: { plate: 'HIS001', plateNormalized: 'HIS001', label: 'history', validFrom: null, validTo: null } },
      ]);
      expect(await filtered([gone.id])).toEqual(['HIS001']); // a deleted list's id still finds its reads
      await read('HIS001', T0 + 2000);
      expect(await matchesOf('HIS001')).toEqual([]);
    });

    it('answers BAD_USER_INPUT for bad inputs', async () => {
      const list = await createList('inputs', 'ALLOW');
      const add = (entries: unknown[]) => gql(ADD, { input: { listId: list.id, entries } });
      for (const maxDistance of [-1, 4]) expect(codes(await gql(CREATE, { input: { name: `d${maxDistance}`, kind: 'WATCH', maxDistance } })), String(maxDistance)).toEqual(['BAD_USER_INPUT']);
      expect(codes(await gql(CREATE, { input: { name: '  ', kind: 'WATCH' } }))).toEqual(['BAD_USER_INPUT']);
      expect(codes(await gql(CREATE, { input: { name: 'inputs', kind: 'DENY' } }))).toEqual(['BAD_USER_INPUT']); // name taken
      expect(codes(await gql(CREATE, { input: { name: 'x', kind: 'MAYBE' } }))).toEqual(['BAD_USER_INPUT']);
      expect(codes(await add([{ plate: '' }]))).toEqual(['BAD_USER_INPUT']);
      expect(codes(await add([{ plate: ' - ' }]))).toEqual(['BAD_USER_INPUT']); // nothing left once normalized
      expect(codes(await add([{ plate: 'A'.repeat(21) }]))).toEqual(['BAD_USER_INPUT']);
      expect(codes(await add([{ plate: 'OK1', label: 'x'.repeat(201) }]))).toEqual(['BAD_USER_INPUT']);
      expect(codes(await add([{ plate: 'OK1', validFrom: iso(T0), validTo: iso(T0) }]))).toEqual(['BAD_USER_INPUT']);
      expect(codes(await add([]))).toEqual(['BAD_USER_INPUT']);
      expect(codes(await add(Array.from({ length: 10_001 }, (_, i) => ({ plate: `P${i}` }))))).toEqual(['BAD_USER_INPUT']);
      expect(codes(await gql(REMOVE, { input: { listId: list.id, plates: Array.from({ length: 10_001 }, (_, i) => `P${i}`) } }))).toEqual(['BAD_USER_INPUT']);
      expect(codes(await gql(REMOVE, { input: { listId: list.id, plates: [''] } }))).toEqual(['BAD_USER_INPUT']);
      expect(codes(await gql(MATCHES, { f: { plateListIds: Array.from({ length: 51 }, (_, i) => `l${i}`) } }))).toEqual(['BAD_USER_INPUT']);
      // The bulk bound is for plate lists only: other lists keep limits.maxListItems.
      expect(codes(await gql(MATCHES, { f: { cameraIds: Array.from({ length: 101 }, (_, i) => `c${i}`) } }))).toEqual(['BAD_USER_INPUT']);
      expect((await ok('{ plateLists { name size } }')).plateLists).toContainEqual({ name: 'inputs', size: 0 });
    });

    it('needs the admin scope to change lists (events:read reads them)', async () => {
      const list = await createList('scoped', 'ALLOW');
      expect(codes(await gql(CREATE, { input: { name: 'nope', kind: 'ALLOW' } }, READER))).toEqual(['FORBIDDEN']);
      expect(codes(await gql(ADD, { input: { listId: list.id, entries: [{ plate: 'A1' }] } }, READER))).toEqual(['FORBIDDEN']);
      expect(codes(await gql(REMOVE, { input: { listId: list.id, plates: ['A1'] } }, READER))).toEqual(['FORBIDDEN']);
      expect(codes(await gql(DELETE, { id: list.id }, READER))).toEqual(['FORBIDDEN']);
      expect((await gql('{ plateLists { name } }', undefined, READER)).data.plateLists).toContainEqual({ name: 'scoped' });
    });
  });
}
