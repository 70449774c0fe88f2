/**
 * FF plate tracks end to end: simulated vehicle passes pushed over HTTP, folded into tracks by
 * `ffPlateTrack`, `ffPlateTracks` and the `ffPlateTrackUpdated` subscription (graphql-ws).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { waitFor } from '../../helpers/wait-for.ts';
import { eventSubscriptions } from '../../helpers/subscriptions.ts';
import { drivers, type TestDb } from '../../helpers/db.ts';
import { FfCameraSimulator, PassGenerator, postEvent, stampEvent, type VehiclePass } from '@unified-surveillance/simulators/ff';

type Ev = Record<string, any>;
const TRACK_FIELDS = `trackId deviceId carId bestPlate bestPlateNormalized bestConfidence direction phase firstSeen lastSeen closed
  camera { name } events { seq phase } media { id role contentType url }`;
const TRACK = `query($id: String!) { ffPlateTrack(trackId: $id) { ${TRACK_FIELDS} } }`;
const iso = (ms: number) => new Date(ms).toISOString();
const PHASE: Record<string, string> = { new: 'NEW', update: 'UPDATE', reliable: 'RELIABLE', lost: 'LOST' };

/**
 * A seed whose first pass starts with a misread plate (lower confidence) and has ≥ 2 updates, so
 * "best plate" and "final direction" are really tested. The simulator builds its generator the
 * same way, so its first pass is this one.
 */
function seedWithMisread(deviceId: string, startMs: number): string {
  for (let i = 0; i < 500; i++) {
    const seed = `${deviceId}/${i}`;
    const p = new PassGenerator({ deviceId, seed }).next(startMs);
    if (p.events[0].json.plateUTF8 !== p.plate.text && p.events.filter((e) => e.carState === 'update').length >= 2) return seed;
  }
  throw new Error('no seed with a misread first plate');
}

for (const driver of drivers) {
  describe(`FF plate tracks (${driver.name})`, () => {
    let t: TestApp;
    let db: TestDb;
    let ingestUrl: string;
    beforeAll(async () => {
      db = await driver.open();
      t = await startTestApp({ db });
      ingestUrl = `${t.url}/adapters/ff/default/events`;
    });
    afterAll(async () => {
      await t?.close();
      await db?.cleanup();
    });
    const camera = (deviceId: string, seed?: string) =>
      new FfCameraSimulator({ deviceId, seed, ratePerSec: 0, http: { url: ingestUrl, modes: ['multipart-file', 'multipart-field', 'json'], twoImages: true, imageBytes: 4000 } });

    it('a full simulated pass (NEW → UPDATE… → RELIABLE → LOST) folds into one closed track', async () => {
      const deviceId = `TRK-${driver.name}`;
      const start = Date.UTC(2024, 5, 14, 14, 4, 36, 372);
      const sim = camera(deviceId, seedWithMisread(deviceId, start));
      const { pass, deliveries } = await sim.sendPass(start);
      expect(deliveries.map((d) => [d.carState, d.status])).toEqual(pass.events.map((e) => [e.carState, 200]));
      expect(pass.events.map((e) => e.carState)).toEqual(['new', ...pass.events.slice(1, -2).map(() => 'update'), 'reliable', 'lost']);

      const trackId = `${deviceId}:${pass.carID}`;
      const r = await t.gql(TRACK, { id: trackId });
      expect(r.errors).toBeUndefined();
      const tr = r.data.ffPlateTrack;
      const confs = pass.events.map((e) => Number(e.json.plateConfidence));
      const final = pass.events.at(-1)!.json;
      expect(pass.events[0].json.plateUTF8).not.toBe(pass.plate.text); // the first read was wrong
      expect(tr).toMatchObject({
        trackId,
        deviceId,
        carId: pass.carID,
        bestPlate: pass.plate.text,
        bestPlateNormalized: pass.plate.text.toUpperCase().replace(/[\s-]/g, ''),
        direction: String(final.carMoveDirection).toUpperCase(),
        phase: 'LOST',
        closed: true,
        firstSeen: iso(start),
        lastSeen: iso(Math.max(...pass.events.map((e) => e.captureMs))),
        camera: { name: `${deviceId} (${(final.camera_info as Ev).ProdShortName})` },
      });
      expect(tr.direction).not.toBe('UNKNOWN');
      expect(tr.bestConfidence).toBeCloseTo(Math.max(...confs), 6);
      expect(tr.events.map((e: Ev) => e.phase).sort()).toEqual(pass.events.map((e) => PHASE[e.carState]).sort());
      // Every event carried the same two images: stored once, both roles present, served.
      expect(tr.media.map((m: Ev) => m.role).sort()).toEqual(['PLATE_CROP', 'VEHICLE']);
      for (const m of tr.media) {
        const res = await fetch(new URL(m.url, t.url));
        expect([res.status, res.headers.get('content-type')]).toEqual([200, 'image/jpeg']);
      }
      expect((await t.gql(TRACK, { id: `${deviceId}:no-such-car` })).data.ffPlateTrack).toBeNull();
    });

    it('a pass without LOST yet is open', async () => {
      const deviceId = `OPEN-${driver.name}`;
      const p = new PassGenerator({ deviceId }).next(Date.UTC(2024, 5, 15, 8, 0, 0));
      for (const e of p.events.slice(0, 2)) expect((await postEvent({ url: ingestUrl, mode: 'json', event: stampEvent(e.json, { packetCounter: 1 }) })).status).toBe(200);
      const tr = (await t.gql(TRACK, { id: `${deviceId}:${p.carID}` })).data.ffPlateTrack;
      expect(tr).toMatchObject({ closed: false, phase: PHASE[p.events[1].carState], firstSeen: iso(p.startMs), lastSeen: iso(p.events[1].captureMs) });
    });

    it('ffPlateTracks(first) lists the most recent passes newest first', async () => {
      const sim = camera(`LIST-${driver.name}`);
      const passes: VehiclePass[] = [];
      const t0 = Date.UTC(2024, 5, 16, 9, 0, 0);
      for (let i = 0; i < 4; i++) passes.push((await sim.sendPass(t0 + i * 60_000)).pass);
      const ids = passes.map((p) => `LIST-${driver.name}:${p.carID}`).reverse();
      const r = await t.gql(`{ ffPlateTracks(first: 5) { trackId closed bestPlate firstSeen } }`);
      expect(r.errors).toBeUndefined();
      const got = r.data.ffPlateTracks;
      expect(got.length).toBeGreaterThanOrEqual(4); // 5 when the tests above ran first
      expect(got.length).toBeLessThanOrEqual(5);
      expect(got.slice(0, 4).map((x: Ev) => x.trackId)).toEqual(ids);
      expect(got.slice(0, 4).map((x: Ev) => x.bestPlate)).toEqual([...passes].reverse().map((p) => p.plate.text));
      expect(got.slice(0, 4).every((x: Ev) => x.closed)).toBe(true);
      const two = await t.gql(`{ ffPlateTracks(first: 2) { trackId } }`);
      expect(two.data.ffPlateTracks.map((x: Ev) => x.trackId)).toEqual(ids.slice(0, 2));
    });

    it('ffPlateTrackUpdated (graphql-ws) yields the whole track each time one of its events arrives', async () => {
      const client: Client = createClient({ url: `${t.url.replace('http', 'ws')}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0 });
      const yields: Ev[] = [];
      const errors: unknown[] = [];
      const sub = client.iterate<Ev>({ query: `subscription { ffPlateTrackUpdated { ${TRACK_FIELDS} } }` });
      const reading = (async () => {
        for await (const m of sub) {
          if (m.errors) errors.push(m.errors);
          else yields.push(m.data!.ffPlateTrackUpdated);
        }
      })();
      try {
        // The subscription listens once the server counts it (subscriptions_active); a warm-up event then comes through.
        await waitFor(async () => (await eventSubscriptions(t.app)) > 0, 10_000, 'subscription listening');
        const warm = new PassGenerator({ deviceId: `WARM-${driver.name}` }).next(Date.UTC(2024, 5, 17, 7, 0, 0));
        await postEvent({ url: ingestUrl, mode: 'json', event: stampEvent({ ...warm.events[0].json, capture_timestamp: String(warm.startMs) }, { packetCounter: 1 }) });
        await waitFor(() => yields.some((y) => y.deviceId === `WARM-${driver.name}`), 10_000, 'subscription live');

        const deviceId = `SUB-${driver.name}`;
        const p = new PassGenerator({ deviceId }).next(Date.UTC(2024, 5, 17, 7, 5, 0));
        const trackId = `${deviceId}:${p.carID}`;
        for (const [i, e] of p.events.entries()) {
          expect((await postEvent({ url: ingestUrl, mode: 'json', event: stampEvent(e.json, { packetCounter: i + 1 }) })).status).toBe(200);
          const y = await waitFor(() => yields.find((x) => x.trackId === trackId && x.events.length === i + 1), 5000, `track after event ${i + 1}`);
          expect(y).toMatchObject({ phase: PHASE[e.carState], closed: e.carState === 'lost', bestPlate: expect.any(String) });
        }
        const mine = yields.filter((y) => y.trackId === trackId);
        expect(mine).toHaveLength(p.events.length);
        expect(mine.at(-1)).toMatchObject({ closed: true, bestPlate: p.plate.text, direction: String(p.events.at(-1)!.json.carMoveDirection).toUpperCase() });
        // A duplicate re-send stores nothing, so nothing is yielded for it.
        const again = await postEvent({ url: ingestUrl, mode: 'json', event: stampEvent(p.events[1].json, { packetCounter: 99 }) });
        expect(JSON.parse(again.body).status).toBe('duplicate');
        const warmYields = () => yields.filter((y) => y.deviceId === `WARM-${driver.name}`).length;
        const before = warmYields();
        await postEvent({ url: ingestUrl, mode: 'json', event: stampEvent({ ...warm.events[0].json, capture_timestamp: String(warm.startMs + 10_000) }, { packetCounter: 1 }) });
        await waitFor(() => warmYields() === before + 1, 5000, 'marker after the duplicate');
        expect(yields.filter((y) => y.trackId === trackId)).toHaveLength(p.events.length);
        expect(errors).toEqual([]);
      } finally {
        await client.dispose();
        await reading.catch(() => undefined);
      }
    });
  });
}
