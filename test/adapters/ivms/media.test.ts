/**
 * IVMS event snapshots and clips through GraphQL: fetched from the simulator into the media store
 * and served at /media/{id}; size and time limits; IVMS failures; bad arguments.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { drivers, type TestDb } from '../../helpers/db.ts';
import { startIvms, type IvmsHarness } from './harness.ts';

const SNAP = `query($i: String!, $e: ID!) { ivmsEventSnapshot(instance: $i, eventId: $e) { id role contentType byteSize url } }`;
const CLIP = `query($i: String!, $e: ID!) { ivmsEventClip(instance: $i, eventId: $e) { id role contentType byteSize url } }`;
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

for (const driver of drivers) {
  describe(`IVMS event snapshots and clips (${driver.name})`, () => {
    let h: IvmsHarness;
    let db: TestDb;
    beforeAll(async () => {
      db = await driver.open();
      h = await startIvms(db, { config: { limits: { snapMaxBytes: 1024 * 1024, snapTimeoutMs: 600, clipMaxBytes: 4 * 1024 * 1024 } } });
    });
    afterAll(async () => {
      await h?.close();
      await db?.cleanup();
    });
    beforeEach(() => {
      h.sim.fault = 'none';
    });
    const download = async (url: string) => {
      const res = await fetch(new URL(new URL(url, h.t.url).pathname, h.t.url));
      return { status: res.status, type: res.headers.get('content-type'), body: Buffer.from(await res.arrayBuffer()) };
    };

    it('a snapshot is stored and served at /media/{id} (JPEG sniffed; IVMS says octet-stream)', async () => {
      h.sim.addEvent(5001, { snapBytes: 40_000 });
      const r = await h.t.gql(SNAP, { i: 'hq', e: '5001' });
      expect(r.errors).toBeUndefined();
      const m = r.data.ivmsEventSnapshot;
      expect(m).toMatchObject({ role: 'SNAPSHOT', contentType: 'image/jpeg' });
      expect(m.byteSize).toBeGreaterThanOrEqual(40_000);
      const got = await download(m.url);
      expect([got.status, got.type, got.body.length]).toEqual([200, 'image/jpeg', m.byteSize]);
      expect(sha256(got.body)).toBe(m.id);
      const direct = await fetch(`${h.sim.url}/V-Pro-IVMS-APIServer/REST/local/event/5001/snap`);
      expect(Buffer.from(await direct.arrayBuffer()).equals(got.body)).toBe(true);
    });

    it('a clip (MPEG-TS) is stored as CLIP video and served', async () => {
      h.sim.addEvent(5002, { clipBytes: 600_000 });
      const r = await h.t.gql(CLIP, { i: 'hq', e: '5002' });
      expect(r.errors).toBeUndefined();
      const m = r.data.ivmsEventClip;
      expect(m).toMatchObject({ role: 'CLIP', contentType: 'video/mp2t' });
      const got = await download(m.url);
      expect([got.status, got.type]).toEqual([200, 'video/mp2t']);
      expect(got.body[0]).toBe(0x47);
      expect(sha256(got.body)).toBe(m.id);
    });

    it('a snapshot over the size limit is refused (PAYLOAD_TOO_LARGE)', async () => {
      h.sim.addEvent(5003, { snapBytes: 3 * 1024 * 1024 });
      const r = await h.t.gql(SNAP, { i: 'hq', e: '5003' });
      expect(r.errors?.[0].extensions?.code).toBe('PAYLOAD_TOO_LARGE');
      expect(r.errors?.[0].message).toMatch(/event 5003 snap: .*exceeds 1048576 bytes/);
    });

    it('a slow snapshot times out (VENDOR_UNAVAILABLE) within the limit', async () => {
      h.sim.addEvent(5004, { slowMs: 5000 });
      const started = Date.now();
      const r = await h.t.gql(SNAP, { i: 'hq', e: '5004' });
      expect(r.errors?.[0].extensions?.code).toBe('VENDOR_UNAVAILABLE');
      // The deadline (600 ms) and undici's own headers timeout (also 600 ms) race: either names the timeout.
      expect(r.errors?.[0].message).toMatch(/event 5004 snap: .*(no complete answer within 600 ms|HEADERS_TIMEOUT)/);
      expect(Date.now() - started).toBeLessThan(3000);
    });

    it('IVMS failures are typed: unknown event (3002), site down, broken JSON', async () => {
      const unknown = await h.t.gql(SNAP, { i: 'hq', e: '999999' });
      expect(unknown.errors?.[0].extensions).toMatchObject({ code: 'VENDOR_REJECTED', vendorStatus: 3002 });
      h.sim.addEvent(5005);
      h.sim.fault = 'site-down';
      const down = await h.t.gql(CLIP, { i: 'hq', e: '5005' });
      expect(down.errors?.[0].extensions).toMatchObject({ code: 'VENDOR_UNAVAILABLE', vendorStatus: 1504 });
      expect(down.errors?.[0].message).toContain('site VMS server down');
      h.sim.fault = 'invalid-json';
      expect((await h.t.gql(SNAP, { i: 'hq', e: '5005' })).errors?.[0].extensions?.code).toBe('VENDOR_UNAVAILABLE');
      h.sim.fault = 'none';
      expect((await h.t.gql(SNAP, { i: 'hq', e: '5005' })).errors).toBeUndefined();
    });

    it('bad arguments: an unknown instance is NOT_FOUND, a path-like event id BAD_USER_INPUT', async () => {
      expect((await h.t.gql(SNAP, { i: 'nope', e: '1' })).errors?.[0].extensions?.code).toBe('NOT_FOUND');
      for (const e of ['../channel', '1/clip', '', 'x'.repeat(65)]) {
        expect((await h.t.gql(SNAP, { i: 'hq', e })).errors?.[0].extensions?.code, e).toBe('BAD_USER_INPUT');
      }
    });
  });
}
