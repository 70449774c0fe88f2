/**
 * Core ingest: validate an adapter's EventInput, put its images into the media store, derive the
 * row (camera id, plate index columns) and hand it to the group-commit writer. Resolves after commit.
 */
import { badInput, formatIssuePath } from '../errors.ts';
import type { FileMediaStore } from '../media/store.ts';
import type { CameraCache } from '../cameras/cache.ts';
import {
  cameraIdOf,
  eventInputSchema,
  type EventInput,
  type MediaRef,
  type PublishResult,
} from './model.ts';
import type { EventWriter } from './writer.ts';

export interface Source {
  adapter: string;
  instance: string;
}

export interface IngestOptions {
  writer: EventWriter;
  media: FileMediaStore;
  cameras: CameraCache;
  now?: () => Date;
  /** How long a publish may wait for the store before SERVICE_UNAVAILABLE. */
  defaultDeadlineMs?: number;
}

export class Ingest {
  constructor(private readonly o: IngestOptions) {}

  /** Rejections are counted by the adapter context (events_rejected_total), with the adapter's own. */
  async publish(src: Source, input: EventInput, opts: { deadlineMs?: number } = {}): Promise<PublishResult> {
    const parsed = eventInputSchema.safeParse(input);
    if (!parsed.success) {
      const msgs = parsed.error.issues.map((i) => `${formatIssuePath(i.path, 'event')}: ${i.message}`);
      throw badInput(`invalid event: ${msgs.join('; ')}`);
    }
    const ev = parsed.data;
    if (ev.kind === 'PLATE_READ' && !ev.plate) throw badInput('invalid event: PLATE_READ needs plate fields');

    // Check every image before writing any, so a bad second image leaves nothing behind.
    for (const m of ev.media) this.o.media.check(m.data, m.role, m.contentType);
    const mediaRefs: MediaRef[] = [];
    for (const m of ev.media) mediaRefs.push(await this.o.media.put(m.data, m.role, m.contentType));

    const cameraId = ev.camera ? cameraIdOf(src.adapter, src.instance, ev.camera.vendorId) : null;
    const camera =
      ev.camera && cameraId && !this.o.cameras.has(cameraId, ev.camera.name)
        ? {
            id: cameraId,
            adapter: src.adapter,
            instance: src.instance,
            vendorId: ev.camera.vendorId,
            name: ev.camera.name ?? ev.camera.vendorId,
            status: 'ONLINE',
            capabilities: ev.camera.capabilities ?? [],
          }
        : undefined;

    const now = this.o.now?.() ?? new Date();
    return this.o.writer.enqueue({
      row: {
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
        plate: ev.plate ? sanitizeJson(ev.plate) : null,
        analytics: ev.analytics ? sanitizeJson(ev.analytics) : null,
        data: sanitizeJson(ev.data) as Record<string, unknown>,
        raw: sanitizeJson(ev.raw ?? {}),
        media: mediaRefs,
      },
      mediaRows: mediaRefs.map((m) => ({ id: m.id, contentType: m.contentType, byteSize: m.byteSize })),
      camera,
      deadline: Date.now() + (opts.deadlineMs ?? this.o.defaultDeadlineMs ?? 10_000),
    });
  }
}

const stripNul = (s: string) => (s.includes('\u0000') ? s.replaceAll('\u0000', '') : s);

/** PostgreSQL jsonb cannot hold U+0000; drop it from every string, keep everything else literally. */
export function sanitizeJson(v: unknown): unknown {
  if (typeof v === 'string') return stripNul(v);
  if (Array.isArray(v)) return v.map(sanitizeJson);
  if (v && typeof v === 'object') {
    if (v instanceof Date) return v.toISOString();
    if (v instanceof Uint8Array) return `<${v.byteLength} bytes removed>`;
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[stripNul(k)] = sanitizeJson(x);
    return out;
  }
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number' && !Number.isFinite(v)) return null;
  return v;
}
