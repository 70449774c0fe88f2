/**
 * Content-addressed media store: bytes live in files under DATA_DIR/media/ab/cd/<sha256>, metadata
 * rows in the `media` table (written in the same batch as the event that references them).
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, rename, stat, writeFile, unlink } from 'node:fs/promises';
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

export class FileMediaStore {
  private readonly known = new Set<string>();
  constructor(
    private readonly dir: string,
    private readonly db: Db,
  ) {}

  pathOf(id: string): string {
    return join(this.dir, id.slice(0, 2), id.slice(2, 4), id);
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
      const path = this.pathOf(id);
      const exists = await stat(path).then(() => true, () => false);
      if (!exists) {
        await mkdir(join(this.dir, id.slice(0, 2), id.slice(2, 4)), { recursive: true });
        const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
        await writeFile(tmp, data);
        await rename(tmp, path).catch(async (e) => {
          await unlink(tmp).catch(() => {});
          throw e;
        });
      }
      this.remember(id);
    }
    return { id, role, contentType: sniffed, byteSize: data.byteLength };
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
