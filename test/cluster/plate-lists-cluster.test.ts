/**
 * Plate lists across two instances on one PostgreSQL and one Redis (TEST_DATABASE_URL,
 * TEST_REDIS_URL): a list changed on one instance is matched against at once by reads ingested on
 * the other. The index TTL is set to an hour (cluster.deviceCacheSec), so only the Redis change
 * signal can make it show.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/core/db/client.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { createPostgresDatabase, TEST_DATABASE_URL } from '../helpers/db.ts';
import { ffJson, postFf } from '../helpers/ff-events.ts';
import { waitFor } from '../helpers/wait-for.ts';

const TEST_REDIS_URL = process.env.TEST_REDIS_URL || undefined;
const skip = !TEST_DATABASE_URL || !TEST_REDIS_URL;
if (skip) console.log('TEST_DATABASE_URL or TEST_REDIS_URL is not set: plate lists across instances are skipped.');

const MATCHES = `query($p: String!) { events(filter: { plate: $p }, first: 1) { edges { node { ... on PlateReadEvent { listMatches { listName distance } } } } } }`;

describe.skipIf(skip)('plate lists across two instances (postgres + redis)', () => {
  const apps: TestApp[] = [];
  const dbs: Database[] = [];
  let drop = async () => {};
  let packet = 0;

  beforeAll(async () => {
    const created = await createPostgresDatabase('lists');
    drop = created.drop;
    const config = { adapters: [{ type: 'ff', id: 'default', tcpPort: 0 }], cluster: { deviceCacheSec: 3600 } };
    for (let i = 0; i < 2; i++) {
      const database = await openDatabase({ url: created.url, maxConnections: 4 });
      dbs.push(database);
      apps.push(await startTestApp({ config, db: { name: 'postgres', database, cleanup: async () => {} }, redisUrl: TEST_REDIS_URL }));
    }
  }, 60_000);

  afterAll(async () => {
    for (const a of apps) await a.close();
    for (const d of dbs) await d.close();
    await drop();
  });

  it('plates added on one instance match reads ingested on the other; removed ones stop matching there', async () => {
    const [a, b] = apps;
    /** Post a read of `plate` to `t` and answer the list names it matched. */
    const readOn = async (t: TestApp, plate: string) => {
      packet++;
      expect((await postFf(t.url, ffJson(packet, { plateText: plate }))).status).toBe(200);
      const r = await t.gql(MATCHES, { p: plate });
      return (r.data?.events.edges[0]?.node.listMatches ?? []).map((m: { listName: string }) => m.listName);
    };
    expect(await readOn(b, 'CLU001')).toEqual([]); // b's index is built (empty) and kept for an hour

    const created = await a.gql('mutation { createPlateList(input: { name: "cluster", kind: DENY }) { id } }');
    const id = created.data.createPlateList.id;
    expect((await a.gql('mutation($i: AddPlatesInput!) { addPlates(input: $i) { size } }', { i: { listId: id, entries: [{ plate: 'CLU001' }] } })).errors).toBeUndefined();
    await waitFor(async () => (await readOn(b, 'CLU001')).join() === 'cluster', 5000, 'the list on the other instance');

    expect((await b.gql('mutation($i: RemovePlatesInput!) { removePlates(input: $i) { size } }', { i: { listId: id, plates: ['CLU001'] } })).errors).toBeUndefined();
    await waitFor(async () => (await readOn(a, 'CLU001')).length === 0, 5000, 'the removal on the first instance');
  });
});
