/**
 * Linked cameras across two instances on one PostgreSQL and one Redis (TEST_DATABASE_URL,
 * TEST_REDIS_URL): a link made on one instance is visible on the other at once. The device cache
 * is set to an hour (cluster.deviceCacheSec), so only the Redis change signal can make it show.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upsertCamera } from '../../src/core/cameras/repo.ts';
import { openDatabase, type Database } from '../../src/core/db/client.ts';
import { encodeGlobalId } from '../../src/sdk.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { createPostgresDatabase, TEST_DATABASE_URL } from '../helpers/db.ts';
import { waitFor } from '../helpers/wait-for.ts';

const TEST_REDIS_URL = process.env.TEST_REDIS_URL || undefined;
const skip = !TEST_DATABASE_URL || !TEST_REDIS_URL;
if (skip) console.log('TEST_DATABASE_URL or TEST_REDIS_URL is not set: linked cameras across instances are skipped.');

const cam = (id: string) => encodeGlobalId('Camera', id);
const SOURCES = 'query($id: ID!) { camera(id: $id) { id sources { vendorId } } }';

describe.skipIf(skip)('linked cameras across two instances (postgres + redis)', () => {
  const apps: TestApp[] = [];
  const dbs: Database[] = [];
  let drop = async () => {};

  beforeAll(async () => {
    const created = await createPostgresDatabase('links');
    drop = created.drop;
    const config = {
      adapters: [{ type: 'ff', id: 'default', tcpPort: 0 }],
      cluster: { deviceCacheSec: 3600 },
      cameras: [{ id: 'gate', sources: ['ff/default/GATE'] }],
    };
    for (let i = 0; i < 2; i++) {
      const database = await openDatabase({ url: created.url, maxConnections: 4 });
      dbs.push(database);
      if (i === 0) await upsertCamera(database.db, { id: 'ff/default/LANE', adapter: 'ff', instance: 'default', vendorId: 'LANE', name: 'Lane' }); // as if seen by FF
      apps.push(await startTestApp({ config, db: { name: 'postgres', database, cleanup: async () => {} }, redisUrl: TEST_REDIS_URL }));
    }
  }, 60_000);

  afterAll(async () => {
    for (const a of apps) await a.close();
    for (const d of dbs) await d.close();
    await drop();
  });

  it('a link made on one instance is visible on the other at once; so is the unlink', async () => {
    const [a, b] = apps;
    const sourcesOn = async (t: TestApp, id: string) => ((await t.gql(SOURCES, { id })).data?.camera?.sources ?? []).map((s: { vendorId: string }) => s.vendorId);
    expect(await sourcesOn(b, cam('ff/default/GATE'))).toEqual(['GATE']); // cached on b for an hour
    expect((await b.gql(SOURCES, { id: cam('ff/default/LANE') })).data.camera.id).toBe(cam('ff/default/LANE'));

    const r = await a.gql('mutation($i: LinkCamerasInput!) { linkCameras(input: $i) { id } }', { i: { into: cam('ff/default/GATE'), from: [cam('ff/default/LANE')] } });
    expect(r.errors).toBeUndefined();
    await waitFor(async () => (await sourcesOn(b, cam('ff/default/GATE'))).join() === 'GATE,LANE', 5000, 'the link on the other instance');
    expect((await b.gql(SOURCES, { id: cam('ff/default/LANE') })).data.camera.id).toBe(cam('ff/default/GATE'));

    const u = await b.gql('mutation($i: UnlinkCameraSourceInput!) { unlinkCameraSource(input: $i) { id } }', {
      i: { cameraId: cam('ff/default/GATE'), source: { adapter: 'ff', instance: 'default', vendorId: 'LANE' } },
    });
    expect(u.errors).toBeUndefined();
    await waitFor(async () => (await sourcesOn(a, cam('ff/default/GATE'))).join() === 'GATE', 5000, 'the unlink on the first instance');
  });
});
