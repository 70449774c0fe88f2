/**
 * Config `rules:`: upserted by name at start-up (origin config), cameras by key or source id, plate
 * lists by name; a bad entry stops start-up with one line per problem naming its path.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/config/load.ts';
import { VxgSimulator } from '../../simulators/vxg/index.ts';
import { defaultEventTypes } from '../../simulators/vxg/store.ts';
import { startTestApp } from '../helpers/app.ts';
import { openPgliteTestDb, type TestDb } from '../helpers/db.ts';

const CAM = 248527;
const ioAlarm = { name: 'io_alarm', caps: { can_be_triggered: true, can_record: false, can_snapshot: false, is_periodic: false }, notify: true, receive: true, record: false, snapshot: false };

describe('config rules', () => {
  let sim: VxgSimulator;
  let db: TestDb;
  const base = () => ({
    adapters: [
      { type: 'ff', id: 'default', tcpPort: 0 },
      { type: 'vxg', id: 'cloud', accessToken: [sim.tokenFor(CAM)], pollIntervalSec: 3600 },
    ],
    sites: [{ id: 'gate', name: 'Gate' }],
    cameras: [{ id: 'gate-north', site: 'gate', sources: ['ff/default/GATE-NORTH'] }],
  });

  beforeAll(async () => {
    sim = new VxgSimulator({ seed: 'rules-config', cameras: [{ camid: CAM, eventTypes: [...defaultEventTypes(), ioAlarm] }] });
    await sim.start();
    db = await openPgliteTestDb();
  });
  afterAll(async () => {
    await db?.cleanup();
    await sim?.stop();
  });

  it('a bad entry stops start-up with one line per problem naming the path', async () => {
    const rules = [
      { name: 'ok', when: { siteIds: ['gate'] }, actions: [{ trigger: { cameraId: `vxg/cloud/${CAM}`, type: 'io_alarm' } }] },
      { name: 'ff cannot trigger', when: { cameraIds: ['gate-north'] }, actions: [{ trigger: { cameraId: 'gate-north', type: 'io_alarm' } }] },
      { name: 'no list', when: { plateListIds: ['nope'] }, actions: [{ trigger: { cameraId: `vxg/cloud/${CAM}`, type: 'io_alarm' } }] },
    ];
    const err = await startTestApp({ config: { ...base(), rules }, db }).then(
      async (t) => {
        await t.close();
        return null;
      },
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).problems).toEqual([
      expect.stringMatching(/^rules\[1\]\.actions\[0\]\.trigger\.cameraId: camera .* does not support TRIGGER_EVENT$/),
      'rules[2].when.plateListIds[0]: no plate list named "nope"',
    ]);
  });

  it('upserts by name at start-up (origin config): cameras by key or source id', async () => {
    const rule = { name: 'north', when: { cameraIds: ['gate-north'] }, actions: [{ trigger: { cameraId: `vxg/cloud/${CAM}`, type: 'io_alarm' } }], cooldownSec: 5 };
    let t = await startTestApp({ config: { ...base(), rules: [rule] }, db });
    const q = '{ rules { name origin cooldownSec when actions { trigger { type } } } }';
    let r = await t.gql(q);
    const north = r.data.rules.find((x: { name: string }) => x.name === 'north');
    expect(north).toEqual({ name: 'north', origin: 'config', cooldownSec: 5, when: { cameraIds: ['ff/default/GATE-NORTH'] }, actions: [{ trigger: { type: 'io_alarm' } }] });
    await t.close();
    t = await startTestApp({ config: { ...base(), rules: [{ ...rule, cooldownSec: 30 }] }, db });
    r = await t.gql(q);
    expect(r.data.rules.filter((x: { name: string }) => x.name === 'north').map((x: { cooldownSec: number }) => x.cooldownSec)).toEqual([30]);
    await t.close();
  });
});
