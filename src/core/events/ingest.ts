/**
 * Core ingest: validate an adapter's EventInput, put its images into the media store, derive the
 * row (camera id, plate index columns) and hand it to the group-commit writer. Resolves after commit.
 */
import { badInput, formatIssuePath, tooLarge } from '../errors.ts';
import type { FileMediaStore } from '../media/store.ts';
import type { CameraCache } from '../cameras/cache.ts';
import { CAMERA_DEVICE_TYPE, cameraIdOf, eventInputSchema, type EventInput, type MediaRef, type PublishResult } from './model.ts';
import { checkCapabilities, checkDeviceType, checkEventKind, CORE_NAMES, type DeclaredNames } from '../adapter/declared-names.ts';
import type { EventWriter } from './writer.ts';
import { eventRowJson, type InsertableEventRow as EventRowInput } from '../db/event-insert.ts';
import { fastValidEventInput } from './fast-validate.ts';
import { hasNulEscape, isPlainJson, sanitizeJson, stripNul } from './sanitize.ts';
import { systemClock, type Clock } from '../time/clock.ts';
import type { ListMatch } from '../plates/matcher.ts';
import type { DiskWatermark } from '../media/disk-watermark.ts';
import type { StoredMedia } from '../media/store.ts';

export { sanitizeJson } from './sanitize.ts';

export interface Source {
  adapter: string;
  instance: string;
  /** Kinds, capabilities and device types the adapter may publish (default: the core ones). */
  names?: DeclaredNames;
}

export interface IngestOptions {
  writer: EventWriter;
  media: FileMediaStore;
  cameras: CameraCache;
  /** receivedAt and deadlines (default: real time; the writer's clock). */
  clock?: Clock;
  /** How long a publish may wait for the store before SERVICE_UNAVAILABLE. */
  defaultDeadlineMs?: number;
  /** Largest stored row as JSON (raw + data + typed fields), in bytes (config limits.eventMaxBytes, default 1 MiB). */
  maxRowBytes?: number;
  /** The plate lists every PLATE_READ is matched against (core/plates/list-index.ts); absent: none. */
  plateLists?: { match(plateNormalized: string, at: Date): ListMatch[] };
  /** Matching threw: the event is stored without matches (never refused for it); log and count here. */
  onMatchError?: (err: unknown, src: Source) => void;
  /** The free-space watermark (media/disk-watermark.ts): below it, events are stored without their images. */
  disk?: Pick<DiskWatermark, 'allowsMedia' | 'noteWritten' | 'markStale'>;
  /** `count` images of an event were not stored: the disk is below the watermark ('low_disk') or full ('disk_full'). */
  onMediaRefused?: (src: Source, count: number, reason: 'low_disk' | 'disk_full') => void;
}

export const DEFAULT_EVENT_MAX_BYTES = 1_048_576;
const systemTime = systemClock();

export class Ingest {
  constructor(private readonly options: IngestOptions) {}

  /** Rejections are counted by the adapter context (events_rejected_total), with the adapter's own. */
  async publish(src: Source, input: EventInput, opts: { deadlineMs?: number; spool?: boolean } = {}): Promise<PublishResult> {
    const ev = fastValidEventInput(input) ?? validEventInput(input);
    if (ev.kind === 'PLATE_READ' && !ev.plate) throw badInput('invalid event: PLATE_READ needs plate fields');
    const names = src.names ?? CORE_NAMES;
    checkEventKind(names, ev.kind, src.adapter);
    if (ev.camera && ev.device) throw badInput('invalid event: give event.camera or event.device, not both', { field: 'device' });
    // A device is stored like a camera (same table and id), with its type.
    const ref = ev.device ?? (ev.camera && { ...ev.camera, type: CAMERA_DEVICE_TYPE });
    if (ev.device) checkDeviceType(names, ev.device.type, src.adapter, 'event.device.type');
    if (ref) checkCapabilities(names, ref.capabilities, src.adapter, ev.device ? 'event.device.capabilities' : 'event.camera.capabilities');

    const cameraId = ref ? cameraIdOf(src.adapter, src.instance, ref.vendorId) : null;
    const camera =
      ref && cameraId && !this.options.cameras.has(cameraId, ref.name)
        ? {
            id: cameraId,
            adapter: src.adapter,
            instance: src.instance,
            vendorId: ref.vendorId,
            name: ref.name ?? ref.vendorId,
            deviceType: ref.type,
            status: 'ONLINE',
            capabilities: ref.capabilities ?? [],
          }
        : undefined;

    const now = (this.options.clock ?? systemTime).now();
    const listMatches = ev.plate ? this.matchLists(src, ev.plate.plateNormalized, ev.occurredAt) : null;
    const clean = storableRow({
      typeName: ev.typeName,
      kind: ev.kind,
      vendorType: stripNul(ev.vendorType),
      occurredAt: ev.occurredAt,
      receivedAt: now,
      adapter: src.adapter,
      instance: src.instance,
      cameraId,
      dedupeKey: stripNul(ev.dedupeKey),
      plateNormalized: ev.plate?.plateNormalized ?? null,
      trackId: ev.plate?.trackId ?? null,
      plate: ev.plate ?? null,
      analytics: ev.analytics ?? null,
      data: ev.data,
      raw: ev.raw ?? {},
      media: [],
      listMatches,
    });
    // Every adapter's events are bounded here, whatever the adapter checked itself.
    const maxRowBytes = this.options.maxRowBytes ?? DEFAULT_EVENT_MAX_BYTES;
    const rowBytes = clean.rowJson.length > maxRowBytes / 3 ? Buffer.byteLength(clean.rowJson) : clean.rowJson.length;
    if (rowBytes > maxRowBytes) throw tooLarge(`event: ${rowBytes} bytes as stored (raw and data) exceeds the limit of ${maxRowBytes}`);

    // Check every image before writing any, so a bad second image (or a refused event) leaves nothing behind.
    for (const m of ev.media) this.options.media.check(m.data, m.role, m.contentType);
    const stored = ev.media.length ? await this.putMedia(src, ev.media) : [];
    const mediaRefs: MediaRef[] = stored.map((m) => ({ id: m.id, role: m.role, contentType: m.contentType, byteSize: m.byteSize }));
    const row = mediaRefs.length ? { ...clean.row, media: mediaRefs } : clean.row;
    const rowJson = mediaRefs.length ? eventRowJson(row) : clean.rowJson;
    return this.options.writer.enqueue({
      row,
      rowJson,
      mediaRows: stored.map((m) => ({ id: m.id, contentType: m.contentType, byteSize: m.byteSize, segment: m.segment, offset: m.offset })),
      camera,
      deadline: (this.options.clock ?? systemTime).nowMs() + (opts.deadlineMs ?? this.options.defaultDeadlineMs ?? 10_000),
      spool: opts.spool ? 'append' : undefined,
    });
  }

  /**
   * The images into the media store, unless the disk is below the watermark or full: then the event
   * is stored without them (counted by onMediaRefused), never refused for it.
   */
  private async putMedia(src: Source, media: EventInput['media'] & object): Promise<StoredMedia[]> {
    const disk = this.options.disk;
    if (disk && !(await disk.allowsMedia())) {
      this.options.onMediaRefused?.(src, media.length, 'low_disk');
      return [];
    }
    try {
      const stored = await Promise.all(media.map((m) => this.options.media.put(m.data, m.role, m.contentType)));
      disk?.noteWritten(media.reduce((n, m) => n + m.data.byteLength, 0));
      return stored;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
      disk?.markStale();
      this.options.onMediaRefused?.(src, media.length, 'disk_full');
      return [];
    }
  }

  /** The lists the read matches now, as stored with it (null: none, or matching failed). */
  private matchLists(src: Source, plateNormalized: string, at: Date): ListMatch[] | null {
    const lists = this.options.plateLists;
    if (!lists) return null;
    try {
      const m = lists.match(plateNormalized, at);
      return m.length ? m : null;
    } catch (err) {
      this.options.onMatchError?.(err, src);
      return null;
    }
  }
}

/** zod's verdict (fast-validate.ts answers first for plainly valid input): the output, or the error naming each field. */
function validEventInput(input: EventInput) {
  const parsed = eventInputSchema.safeParse(input);
  if (!parsed.success) {
    const msgs = parsed.error.issues.map((i) => `${formatIssuePath(i.path, 'event')}: ${i.message}`);
    throw badInput(`invalid event: ${msgs.join('; ')}`);
  }
  return parsed.data;
}

/**
 * The row and its serialised form. The payloads are copied only when something in them must be
 * sanitised: the common event is checked (no allocation) and serialised once, and that text is
 * what the writer sends.
 */
function storableRow(row: EventRowInput): { row: EventRowInput; rowJson: string } {
  if (isPlainJson(row.plate) && isPlainJson(row.analytics) && isPlainJson(row.data) && isPlainJson(row.raw)) {
    const rowJson = eventRowJson(row);
    if (!hasNulEscape(rowJson)) return { row, rowJson };
  }
  const clean: EventRowInput = {
    ...row,
    plate: row.plate == null ? null : sanitizeJson(row.plate),
    analytics: row.analytics == null ? null : sanitizeJson(row.analytics),
    data: sanitizeJson(row.data) as Record<string, unknown>,
    raw: sanitizeJson(row.raw),
  };
  // A U+0000 left in a text column (e.g. a camera's vendor id) is refused by the database as data.
  return { row: clean, rowJson: eventRowJson(clean) };
}
