/**
 * Segment reclamation: a media segment file (MEDIA_DIR/segments) that no media row references any
 * more — its media expired, were erased, or their events never committed — is deleted. Never the
 * segment this process appends to, and never one written to within `graceMs` (another instance on a
 * shared volume may be appending to it, its rows not yet committed; media/store.ts also leaves a
 * segment that was unlinked under it). Partly dead segments are kept whole (no compaction): their
 * dead bytes are reported, so an operator sees what compaction would win.
 */
import { readdir, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { resultRows } from '../db/result-rows.ts';
import { SEGMENT_NAME } from '../media/store.ts';

export interface ReclaimResult {
  /** Segment files deleted. */
  deleted: string[];
  /** Bytes freed by deleting them. */
  freedBytes: number;
  /** Bytes of kept segments that no media row references. */
  deadBytes: number;
  /** Segment files kept. */
  segments: number;
}

export interface ReclaimOptions {
  db: Db;
  dir: string;
  /** The segment this process appends to. */
  active: string | null;
  nowMs: number;
  graceMs: number;
  signal?: AbortSignal;
}

export async function reclaimSegments(o: ReclaimOptions): Promise<ReclaimResult> {
  const out: ReclaimResult = { deleted: [], freedBytes: 0, deadBytes: 0, segments: 0 };
  let names: string[];
  try {
    names = (await readdir(o.dir)).filter((n) => SEGMENT_NAME.test(n));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return out;
    throw e;
  }
  for (const name of names.sort()) {
    if (o.signal?.aborted) break;
    const path = join(o.dir, name);
    const st = await stat(path).catch(() => null);
    if (!st) continue;
    const [live] = resultRows<{ n: string | number; bytes: string | number }>(await o.db.execute(sql`select count(*) as n, coalesce(sum(byte_size), 0) as bytes from media where segment = ${name}`));
    const liveRows = Number(live?.n ?? 0);
    if (liveRows === 0 && name !== o.active && o.nowMs - st.mtimeMs >= o.graceMs) {
      await unlink(path).catch((e: NodeJS.ErrnoException) => {
        if (e.code !== 'ENOENT') throw e;
      });
      out.deleted.push(name);
      out.freedBytes += st.size;
      continue;
    }
    out.segments++;
    out.deadBytes += Math.max(0, st.size - Number(live?.bytes ?? 0));
  }
  return out;
}
