/**
 * exportPlate end to end (both drivers): FF plate reads with images posted over HTTP, exported as a
 * tar that the system's `tar` opens; events.json holds the reads of the plate in the range and each
 * image file holds exactly the bytes ingested; the download needs the URL's token and an admin key;
 * it expires under the injected clock (404) and the sweeper deletes its file; the bounds answer
 * BAD_USER_INPUT; exportPlate is admin-only and audited, and so is the download.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/time/manual-clock.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { drivers, type TestDb } from '../helpers/db.ts';
import { ffJson, postFf } from '../helpers/ff-events.ts';
import { waitFor } from '../helpers/wait-for.ts';

const ADMIN = 'admin-key-0123456789abcdef';
const READER = 'read-key-0123456789abcdefg';
const bearer = (k: string) => ({ authorization: `Bearer ${k}` });
const T0 = Date.parse('2026-03-01T10:00:00Z');
const HOUR = 3_600_000;
const TTL_SEC = 600;

/** A distinct "JPEG" (magic bytes then a payload). */
const jpeg = (tag: string) => Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from(`image ${tag} `.repeat(50))]);
const EXPORT = `mutation($input: ExportPlateInput!) { exportPlate(input: $input) { url expiresAt events mediaFiles bytes } }`;
type Gql = { data?: any; errors?: Array<{ message: string; extensions?: Record<string, unknown> }>; status: number };
const codes = (r: Gql) => (r.errors ?? []).map((e) => e.extensions?.code);

for (const driver of drivers) {
  describe(`exportPlate on ${driver.name}`, () => {
    let t: TestApp;
    let db: TestDb;
    let packet = 0;
    const clock = new ManualClock(Date.parse('2026-06-01T00:00:00Z'));
    const work = mkdtempSync(join(tmpdir(), 'usa-export-'));
    const gql = (q: string, v?: Record<string, unknown>, key = ADMIN) => t.gql(q, v, bearer(key)) as Promise<Gql>;
    const read = async (plateText: string, at: number, images: Buffer[]) => {
      packet++;
      const ImageArray = images.map((b, i) => ({ ImageType: i === 0 ? 'plate' : 'vehicle', ImageFormat: 'jpeg', BinaryImage: b.toString('base64') }));
      const res = await postFf(t.url, ffJson(packet, { plateText, capture_timestamp: String(at), ImageArray }), 'default', bearer(ADMIN));
      expect(res.status).toBe(200);
    };
    const download = (url: string, headers: Record<string, string> = bearer(ADMIN)) => fetch(`${t.url}${url}`, { headers });

    beforeAll(async () => {
      db = await driver.open();
      t = await startTestApp({
        db,
        clock,
        config: {
          auth: {
            apiKeys: [
              { key: ADMIN, name: 'dpo', scopes: ['admin'] },
              { key: READER, name: 'reader', scopes: ['events:read'] },
            ],
          },
          exports: { ttlSec: TTL_SEC, sweepSec: 60, maxEvents: 3 },
          adapters: [{ type: 'ff', id: 'default', tcpPort: 0 }],
        },
      });
      await read('EX 123', T0, [jpeg('a1'), jpeg('a2')]);
      await read('EX-123', T0 + HOUR, [jpeg('b1'), jpeg('a2')]); // the vehicle image again: one file
      await read('OTHER1', T0 + HOUR, [jpeg('c1')]);
      await read('EX123', T0 + 48 * HOUR, [jpeg('d1')]); // outside the range
      for (let i = 0; i < 4; i++) await read('MANY1', T0 + i * HOUR, []);
    });
    afterAll(async () => {
      await t?.close();
      await db?.cleanup();
      rmSync(work, { recursive: true, force: true });
    });

    let url = '';
    it('exports the reads of the plate in the range with their images, as a tar that tar opens', async () => {
      const r = await gql(EXPORT, { input: { plate: 'ex 123', from: new Date(T0).toISOString(), to: new Date(T0 + 2 * HOUR).toISOString() } });
      expect(r.errors).toBeUndefined();
      const x = r.data.exportPlate;
      expect(x).toMatchObject({ events: 2, mediaFiles: 3 });
      expect(x.url).toMatch(/^\/exports\/[0-9a-f-]{36}\/[A-Za-z0-9_-]{32}$/);
      expect(Date.parse(x.expiresAt)).toBe(clock.nowMs() + TTL_SEC * 1000);
      url = x.url;

      const res = await download(url);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/x-tar');
      expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="plate-EX123-2026-06-01\.tar"$/);
      const bytes = Buffer.from(await res.arrayBuffer());
      expect(bytes.length).toBe(x.bytes);
      const file = join(work, `${driver.name}.tar`);
      writeFileSync(file, bytes);
      const out = join(work, driver.name);
      execFileSync('mkdir', ['-p', out]);
      execFileSync('tar', ['-xf', file, '-C', out]);

      const doc = JSON.parse(readFileSync(join(out, 'plate-export/events.json'), 'utf8'));
      expect(doc.export).toMatchObject({ plate: 'EX123', events: 2, mediaFiles: 3, from: new Date(T0).toISOString() });
      expect(doc.events.map((e: any) => [e.plate.plateNormalized, e.occurredAt])).toEqual([
        ['EX123', new Date(T0).toISOString()],
        ['EX123', new Date(T0 + HOUR).toISOString()],
      ]);
      expect(doc.events[0]).toMatchObject({ kind: 'PLATE_READ', source: { adapter: 'ff', instance: 'default' }, type: 'FfPlateEvent' });
      const expected = [
        [jpeg('a1'), jpeg('a2')],
        [jpeg('b1'), jpeg('a2')],
      ];
      doc.events.forEach((e: any, i: number) => {
        expect(e.media).toHaveLength(2);
        e.media.forEach((m: any, j: number) => {
          expect(m.file).toMatch(/^plate-export\/media\/[0-9a-f]{64}\.jpg$/);
          expect(readFileSync(join(out, m.file)).equals(expected[i][j])).toBe(true);
        });
      });
      expect(readdirSync(join(out, 'plate-export/media')).length).toBe(3);
    });

    it('the download needs an admin key and the right token; exportPlate is admin-only; both are audited', async () => {
      expect((await download(url, {})).status).toBe(401);
      expect((await download(url, bearer(READER))).status).toBe(403);
      const wrong = await download(url.replace(/\/[^/]+$/, '/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'));
      expect(wrong.status).toBe(404);
      expect(((await wrong.json()) as any).error.code).toBe('NOT_FOUND');
      expect((await fetch(`${t.url}${url}`, { method: 'HEAD', headers: bearer(ADMIN) })).status).toBe(200);

      const denied = await gql(EXPORT, { input: { plate: 'EX123' } }, READER);
      expect(codes(denied)).toEqual(['FORBIDDEN']);
      const log = await gql(`{ auditLog(first: 10) { edges { node { keyId action args outcome } } } }`);
      const actions = log.data.auditLog.edges.map((e: any) => e.node);
      expect(actions).toContainEqual(expect.objectContaining({ keyId: 'reader', action: 'exportPlate', outcome: 'FORBIDDEN' }));
      expect(actions).toContainEqual(expect.objectContaining({ keyId: 'dpo', action: 'exportPlate', outcome: 'ok', args: { input: expect.objectContaining({ plate: 'ex 123' }) } }));
      expect(actions).toContainEqual(expect.objectContaining({ keyId: 'dpo', action: 'downloadExport', outcome: 'ok' }));
      expect(actions).toContainEqual(expect.objectContaining({ keyId: 'dpo', action: 'downloadExport', outcome: 'NOT_FOUND' }));
    });

    it('answers BAD_USER_INPUT beyond the bounds, naming the field', async () => {
      const many = await gql(EXPORT, { input: { plate: 'MANY1' } });
      expect(codes(many)).toEqual(['BAD_USER_INPUT']);
      expect(many.errors?.[0].extensions?.field).toBe('input');
      expect(codes(await gql(EXPORT, { input: { plate: '--' } }))).toEqual(['BAD_USER_INPUT']);
      expect(codes(await gql(EXPORT, { input: { plate: 'X'.repeat(101) } }))).toEqual(['BAD_USER_INPUT']);
      const backwards = await gql(EXPORT, { input: { plate: 'EX123', from: new Date(T0).toISOString(), to: new Date(T0 - 1).toISOString() } });
      expect(backwards.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'to' });
    });

    it('expires: the URL answers 404 after expiresAt and the sweeper deletes the file', async () => {
      const dir = join(t.dataDir, 'exports');
      const id = url.split('/')[2];
      expect(existsSync(join(dir, `${id}.tar`))).toBe(true);
      await clock.advance(TTL_SEC * 1000);
      const gone = await download(url);
      expect(gone.status).toBe(404);
      expect(((await gone.json()) as any).error.message).toMatch(/expired|no such export/); // expired, or already swept (the sweep may run at the same instant)
      await waitFor(
        async () => {
          await clock.advance(60_000);
          return !existsSync(join(dir, `${id}.tar`));
        },
        10_000,
        'the sweeper',
      );
      expect((await download(url)).status).toBe(404);
    });
  });
}
