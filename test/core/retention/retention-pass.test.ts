/**
 * The retention pass on a real server, time moved by a ManualClock: each policy shape (kind, site,
 * adapter type and instance, camera, first match wins with a keep policy), media expiry with the
 * event kept (Media.expiredAt, GET /media answers 410, a shared image stays for the read that still
 * needs it), segment reclamation (a dead segment's file goes, dead bytes are reported), and a pass
 * interrupted between batches (the lease's signal aborted) that leaves nothing half-deleted and is
 * finished by the next. Both drivers.
 */
import { mkdirSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ffAdapter } from '../../../src/adapters/ff/index.ts';
import { runRetentionPass } from '../../../src/core/lifecycle/retention-pass.ts';
import { createRetentionMetrics } from '../../../src/core/lifecycle/metrics.ts';
import { FileMediaStore } from '../../../src/core/media/store.ts';
import { eventRowJson, insertEventBatch } from '../../../src/core/db/event-insert.ts';
import { ManualClock } from '../../../src/core/time/manual-clock.ts';
import { Registry } from 'prom-client';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { drivers, type TestDb } from '../../helpers/db.ts';
import { waitFor } from '../../helpers/wait-for.ts';
import { ADMIN, DAY, bearer, count, inconsistencies, jpeg, platesStored, read, thing, thingAdapter } from './helpers.ts';

const config = {
  auth: { apiKeys: [{ key: ADMIN, scopes: ['admin'] }] },
  // Leases run on the test's ManualClock, which jumps 60 s per pass: a heartbeat still in flight at
  // a jump would time out (2 s by default) and the lease would be lost and taken again, starting an
  // extra pass with the policies of that moment. The longest heartbeat and timeout keep one jump
  // from timing out a check that real time has not yet answered.
  cluster: { leaseHeartbeatSec: 60, leaseHeartbeatTimeoutSec: 60 },
  adapters: [
    { type: 'ff', id: 'default', tcpPort: 0 },
    { type: 'ff', id: 'east', tcpPort: 0 },
    { type: 'thing', id: 'main' },
  ],
  sites: [{ id: 'hq', name: 'Headquarters' }],
  cameras: [
    { id: 'gate-north', name: 'Gate north', sources: ['ff/default/GATE-N'] },
    { id: 'lobby', site: 'hq', sources: ['ff/default/LOBBY'] },
  ],
};

const SET = `mutation($input: [RetentionPolicyInput!]!) { setRetentionPolicies(input: $input) { kinds siteIds adapters cameraIds events media } }`;
const BY_PLATE = `query($p: String) { events(filter: { plate: $p }, first: 10) { edges { node { media { id url expiredAt } ... on PlateReadEvent { plate } } } } }`;

type Gql = { data?: any; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };

for (const driver of drivers) {
  describe(`retention pass on ${driver.name}`, () => {
    let t: TestApp;
    let db: TestDb;
    const clock = new ManualClock(Date.now());
    const gql = (q: string, v?: Record<string, unknown>) => t.gql(q, v, bearer(ADMIN)) as Promise<Gql>;
    const setPolicies = async (input: unknown[]) => {
      const r = await gql(SET, { input });
      expect(r.errors).toBeUndefined();
    };
    /** One more pass: wait until the runner sleeps, move the clock one interval, wait for the pass. */
    const pass = async () => {
      const runner = t.app.retention;
      await waitFor(() => runner.sleeping, 10_000, 'the retention runner to sleep');
      const n = runner.passes;
      await clock.advance(60_000);
      await waitFor(() => runner.passes > n, 30_000, 'a retention pass');
      return runner.lastReport!;
    };
    const sqlDb = () => t.db.database.db;
    const mediaOf = async (plate: string) => ((await gql(BY_PLATE, { p: plate })).data?.events.edges ?? []).flatMap((e: any) => e.node.media);
    const mediaStatus = async (id: string) => (await fetch(`${t.url}/media/${id}`, { headers: bearer(ADMIN) })).status;

    beforeAll(async () => {
      db = await driver.open();
      t = await startTestApp({ config, db, clock, adapters: [ffAdapter, thingAdapter] });
    });
    afterAll(async () => {
      await t?.close();
      await db?.cleanup();
    });

    it('deletes by kind: plate reads older than 30 days go with their images, younger ones and other kinds stay', async () => {
      const img = jpeg();
      await read(t, clock.nowMs(), { plate: 'KD0001', ageMs: 31 * DAY, images: [img] });
      await read(t, clock.nowMs(), { plate: 'KD0002', ageMs: 29 * DAY });
      await thing(t, clock.nowMs(), 'kind-old', 40 * DAY);
      const [old] = await mediaOf('KD0001');
      expect(await mediaStatus(old.id)).toBe(200);
      await setPolicies([{ kinds: ['PLATE_READ'], events: '30d' }]);
      const r = await pass();
      expect(r.events).toBeGreaterThanOrEqual(1);
      expect(await platesStored(sqlDb(), 'KD%')).toEqual(['KD0002']);
      expect(await count(sqlDb(), sql`select count(*) as n from events where dedupe_key like '%kind-old%'`)).toBe(1);
      expect(await mediaStatus(old.id)).toBe(404); // the event went too: nothing remains to say "expired"
      expect(await inconsistencies(sqlDb())).toEqual({ refsWithoutRow: 0, rowsWithoutRef: 0 });
    });

    it('deletes by site and by camera (configured ids), leaving other cameras', async () => {
      await read(t, clock.nowMs(), { plate: 'SC0001', ageMs: 1.5 * DAY, camera: 'LOBBY' });
      await read(t, clock.nowMs(), { plate: 'SC0002', ageMs: 1.5 * DAY, camera: 'GATE-N' });
      await read(t, clock.nowMs(), { plate: 'SC0003', ageMs: 3 * DAY, camera: 'GATE-N' });
      await read(t, clock.nowMs(), { plate: 'SC0004', ageMs: 3 * DAY, camera: 'CAM-X' });
      await setPolicies([
        { siteIds: ['hq'], events: '1d' },
        { cameraIds: ['gate-north'], events: '2d' },
      ]);
      await pass();
      expect(await platesStored(sqlDb(), 'SC%')).toEqual(['SC0002', 'SC0004']);
    });

    it('deletes by adapter type and by adapter instance', async () => {
      await read(t, clock.nowMs(), { plate: 'AD0001', ageMs: 2 * DAY, instance: 'east' });
      await read(t, clock.nowMs(), { plate: 'AD0002', ageMs: 2 * DAY, instance: 'default' });
      await thing(t, clock.nowMs(), 'adapter-old', 2 * DAY);
      await setPolicies([{ adapters: ['ff/east', 'thing'], events: '1d' }]);
      await pass();
      expect(await platesStored(sqlDb(), 'AD%')).toEqual(['AD0002']);
      expect(await count(sqlDb(), sql`select count(*) as n from events where adapter = 'thing'`)).toBe(0);
    });

    it('lets the first matching policy decide: a keep policy (no durations) shields what a later one would delete', async () => {
      await read(t, clock.nowMs(), { plate: 'FM0001', ageMs: 5 * DAY, camera: 'GATE-N' });
      await read(t, clock.nowMs(), { plate: 'FM0002', ageMs: 5 * DAY, camera: 'CAM-Y' });
      await setPolicies([{ kinds: ['PLATE_READ'], cameraIds: ['ff/default/GATE-N'] }, { events: '1d' }]);
      await pass();
      expect(await platesStored(sqlDb(), 'FM%')).toEqual(['FM0001']);
    });

    it('expires media before events: the event stays listed, Media.expiredAt is set, /media answers 410; a shared image stays for the read that needs it', async () => {
      const shared = jpeg();
      await read(t, clock.nowMs(), { plate: 'ME0001', ageMs: 8 * DAY, images: [jpeg(), shared] });
      await read(t, clock.nowMs(), { plate: 'ME0002', ageMs: 6 * DAY, images: [jpeg()] });
      await read(t, clock.nowMs(), { plate: 'ME0003', ageMs: 1 * DAY, images: [shared] });
      const [own, sharedRef] = await mediaOf('ME0001');
      await setPolicies([{ kinds: ['PLATE_READ'], events: '30d', media: '7d' }, {}]);
      const r = await pass();
      expect(r.mediaExpired).toBeGreaterThanOrEqual(1);

      const expired = await mediaOf('ME0001');
      expect(expired).toHaveLength(2);
      for (const m of expired) expect(Date.parse(m.expiredAt)).toBe(clock.nowMs());
      expect(expired.map((m: any) => m.url)).toEqual([`/media/${own.id}`, `/media/${sharedRef.id}`]);
      expect(await mediaStatus(own.id)).toBe(410);
      expect(await mediaStatus(sharedRef.id)).toBe(200); // ME0003 still references the same bytes
      const [young] = await mediaOf('ME0002');
      expect(young.expiredAt).toBeNull();
      expect(await mediaStatus(young.id)).toBe(200);
      expect((await mediaOf('ME0003'))[0].expiredAt).toBeNull();
      expect(await inconsistencies(sqlDb())).toEqual({ refsWithoutRow: 0, rowsWithoutRef: 0 });

      // The next pass finds nothing more to expire (the partial index holds only live media).
      const again = await pass();
      expect(again.mediaExpired).toBe(0);
    });

    it('reclaims a segment whose media rows are all gone (an earlier process wrote it), keeps the active one and reports dead bytes', async () => {
      const mediaDir = join(t.dataDir, 'media');
      // An earlier process: its own segment, one event with an image in it, long ago.
      const earlier = new FileMediaStore(mediaDir, sqlDb());
      const stored = await earlier.put(jpeg(), 'SNAPSHOT');
      earlier.close();
      const row = {
        typeName: 'FfPlateEvent',
        kind: 'PLATE_READ',
        vendorType: 'new',
        occurredAt: new Date(clock.nowMs() - 90 * DAY),
        receivedAt: new Date(),
        adapter: 'ff',
        instance: 'default',
        cameraId: null,
        dedupeKey: 'earlier-process',
        plateNormalized: 'RC0001',
        raw: {},
        data: {},
        media: [{ id: stored.id, role: 'SNAPSHOT', contentType: stored.contentType, byteSize: stored.byteSize }],
      };
      await insertEventBatch(sqlDb(), {
        rowsJson: [eventRowJson(row)],
        media: [{ id: stored.id, contentType: stored.contentType, byteSize: stored.byteSize, segment: stored.segment, offset: stored.offset }],
      });
      // A segment whose events never committed (no rows at all).
      const orphan = `${(Date.now() - 3_600_000).toString(36)}-0123456789ab.seg`;
      mkdirSync(join(mediaDir, 'segments'), { recursive: true });
      writeFileSync(join(mediaDir, 'segments', orphan), jpeg());
      const hourAgo = new Date(Date.now() - 3_600_000);
      for (const f of [stored.segment, orphan]) utimesSync(join(mediaDir, 'segments', f), hourAgo, hourAgo);

      const active = t.app.media.activeSegment;
      expect(active).not.toBeNull();
      await setPolicies([{ events: '60d' }]);
      const r = await pass();
      expect(r.segmentsDeleted).toBe(2);
      const left = readdirSync(join(mediaDir, 'segments'));
      expect(left).not.toContain(stored.segment);
      expect(left).not.toContain(orphan);
      expect(left).toContain(active); // the segment this process appends to, though earlier tests left dead bytes in it
      const metrics = await (await fetch(`${t.url}/metrics`)).text();
      expect(Number(/^media_segment_dead_bytes (\d+)/m.exec(metrics)?.[1])).toBeGreaterThan(0);
      expect(Number(/^media_segments_reclaimed_total (\d+)/m.exec(metrics)?.[1])).toBeGreaterThanOrEqual(2);
      expect(metrics).toMatch(/^retention_events_deleted_total \d+/m);
      expect(metrics).toMatch(/^retention_pass_seconds_count \d+/m);
    });

    it('an interrupted pass (lease signal aborted between batches) leaves every batch whole, and the next pass finishes', async () => {
      for (let i = 0; i < 7; i++) await read(t, clock.nowMs(), { plate: `CR000${i}`, ageMs: 10 * DAY, images: [jpeg()] });
      for (let i = 0; i < 3; i++) await read(t, clock.nowMs(), { plate: `CM000${i}`, ageMs: 4 * DAY, images: [jpeg()] });
      const policies = [
        { kinds: ['PLATE_READ'], events: '9d', media: '3d' },
        { events: '1000d' }, // no other event of this suite is that old
      ];
      const abort = new AbortController();
      let batches = 0;
      const deps = {
        db: sqlDb(),
        media: t.app.media,
        metrics: createRetentionMetrics(new Registry()),
        clock,
        log: pino({ level: 'silent' }),
        policies: async () => policies,
        batchSize: 2,
        onBatch: () => {
          if (++batches === 2) abort.abort(new Error('lease lost'));
        },
      };
      const first = await runRetentionPass(deps, abort.signal);
      expect(first.complete).toBe(false);
      expect(first.events).toBe(4);
      expect((await platesStored(sqlDb(), 'CR%')).length).toBe(3);
      expect(await inconsistencies(sqlDb())).toEqual({ refsWithoutRow: 0, rowsWithoutRef: 0 });

      const second = await runRetentionPass({ ...deps, onBatch: undefined }, new AbortController().signal);
      expect(second.complete).toBe(true);
      expect(await platesStored(sqlDb(), 'CR%')).toEqual([]);
      expect((await platesStored(sqlDb(), 'CM%')).length).toBe(3);
      for (let i = 0; i < 3; i++) expect((await mediaOf(`CM000${i}`))[0].expiredAt).not.toBeNull();
      expect(await inconsistencies(sqlDb())).toEqual({ refsWithoutRow: 0, rowsWithoutRef: 0 });
    });
  });
}
