/**
 * Camlytics adapter end to end against the simulator: live events by long-poll, mapping, channels as
 * cameras (stream URIs without credentials, OFFLINE when gone), one request in flight, and a
 * restart on the same database that publishes nothing old. PGlite and, with TEST_DATABASE_URL,
 * PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CamlyticsSimulator, DEFAULT_CHANNELS, type RestEvent } from '@unified-surveillance/simulators/camlytics';
import type { TestApp } from '../../helpers/app.ts';
import { waitFor } from '../../helpers/wait-for.ts';
import { drivers, type TestDb } from '../../helpers/db.ts';
import { wsClient } from '../../helpers/ws-client.ts';
import { adapterInfo, camlyticsEvents, camlyticsInstance, startCamlyticsApp, waitForValue, type Ev } from './helpers.ts';

const [WEBCAM, ENTRANCE, PARKING] = DEFAULT_CHANNELS;
const byEventId = (events: Ev[], id: string) => events.filter((e) => e.eventId === id);

for (const driver of drivers) {
  describe(`Camlytics adapter (${driver.name})`, () => {
    let db: TestDb;
    let sim: CamlyticsSimulator;
    let t: TestApp;
    beforeAll(async () => {
      db = await driver.open();
      sim = new CamlyticsSimulator({ seed: `adapter-${driver.name}` });
      await sim.start();
      t = await startCamlyticsApp(db, [camlyticsInstance(sim.url)]);
    });
    afterAll(async () => {
      await t?.close();
      await sim?.stop();
      await db?.cleanup();
    });

    it('publishes events live from the long-poll, mapped to the unified model with the Camlytics fields', async () => {
      const crossed = sim.emit({ channel_id: ENTRANCE.id, type: 'TripwireCrossed' });
      const future = sim.emit({ channel_id: WEBCAM.id, type: 'SpeedLimitExceeded' });
      const sabotage = sim.emit({ channel_id: PARKING.id, type: 'Sabotage' });
      const events = await waitForValue(
        async () => {
          const all = await camlyticsEvents(t);
          return [crossed, future, sabotage].every((e) => byEventId(all, e.event_id).length === 1) && all;
        },
        8000,
        'three polled events',
      );

      const [ev] = byEventId(events, crossed.event_id);
      expect(ev).toMatchObject({
        kind: 'LINE_CROSSED',
        vendorType: 'TripwireCrossed',
        source: { adapter: 'camlytics', instance: 'office' },
        channelId: ENTRANCE.id,
        channelName: 'Entrance',
        eventName: 'Line crossed',
        timeText: crossed.time,
        ruleId: crossed.rule_id,
        ruleName: crossed.rule_name,
        objectClass: crossed.origin,
        objectId: crossed.object_id,
        snapshotPath: crossed.snapshot_path,
        videoFileName: crossed.video_file_name,
        videoFileTime: crossed.video_file_time,
        deliveredBy: 'POLL',
        raw: crossed,
      });
      expect(ev.occurredAt).toBe(new Date(Number(crossed.timestamp)).toISOString());
      expect(ev.camera).toMatchObject({ name: 'Entrance', status: 'ONLINE', camlyticsChannel: { channelId: ENTRANCE.id } });

      const [alert] = byEventId(events, future.event_id);
      expect(alert).toMatchObject({ kind: 'ANALYTICS_ALERT', vendorType: 'SpeedLimitExceeded', eventName: 'SpeedLimitExceeded' });
      const [tamper] = byEventId(events, sabotage.event_id);
      expect(tamper).toMatchObject({ kind: 'CAMERA_TAMPERED', ruleId: null, camera: { name: PARKING.name } });
    });

    it('publishes a burst of 30 events once each, oldest stored first', async () => {
      const burst: RestEvent[] = [];
      const base = Date.now();
      for (let i = 0; i < 30; i++) burst.push(sim.emit({ channel_id: WEBCAM.id, time: sim.formatTime(base + i) }));
      const events = await waitForValue(
        async () => {
          const all = await camlyticsEvents(t);
          return burst.every((e) => byEventId(all, e.event_id).length === 1) && all;
        },
        8000,
        'the burst',
      );
      const seqs = burst.map((b) => BigInt(byEventId(events, b.event_id)[0].seq));
      expect([...seqs].sort((a, b) => (a < b ? -1 : 1))).toEqual(seqs); // oldest stored first
    });

    it('makes channels cameras with credential-free stream URIs; a vanished channel goes OFFLINE, a returning one ONLINE', async () => {
      const CAMS = '{ cameras(first: 50, filter: { adapters: ["camlytics"] }) { edges { node { id name status capabilities camlyticsChannel { channelId streamUri streamUriHadCredentials } } } } }';
      const cameras = async (): Promise<Ev[]> => (await t.gql(CAMS)).data.cameras.edges.map((e: Ev) => e.node);
      const all = await waitForValue(
        async () => {
          const c = await cameras();
          return c.filter((x) => x.status === 'ONLINE').length >= 3 && c;
        },
        8000,
        'three channel cameras',
      );
      const entrance = all.find((c) => c.camlyticsChannel.channelId === ENTRANCE.id)!;
      expect(entrance).toMatchObject({ name: 'Entrance', capabilities: [], camlyticsChannel: { streamUri: 'rtsp://192.168.1.20:554/stream1', streamUriHadCredentials: true } });
      const parking = all.find((c) => c.camlyticsChannel.channelId === PARKING.id)!;
      expect(parking.camlyticsChannel.streamUri).toBe('rtsp://192.168.1.21:554/Streaming/Channels/101');
      expect(all.find((c) => c.camlyticsChannel.channelId === WEBCAM.id)!.camlyticsChannel).toMatchObject({ streamUri: 'video=Integrated Camera', streamUriHadCredentials: false });
      expect(JSON.stringify(all)).not.toMatch(/secret|p%40ss|viewer|admin/);

      sim.setChannels([WEBCAM, ENTRANCE]);
      await waitFor(async () => (await cameras()).find((c) => c.id === parking.id)?.status === 'OFFLINE', 8000, 'Parking OFFLINE');
      expect((await cameras()).find((c) => c.id === entrance.id)!.status).toBe('ONLINE');
      sim.setChannels([...DEFAULT_CHANNELS]);
      await waitFor(async () => (await cameras()).find((c) => c.id === parking.id)?.status === 'ONLINE', 8000, 'Parking ONLINE again');
    });

    it('never has more than one events request in flight and is READY', async () => {
      expect(sim.stats.eventRequests).toBeGreaterThan(2);
      expect(sim.stats.maxConcurrentEventRequests).toBe(1);
      expect(await adapterInfo(t)).toMatchObject({ status: 'READY', detail: null });
    });

    it('after a restart on the same database publishes only new events: nothing old re-published or re-streamed', async () => {
      const before = await camlyticsEvents(t);
      await t.close();
      const missed = sim.emit({ channel_id: ENTRANCE.id, type: 'RegionJoin' }); // while we were down
      t = await startCamlyticsApp(db, [camlyticsInstance(sim.url)]);
      const ws = wsClient(t.url);
      const streamed: Ev[] = [];
      const larger = (a: bigint, b: bigint) => (a > b ? a : b);
      const lastSeq = before
        .map((e) => BigInt(e.seq))
        .reduce(larger)
        .toString();
      const unsubscribe = ws.subscribe(
        { query: `subscription($after: String) { events(after: $after, filter: { adapters: ["camlytics"] }) { ... on CamlyticsEvent { eventId } } }`, variables: { after: lastSeq } },
        {
          next: (r) => void streamed.push((r.data as Ev).events),
          error: () => {},
          complete: () => {},
        },
      );
      try {
        await waitFor(async () => byEventId(await camlyticsEvents(t), missed.event_id).length === 1, 8000, 'the event emitted while down');
        const fresh = sim.emit({ channel_id: WEBCAM.id, type: 'ObjectAppear' });
        await waitFor(async () => byEventId(await camlyticsEvents(t), fresh.event_id).length === 1, 8000, 'a new event');
        await waitFor(() => streamed.length >= 2, 5000, 'two streamed events');
        const after = await camlyticsEvents(t);
        expect(after).toHaveLength(before.length + 2);
        expect(new Set(after.map((e) => e.eventId)).size).toBe(after.length);
        expect(streamed.map((e) => e.eventId)).toEqual([missed.event_id, fresh.event_id]);
        const { counters } = await adapterInfo(t);
        expect(counters['poll.stored']).toBe(2);
        expect(counters['poll.skipped']).toBeGreaterThan(0); // old ones recognised from the saved cursor
        expect(counters['poll.duplicates'] ?? 0).toBe(0); // ... without even asking the store
      } finally {
        unsubscribe();
        await ws.dispose();
      }
    });
  });
}
