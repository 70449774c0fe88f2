/**
 * FF HTTP ingest with bad, hostile or unauthenticated input against a real server: every rejection
 * is a 4xx `{ error: { code, message } }` naming the problem, and leaves nothing behind (no event
 * row, no media row, no media file); the server keeps answering.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { tmpdir } from 'node:os';
import { sql } from 'drizzle-orm';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { drivers, type TestDb } from '../../helpers/db.ts';
import { media } from '../../../src/core/db/schema.ts';
import { buildMultipart, type MultipartPart } from '@unified-surveillance/simulators/ff';
import { makeJpeg } from '@unified-surveillance/simulators/kit';

type Ev = Record<string, any>;
const SAMPLE: Ev = JSON.parse(readFileSync(new URL('../../fixtures/ff/sample-update.json', import.meta.url), 'utf8'));
const BOUNDARY = 'xXtestBoundaryXx';
const MAX_IMAGE = 8192;
const jpeg = (seed: string, bytes = 2000) => makeJpeg(seed, bytes);

/** The sample with its device/car replaced, so every test's event is its own. */
const sample = (tag: string, patch: Ev = {}): Ev => ({ ...SAMPLE, sensorProviderID: `BAD-${tag}`, carID: tag, ...patch });
const without = (o: Ev, ...keys: string[]) => Object.fromEntries(Object.entries(o).filter(([k]) => !keys.includes(k)));
const eventPart = (json: Ev | string): MultipartPart => ({ name: 'event', filename: 'event.json', contentType: 'application/json', data: typeof json === 'string' ? json : JSON.stringify(json) });
const imagePart = (data: Buffer, filename = 'x_1lp_AB_1.jpg', name = 'image'): MultipartPart => ({ name, filename, contentType: 'image/jpeg', data });

function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => relative(dir, join(d.parentPath, d.name)))
    .sort();
}

for (const driver of drivers) {
  describe(`FF HTTP bad input (${driver.name})`, () => {
    let t: TestApp;
    let db: TestDb;
    beforeAll(async () => {
      db = await driver.open();
      t = await startTestApp({
        db,
        config: {
          adapters: [
            { type: 'ff', id: 'default', limits: { maxImageBytes: MAX_IMAGE, maxParts: 4 } },
            { type: 'ff', id: 'keyed', auth: { header: 'X-Auth-Key', key: 'secret-123' } },
            { type: 'ff', id: 'basic', auth: { username: 'cam', password: 'pass-1234' } },
          ],
        },
      });
    });
    afterAll(async () => {
      await t?.close();
      await db?.cleanup();
    });

    const post = async (body: string | Buffer, o: { type?: string | null; instance?: string; headers?: Record<string, string> } = {}) => {
      const type = o.type === undefined ? 'application/json' : o.type;
      const r = await fetch(`${t.url}/adapters/ff/${o.instance ?? 'default'}/events`, {
        method: 'POST',
        headers: { ...(type ? { 'content-type': type } : {}), ...o.headers },
        body: type ? body : new Blob([typeof body === 'string' ? body : new Uint8Array(body)]).stream(),
        ...(type ? {} : { duplex: 'half' }),
      } as RequestInit);
      const text = await r.text();
      return { status: r.status, body: JSON.parse(text) as Ev };
    };
    const postJson = (json: Ev, o: Parameters<typeof post>[1] = {}) => post(JSON.stringify(json), o);
    const postParts = (parts: MultipartPart[], o: Parameters<typeof post>[1] = {}) => post(buildMultipart(parts, BOUNDARY), { ...o, type: `multipart/form-data; boundary=${BOUNDARY}` });

    const allEvents = async (): Promise<Ev[]> => {
      const r = await t.gql('{ events(first: 500) { edges { node { seq raw ... on PlateReadEvent { plate plateNormalized region } ... on FfPlateEvent { deviceId carId } } } } }');
      expect(r.errors).toBeUndefined();
      return r.data.events.edges.map((e: Ev) => e.node);
    };
    const snapshot = async () => {
      const [{ n }] = await db.database.db.select({ n: sql<number>`count(*)::int` }).from(media);
      // Names and sizes: bytes appended to a media segment count as stored.
      return { events: (await allEvents()).length, mediaRows: Number(n), files: listFiles(t.dataDir).map((f) => `${f} ${statSync(join(t.dataDir, f)).size}`) };
    };
    /** Runs `send`, expects a 4xx with `code` whose message mentions each of `mentions`, and nothing stored. */
    const rejects = async (send: () => Promise<{ status: number; body: Ev }>, status: number, code: string, ...mentions: Array<string | RegExp>) => {
      const before = await snapshot();
      const res = await send();
      expect(res.status).toBe(status);
      expect(res.body).toEqual({ error: { code, message: expect.any(String) } });
      for (const m of mentions) expect(res.body.error.message).toMatch(m);
      expect(await snapshot()).toEqual(before);
      expect((await fetch(`${t.url}/health`)).status).toBe(200);
      return res.body.error.message as string;
    };
    const stores = async (res: { status: number; body: Ev }) => {
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ status: 'stored' });
      return (await allEvents()).find((e) => e.seq === res.body.seq)!;
    };

    it('malformed JSON → 400 BAD_USER_INPUT with the position (JSON body and multipart event part)', async () => {
      await rejects(() => post('{"carID":"1","plateText":"AB1" "carState":"new"}'), 400, 'BAD_USER_INPUT', /position 31\b/);
      await rejects(() => post('{"carID":"1","plateText":"AB'), 400, 'BAD_USER_INPUT', /position \d+/);
      await rejects(() => postParts([eventPart('{"carID":"1","plateText":"AB1" "x":1}'), imagePart(jpeg('m1'))]), 400, 'BAD_USER_INPUT', /event/, /position \d+/);
      await rejects(() => postParts([eventPart('{"carID":"1","plateText":"AB'), imagePart(jpeg('m2'))]), 400, 'BAD_USER_INPUT', /event/, /position \d+/);
      await rejects(() => post('[1,2]'), 400, 'BAD_USER_INPUT', /object/);
    });

    it('missing or mistyped fields → 400 naming the field', async () => {
      const noPlate = without(sample('np'), 'plateText', 'plateUTF8', 'plateUnicode', 'plateASCII');
      await rejects(() => postJson(noPlate), 400, 'BAD_USER_INPUT', /plateText/);
      await rejects(() => postParts([eventPart(noPlate), imagePart(jpeg('np'))]), 400, 'BAD_USER_INPUT', /plateText/);
      await rejects(() => postJson(without(sample('nc'), 'carID')), 400, 'BAD_USER_INPUT', /carID/);
      await rejects(() => postJson(sample('pc', { plateConfidence: 'abc' })), 400, 'BAD_USER_INPUT', /plateConfidence/, /abc/);
      await rejects(() => postJson(sample('cs', { carState: 'parked' })), 400, 'BAD_USER_INPUT', /carState/);
      await rejects(() => postJson(sample('ts', { capture_timestamp: 'yesterday', datetime: '' })), 400, 'BAD_USER_INPUT', /capture_timestamp/);
    });

    it('over-long typed fields → 400 naming the field (the database never sees them); a 10 MB plate or extra field → 413', async () => {
      await rejects(() => postJson(sample('lp', { plateText: 'A'.repeat(12_000) })), 400, 'BAD_USER_INPUT', /plateText/);
      await rejects(() => postJson(sample('x'.repeat(12_000))), 400, 'BAD_USER_INPUT', /carID/);
      await rejects(() => postJson(sample('dev', { sensorProviderID: 'D'.repeat(12_000) })), 400, 'BAD_USER_INPUT', /sensorProviderID/);
      await rejects(() => postJson(sample('vi', { vehicle_info: { brand: 'B'.repeat(65) } })), 400, 'BAD_USER_INPUT', /vehicle_info\.brand/);
      await rejects(() => postJson(sample('uri', { imagesURI: Array(17).fill('http://x/y.jpg') })), 400, 'BAD_USER_INPUT', /imagesURI/);
      await rejects(() => postJson(sample('big-lp', { plateText: 'A'.repeat(10 * 1024 * 1024) })), 413, 'PAYLOAD_TOO_LARGE');
      await rejects(() => postJson(sample('big-x', { extra: 'x'.repeat(11 * 1024 * 1024) })), 413, 'PAYLOAD_TOO_LARGE');
      await rejects(() => postParts([eventPart(sample('big-x2', { extra: 'x'.repeat(300_000) })), imagePart(jpeg('bx2'))]), 413, 'PAYLOAD_TOO_LARGE');
      // At the limits it is stored.
      await stores(await postJson(sample('y'.repeat(128), { plateText: 'A'.repeat(64), sensorProviderID: 'D'.repeat(128) })));
    });

    it('an image over limits.maxImageBytes → 413 PAYLOAD_TOO_LARGE, the valid first image not stored either', async () => {
      const big = jpeg('big', MAX_IMAGE * 3);
      await rejects(() => postParts([eventPart(sample('big1')), imagePart(big)]), 413, 'PAYLOAD_TOO_LARGE');
      await rejects(() => postParts([eventPart(sample('big2')), imagePart(jpeg('ok-first'), 'a_1roi_AB_1.jpg'), imagePart(big, 'b.jpg', 'image2')]), 413, 'PAYLOAD_TOO_LARGE');
      const arr = [{ ImageType: 'vehicle', ImageFormat: 'jpeg', BinaryImage: big.toString('base64') }];
      await rejects(() => postJson(sample('big3', { ImageArray: arr })), 413, 'PAYLOAD_TOO_LARGE');
      // Larger than any part may be: refused while streaming, naming the part.
      await rejects(() => postParts([eventPart(sample('big4')), imagePart(jpeg('huge', 400_000))]), 413, 'PAYLOAD_TOO_LARGE', /"image"/);
    });

    it('too many parts → 413', async () => {
      const parts = [eventPart(sample('parts')), ...[1, 2, 3, 4, 5].map((i) => imagePart(jpeg(`p${i}`), `p${i}.jpg`, `image${i}`))];
      await rejects(() => postParts(parts), 413, 'PAYLOAD_TOO_LARGE', /parts|files/);
    });

    it('non-image bytes as an image → 415 UNSUPPORTED_MEDIA_TYPE, nothing written', async () => {
      const text = Buffer.from('#!/bin/sh\nrm -rf / # definitely not a JPEG\n'.repeat(20));
      await rejects(() => postParts([eventPart(sample('ni1')), imagePart(text)]), 415, 'UNSUPPORTED_MEDIA_TYPE');
      await rejects(() => postParts([eventPart(sample('ni2')), imagePart(jpeg('good'), 'a_1roi_AB_1.jpg'), imagePart(text, 'b_1lp_AB_1.jpg', 'image2')]), 415, 'UNSUPPORTED_MEDIA_TYPE');
      const arr = [{ ImageType: 'plate', ImageFormat: 'jpeg', BinaryImage: text.toString('base64') }];
      await rejects(() => postJson(sample('ni3', { ImageArray: arr })), 415, 'UNSUPPORTED_MEDIA_TYPE');
    });

    it('a wrong or missing content type → 415 naming it', async () => {
      const body = JSON.stringify(sample('ct'));
      await rejects(() => post(body, { type: 'text/plain' }), 415, 'UNSUPPORTED_MEDIA_TYPE', /text\/plain/);
      await rejects(() => post(body, { type: 'application/x-www-form-urlencoded' }), 415, 'UNSUPPORTED_MEDIA_TYPE');
      await rejects(() => post(body, { type: null }), 415, 'UNSUPPORTED_MEDIA_TYPE', /content type/);
    });

    it('path tricks in file names: nothing written but media segments; the images read back intact', async () => {
      const names = ['../../etc/passwd.jpg', '..\\..\\..\\evil_1lp_X_1.jpg', `${tmpdir()}/ff-escape-${process.pid}.jpg`];
      const imgs = names.map((_, i) => jpeg(`trick${i}`));
      const ev = await stores(await postParts([eventPart(sample('path')), ...names.map((n, i) => imagePart(imgs[i], n, `image${i}`))]));
      const files = listFiles(t.dataDir).filter((f) => f !== 'instance.lock'); // the DATA_DIR lock (data-dir-lock.ts)
      expect(files.length).toBeGreaterThanOrEqual(1);
      for (const f of files) expect(f).toMatch(new RegExp(`^media\\${sep}segments\\${sep}[0-9a-z]+-[0-9a-f]{12}\\.seg$`));
      for (const f of ['passwd', 'evil', 'ff-escape']) expect(files.some((x) => x.includes(f))).toBe(false);
      for (const p of [join(t.dataDir, '..', 'etc', 'passwd.jpg'), join(t.dataDir, 'etc', 'passwd.jpg'), join(t.dataDir, 'media', 'etc', 'passwd.jpg'), `${tmpdir()}/ff-escape-${process.pid}.jpg`]) {
        expect(existsSync(p)).toBe(false);
      }
      const r = await t.gql('query($s: ID!) { event(id: $s) { media { byteSize url } } }', { s: ev.seq });
      const got = await Promise.all(r.data.event.media.map(async (m: Ev) => Buffer.from(await (await fetch(new URL(m.url, t.url))).arrayBuffer())));
      expect(got.map((b) => b.toString('hex')).sort()).toEqual(imgs.map((b) => b.toString('hex')).sort());
    });

    it('unknown fields are kept in raw', async () => {
      const extra = { vehicleSpeed: '42.5', ocrEngine: { name: 'ffocr', build: '5.1' }, 'weird key/ü': ['x', 1, null] };
      const ev = await stores(await postJson(sample('unk', extra)));
      expect(ev.raw).toMatchObject(extra);
      expect(ev.raw.plateText).toBe(SAMPLE.plateText);
    });

    it('a SQL-looking plate is stored literally and can be queried', async () => {
      const plate = "'; DROP TABLE events;--";
      const ev = await stores(await postJson(sample('sql', { plateText: plate, plateUTF8: plate, plateUnicode: plate, plateASCII: plate })));
      expect(ev.plate).toBe(plate);
      const r = await t.gql('query($p: String) { events(first: 5, filter: { plate: $p }) { edges { node { seq ... on PlateReadEvent { plate } } } } }', { p: ev.plateNormalized });
      expect(r.data.events.edges.map((e: Ev) => e.node)).toEqual([{ seq: ev.seq, plate }]);
      expect((await allEvents()).length).toBeGreaterThan(0); // the table is still there
    });

    it('a NUL character in a typed string field → 400 naming it, nothing written (its image neither); in unknown fields it is dropped', async () => {
      const cases: Array<[string, Ev]> = [
        ['carID', { carID: 'c\u0000d' }],
        ['sensorProviderID', { sensorProviderID: 'X\u0000Y' }],
        ['plateText', { plateText: 'AB\u00001234' }],
        ['plateRegion', { plateRegion: 'Pra\u0000ha' }],
      ];
      for (const [field, patch] of cases) {
        await rejects(() => postParts([eventPart(sample(`nul-${field}`, patch)), imagePart(jpeg(`nul-${field}`))]), 400, 'BAD_USER_INPUT', new RegExp(`^${field}\\b`));
      }
      const ev = await stores(await postJson(sample('nul-raw', { x_note: 'a\u0000b', 'k\u0000ey': '1' })));
      expect(ev.raw).toMatchObject({ x_note: 'ab', key: '1' });
    });

    describe('ingest auth', () => {
      const body = (tag: string) => JSON.stringify(sample(tag));
      it('header key: 401 UNAUTHENTICATED without or with a wrong key, nothing stored; 200 with it', async () => {
        await rejects(() => post(body('k1'), { instance: 'keyed' }), 401, 'UNAUTHENTICATED', /X-Auth-Key/);
        await rejects(() => post(body('k1'), { instance: 'keyed', headers: { 'x-auth-key': 'secret-124' } }), 401, 'UNAUTHENTICATED');
        await rejects(() => post(body('k1'), { instance: 'keyed', headers: { 'x-auth-key': 'secret-123x' } }), 401, 'UNAUTHENTICATED');
        await rejects(() => post(body('k1'), { instance: 'keyed', headers: { authorization: `Basic ${Buffer.from('cam:secret-123').toString('base64')}` } }), 401, 'UNAUTHENTICATED');
        await rejects(() => postParts([eventPart(sample('k1')), imagePart(jpeg('k1'))], { instance: 'keyed' }), 401, 'UNAUTHENTICATED');
        await stores(await post(body('k1'), { instance: 'keyed', headers: { 'X-Auth-Key': 'secret-123' } }));
      });
      it('basic auth: 401 without or with wrong credentials, nothing stored; 200 with them', async () => {
        const basic = (u: string, p: string) => ({ authorization: `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}` });
        await rejects(() => post(body('b1'), { instance: 'basic' }), 401, 'UNAUTHENTICATED');
        await rejects(() => post(body('b1'), { instance: 'basic', headers: basic('cam', 'pass-12345') }), 401, 'UNAUTHENTICATED');
        await rejects(() => post(body('b1'), { instance: 'basic', headers: basic('root', 'pass-1234') }), 401, 'UNAUTHENTICATED');
        await rejects(() => post(body('b1'), { instance: 'basic', headers: { 'x-auth-key': 'pass-1234' } }), 401, 'UNAUTHENTICATED');
        await stores(await post(body('b1'), { instance: 'basic', headers: basic('cam', 'pass-1234') }));
      });
    });
  });
}
