/** FileMediaStore: content-addressed files written atomically, without a stat; shard directories created once per process (again if removed). */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FileMediaStore } from '../../../src/core/media/store.ts';
import type { Db } from '../../../src/core/db/client.ts';

const jpeg = (tag: string | number) => Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]), Buffer.from(`JFIF ${tag}`)]);
const filesUnder = (dir: string) => readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name);

describe('FileMediaStore', () => {
  const dirs: string[] = [];
  const store = () => {
    const dir = mkdtempSync(join(tmpdir(), 'media-store-'));
    dirs.push(dir);
    return { dir, media: new FileMediaStore(join(dir, 'media'), {} as Db) };
  };
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('writes each content once under its sha256, also when the same bytes are put concurrently; no temp files remain', async () => {
    const { dir, media } = store();
    const a = jpeg('a');
    const refs = await Promise.all([media.put(a, 'VEHICLE'), media.put(a, 'PLATE_CROP'), media.put(jpeg('b'), 'FRAME')]);
    const id = createHash('sha256').update(a).digest('hex');
    expect(refs.map((r) => [r.id === id, r.role, r.contentType, r.byteSize])).toEqual([[true, 'VEHICLE', 'image/jpeg', a.length], [true, 'PLATE_CROP', 'image/jpeg', a.length], [false, 'FRAME', 'image/jpeg', a.length]]);
    expect(readFileSync(media.pathOf(id))).toEqual(a);
    expect(filesUnder(dir).sort()).toEqual([id, refs[2].id].sort());
  });

  it('recreates a shard directory removed from outside after it was written to once', async () => {
    const { dir, media } = store();
    const first = await media.put(jpeg('first'), 'FRAME');
    // Other bytes landing in the same shard (same first 2 hex digits of the hash).
    let other = jpeg(0);
    for (let i = 1; createHash('sha256').update(other).digest('hex').slice(0, 2) !== first.id.slice(0, 2); i++) other = jpeg(i);
    rmSync(join(dir, 'media'), { recursive: true });
    const again = await media.put(other, 'FRAME');
    expect(again.id.slice(0, 2)).toBe(first.id.slice(0, 2));
    expect(readFileSync(media.pathOf(again.id))).toEqual(other);
  });

  it('refuses bytes that are not an accepted image before writing anything', async () => {
    const { dir, media } = store();
    await expect(media.put(Buffer.from('not an image'), 'SNAPSHOT')).rejects.toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE' });
    expect(() => readdirSync(join(dir, 'media'))).toThrow();
  });
});
