/** FileMediaStore: content-addressed items appended to segment files; concurrent puts never overlap; each content written once per process; read back by location; rows from before segments still served. */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FileMediaStore, type MediaMeta, type StoredMedia } from '../../../src/core/media/store.ts';
import type { Db } from '../../../src/core/db/client.ts';

const jpeg = (tag: string | number, pad = 0) => Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]), Buffer.from(`JFIF ${tag}`), Buffer.alloc(pad, String(tag).length % 251)]);
const filesUnder = (dir: string) =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => e.name);
const read = async (media: FileMediaStore, m: MediaMeta) => {
  const chunks: Buffer[] = [];
  for await (const c of media.open(m)) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
};
const metaOf = (r: StoredMedia): MediaMeta => ({ id: r.id, contentType: r.contentType, byteSize: r.byteSize, segment: r.segment, offset: r.offset });

describe('FileMediaStore', () => {
  const dirs: string[] = [];
  const stores: FileMediaStore[] = [];
  const store = () => {
    const dir = mkdtempSync(join(tmpdir(), 'media-store-'));
    dirs.push(dir);
    const media = new FileMediaStore(join(dir, 'media'), {} as Db);
    stores.push(media);
    return { dir, media };
  };
  afterEach(() => {
    stores.splice(0).forEach((s) => s.close());
    dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true }));
  });

  it('writes each content once, also when the same bytes are put concurrently; one segment file, nothing named by the client', async () => {
    const { dir, media } = store();
    const a = jpeg('a');
    const refs = await Promise.all([media.put(a, 'VEHICLE'), media.put(a, 'PLATE_CROP'), media.put(jpeg('b'), 'FRAME')]);
    const id = createHash('sha256').update(a).digest('hex');
    expect(refs.map((r) => [r.id === id, r.role, r.contentType, r.byteSize])).toEqual([
      [true, 'VEHICLE', 'image/jpeg', a.length],
      [true, 'PLATE_CROP', 'image/jpeg', a.length],
      [false, 'FRAME', 'image/jpeg', a.length],
    ]);
    expect(refs[0].segment).toBe(refs[2].segment);
    expect(await read(media, metaOf(refs[0]))).toEqual(a);
    expect(await read(media, metaOf(refs[2]))).toEqual(jpeg('b'));
    const files = filesUnder(dir);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^[0-9a-z]+-[0-9a-f]{12}\.seg$/);
  });

  it('200 concurrent puts of different sizes: ranges never overlap, every item reads back intact', async () => {
    const { media } = store();
    const items = Array.from({ length: 200 }, (_, i) => jpeg(`item-${i}`, (i * 7919) % 70_000));
    const refs = await Promise.all(items.map((b) => media.put(b, 'SNAPSHOT')));
    const ranges = refs.map((r) => [r.offset, r.offset + r.byteSize] as const).sort((x, y) => x[0] - y[0]);
    for (let i = 1; i < ranges.length; i++) expect(ranges[i][0]).toBeGreaterThanOrEqual(ranges[i - 1][1]);
    for (const [i, r] of refs.entries()) expect((await read(media, metaOf(r))).equals(items[i]), `item ${i}`).toBe(true);
  });

  it('a new process (store) writes its own segment; both stay readable', async () => {
    const { dir, media } = store();
    const first = await media.put(jpeg('first'), 'FRAME');
    const second = new FileMediaStore(join(dir, 'media'), {} as Db);
    stores.push(second);
    const again = await second.put(jpeg('second'), 'FRAME');
    expect(again.segment).not.toBe(first.segment);
    expect(await read(second, metaOf(first))).toEqual(jpeg('first'));
    expect(await read(media, metaOf(again))).toEqual(jpeg('second'));
  });

  it('serves an item stored before segments (one file per image) and refuses a segment name that is not one of ours', async () => {
    const { dir, media } = store();
    const bytes = jpeg('legacy');
    const id = createHash('sha256').update(bytes).digest('hex');
    mkdirSync(join(dir, 'media', id.slice(0, 2)), { recursive: true });
    writeFileSync(join(dir, 'media', id.slice(0, 2), id), bytes);
    expect(await read(media, { id, contentType: 'image/jpeg', byteSize: bytes.length })).toEqual(bytes);
    expect(() => media.open({ id, contentType: 'image/jpeg', byteSize: 1, segment: '../../etc/passwd', offset: 0 })).toThrow(/invalid media segment/);
  });

  it('refuses bytes that are not an accepted image before writing anything', async () => {
    const { dir, media } = store();
    await expect(media.put(Buffer.from('not an image'), 'SNAPSHOT')).rejects.toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE' });
    expect(() => readdirSync(join(dir, 'media'))).toThrow();
  });
});
