/**
 * What a plate export holds, and the archive it is written to. The archive (tar, tar.ts) has:
 *
 *   plate-export/events.json         { "export": { plate, from, to, exportedAt, events, mediaFiles },
 *                                      "events": [ …every read of the plate in [from, to] (inclusive, as EventFilter), oldest first ] }
 *   plate-export/media/<sha256>.<ext> each image once (the file name is the Media id and the SHA-256
 *                                      of its bytes; events refer to it by `media[].file`)
 *
 * An event is shown as the API shows it (id, seq, kind, vendorType, occurredAt, receivedAt,
 * source, cameraId, plate, analytics, data, raw, listMatches, media). A media item whose bytes are no
 * longer stored (expired by retention) has `file: null`.
 */
import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { and, asc } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { events } from '../db/schema.ts';
import { filterConditions, rowToEvent } from '../db/event-repo.ts';
import { badInput } from '../errors.ts';
import type { StoredEvent } from '../events/model.ts';
import type { FileMediaStore, MediaMeta } from '../media/store.ts';
import { encodeGlobalId } from '../util/global-id.ts';
import { tarEnd, tarHeader, tarPadding } from './tar.ts';

export interface PlateExportQuery {
  plateNormalized: string;
  from: Date | null;
  to: Date | null;
}

export interface ExportLimits {
  /** Most events of one export (config exports.maxEvents); more → BAD_USER_INPUT. */
  maxEvents: number;
  /** Most image bytes of one export (config exports.maxBytes); more → BAD_USER_INPUT. */
  maxBytes: number;
}

export interface PlateExportContent {
  events: StoredEvent[];
  /** Media with bytes, by id (each once). */
  media: Map<string, MediaMeta>;
  mediaBytes: number;
}

const EXT: Record<string, string> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/gif': 'gif', 'image/webp': 'webp', 'image/bmp': 'bmp', 'video/mp4': 'mp4', 'video/mp2t': 'ts' };
export const mediaFileName = (m: Pick<MediaMeta, 'id' | 'contentType'>) => `media/${m.id}.${EXT[m.contentType] ?? 'bin'}`;
const ROOT = 'plate-export';

/** The reads of the plate and their stored media, within the limits (BAD_USER_INPUT naming `input` beyond them). */
export async function collectPlateExport(db: Db, media: FileMediaStore, q: PlateExportQuery, limits: ExportLimits): Promise<PlateExportContent> {
  const rows = await db
    .select()
    .from(events)
    .where(and(...filterConditions({ plate: q.plateNormalized, from: q.from, to: q.to })))
    .orderBy(asc(events.seq))
    .limit(limits.maxEvents + 1);
  if (rows.length > limits.maxEvents)
    throw badInput(`input: more than ${limits.maxEvents} reads of this plate in the range (exports.maxEvents); narrow input.from/input.to and export in parts`, { field: 'input' });
  const evs = rows.map(rowToEvent);
  const metas = new Map<string, MediaMeta>();
  let bytes = 0;
  for (const ev of evs)
    for (const ref of ev.media) {
      if (metas.has(ref.id)) continue;
      const meta = await media.meta(ref.id);
      if (!meta) continue;
      metas.set(ref.id, meta);
      bytes += meta.byteSize;
      if (bytes > limits.maxBytes) throw badInput(`input: the images of these reads exceed ${limits.maxBytes} bytes (exports.maxBytes); narrow input.from/input.to`, { field: 'input' });
    }
  return { events: evs, media: metas, mediaBytes: bytes };
}

/** An event as events.json shows it. Pure. */
export function exportedEvent(ev: StoredEvent, stored: ReadonlyMap<string, MediaMeta>) {
  return {
    id: encodeGlobalId(ev.typeName, ev.seq),
    seq: ev.seq.toString(),
    type: ev.typeName,
    kind: ev.kind,
    vendorType: ev.vendorType,
    occurredAt: ev.occurredAt.toISOString(),
    receivedAt: ev.receivedAt.toISOString(),
    source: { adapter: ev.adapter, instance: ev.instance },
    cameraId: ev.cameraId,
    plate: ev.plate,
    analytics: ev.analytics,
    listMatches: ev.listMatches ?? [],
    data: ev.data,
    raw: ev.raw,
    media: ev.media.map((m) => {
      const s = stored.get(m.id);
      return { id: m.id, role: m.role, contentType: m.contentType, byteSize: m.byteSize, file: s ? `${ROOT}/${mediaFileName(s)}` : null };
    }),
  };
}

async function put(out: WriteStream, chunk: Buffer): Promise<void> {
  if (!out.write(chunk)) await once(out, 'drain');
}

/** Write the archive to `path`; returns its size in bytes. */
export async function writePlateExport(path: string, q: PlateExportQuery, content: PlateExportContent, media: FileMediaStore, now: Date): Promise<number> {
  const out = createWriteStream(path, { flags: 'wx' });
  const failed: Promise<never> = once(out, 'error').then(([e]) => Promise.reject(e));
  failed.catch(() => {});
  try {
    return await writeArchive(out, failed, q, content, media, now);
  } catch (e) {
    out.destroy();
    throw e;
  }
}

async function writeArchive(out: WriteStream, failed: Promise<never>, q: PlateExportQuery, content: PlateExportContent, media: FileMediaStore, now: Date): Promise<number> {
  let size = 0;
  const write = async (b: Buffer) => {
    size += b.length;
    await Promise.race([put(out, b), failed]);
  };
  const json = Buffer.from(
    `${JSON.stringify(
      {
        export: {
          plate: q.plateNormalized,
          from: q.from?.toISOString() ?? null,
          to: q.to?.toISOString() ?? null,
          exportedAt: now.toISOString(),
          events: content.events.length,
          mediaFiles: content.media.size,
        },
        events: content.events.map((e) => exportedEvent(e, content.media)),
      },
      null,
      2,
    )}\n`,
  );
  await write(tarHeader(`${ROOT}/events.json`, json.length, now));
  await write(json);
  await write(tarPadding(json.length));
  for (const m of content.media.values()) {
    await write(tarHeader(`${ROOT}/${mediaFileName(m)}`, m.byteSize, now));
    let copied = 0;
    for await (const chunk of media.open(m)) {
      copied += (chunk as Buffer).length;
      await write(chunk as Buffer);
    }
    if (copied !== m.byteSize) throw new Error(`media ${m.id}: read ${copied} of ${m.byteSize} bytes`);
    await write(tarPadding(m.byteSize));
  }
  await write(tarEnd());
  out.end();
  await Promise.race([once(out, 'finish'), failed]);
  return size;
}
