/**
 * Content-addressed media store. Bytes are appended to segment files (MEDIA_DIR/segments/*.seg, a
 * new one per process start and every 1 GiB); the `media` row (written in the same batch as the
 * event that references it) says which segment and offset hold them.
 *
 * Why segments, not one file per image: creating a file is the expensive step of ingest here —
 * an inode allocation under the filesystem's locks, measured at ~1 ms of CPU per image on these
 * machines under load (ext4 scanning recently deleted inodes), more than parsing the request. An
 * append is a positional write into an open file. It also suits retention (whole segments go) and
 * shared volumes: each process writes only its own, randomly named, segments.
 *
 * Durability is the page cache's, as before (the event row commits after the bytes are written, so a
 * SIGKILL loses nothing acknowledged; bytes of a write whose event never committed are dead space).
 * Rows from before segments (segment null) are served from media/ab/<id> files.
 */
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, createReadStream, fstatSync, mkdirSync, openSync, write as writeWithCallback } from 'node:fs';
import { open as openFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { media } from '../db/schema.ts';
import type { MediaRef, MediaRole } from '../events/model.ts';
import { unsupportedMedia } from '../errors.ts';
import { isAcceptedImage, sniffContentType } from './sniff.ts';

export interface MediaLocation {
  /** Segment file name under MEDIA_DIR/segments. */
  segment: string;
  offset: number;
}

export interface MediaMeta extends Partial<MediaLocation> {
  id: string;
  contentType: string;
  byteSize: number;
}

/** A stored item's reference and where its bytes are (for its `media` row). */
export type StoredMedia = MediaRef & MediaLocation;

const SEGMENT_MAX_BYTES = 1024 ** 3;
/** Names this store gives its segment files. */
export const SEGMENT_NAME = /^[0-9a-z]+-[0-9a-f]{12}\.seg$/;
const ZEROS = new Uint8Array(64 * 1024);

const pwrite = (fd: number, data: Uint8Array, position: number) =>
  new Promise<void>((resolve, reject) =>
    writeWithCallback(fd, data, 0, data.byteLength, position, (err, written) => {
      if (err) reject(err);
      else if (written !== data.byteLength) reject(new Error(`short write to a media segment (${written} of ${data.byteLength} bytes)`));
      else resolve();
    }),
  );

export class FileMediaStore {
  /** Where this process wrote each id (bounded): the same bytes are not written twice. */
  private readonly known = new Map<string, MediaLocation>();
  private segment: { name: string; fd: number; size: number } | null = null;

  constructor(
    private readonly dir: string,
    private readonly db: Db,
  ) {}

  private get segmentsDir(): string {
    return join(this.dir, 'segments');
  }

  /** The file of an id stored before segments. */
  legacyPathOf(id: string): string {
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

  /** Check the bytes, append them (once per process) and return the reference and location. Rows are written by the caller's batch. */
  async put(data: Uint8Array, role: MediaRole, declaredType?: string): Promise<StoredMedia> {
    const contentType = this.check(data, role, declaredType);
    const id = createHash('sha256').update(data).digest('hex');
    let at = this.known.get(id);
    if (!at) {
      at = await this.append(data);
      if (this.known.size > 50_000) this.known.clear();
      this.known.set(id, at);
    }
    return { id, role, contentType, byteSize: data.byteLength, segment: at.segment, offset: at.offset };
  }

  /** Reserve the range synchronously (concurrent appends never overlap), then write it. */
  private async append(data: Uint8Array): Promise<MediaLocation> {
    let seg = this.segment;
    // A segment another instance's reclaimer deleted (it held no committed media for a while: see
    // core/lifecycle/segment-reclaimer.ts) is left for a new one: bytes never go to an unlinked file.
    if (!seg || seg.size + data.byteLength > SEGMENT_MAX_BYTES || fstatSync(seg.fd).nlink === 0) seg = this.openSegment();
    const offset = seg.size;
    seg.size += data.byteLength;
    await pwrite(seg.fd, data, offset);
    return { segment: seg.name, offset };
  }

  private openSegment(): { name: string; fd: number; size: number } {
    const old = this.segment;
    mkdirSync(this.segmentsDir, { recursive: true });
    const name = `${Date.now().toString(36)}-${randomBytes(6).toString('hex')}.seg`;
    this.segment = { name, fd: openSync(join(this.segmentsDir, name), 'wx'), size: 0 };
    // Writes still in flight to the old segment hold their own fd number: close it a little later.
    if (old) setTimeout(() => closeSync(old.fd), 60_000).unref();
    return this.segment;
  }

  async meta(id: string): Promise<MediaMeta | null> {
    if (!/^[0-9a-f]{64}$/.test(id)) return null;
    const [row] = await this.db.select().from(media).where(eq(media.id, id)).limit(1);
    if (!row) return null;
    const meta: MediaMeta = { id: row.id, contentType: row.contentType, byteSize: row.byteSize };
    if (row.segment != null && row.offset != null) Object.assign(meta, { segment: row.segment, offset: row.offset });
    return meta;
  }

  /** Whether an event still references this id with an expired ref (its bytes went by retention): /media answers 410, not 404. */
  async expired(id: string): Promise<boolean> {
    if (!/^[0-9a-f]{64}$/.test(id)) return false;
    const ids = JSON.stringify([id]);
    const rows = await this.db.execute(sql`select 1 from events where jsonb_path_query_array(media, '$[*].id') @> ${ids}::text::jsonb and media <> '[]'::jsonb
      and exists (select from jsonb_array_elements(media) r where r->>'id' = ${id} and r->'expiredAt' is not null) limit 1`);
    return (Array.isArray(rows) ? rows : ((rows as { rows?: unknown[] }).rows ?? [])).length > 0;
  }

  /** The bytes of a stored item (from `meta`). */
  open(meta: MediaMeta) {
    if (meta.segment == null || meta.offset == null) return createReadStream(this.legacyPathOf(meta.id));
    if (!SEGMENT_NAME.test(meta.segment)) throw new Error(`invalid media segment name ${JSON.stringify(meta.segment)}`);
    if (meta.byteSize === 0) return createReadStream(join(this.segmentsDir, meta.segment), { start: 1, end: 0 });
    return createReadStream(join(this.segmentsDir, meta.segment), { start: meta.offset, end: meta.offset + meta.byteSize - 1 });
  }

  /** The segment file this process appends to (never reclaimed); null before the first image. */
  get activeSegment(): string | null {
    return this.segment?.name ?? null;
  }

  /** Where this store's segments live (MEDIA_DIR/segments). */
  get segmentsPath(): string {
    return this.segmentsDir;
  }

  /**
   * Forget where ids were written: their rows were deleted (retention, erasure), so a new image with
   * the same bytes is appended again instead of pointing a new row at bytes that may be reclaimed or zeroed.
   */
  forget(ids: Iterable<string>): void {
    for (const id of ids) this.known.delete(id);
  }

  /**
   * Erase the bytes of stored items (erasure): the byte range in its segment overwritten with zeros
   * (and flushed), or the pre-segment file deleted. Missing files count as erased.
   */
  async erase(items: readonly MediaMeta[]): Promise<void> {
    this.forget(items.map((m) => m.id));
    for (const m of items) {
      if (m.segment == null || m.offset == null) {
        await unlink(this.legacyPathOf(m.id)).catch((e: NodeJS.ErrnoException) => {
          if (e.code !== 'ENOENT') throw e;
        });
        continue;
      }
      if (!SEGMENT_NAME.test(m.segment)) throw new Error(`invalid media segment name ${JSON.stringify(m.segment)}`);
      const fh = await openFile(join(this.segmentsDir, m.segment), 'r+').catch((e: NodeJS.ErrnoException) => {
        if (e.code === 'ENOENT') return null;
        throw e;
      });
      if (!fh) continue;
      try {
        const size = (await fh.stat()).size;
        const end = Math.min(size, m.offset + m.byteSize);
        for (let at = m.offset; at < end; at += ZEROS.byteLength) await fh.write(ZEROS, 0, Math.min(ZEROS.byteLength, end - at), at);
        await fh.datasync();
      } finally {
        await fh.close();
      }
    }
  }

  close(): void {
    if (this.segment) closeSync(this.segment.fd);
    this.segment = null;
  }
}
