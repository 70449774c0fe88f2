/**
 * A disk that never fills, on a real small filesystem (a 20 MiB tmpfs mounted as MEDIA_DIR; root
 * can mount here — the suite says so and is skipped where it cannot): FF reads with images are
 * stored with them; the filesystem is filled below storage.minFreeBytes and, once the watermark is
 * read again (injected clock), reads are still stored (200) but without images, counted in
 * media_refused_total, /ready stays 200 naming the condition and diskSpace says so; space is freed
 * and images are stored again. Disk usage by adapter instance and kind (storageUsage, /metrics)
 * matches what was stored; both admin-only. Both drivers.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/time/manual-clock.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { drivers, type TestDb } from '../helpers/db.ts';
import { ffJson, postFf } from '../helpers/ff-events.ts';

const ADMIN = 'admin-key-0123456789abcdef';
const READER = 'read-key-0123456789abcdefg';
const bearer = (k: string) => ({ authorization: `Bearer ${k}` });
const MiB = 1_048_576;
const MIN_FREE = 8 * MiB;

/** Mount a 20 MiB tmpfs; null when this machine does not let us (not root, no CAP_SYS_ADMIN). */
function mountTmpfs(): string | null {
  const dir = mkdtempSync(join(tmpdir(), 'usa-tmpfs-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=20m', 'tmpfs', dir], { stdio: 'pipe' });
    return dir;
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    console.log(`disk watermark on a small filesystem: SKIPPED, mount -t tmpfs is not permitted here (${(e as Error).message.split('\n')[0]})`);
    return null;
  }
}

const jpeg = (tag: string, size = 4096) => {
  const b = Buffer.alloc(size, tag);
  b.set([0xff, 0xd8, 0xff, 0xe0]);
  return b;
};
const metricValue = (text: string, series: string) => {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : undefined;
};

const mount = mountTmpfs();

for (const driver of drivers) {
  describe.skipIf(!mount)(`disk watermark on a 20 MiB tmpfs, ${driver.name}`, () => {
    let t: TestApp;
    let db: TestDb;
    let packet = 0;
    const clock = new ManualClock();
    const mediaDir = join(mount ?? '', driver.name);
    const gql = (q: string, key = ADMIN) => t.gql(q, undefined, bearer(key));
    /** Post a read with one image; the stored event's media. */
    const read = async (plateText: string, image: Buffer, camera = 'CAM-1') => {
      packet++;
      const res = await postFf(
        t.url,
        ffJson(packet, { plateText, sensorProviderID: camera, ImageArray: [{ ImageType: 'plate', ImageFormat: 'jpeg', BinaryImage: image.toString('base64') }] }),
        'default',
        bearer(ADMIN),
      );
      expect(res.status).toBe(200);
      const r = await gql(`{ events(first: 1, filter: { plate: "${plateText}" }) { edges { node { media { byteSize } } } } }`);
      return r.data.events.edges[0].node.media as Array<{ byteSize: number }>;
    };
    const metrics = async () => (await fetch(`${t.url}/metrics`)).text();
    const ready = async () => {
      const r = await fetch(`${t.url}/ready`);
      return { status: r.status, body: (await r.json()) as { checks: Record<string, string> } };
    };
    const disks = async () => (await gql(`{ diskSpace { path freeBytes minFreeBytes mediaRefused } }`)).data.diskSpace as Array<{ path: string; freeBytes: number; mediaRefused: boolean }>;

    beforeAll(async () => {
      db = await driver.open();
      t = await startTestApp({
        db,
        clock,
        mediaDir,
        config: {
          auth: {
            apiKeys: [
              { key: ADMIN, scopes: ['admin'] },
              { key: READER, scopes: ['events:read'] },
            ],
          },
          storage: { minFreeBytes: MIN_FREE, checkIntervalSec: 5 },
          adapters: [{ type: 'ff', id: 'default', tcpPort: 0 }],
        },
      });
    });
    afterAll(async () => {
      await t?.close();
      await db?.cleanup();
      rmSync(mediaDir, { recursive: true, force: true });
    });

    it('refuses media below the watermark while events are still stored, and accepts them again once space is freed', async () => {
      expect(await read('FREE1', jpeg('a'))).toEqual([{ byteSize: 4096 }]);
      expect((await ready()).body.checks.disk).toMatch(/^ok: /);

      // Fill the filesystem until less than the watermark is free.
      const fill = join(mount!, `${driver.name}-fill`);
      const free = () => {
        const s = statfsSync(mount!);
        return s.bavail * s.bsize;
      };
      writeFileSync(fill, Buffer.alloc(free() - MIN_FREE / 2));
      expect(free()).toBeLessThan(MIN_FREE);
      await clock.advance(5000); // the last reading is stale: the next image reads the disk again

      expect(await read('FULL1', jpeg('b'))).toEqual([]);
      expect(await read('FULL2', jpeg('c'))).toEqual([]);
      expect(metricValue(await metrics(), 'media_refused_total{adapter="ff",instance="default",reason="low_disk"}')).toBe(2);
      expect(metricValue(await metrics(), 'storage_media_refused')).toBe(1);
      const r = await ready();
      expect(r.status).toBe(200);
      expect(r.body.checks.disk).toMatch(/^low: .* free on .*: new media are refused, events are still stored$/);
      expect((await disks()).find((d) => d.path === mediaDir)).toMatchObject({ mediaRefused: true });

      rmSync(fill);
      await clock.advance(5000);
      expect(await read('FREE2', jpeg('d'))).toEqual([{ byteSize: 4096 }]);
      expect((await ready()).body.checks.disk).toMatch(/^ok: /);
      expect((await disks()).find((d) => d.path === mediaDir)).toMatchObject({ mediaRefused: false, minFreeBytes: MIN_FREE });
    });

    it('storageUsage and /metrics show events and image bytes per adapter instance and kind, as stored; admin only', async () => {
      await read('USAGE1', jpeg('e', 1000), 'CAM-2');
      const r = await gql(`{ storageUsage { adapter instance kind events mediaBytes } }`);
      expect(r.errors).toBeUndefined();
      // 5 reads so far (2 without images): 4096 × 2 + 1000 bytes.
      expect(r.data.storageUsage).toEqual([{ adapter: 'ff', instance: 'default', kind: 'PLATE_READ', events: 5, mediaBytes: 2 * 4096 + 1000 }]);
      await clock.advance(300_000); // /metrics keeps usage figures 5 minutes
      const text = await metrics();
      expect(metricValue(text, 'storage_events{adapter="ff",instance="default",kind="PLATE_READ"}')).toBe(5);
      expect(metricValue(text, 'storage_media_bytes{adapter="ff",instance="default",kind="PLATE_READ"}')).toBe(2 * 4096 + 1000);
      expect(metricValue(text, `storage_free_bytes{path="${mediaDir}"}`)).toBeGreaterThan(MIN_FREE);

      for (const q of ['{ storageUsage { events } }', '{ diskSpace { path } }']) {
        const denied = await gql(q, READER);
        expect(denied.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
      }
    });
  });
}

afterAll(() => {
  if (!mount) return;
  execFileSync('umount', [mount]);
  rmSync(mount, { recursive: true, force: true });
});
