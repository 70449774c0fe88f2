/**
 * A site's time zone is the default for FF `datetime` without offset (no capture_timestamp): an
 * instance without `timezone` reads it in the zone of the site of the camera the device belongs to
 * (a linked source takes its camera's site), an instance with `timezone` set keeps its own, a
 * device without site is read in UTC. A run-time move to another site or a link applies to the
 * next event at once. Through a real server (HTTP push, PGlite and, with TEST_DATABASE_URL,
 * PostgreSQL); results read back through GraphQL.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { drivers, type TestDb } from '../../helpers/db.ts';

type Ev = Record<string, any>;
const SAMPLE: Ev = JSON.parse(readFileSync(new URL('../../fixtures/ff/sample-update.json', import.meta.url), 'utf8'));
/** Camera-local wall time without offset, and no epoch fields: only a zone can place it. */
const LOCAL = '20240614 160436372';
const AT = {
  tokyo: '2024-06-14T07:04:36.372Z', // UTC+9
  prague: '2024-06-14T14:04:36.372Z', // CEST, UTC+2
  newYork: '2024-06-14T20:04:36.372Z', // EDT, UTC-4
  utc: '2024-06-14T16:04:36.372Z',
};

const event = (deviceId: string, carId: string): Ev => {
  const { capture_timestamp: _a, capture_ts: _b, frame_timestamp: _c, ...rest } = SAMPLE;
  return { ...rest, sensorProviderID: deviceId, carID: carId, datetime: LOCAL };
};

const EVENTS = 'query { events(first: 100) { edges { node { occurredAt camera { key site { key } } ... on FfPlateEvent { carId } } } } }';
const LINK = 'mutation($input: LinkCamerasInput!) { linkCameras(input: $input) { id } }';
const UPDATE = 'mutation($input: UpdateCameraInput!) { updateCamera(input: $input) { id site { key } } }';

for (const driver of drivers) {
  describe(`FF datetime without offset in the camera's site zone (${driver.name})`, () => {
    let t: TestApp;
    let db: TestDb;
    beforeAll(async () => {
      db = await driver.open();
      t = await startTestApp({
        db,
        config: {
          adapters: [
            { type: 'ff', id: 'default' },
            { type: 'ff', id: 'prague', timezone: 'Europe/Prague' },
          ],
          sites: [
            { id: 'tokyo', name: 'Tokyo depot', timezone: 'Asia/Tokyo' },
            { id: 'ny', name: 'New York office', timezone: 'America/New_York' },
            { id: 'nozone', name: 'Site without a zone' },
          ],
          cameras: [
            { id: 'gate', site: 'tokyo', sources: ['ff/default/GATE-1', 'ff/prague/GATE-1', 'ff/default/GATE-2'] },
            { id: 'yard', site: 'nozone', sources: ['ff/default/YARD-1'] },
          ],
        },
      });
    });
    afterAll(async () => {
      await t?.close();
      await db?.cleanup();
    });

    let car = 0;
    /** Push one event of `deviceId` to instance `instance`; answers the stored event as GraphQL shows it. */
    const push = async (instance: string, deviceId: string): Promise<Ev> => {
      car += 1;
      const res = await fetch(`${t.url}/adapters/ff/${instance}/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(event(deviceId, `${driver.name}-${car}`)),
      });
      const body = (await res.json()) as Ev;
      expect(res.status, JSON.stringify(body)).toBe(200);
      expect(body.status).toBe('stored');
      return stored(`${driver.name}-${car}`);
    };
    const stored = async (carId: string): Promise<Ev> => {
      const r = await t.gql(EVENTS);
      expect(r.errors).toBeUndefined();
      const node = r.data.events.edges.map((e: Ev) => e.node).find((n: Ev) => n.carId === carId);
      expect(node).toBeDefined();
      const { carId: _c, ...rest } = node;
      return rest;
    };

    it("an instance without timezone reads a camera's local time in its site's zone (Asia/Tokyo)", async () => {
      expect(await push('default', 'GATE-1')).toEqual({ occurredAt: AT.tokyo, camera: { key: 'gate', site: { key: 'tokyo' } } });
    });

    it("a source linked into the camera (config) takes the camera's site zone", async () => {
      expect((await push('default', 'GATE-2')).occurredAt).toBe(AT.tokyo);
    });

    it("the instance's own timezone wins over the site's (Europe/Prague)", async () => {
      expect(await push('prague', 'GATE-1')).toEqual({ occurredAt: AT.prague, camera: { key: 'gate', site: { key: 'tokyo' } } });
    });

    it('a camera without site, or whose site has no zone, is read in UTC', async () => {
      expect((await push('default', 'LONE-1')).occurredAt).toBe(AT.utc);
      expect((await push('default', 'YARD-1')).occurredAt).toBe(AT.utc);
    });

    it('a run-time link and a move to another site apply to the next event', async () => {
      expect((await push('default', 'LATE-1')).occurredAt).toBe(AT.utc); // a camera of its own, no site yet
      const l = await t.gql(LINK, { input: { into: 'ff/default/GATE-1', from: ['ff/default/LATE-1'] } });
      expect(l.errors).toBeUndefined();
      expect((await push('default', 'LATE-1')).occurredAt).toBe(AT.tokyo);

      const u = await t.gql(UPDATE, { input: { id: 'ff/default/GATE-1', siteId: 'ny' } });
      expect(u.errors).toBeUndefined();
      expect(u.data.updateCamera.site).toEqual({ key: 'ny' });
      expect((await push('default', 'GATE-1')).occurredAt).toBe(AT.newYork);
      expect((await push('default', 'LATE-1')).occurredAt).toBe(AT.newYork);
      expect((await push('prague', 'GATE-1')).occurredAt).toBe(AT.prague);

      const back = await t.gql(UPDATE, { input: { id: 'ff/default/GATE-1', siteId: null } });
      expect(back.errors).toBeUndefined();
      expect((await push('default', 'GATE-1')).occurredAt).toBe(AT.utc);
    });

    it('a time with its own offset ignores every zone', async () => {
      car += 1;
      const res = await fetch(`${t.url}/adapters/ff/default/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ...event('GATE-2', `${driver.name}-${car}`), datetime: `${LOCAL}+0100` }),
      });
      expect(res.status).toBe(200);
      expect((await stored(`${driver.name}-${car}`)).occurredAt).toBe('2024-06-14T15:04:36.372Z');
    });
  });
}
