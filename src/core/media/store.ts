/**
 * Content-addressed media store: bytes live in files under DATA_DIR/media/ab/<sha256> (256 shard
 * directories, created once per process: a million images is ~4,000 files per directory), metadata
 * rows in the `media` table (written in the same batch as the event that references them).
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, rename, writeFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { media } from '../db/schema.ts';
import type { MediaRef, MediaRole } from '../events/model.ts';
import { unsupportedMedia } from '../errors.ts';
import { isAcceptedImage, sniffContentType } from './sniff.ts';

export interface MediaMeta {
  id: string;
  contentType: string;
  byteSize: number;
}

/** Temp file names: unique per process (random prefix) and per write (counter). */
const TMP_PREFIX = randomBytes(6).toString('hex');
let tmpCounter = 0;

export class FileMediaStore {
  /** Ids written (or found) by this process: not written again. */
  private readonly known = new Set<string>();
  /** Shard directories (first 2 hex digits) this process created or found: no mkdir for them. */
  private readonly shards = new Set<string>();
  constructor(
    private readonly dir: string,
    private readonly db: Db,
  ) {}

  pathOf(id: string): string {
    return join(this.dir, id.slice(0, 2), id);
  }

  /** The content type of the bytes; UNSUPPORTED_MEDIA_TYPE unless an accepted image (or, for role CLIP, an MP4/MPEG-TS video). */
  check(data: Uint8Array, role: MediaRole, declaredType?: string): string {
    const sniffed = sniffContentType(data);
    if (role === 'CLIP' && (sniffed === 'video/mp4' || sniffed === 'video/mp2t')) return sniffed;
    if (!sniffed || !isAcceptedImage(sniffed)) {
      const what = declaredType ? `declared ${declaredType}` : 'no declared type';
      throw unsupportedMedia(`${role.toLowerCase().replace('_', ' ')} image: bytes are not a supported image (${what}; accepted: JPEG, PNG, GIF, WebP, BMP)`);
    }
    return sniffed;
  }

  /** Check the bytes, write the file (idempotent) and return the reference. Rows are written by the caller's batch. */
  async put(data: Uint8Array, role: MediaRole, declaredType?: string): Promise<MediaRef> {
    const sniffed = this.check(data, role, declaredType);
    const id = createHash('sha256').update(data).digest('hex');
    if (!this.known.has(id)) {
      await this.write(id, data);
      this.remember(id);
    }
    return { id, role, contentType: sniffed, byteSize: data.byteLength };
  }

  /**
   * Temp file + rename: readers never see a partial file, and since the name is the content's hash,
   * writing it again (another process, a re-send) replaces it with the same bytes, so no stat first.
   */
  private async write(id: string, data: Uint8Array): Promise<void> {
    const shard = id.slice(0, 2);
    const dir = join(this.dir, shard);
    const path = join(dir, id);
    const tmp = `${path}.${TMP_PREFIX}${(tmpCounter += 1)}.tmp`;
    try {
      if (!this.shards.has(shard)) {
        await mkdir(dir, { recursive: true });
        this.shards.add(shard);
      }
      try {
        await writeFile(tmp, data);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
        // The directory was removed from outside after this process created it: create it again.
        await mkdir(dir, { recursive: true });
        await writeFile(tmp, data);
      }
      await rename(tmp, path);
    } catch (e) {
      await unlink(tmp).catch(() => {});
      throw e;
    }
  }

  private remember(id: string): void {
    if (this.known.size > 50_000) this.known.clear();
    this.known.add(id);
  }

  async meta(id: string): Promise<MediaMeta | null> {
    if (!/^[0-9a-f]{64}$/.test(id)) return null;
    const [row] = await this.db.select().from(media).where(eq(media.id, id)).limit(1);
    return row ? { id: row.id, contentType: row.contentType, byteSize: row.byteSize } : null;
  }

  open(id: string) {
    return createReadStream(this.pathOf(id));
  }
}
