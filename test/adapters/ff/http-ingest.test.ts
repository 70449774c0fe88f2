/**
 * FF HTTP ingest end to end: the camera simulator POSTs to a real server (real sockets, PGlite and,
 * with TEST_DATABASE_URL, PostgreSQL); results are read back through GraphQL and /media.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { waitFor } from '../../helpers/wait-for.ts';
import { drivers, type TestDb } from '../../helpers/db.ts';
import { FfCameraSimulator, PassGenerator, buildHttpRequest, postEvent, stampEvent, type FfJson, type HttpMode, type PassEvent, type PushImage } from '@unified-surveillance/simulators/ff';
import { makeJpeg } from '@unified-surveillance/simulators/kit';

const EVENTS = `query($first: Int) { events(first: $first) { edges { node {
  id seq kind vendorType occurredAt raw source { adapter instance }
  camera { id name sources { adapter instance vendorId } }
  media { id role contentType byteSize url }
  ... on PlateReadEvent { plate plateNormalized country region confidence direction phase trackId vehicle { type color make model } }
  ... on FfPlateEvent { deviceId carId packetCounter }
} } } }`;

type Ev = Record<string, any>;
const PHASE: Record<string, string> = { new: 'NEW', update: 'UPDATE', reliable: 'RELIABLE', lost: 'LOST' };
const DIR: Record<string, string> = { in: 'IN', out: 'OUT', unknown: 'UNKNOWN', unk: 'UNKNOWN' };

/** A generated pass of a fresh device; `update` is its last UPDATE event (direction known). */
function pass(deviceId: string, opts: { brandKey?: 'brand' | 'make' } = {}) {
  const p = new PassGenerator({ deviceId, seed: deviceId, extraFieldRate: 0, brandKey: opts.brandKey }).next(Date.UTC(2024, 5, 14, 14, 4, 36, 372));
  const update = p.events.filter((e) => e.carState === 'update').at(-1)!;
  return { ...p, update };
}

function imagesOf(ev: PassEvent, n: 1 | 2, neutralNames = false): PushImage[] {
  const imgs: PushImage[] = [{ kind: 'vehicle', fileName: neutralNames ? 'a.jpg' : ev.images.first.fileName, data: makeJpeg(`${ev.images.first.path}/${n}`, 6000) }];
  if (n === 2) imgs.push({ kind: 'plate', fileName: neutralNames ? 'b.jpg' : ev.images.plate.fileName, data: makeJpeg(`${ev.images.plate.path}/${n}`, 900) });
  return imgs;
}

for (const driver of drivers) {
  describe(`FF HTTP ingest (${driver.name})`, () => {
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

    const eventsOf = async (deviceId: string): Promise<Ev[]> => {
      const r = await t.gql(EVENTS, { first: 500 });
      expect(r.errors).toBeUndefined();
      return r.data.events.edges.map((e: Ev) => e.node).filter((n: Ev) => n.deviceId === deviceId);
    };
    const counter = async (name: string): Promise<number> => {
      const r = await t.gql('{ adapters { id counters { name value } } }');
      const ff = r.data.adapters.find((a: Ev) => a.id === 'default');
      return ff.counters.find((c: Ev) => c.name === name)?.value ?? 0;
    };

    const cases: Array<{ mode: HttpMode; images: 0 | 1 | 2; json?: 'application/json' | null; image?: string; neutral?: boolean; brandKey?: 'make' }> = [
      { mode: 'multipart-file', images: 1, json: 'application/json', image: 'image/jpeg' },
      { mode: 'multipart-file', images: 2, json: null, image: 'application/octet-stream' },
      { mode: 'multipart-file', images: 2, json: 'application/json', image: 'image/jpeg', neutral: true, brandKey: 'make' },
      { mode: 'multipart-field', images: 1, image: 'application/octet-stream' },
      { mode: 'multipart-field', images: 2, image: 'image/jpeg' },
      { mode: 'json', images: 1 },
      { mode: 'json', images: 2 },
      { mode: 'no-image', images: 0 },
    ];
    for (const [i, c] of cases.entries()) {
      const label = `${c.mode}, ${c.images} image(s), json part ${c.json === null ? 'untyped' : 'typed'}, image part ${c.image ?? '-'}${c.neutral ? ', neutral file names' : ''}${c.brandKey ? ', vehicle_info.make' : ''}`;
      it(`stores and serves: ${label}`, async () => {
        const deviceId = `HTTP-${driver.name}-${i}`;
        const p = pass(deviceId, { brandKey: c.brandKey });
        const sent: FfJson = { ...stampEvent(p.update.json, { packetCounter: 4711, profileID: '1' }), x_vendor_extra: { lane: '3', note: 'kept' } };
        const images = c.images === 0 ? [] : imagesOf(p.update, c.images, c.neutral);
        const res = await postEvent({
          url: ingestUrl,
          mode: c.mode,
          event: sent,
          images: c.images === 0 ? imagesOf(p.update, 1) : images,
          jsonPartContentType: c.json,
          imagePartContentType: c.image,
        });
        expect(res.status).toBe(200);
        const body = JSON.parse(res.body);
        expect(body).toEqual({ status: 'stored', seq: expect.stringMatching(/^\d+$/) });

        const [ev, ...more] = await eventsOf(deviceId);
        expect(more).toHaveLength(0);
        expect(ev.seq).toBe(body.seq);
        const plate = String(sent.plateUTF8);
        const vi = sent.vehicle_info as Record<string, string>;
        expect(ev).toMatchObject({
          kind: 'PLATE_READ',
          vendorType: 'update',
          source: { adapter: 'ff', instance: 'default' },
          plate,
          plateNormalized: plate.toUpperCase().replace(/[\s-]/g, ''),
          phase: 'UPDATE',
          direction: DIR[String(sent.carMoveDirection)],
          trackId: `${deviceId}:${sent.carID}`,
          carId: sent.carID,
          packetCounter: 4711,
          vehicle: { type: vi.type, color: vi.color, make: c.brandKey ? vi.make : vi.brand, model: vi.model },
          camera: { name: `${deviceId} (${(sent.camera_info as Ev).ProdShortName})`, sources: [{ adapter: 'ff', instance: 'default', vendorId: deviceId }] },
        });
        expect(ev.direction).not.toBe('UNKNOWN'); // the last update carries the final direction
        const byCamera = await t.gql('query($c: [ID!]) { events(first: 5, filter: { cameraIds: $c }) { edges { node { seq } } } }', { c: [ev.camera.id] });
        expect(byCamera.data.events.edges.map((e: Ev) => e.node.seq)).toEqual([ev.seq]);
        expect(ev.confidence).toBeCloseTo(Number(sent.plateConfidence), 6);
        expect(ev.confidence).toBeGreaterThan(0);
        expect(ev.confidence).toBeLessThanOrEqual(1);
        expect(ev.occurredAt).toBe(new Date(Number(sent.capture_timestamp)).toISOString());

        // raw: the payload as sent (unknown fields too), never the image bytes.
        expect(ev.raw.x_vendor_extra).toEqual({ lane: '3', note: 'kept' });
        expect(ev.raw.capture_timestamp).toBe(sent.capture_timestamp);
        const rawText = JSON.stringify(ev.raw);
        for (const img of images) expect(rawText).not.toContain(img.data.toString('base64').slice(40, 120));
        if (c.mode === 'json') for (const e of ev.raw.ImageArray) expect(e.BinaryImage).toMatch(/^<removed: \d+ bytes>$/);

        const roles = c.images === 2 ? ['VEHICLE', 'PLATE_CROP'] : c.images === 1 ? ['VEHICLE'] : [];
        expect(ev.media.map((m: Ev) => m.role)).toEqual(roles);
        for (const [k, m] of ev.media.entries()) {
          expect(m).toMatchObject({ contentType: 'image/jpeg', byteSize: images[k].data.length });
          const got = await fetch(new URL(m.url, t.url));
          expect(got.status).toBe(200);
          expect(got.headers.get('content-type')).toBe('image/jpeg');
          const etag = got.headers.get('etag');
          expect(etag).toBeTruthy();
          expect(Buffer.from(await got.arrayBuffer()).equals(images[k].data)).toBe(true);
          const again = await fetch(new URL(m.url, t.url), { headers: { 'if-none-match': etag! } });
          expect(again.status).toBe(304);
          expect((await again.arrayBuffer()).byteLength).toBe(0);
        }
      });
    }

    it('the same POST bytes twice → 200 duplicate with the original seq, stored once', async () => {
      const deviceId = `DUP-${driver.name}`;
      const p = pass(deviceId);
      const { headers, body } = buildHttpRequest({ url: ingestUrl, mode: 'multipart-file', event: stampEvent(p.update.json, { packetCounter: 9 }), images: imagesOf(p.update, 2) });
      const send = async () => {
        const r = await fetch(ingestUrl, { method: 'POST', headers, body: new Uint8Array(body) });
        return { status: r.status, body: (await r.json()) as Ev };
      };
      const first = await send();
      expect(first).toMatchObject({ status: 200, body: { status: 'stored' } });
      const dupBefore = await counter('http.duplicates');
      const second = await send();
      expect(second).toEqual({ status: 200, body: { status: 'duplicate', seq: first.body.seq } });
      expect(await counter('http.duplicates')).toBe(dupBefore + 1);
      expect(await eventsOf(deviceId)).toHaveLength(1);
    });

    it('packetCounter differing but everything else identical → one event', async () => {
      const deviceId = `PC-${driver.name}`;
      const p = pass(deviceId);
      const post = (n: number) => postEvent({ url: ingestUrl, mode: 'json', event: stampEvent(p.update.json, { packetCounter: n }) });
      const a = await post(1);
      const b = await post(2);
      expect([a.status, b.status]).toEqual([200, 200]);
      expect(JSON.parse(b.body)).toEqual({ status: 'duplicate', seq: JSON.parse(a.body).seq });
      const evs = await eventsOf(deviceId);
      expect(evs).toHaveLength(1);
      expect(evs[0].packetCounter).toBe(1);
    });

    it('distinct events (other carState, other capture_timestamp) → distinct rows', async () => {
      const deviceId = `DIST-${driver.name}`;
      const base = stampEvent(pass(deviceId).update.json, { packetCounter: 1 });
      const variants: FfJson[] = [base, { ...base, carState: 'reliable' }, { ...base, capture_timestamp: String(Number(base.capture_timestamp) + 1) }];
      const seqs = new Set<string>();
      for (const ev of variants) {
        const r = await postEvent({ url: ingestUrl, mode: 'json', event: ev });
        expect(r.status).toBe(200);
        const b = JSON.parse(r.body);
        expect(b.status).toBe('stored');
        seqs.add(b.seq);
      }
      expect(seqs.size).toBe(3);
      const evs = await eventsOf(deviceId);
      expect(evs.map((e) => e.phase).sort()).toEqual(['RELIABLE', 'UPDATE', 'UPDATE']);
      expect(new Set(evs.map((e) => e.occurredAt)).size).toBe(2);
    });

    it("the simulator's event buffer after an outage re-sends: every event stored once, subscribers see each once", async () => {
      // A gate in front of the server: `lose` forwards but answers the camera 502 (stored, answer
      // lost, so the camera re-sends a duplicate); `down` answers 503 without forwarding.
      let mode: 'lose' | 'down' | 'up' = 'lose';
      const appAnswers: string[] = [];
      const gate = http.createServer((req, res) => {
        if (mode === 'down') return void req.resume().on('end', () => res.writeHead(503).end());
        const fwd = http.request(`${t.url}${req.url}`, { method: 'POST', headers: req.headers, agent: false }, (up) => {
          const chunks: Buffer[] = [];
          up.on('data', (c: Buffer) => chunks.push(c));
          up.on('end', () => {
            appAnswers.push(`${up.statusCode} ${JSON.parse(Buffer.concat(chunks).toString()).status}`);
            if (mode === 'lose') res.writeHead(502).end();
            else res.writeHead(up.statusCode!, up.headers).end(Buffer.concat(chunks));
          });
        });
        req.pipe(fwd);
      });
      await new Promise<void>((r) => gate.listen(0, '127.0.0.1', r));
      const deviceId = `BUF-${driver.name}`;
      const markerId = `BUF-END-${driver.name}`;
      const live: Ev[] = [];
      let markerSeen = false;
      const ws = createClient({ url: `${t.url.replace('http', 'ws')}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0 });
      // Subscribe from the current end of the log (`after`), so no event can slip past unseen.
      const top = (await t.gql('{ events(first: 1) { edges { node { seq } } } }')).data.events.edges[0]?.node.seq ?? '0';
      const sub = ws.iterate<Ev>({ query: 'subscription($after: String) { events(after: $after) { seq ... on FfPlateEvent { deviceId } } }', variables: { after: top } });
      const reading = (async () => {
        for await (const m of sub) {
          if (m.data?.events.deviceId === deviceId) live.push(m.data.events);
          if (m.data?.events.deviceId === markerId) markerSeen = true;
        }
      })();
      const sim = new FfCameraSimulator({
        deviceId,
        seed: deviceId,
        ratePerSec: 0,
        useEventBuffer: true,
        retryIntervalMs: 50,
        passes: { extraFieldRate: 0 },
        http: { url: `http://127.0.0.1:${(gate.address() as AddressInfo).port}/adapters/ff/default/events`, modes: ['multipart-file', 'json'], twoImages: true, imageBytes: 3000 },
      });
      try {
        const { pass: p, deliveries } = await sim.sendPass(Date.now());
        expect(deliveries.length).toBe(p.events.length);
        expect(deliveries.every((d) => !d.ok)).toBe(true);
        expect(sim.buffered).toBe(p.events.length);
        mode = 'down';
        await sim.start(); // starts the buffer's retry timer
        await waitFor(() => sim.stats.failed >= p.events.length + 2, 5000, 'retries while down');
        expect(sim.buffered).toBe(p.events.length);
        mode = 'up';
        await waitFor(() => sim.buffered === 0, 10_000, 'buffer flushed');
        expect(sim.stats.resent).toBe(p.events.length);
        // Every event reached the server twice: first stored (answer lost), then a duplicate.
        const n = p.events.length;
        expect(appAnswers.filter((a) => a === '200 stored')).toHaveLength(n);
        expect(appAnswers.filter((a) => a === '200 duplicate')).toHaveLength(n);
        const evs = await eventsOf(deviceId);
        expect(evs).toHaveLength(n);
        expect(evs.map((e) => e.phase).sort()).toEqual(p.events.map((e) => PHASE[e.carState]).sort());
        await waitFor(() => live.length >= n, 5000, 'live events');
        // A marker event stored after all of them: delivery is in seq order, so a duplicate would come before it.
        expect((await postEvent({ url: ingestUrl, mode: 'json', event: stampEvent(pass(markerId).update.json, { packetCounter: 1 }) })).status).toBe(200);
        await waitFor(() => markerSeen, 5000, 'the marker event');
        expect(live.map((e) => e.seq).sort()).toEqual(evs.map((e) => e.seq).sort());
      } finally {
        await sim.stop();
        await ws.dispose();
        await reading.catch(() => undefined);
        await new Promise((r) => gate.close(r));
      }
    });
  });
}
