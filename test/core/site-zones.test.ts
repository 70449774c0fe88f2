/**
 * Site time zones of sources (ctx.cameras.timeZoneOf): which zone a source gets (its camera's site,
 * a linked source its camera's, never its own), the in-memory map (no query per lookup, reloaded
 * after the TTL and on refresh, a failed load keeps the previous one), and the adapters' order:
 * the instance's `timezone` when set, else the site's, else UTC. On PGlite.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyCameraConfig, linkCameras, updateCamera } from '../../src/core/cameras/links.ts';
import { upsertCamera } from '../../src/core/cameras/repo.ts';
import { readSiteZones, SiteZones } from '../../src/core/cameras/site-zones.ts';
import type { Db } from '../../src/core/db/client.ts';
import { ffTimeZoneOf } from '../../src/adapters/ff/time.ts';
import { camlyticsTimeZoneOf } from '../../src/adapters/camlytics/time.ts';
import { parseCamlyticsEvent } from '../../src/adapters/camlytics/parse.ts';
import { classifyWebhook } from '../../src/adapters/camlytics/aggregate.ts';
import { ivmsTimeZoneOf } from '../../src/adapters/ivms/time.ts';
import { parseNotification } from '../../src/adapters/ivms/alert.ts';
import { openPgliteTestDb, type TestDb } from '../helpers/db.ts';
import { waitFor } from '../helpers/wait-for.ts';

const cam = (id: string) => {
  const [adapter, instance, vendorId] = id.split('/');
  return { id, adapter, instance, vendorId, name: vendorId };
};

/** The db, counting the queries made through it and failing them while `fail` is set. */
function counted(db: Db) {
  const s = { selects: 0, fail: false };
  const proxy = new Proxy(db, {
    get(target, p, receiver) {
      if (p === 'select') {
        s.selects += 1;
        if (s.fail) throw new Error('database down');
      }
      return Reflect.get(target, p, receiver);
    },
  });
  return Object.assign(s, { db: proxy });
}

describe('site zones of sources', () => {
  let t: TestDb;
  let db: Db;
  beforeAll(async () => {
    t = await openPgliteTestDb();
    db = t.database.db;
    await applyCameraConfig(db, {
      sites: [
        { id: 'tokyo', name: 'Tokyo', timezone: 'Asia/Tokyo' },
        { id: 'ny', name: 'New York', timezone: 'America/New_York' },
        { id: 'nozone', name: 'No zone' },
      ],
      cameras: [
        { id: 'gate', site: 'tokyo', sources: ['ff/a/GATE', 'ivms/b/3'] },
        { id: 'yard', site: 'nozone', sources: ['ff/a/YARD'] },
      ],
    });
    for (const id of ['ff/a/LONE', 'ff/a/MOVED', 'camlytics/c/7']) await upsertCamera(db, cam(id));
  });
  afterAll(() => t?.cleanup());

  it('maps each source to its camera site zone; a linked source takes the camera site, not its own', async () => {
    await updateCamera(db, 'ff/a/MOVED', { siteKey: 'ny' });
    await linkCameras(db, 'ff/a/GATE', ['ff/a/MOVED'], 'api');
    await linkCameras(db, 'ff/a/GATE', ['camlytics/c/7'], 'api');
    const zones = await readSiteZones(db);
    expect(Object.fromEntries(zones)).toEqual({
      'ff/a/GATE': 'Asia/Tokyo',
      'ivms/b/3': 'Asia/Tokyo',
      'ff/a/MOVED': 'Asia/Tokyo',
      'camlytics/c/7': 'Asia/Tokyo',
    });
    // No site (LONE) and a site without zone (YARD): not in the map, so null.
    const z = new SiteZones(db, { ttlMs: 60_000 });
    await z.refresh();
    expect([z.zoneOf('ff/a/GATE'), z.zoneOf('ff/a/LONE'), z.zoneOf('ff/a/YARD'), z.zoneOf('nope')]).toEqual(['Asia/Tokyo', null, null, null]);
  });

  it('answers from memory (no query per lookup) until refreshed, or until the TTL passed', async () => {
    let now = 1_000;
    const c = counted(db);
    const z = new SiteZones(c.db, { ttlMs: 2_000, now: () => now });
    await z.refresh();
    const loads = c.selects;
    expect(loads).toBeGreaterThan(0);

    await updateCamera(db, 'ff/a/GATE', { siteKey: 'ny' });
    for (let i = 0; i < 1000; i++) expect(z.zoneOf('ivms/b/3')).toBe('Asia/Tokyo');
    expect(c.selects).toBe(loads);

    await z.refresh(); // what a link change on this instance or a Redis change signal does
    expect(z.zoneOf('ivms/b/3')).toBe('America/New_York');

    await updateCamera(db, 'ff/a/GATE', { siteKey: 'tokyo' });
    now += 2_000; // the TTL passed: the next lookup answers at once and reloads behind it
    expect(z.zoneOf('ivms/b/3')).toBe('America/New_York');
    await waitFor(() => z.zoneOf('ivms/b/3') === 'Asia/Tokyo', 5000, 'the reload after the TTL');
    const after = c.selects;
    for (let i = 0; i < 100; i++) z.zoneOf('ivms/b/3');
    expect(c.selects).toBe(after);
  });

  it('a reload asked for during a reload runs again after it', async () => {
    let release = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    let reads = 0;
    let firstRead = false;
    // The first load reads (before the change below), then waits at the gate before it answers.
    const read = async (d: Db) => {
      reads += 1;
      if (reads > 1) return readSiteZones(d);
      const before = await readSiteZones(d);
      firstRead = true;
      await gate;
      return before;
    };
    const z = new SiteZones(db, { ttlMs: 60_000, read });
    const first = z.refresh();
    await waitFor(() => firstRead, 5000, 'the first read');
    await updateCamera(db, 'ff/a/GATE', { siteKey: 'ny' }); // committed while the first load runs
    const second = z.refresh();
    release();
    await Promise.all([first, second]);
    expect(z.zoneOf('ff/a/GATE')).toBe('America/New_York');
    await updateCamera(db, 'ff/a/GATE', { siteKey: 'tokyo' });
  });

  it('a failed load keeps the zones it had (refresh never rejects)', async () => {
    const c = counted(db);
    const z = new SiteZones(c.db, { ttlMs: 60_000 });
    await z.refresh();
    c.fail = true;
    await expect(z.refresh()).resolves.toBeUndefined();
    expect(z.zoneOf('ff/a/GATE')).toBe('Asia/Tokyo');
  });
});

describe("adapters' zone of a local time: the instance's timezone, else the site's, else UTC", () => {
  const sites = { timeZoneOf: (v: string) => (v === 'IN-SITE' ? 'Asia/Tokyo' : null) };

  it.each([
    ['ff', ffTimeZoneOf],
    ['camlytics', camlyticsTimeZoneOf],
    ['ivms', ivmsTimeZoneOf],
  ] as const)('%s', (_name, zoneOf) => {
    expect(zoneOf(undefined, sites)('IN-SITE')).toBe('Asia/Tokyo');
    expect(zoneOf(undefined, sites)('ELSEWHERE')).toBe('UTC');
    expect(zoneOf('Europe/Prague', sites)('IN-SITE')).toBe('Europe/Prague');
    expect(zoneOf('UTC', sites)('IN-SITE')).toBe('UTC'); // set explicitly, even to UTC: the config wins
  });

  it('Camlytics reads an event and an aggregate in the zone of their channel', () => {
    const zone = camlyticsTimeZoneOf(undefined, sites);
    const ev = (channel: string) => parseCamlyticsEvent({ type: 'TripwireCrossed', channel_id: channel, time: '2024-06-14T16:04:36.372' }, 'poll', zone);
    expect(ev('IN-SITE').time.date.toISOString()).toBe('2024-06-14T07:04:36.372Z');
    expect(ev('ELSEWHERE').time.date.toISOString()).toBe('2024-06-14T16:04:36.372Z');
    const agg = classifyWebhook({ channel_id: 'IN-SITE', since_time: '2024-06-14T16:00:00', until_time: '2024-06-14T17:00:00', event_type_aggregate: [] }, zone);
    expect(agg.kind === 'aggregate' && agg.aggregate.since).toBe('2024-06-14T07:00:00.000Z');
  });

  it('IVMS reads eventTime in the zone of the channel and records it on the alert', () => {
    const zone = ivmsTimeZoneOf(undefined, { timeZoneOf: (v) => (v === '2' ? 'Asia/Kolkata' : null) });
    const [a, b] = parseNotification(
      JSON.stringify([
        { cameraId: 2, eventTime: '2017-07-07 11:56:47', alertMessage: 'x' },
        { cameraId: 5, eventTime: '2017-07-07 11:56:47', alertMessage: 'x' },
      ]),
      zone,
    );
    expect(a.kind === 'alert' && [a.alert.occurredAt.toISOString(), a.alert.timeZone]).toEqual(['2017-07-07T06:26:47.000Z', 'Asia/Kolkata']);
    expect(b.kind === 'alert' && [b.alert.occurredAt.toISOString(), b.alert.timeZone]).toEqual(['2017-07-07T11:56:47.000Z', 'UTC']);
  });
});
